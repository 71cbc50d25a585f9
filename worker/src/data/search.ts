// R10: runs a search plan (domain/search-query.ts) on D1. Every term is AND-ed; each kind of term has its index:
//   3+ characters → record_search_fts MATCH, one phrase-quoted string (FTS5 trigram: any substring);
//   1–2 characters → record_grams by its primary key: an exact gram, or for 1 character the range of grams
//     starting with it (never a table scan, never LIKE: D1 refuses LIKE/GLOB patterns over 50 bytes);
//   ISBN → records.isbn13 / isbn10, and the identifier keys of record_search_keys (an ISBN as a record's note
//     carries it, check digit wrong or not); NDC → a range on records.ndc; the author refinement (`person`) →
//     record_people by person.
// User text only ever arrives as bound values; the FTS5 query string is built from normalised letters and
// digits, each phrase in double quotes.
//
// Bounded work (issue 2: workerd runs one request at a time, so one broad search held up every other request).
// A search reads at most `count + 1` ids from its driving index (`tested + 1` when each needs its record's rows)
// and ranks at most `candidates` of them (SearchBounds):
//   driver  the ids of the most selective part (counted first when there are several), in index order, up to
//           that limit: the total is exact below it, a floor at it (「10,000件以上」);
//   win     the driver's ids that pass the other parts and the facet filters. A part counted complete is tested
//           against its own index list; one too broad to list is tested on the record's index row (instr on the
//           normalised columns: the same substring test the index answers);
//   kf      exact matches of the main title or reading and the works of an author the words name, then prefix
//           matches (record_search_keys, by key), that pass every part and filter: found however far down the
//           index order they sit;
//   cand    kf, then the first of win, `candidates` in all. Ranking, sorting, paging and facets read cand only.
// Every statement stays on indexes (no SCAN of records, grams or copies, no LIKE) and well under 100 parameters.
import { sql, type SQL } from "drizzle-orm";
import { AUTHOR_KEY_MARK, IDENTIFIER_KEY_MARK, VALUE_SEPARATOR, charLength, personNameKeys } from "../domain/normalize.ts";
import { SEARCH_BOUNDS } from "../domain/policy.ts";
import { AUTHOR_ROLE, SCOPES } from "../domain/search-fields.ts";
import type { IsbnTerm, SearchPlan, TextTerm } from "../domain/search-query.ts";
import { availableCopySql, heldCopySql, obtainableCopySql } from "./catalog-read.ts";
import { d1Client, d1Statement, type Db } from "./db.ts";

export interface SearchHitPerson {
  name: string;
  role: string;
}

export interface SearchHit {
  id: number;
  title: string;
  titleReading: string | null;
  subtitle: string | null;
  responsibility: string | null;
  people: SearchHitPerson[];
  publisher: string | null;
  pubYear: number | null;
  materialType: string;
  ndc: string | null;
  seriesTitle: string | null;
  volumeLabel: string | null;
  /** Copies held in the city (withdrawn ones not counted). */
  copies: number;
  /** Loanable copies on the shelf of an in-city library now. */
  available: number;
  /** Loanable copies in the city (on the shelf or not): zero means reference-only (R11). */
  loanable: number;
}

export interface FacetCount {
  /** The value a facet link sets: a branch id, a material type, an NDC prefix, a year or decade. */
  value: string;
  /** A branch's name; other facets are labelled by the view. */
  label: string | null;
  count: number;
}

export interface SearchFacets {
  branch: FacetCount[];
  type: FacetCount[];
  /** NDC prefixes one digit longer than the current NDC filter (first digit when there is none). */
  ndc: FacetCount[];
  /** Decades, or the years of the decade filtered on; empty once a year is chosen. */
  year: FacetCount[];
  yearLevel: "decade" | "year" | null;
}

/** How much one search may read (production: SEARCH_BOUNDS in domain/policy.ts; tests pass small ones). */
export interface SearchBounds {
  /** Hits ranked, sorted, paged and summed into facets at most. */
  candidates: number;
  /** Ids tested on their record's rows at most (another word too broad to list, a field scope, a facet filter). */
  tested: number;
  /** Hits counted exactly at most; past it the total is a floor (「10,000件以上」). */
  count: number;
}

/** The author refinement (issue 6 §2): a person whose name or reading is what was typed, and how many of the
 *  hits they wrote (「著者：芥川 竜之介（N件）」); the link adds `person` to the search. */
export interface AuthorRefinement {
  personId: number;
  name: string;
  /** Hits whose 著者 is this person: exact when `countExact`, else at least this many. */
  count: number;
  countExact: boolean;
  /** The search is already narrowed to this person. */
  active: boolean;
}

export interface SearchPage {
  /** Hits found: exact when `totalExact`, else at least this many. */
  total: number;
  totalExact: boolean;
  /** Hits ranked and paged (and summed into facets): all of them, or the first `candidates` when `capped`. */
  considered: number;
  capped: boolean;
  hits: SearchHit[];
  facets: SearchFacets;
  authors: AuthorRefinement[];
}

const SEP = sql.raw(`char(${VALUE_SEPARATOR.codePointAt(0)})`);
/** Above every character a normalised text can hold: the upper end of "grams starting with c". */
const MAX_CHAR = "\u{10FFFF}";
const MAX_CHAR_SQL = sql.raw(`char(${MAX_CHAR.codePointAt(0)})`);

/** A bound that goes into the SQL text as a literal (LIMIT): a positive integer, checked. */
function literal(n: number): SQL {
  if (!Number.isSafeInteger(n) || n < 1) throw new Error(`search bound must be a positive integer: ${n}`);
  return sql.raw(String(n));
}

/** The FTS5 query for the 3+ character terms: quoted phrases, AND-ed, with a column filter per scope. */
export function ftsQuery(terms: readonly TextTerm[]): string {
  return terms
    .map((t) => {
      const phrase = `"${t.text.replaceAll('"', '""')}"`;
      return t.scope === "any" ? phrase : `{${SCOPES[t.scope].join(" ")}} : ${phrase}`;
    })
    .join(" AND ");
}

/** `(prefix, next)`: the half-open range of NDC strings starting with prefix ('91' → ['91', '9:')). */
function ndcRange(prefix: string): [string, string] {
  const last = prefix.charCodeAt(prefix.length - 1);
  return [prefix, prefix.slice(0, -1) + String.fromCharCode(last + 1)];
}

/**
 * The words of a plan, bound once in the one-row CTE `rk` and referred to by column, so the statements stay far
 * below D1's 100 parameters: k0… the title keys (all words together, then each), w0… every distinct term text,
 * a0… the same keys as author keys (AUTHOR_KEY_MARK + key: a person's whole name or one part, written or read).
 */
interface Words {
  keys: string[];
  words: string[];
}

function planWords(plan: SearchPlan): Words {
  const r = plan.rankTerms;
  return { keys: r.length ? [...new Set([r.join(""), ...r])] : [], words: [...new Set(plan.terms.map((t) => t.text))] };
}

const rkKey = (i: number) => sql.raw(`rk.k${i}`);
const rkAuthor = (i: number) => sql.raw(`rk.a${i}`);
const authorKeys = (w: Words) =>
  sql.join(
    w.keys.map((_, i) => rkAuthor(i)),
    sql`, `,
  );
function rkWord(w: Words, text: string): SQL {
  return sql.raw(`rk.w${w.words.indexOf(text)}`);
}

function rkCte(w: Words): SQL {
  const cols = [...w.keys.map((_, i) => `k${i}`), ...w.words.map((_, i) => `w${i}`), ...w.keys.map((_, i) => `a${i}`)];
  if (cols.length === 0) return sql``;
  const values = sql.join(
    [...w.keys, ...w.words, ...w.keys.map((k) => AUTHOR_KEY_MARK + k)].map((v) => sql`${v}`),
    sql`, `,
  );
  return sql`rk(${sql.raw(cols.join(", "))}) AS (SELECT ${values}), `;
}

/** One AND-ed part of a search: an index list of ids, and the same test on one record's rows. */
interface Part {
  kind: "isbn" | "person" | "fts" | "gram" | "ndc";
  /** `SELECT id …`: distinct record ids in index order. */
  select: SQL;
  /** `SELECT id …` for counting: may repeat an id (a 1-character term's grams), so it counts at least the ids. */
  rows: SQL;
  /** The part's test on one record: its records row `r`, its index row `f`, the words `rk`. */
  probe: SQL;
  /** False when `select` is wider than the test (a scoped 1–2 character term: the list ignores the scope). */
  exact: boolean;
  needsRecord: boolean;
  needsText: boolean;
}

/** The term is a substring of a value of one of its scope's columns: what the gram and FTS indexes answer. */
function textProbe(t: TextTerm, w: Words): SQL {
  const word = rkWord(w, t.text);
  return sql`(${sql.join(
    SCOPES[t.scope].map((col) => sql`instr(f.${sql.raw(col)}, ${word}) > 0`),
    sql` OR `,
  )})`;
}

/** The parts, most selective kind first: ISBN, author, words (FTS), 2-character grams, NDC class, 1-character grams. */
function planParts(plan: SearchPlan, w: Words): Part[] {
  const parts: Part[] = [];
  for (const i of plan.isbns) parts.push(isbnPart(i));
  if (plan.person !== null) parts.push(personPart(plan.person));
  const fts = plan.terms.filter((t) => t.via === "fts");
  if (fts.length) {
    const select = sql`SELECT rowid AS id FROM record_search_fts WHERE record_search_fts MATCH ${ftsQuery(fts)}`;
    parts.push({
      kind: "fts",
      select,
      rows: select,
      probe: sql.join(
        fts.map((t) => textProbe(t, w)),
        sql` AND `,
      ),
      exact: true,
      needsRecord: false,
      needsText: true,
    });
  }
  const grams = plan.terms.filter((t) => t.via === "grams");
  const gramPart = (t: TextTerm): Part => {
    const one = charLength(t.text) === 1;
    const range = sql`FROM record_grams WHERE gram >= ${t.text} AND gram < ${t.text + MAX_CHAR}`;
    const select = one ? sql`SELECT DISTINCT record_id AS id ${range}` : sql`SELECT record_id AS id FROM record_grams WHERE gram = ${t.text}`;
    return {
      kind: "gram",
      select,
      // Counting a range's rows (no DISTINCT) reads the index only, without a temporary b-tree.
      rows: one ? sql`SELECT record_id AS id ${range}` : select,
      probe: textProbe(t, w),
      // The list reads the primary key only (covering); a field scope is checked on the index row.
      exact: t.scope === "any",
      needsRecord: false,
      needsText: true,
    };
  };
  for (const t of grams) if (charLength(t.text) === 2) parts.push(gramPart(t));
  if (plan.ndc) {
    const [from, to] = ndcRange(plan.ndc);
    const select = sql`SELECT id FROM records WHERE ndc >= ${from} AND ndc < ${to}`;
    parts.push({
      kind: "ndc",
      select,
      rows: select,
      probe: sql`(r.ndc >= ${from} AND r.ndc < ${to})`,
      exact: true,
      needsRecord: true,
      needsText: false,
    });
  }
  for (const t of grams) if (charLength(t.text) === 1) parts.push(gramPart(t));
  if (parts.length === 0) throw new Error("search plan without a term"); // planSearch refuses these
  return parts;
}

/**
 * An ISBN: the record's own ISBN columns for a valid one, and the ISBNs records carry in their notes (a second one,
 * one printed with a wrong check digit: identifier keys in record_search_keys), so it is found as typed (issue 6 §2).
 */
function isbnPart(i: IsbnTerm): Part {
  const keys = sql.join(
    i.recorded.map((r) => sql`${IDENTIFIER_KEY_MARK + r}`),
    sql`, `,
  );
  const recorded = sql`SELECT record_id AS id FROM record_search_keys WHERE key IN (${keys})`;
  const recordedProbe = sql`EXISTS (SELECT 1 FROM record_search_keys sk WHERE sk.key IN (${keys}) AND sk.record_id = r.id)`;
  const own = i.isbn;
  const select = !own
    ? recorded
    : own.isbn10
      ? sql`SELECT id FROM records WHERE isbn13 = ${own.isbn13} OR isbn10 = ${own.isbn10} UNION ${recorded}`
      : sql`SELECT id FROM records WHERE isbn13 = ${own.isbn13} UNION ${recorded}`;
  const probe = !own
    ? recordedProbe
    : own.isbn10
      ? sql`(r.isbn13 = ${own.isbn13} OR r.isbn10 = ${own.isbn10} OR ${recordedProbe})`
      : sql`(r.isbn13 = ${own.isbn13} OR ${recordedProbe})`;
  return { kind: "isbn", select, rows: select, probe, exact: true, needsRecord: true, needsText: false };
}

/** The author refinement: the works this person wrote (record_people by person, the role on the row). */
function personPart(personId: number): Part {
  const select = sql`SELECT record_id AS id FROM record_people WHERE person_id = ${personId} AND role = ${AUTHOR_ROLE}`;
  return {
    kind: "person",
    select,
    rows: select,
    probe: sql`EXISTS (SELECT 1 FROM record_people rp WHERE rp.record_id = r.id AND rp.person_id = ${personId} AND rp.role = ${AUTHOR_ROLE})`,
    exact: true,
    needsRecord: true,
    needsText: false,
  };
}

/** Which part drives, and which of the others were counted complete (their index list can test membership). */
export interface DriverChoice {
  driver: number;
  complete: boolean[];
}

/** Without counts: the first part drives, the others are listed. (findRecords counts them first.) */
function defaultChoice(parts: readonly Part[]): DriverChoice {
  return { driver: 0, complete: parts.map(() => true) };
}

/** One row, n0…: each part's index rows (at least its ids), counted up to `limit` (the index read stops there). */
function sizesQuery(parts: readonly Part[], limit: number): SQL {
  return sql`SELECT ${sql.join(
    parts.map((p, i) => sql`(SELECT count(*) FROM (SELECT id FROM (${p.rows}) LIMIT ${literal(limit)})) AS ${sql.raw(`n${i}`)}`),
    sql`, `,
  )}`;
}

/** The facet filters on one record (`r` its records row, `id` its id). */
function filterConds(plan: SearchPlan, id: SQL): { conds: SQL[]; needsRecord: boolean } {
  const f = plan.filters;
  const conds: SQL[] = [];
  if (f.type) conds.push(sql`r.material_type = ${f.type}`);
  if (f.year !== null) conds.push(sql`r.pub_year = ${f.year}`);
  if (f.decade !== null) conds.push(sql`r.pub_year BETWEEN ${f.decade} AND ${f.decade + 9}`);
  const needsRecord = conds.length > 0;
  if (f.branchId !== null) {
    conds.push(sql`EXISTS (SELECT 1 FROM items i WHERE i.record_id = ${id} AND i.branch_id = ${f.branchId}
                             AND ${availableCopySql("i")})`);
  }
  return { conds, needsRecord };
}

/** `SELECT <alias>.id FROM <source> <alias>` with the rows its tests read, filtered by them. */
function testedSelect(
  source: SQL,
  alias: string,
  tests: { conds: SQL[]; needsRecord: boolean; needsText: boolean },
  shape: { columns?: SQL; tail?: SQL } = {},
): SQL {
  const a = sql.raw(alias);
  const from = [
    tests.needsText ? sql`rk CROSS JOIN ${source} ${a}` : sql`${source} ${a}`,
    tests.needsRecord ? sql` CROSS JOIN records r ON r.id = ${a}.id` : sql``,
    tests.needsText ? sql` CROSS JOIN record_search_fts f ON f.rowid = ${a}.id` : sql``,
  ];
  const where = tests.conds.length ? sql` WHERE ${sql.join(tests.conds, sql` AND `)}` : sql``;
  return sql`SELECT ${shape.columns ?? sql`${a}.id`} FROM ${sql.join(from, sql``)}${where}${shape.tail ?? sql``}`;
}

/**
 * The CTEs up to `cand` (see the top of this file). `materialize`: the facet statement counts driver and win in
 * full; the page statement lets them stream, so it reads only as far as `candidates` hits.
 */
function candidateCtes(
  plan: SearchPlan,
  bounds: SearchBounds,
  choice: DriverChoice | undefined,
  materialize: boolean,
): { ctes: SQL; windowLimit: number } {
  const w = planWords(plan);
  const parts = planParts(plan, w);
  const c = choice ?? defaultChoice(parts);
  const m = materialize ? sql` MATERIALIZED` : sql``;
  const ctes: SQL[] = [];

  // win: the driver's ids that pass every other part and the filters.
  const filters = (id: string) => filterConds(plan, sql.raw(`${id}.id`));
  const winF = filters("d");
  const win = { conds: [] as SQL[], needsRecord: winF.needsRecord, needsText: false };
  parts.forEach((p, i) => {
    const probe = () => {
      win.conds.push(p.probe);
      win.needsRecord ||= p.needsRecord;
      win.needsText ||= p.needsText;
    };
    if (i === c.driver) {
      if (!p.exact) probe();
    } else if (c.complete[i]) {
      ctes.push(sql`${sql.raw(`p${i}`)}(id) AS MATERIALIZED (SELECT id FROM (${p.select}) LIMIT ${literal(bounds.count + 1)})`);
      win.conds.push(sql`d.id IN (SELECT id FROM ${sql.raw(`p${i}`)})`);
      if (!p.exact) probe();
    } else {
      probe();
    }
  });
  win.conds.push(...winF.conds);
  // An index read costs well under a microsecond an id, a record's rows a few: fewer ids when rows are read.
  const rowsRead = win.needsRecord || win.needsText || winF.conds.length > 0;
  const windowLimit = (rowsRead ? Math.min(bounds.tested, bounds.count) : bounds.count) + 1;
  ctes.unshift(sql`driver(id) AS${m} (SELECT id FROM (${parts[c.driver]!.select}) LIMIT ${literal(windowLimit)})`);
  ctes.push(sql`win(id) AS${m} (${testedSelect(sql`driver`, "d", win)})`);

  const limit = literal(bounds.candidates);
  if (w.keys.length === 0) {
    ctes.push(sql`cand(id) AS MATERIALIZED (SELECT id FROM win LIMIT ${limit})`);
  } else {
    // kh: exact keys and the works of an author so named (tier 0, up to every candidate each: they are the best
    // there are), then prefixes (tier 1, a quarter); kf: those that pass every part and filter; cand: kf first,
    // then the window's first ids.
    const keys = w.keys.map((_, i) => rkKey(i));
    const exactKeys = sql`SELECT s.record_id AS id FROM rk CROSS JOIN record_search_keys s WHERE s.key IN (${sql.join(keys, sql`, `)}) LIMIT ${limit}`;
    const authorHits = authorKeyHits(w, limit);
    const prefixKeys = sql`SELECT s.record_id AS id FROM rk CROSS JOIN record_search_keys s WHERE ${sql.join(
      keys.map((k) => sql`(s.key >= ${k} AND s.key < ${k} || ${MAX_CHAR_SQL})`),
      sql` OR `,
    )} LIMIT ${literal(Math.ceil(bounds.candidates / 4))}`;
    ctes.push(sql`kh(id, tier) AS (SELECT id, 0 FROM (${exactKeys}) UNION ALL SELECT id, 0 FROM (${authorHits}) UNION ALL SELECT id, 1 FROM (${prefixKeys}))`);
    const kfF = filters("k");
    ctes.push(
      sql`kf(id, tier) AS MATERIALIZED (${testedSelect(
        sql`kh`,
        "k",
        {
          conds: [...parts.map((p) => p.probe), ...kfF.conds],
          needsRecord: kfF.needsRecord || parts.some((p) => p.needsRecord),
          needsText: true,
        },
        { columns: sql`k.id, min(k.tier)`, tail: sql` GROUP BY k.id` },
      )})`,
    );
    ctes.push(sql`cand(id) AS MATERIALIZED (
      SELECT id FROM (SELECT id FROM kf ORDER BY tier, id LIMIT ${limit})
      UNION ALL
      SELECT id FROM (SELECT id FROM win WHERE id NOT IN (SELECT id FROM kf) LIMIT max(0, ${limit} - (SELECT count(*) FROM kf)))
    )`);
  }
  return { ctes: sql`${rkCte(w)}${sql.join(ctes, sql`, `)}`, windowLimit };
}

/** Distinct works of the people named by the words (author keys), up to `limit`: an index range per key. */
function authorKeyHits(w: Words, limit: SQL): SQL {
  return sql`SELECT DISTINCT s.record_id AS id FROM rk CROSS JOIN record_search_keys s WHERE s.key IN (${authorKeys(w)}) LIMIT ${limit}`;
}

function mainValue(column: SQL): SQL {
  return sql`CASE WHEN instr(${column}, ${SEP}) > 0 THEN substr(${column}, 1, instr(${column}, ${SEP}) - 1) ELSE ${column} END`;
}

/** Ranks 0–8 (titleRank) for a work of an author named by the words, 9–17 for every other (issue 6 §2). */
const NOT_BY_AUTHOR = 9;

/**
 * Ranking (relevance), from best. First the works of an author whose name or reading is what was typed (a title
 * that merely contains the name comes after them), then the rest; within each, 0–3 the main title or its reading
 * is exactly what was typed (all words together, or one of them) — the title as written before a reading, and
 * among equal titles a book of its own before a work printed in a collection (record_search_keys.standalone);
 * 4 the title or reading starts with it; 5 the title holds every word; 6 title or reading does; 7 with the authors
 * too; 8 the rest (publisher, series, codes).
 */
function rankExpr(plan: SearchPlan, w: Words): SQL {
  const byAuthor = sql`EXISTS (SELECT 1 FROM record_search_keys s WHERE s.key IN (${authorKeys(w)}) AND s.record_id = x.id)`;
  return sql`(CASE WHEN ${byAuthor} THEN 0 ELSE ${sql.raw(String(NOT_BY_AUTHOR))} END + ${titleRankExpr(plan, w)})`;
}

/** Among titles that start with what was typed, the shortest first: the words cover most of it (ワガハイ: 吾輩は猫である
 *  before わが俳諧修業 and 我輩の智識吸収法). Null when no title key starts with the words. */
function closenessExpr(w: Words): SQL {
  const prefix = sql.join(
    w.keys.map((_, i) => sql`instr(s.key, ${rkKey(i)}) = 1`),
    sql` OR `,
  );
  return sql`(SELECT min(length(s.key)) FROM record_search_keys s WHERE s.record_id = x.id AND (${prefix}))`;
}

function titleRankExpr(plan: SearchPlan, w: Words): SQL {
  const keys = sql.join(
    w.keys.map((_, i) => rkKey(i)),
    sql`, `,
  );
  const prefix = sql.join(
    w.keys.map((_, i) => sql`instr(s.key, ${rkKey(i)}) = 1`),
    sql` OR `,
  );
  const every = (test: (t: SQL) => SQL) =>
    sql.join(
      plan.rankTerms.map((t) => sql`(${test(rkWord(w, t))})`),
      sql` AND `,
    );
  return sql`coalesce(
      (SELECT min(CASE WHEN s.key IN (${keys}) THEN s.kind * 2 + 1 - s.standalone WHEN ${prefix} THEN 4 END)
         FROM record_search_keys s WHERE s.record_id = x.id),
      CASE
        WHEN ${every((t) => sql`instr(x.title, ${t}) > 0`)} THEN 5
        WHEN ${every((t) => sql`instr(x.title, ${t}) > 0 OR instr(x.reading, ${t}) > 0`)} THEN 6
        WHEN ${every((t) => sql`instr(x.title, ${t}) > 0 OR instr(x.reading, ${t}) > 0 OR instr(x.author, ${t}) > 0 OR instr(x.author_reading, ${t}) > 0`)} THEN 7
        ELSE 8 END)`;
}

function orderBy(plan: SearchPlan, alias: string): SQL {
  const a = sql.raw(alias);
  switch (plan.sort) {
    case "reading":
      return sql`${a}.sort_reading, ${a}.id`;
    case "newest":
      // Newest first; within a year the latest catalogued. (No reading here: it would cost a read of every hit's
      // index row.)
      return sql`${a}.pub_year DESC NULLS LAST, ${a}.id DESC`;
    default:
      return sql`${a}.rank, ${a}.closeness, ${a}.sort_reading, ${a}.id`;
  }
}

/** CTE `scored`: every candidate with what its order needs; rank and reading come from the index row (normalised). */
function scoredCte(plan: SearchPlan): SQL {
  if (plan.sort === "newest") {
    return sql`scored AS (SELECT r.id, r.pub_year FROM cand h CROSS JOIN records r ON r.id = h.id)`;
  }
  const w = planWords(plan);
  const ranked = plan.sort === "relevance" && plan.rankTerms.length > 0;
  const rows = sql`
      SELECT x.id, ${ranked ? rankExpr(plan, w) : sql`0`} AS rank, ${ranked ? closenessExpr(w) : sql`NULL`} AS closeness,
             CASE WHEN x.mr <> '' THEN x.mr ELSE x.mt END AS sort_reading
        FROM (SELECT h.id, f.title, f.reading, f.author, f.author_reading,
                     ${mainValue(sql`f.title`)} AS mt, ${mainValue(sql`f.reading`)} AS mr
                FROM cand h CROSS JOIN record_search_fts f ON f.rowid = h.id) AS x${ranked ? sql` CROSS JOIN rk` : sql``}`;
  // Closeness orders the prefix matches (title rank 4) only; other ranks keep the reading order.
  return sql`scored AS (
      SELECT id, rank, CASE WHEN rank % ${sql.raw(String(NOT_BY_AUTHOR))} = 4 THEN coalesce(closeness, 0) ELSE 0 END AS closeness, sort_reading
        FROM (${rows})
    )`;
}

/** The page of hits, ranked and sorted among the candidates; availability and people for the page's rows only. */
export function pageQuery(plan: SearchPlan, bounds: SearchBounds = SEARCH_BOUNDS, choice?: DriverChoice): SQL {
  const offset = (plan.page - 1) * plan.pageSize;
  return sql`
    WITH ${candidateCtes(plan, bounds, choice, false).ctes}, ${scoredCte(plan)},
    page AS (SELECT * FROM scored s ORDER BY ${orderBy(plan, "s")} LIMIT ${plan.pageSize} OFFSET ${offset})
    SELECT r.id, r.title, r.title_reading AS titleReading, r.subtitle, r.responsibility, r.publisher,
           r.pub_year AS pubYear, r.material_type AS materialType, r.ndc, r.volume_label AS volumeLabel,
           se.title AS seriesTitle,
           (SELECT json_group_array(json_object('name', pp.name, 'role', pp.role))
              FROM (SELECT pe.name, rp.role FROM record_people rp JOIN people pe ON pe.id = rp.person_id
                     WHERE rp.record_id = r.id ORDER BY rp.position, rp.person_id) AS pp) AS people,
           (SELECT count(*) FROM items i JOIN branches b ON b.id = i.branch_id
             WHERE i.record_id = r.id AND b.in_city = 1 AND ${heldCopySql("i")}) AS copies,
           (SELECT count(*) FROM items i JOIN branches b ON b.id = i.branch_id
             WHERE i.record_id = r.id AND b.in_city = 1 AND ${availableCopySql("i")}) AS available,
           (SELECT count(*) FROM items i JOIN branches b ON b.id = i.branch_id
             WHERE i.record_id = r.id AND b.in_city = 1 AND i.loanable = 1 AND ${obtainableCopySql("i")}) AS loanable
      FROM page p CROSS JOIN records r ON r.id = p.id LEFT JOIN series se ON se.id = r.series_id
     ORDER BY ${orderBy(plan, "p")}`;
}

function ndcFacetLength(plan: SearchPlan): number | null {
  if (!plan.ndc) return 1;
  return plan.ndc.length < 3 && !plan.ndc.includes(".") ? plan.ndc.length + 1 : null;
}

function yearLevel(plan: SearchPlan): "decade" | "year" | null {
  if (plan.filters.year !== null) return null;
  return plan.filters.decade !== null ? "year" : "decade";
}

/**
 * The counts and the facets over the candidates, in one statement: each candidate's record is read once (`fr`),
 * then grouped per facet. The first row carries the counts: value = 1 when the driver's list was read to its end
 * (the window holds every hit), label = candidates, n = hits in the window.
 */
export function facetQuery(plan: SearchPlan, bounds: SearchBounds = SEARCH_BOUNDS, choice?: DriverChoice): SQL {
  const ndcLen = ndcFacetLength(plan);
  const level = yearLevel(plan);
  const ndcKey = ndcLen === null ? sql`NULL` : sql`CASE WHEN length(r.ndc) >= ${ndcLen} THEN substr(r.ndc, 1, ${ndcLen}) END`;
  const yearKey = level === null ? sql`NULL` : level === "decade" ? sql`(r.pub_year / 10) * 10` : sql`r.pub_year`;
  const { ctes, windowLimit } = candidateCtes(plan, bounds, choice, true);
  return sql`
    WITH ${ctes},
    fr AS MATERIALIZED (
      SELECT r.material_type AS type, ${ndcKey} AS ndc, ${yearKey} AS year FROM cand h CROSS JOIN records r ON r.id = h.id
    )
    -- Five terms: D1's limit for a compound SELECT.
    SELECT 'total' AS facet, (SELECT count(*) FROM driver) < ${literal(windowLimit)} AS value,
           (SELECT count(*) FROM cand) AS label, (SELECT count(*) FROM win) AS n
    UNION ALL SELECT 'type', type, NULL, count(*) FROM fr GROUP BY type
    UNION ALL SELECT 'ndc', ndc, NULL, count(*) FROM fr WHERE ndc IS NOT NULL GROUP BY ndc
    UNION ALL SELECT 'year', year, NULL, count(*) FROM fr WHERE year IS NOT NULL GROUP BY year
    -- CROSS JOIN keeps the candidates driving (copies by record), so a search never walks every copy on a shelf.
    UNION ALL SELECT 'branch', b.id, b.name, count(DISTINCT i.record_id)
                FROM cand h CROSS JOIN items i ON i.record_id = h.id CROSS JOIN branches b ON b.id = i.branch_id
               WHERE ${availableCopySql("i")} AND b.in_city = 1
               GROUP BY b.id`;
}

/**
 * The author refinement (issue 6 §2): the 著者 of the works found by author key (the words name a person) that pass
 * every part and filter, each with how many of them they wrote, up to `candidates` works read by key (`read` says
 * how many were: at the bound the counts are floors). Co-authors come too; findAuthors keeps the people so named.
 * Null when the search has no words.
 */
export function authorQuery(plan: SearchPlan, bounds: SearchBounds = SEARCH_BOUNDS): SQL | null {
  const w = planWords(plan);
  if (w.keys.length === 0) return null;
  const parts = planParts(plan, w);
  const f = filterConds(plan, sql.raw("k.id"));
  const found = testedSelect(sql`ka`, "k", {
    conds: [...parts.map((p) => p.probe), ...f.conds],
    needsRecord: f.needsRecord || parts.some((p) => p.needsRecord),
    needsText: true,
  });
  return sql`WITH ${rkCte(w)}ka(id) AS MATERIALIZED (${authorKeyHits(w, literal(bounds.candidates))}),
    kaf(id) AS MATERIALIZED (${found})
    SELECT pe.id AS id, pe.name AS name, pe.name_reading AS reading, count(*) AS n, (SELECT count(*) FROM ka) AS read
      FROM kaf k CROSS JOIN record_people rp ON rp.record_id = k.id CROSS JOIN people pe ON pe.id = rp.person_id
     WHERE rp.role = ${AUTHOR_ROLE}
     GROUP BY pe.id`;
}

/** Most people a refinement offers (a family name shared by several authors). */
const AUTHORS_SHOWN = 5;

interface AuthorRow {
  id: number;
  name: string;
  reading: string | null;
  n: number;
  read: number;
}

/** The people of authorQuery's rows whose name or reading is one of the words, most works first. */
function namedAuthors(plan: SearchPlan, rows: readonly AuthorRow[], bounds: SearchBounds): AuthorRefinement[] {
  const keys = new Set(planWords(plan).keys);
  return rows
    .filter((r) => personNameKeys(r.name, r.reading).some((k) => keys.has(k)))
    .map((r) => ({ personId: Number(r.id), name: r.name, count: Number(r.n), countExact: Number(r.read) < bounds.candidates, active: false }))
    .sort((a, b) => b.count - a.count || a.personId - b.personId)
    .slice(0, AUTHORS_SHOWN);
}

/**
 * With several parts, counts each (up to count + 1, index reads only) so the smallest drives: its list is read
 * whole when it is complete, and the others test its ids. Null when some part has no hit at all.
 */
async function chooseDriver(db: Db, plan: SearchPlan, bounds: SearchBounds): Promise<DriverChoice | null | undefined> {
  const parts = planParts(plan, planWords(plan));
  if (parts.length === 1) return undefined;
  // An ISBN drives (one or two records): the other parts are tested on its records, not listed.
  if (parts[0]!.kind === "isbn") return { driver: 0, complete: parts.map((p) => p.kind === "isbn") };
  const limit = bounds.count + 1;
  const row = await d1Statement(db, sizesQuery(parts, limit)).first<Record<string, number>>();
  const sizes = parts.map((_, i) => Number(row?.[`n${i}`] ?? 0));
  if (sizes.some((n) => n === 0)) return null;
  let driver = 0;
  sizes.forEach((n, i) => {
    if (n < sizes[driver]!) driver = i;
  });
  return { driver, complete: sizes.map((n) => n < limit) };
}

interface PageRow extends Omit<SearchHit, "people"> {
  people: string | null;
}

interface FacetRow {
  facet: string;
  value: string | number | null;
  label: string | number | null;
  n: number;
}

function noFacets(plan: SearchPlan): SearchFacets {
  return { branch: [], type: [], ndc: [], year: [], yearLevel: yearLevel(plan) };
}

/** Runs the plan, its work bounded by `bounds`: the parts' sizes when there are several, then the page and the
 *  facets in one round trip. */
export async function findRecords(db: Db, plan: SearchPlan, bounds: SearchBounds = SEARCH_BOUNDS): Promise<SearchPage> {
  const choice = await chooseDriver(db, plan, bounds);
  if (choice === null) return { total: 0, totalExact: true, considered: 0, capped: false, hits: [], facets: noFacets(plan), authors: [] };
  // Narrowed to a person: that person's name; else the people the words name, if any.
  const authors = plan.person !== null ? sql`SELECT id, name, name_reading AS reading FROM people WHERE id = ${plan.person}` : authorQuery(plan, bounds);
  const [page, facet, author] = await d1Client(db).batch([
    d1Statement(db, pageQuery(plan, bounds, choice)),
    d1Statement(db, facetQuery(plan, bounds, choice)),
    ...(authors ? [d1Statement(db, authors)] : []),
  ]);
  const authorRows = (author?.results ?? []) as AuthorRow[];
  const pageRows = (page?.results ?? []) as PageRow[];
  const facetRows = (facet?.results ?? []) as FacetRow[];
  const facets = noFacets(plan);
  let complete = false;
  let considered = 0;
  let inWindow = 0;
  for (const row of facetRows) {
    if (row.facet === "total") {
      complete = Number(row.value) === 1;
      considered = Number(row.label);
      inWindow = Number(row.n);
      continue;
    }
    if (row.value === null) continue;
    const list = facets[row.facet as "branch" | "type" | "ndc" | "year"];
    list.push({ value: String(row.value), label: row.label === null ? null : String(row.label), count: Number(row.n) });
  }
  // Branches and types by count; classes and years in their natural order.
  facets.branch.sort((a, b) => b.count - a.count || Number(a.value) - Number(b.value));
  facets.type.sort((a, b) => b.count - a.count || a.value.localeCompare(b.value));
  facets.ndc.sort((a, b) => a.value.localeCompare(b.value));
  facets.year.sort((a, b) => Number(b.value) - Number(a.value));
  const total = Math.min(inWindow, bounds.count);
  return {
    total,
    totalExact: complete,
    considered,
    capped: !complete || inWindow > considered,
    hits: pageRows.map((r) => ({
      ...r,
      people: r.people ? (JSON.parse(r.people) as SearchHitPerson[]) : [],
      copies: Number(r.copies),
      available: Number(r.available),
      loanable: Number(r.loanable),
    })),
    facets,
    authors:
      plan.person !== null
        ? authorRows.map((r) => ({ personId: Number(r.id), name: r.name, count: total, countExact: complete, active: true }))
        : namedAuthors(plan, authorRows, bounds),
  };
}
