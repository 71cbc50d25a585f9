// R10: runs a search plan (domain/search-query.ts) on D1. Every term is AND-ed:
//   3+ characters → record_search_fts MATCH, one phrase-quoted string (FTS5 trigram: any substring);
//   1–2 characters → record_grams by its primary key: an exact gram, or for 1 character the range of grams
//     starting with it (never a table scan, never LIKE: D1 refuses LIKE/GLOB patterns over 50 bytes);
//   ISBN → records.isbn13 / isbn10; NDC → a range on records.ndc.
// User text only ever arrives as bound values; the FTS5 query string is built from normalised letters and
// digits, each phrase in double quotes.
import { sql, type SQL } from "drizzle-orm";
import { SQLiteAsyncDialect } from "drizzle-orm/sqlite-core";
import { VALUE_SEPARATOR, charLength } from "../domain/normalize.ts";
import { SCOPES, fieldsMask } from "../domain/search-fields.ts";
import type { SearchPlan, TextTerm } from "../domain/search-query.ts";
import { D1_MAX_PARAMS, type Db } from "./db.ts";

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

export interface SearchPage {
  total: number;
  hits: SearchHit[];
  facets: SearchFacets;
}

const dialect = new SQLiteAsyncDialect();

/** A D1 statement from a drizzle `sql` query. drizzle 0.45's db.batch cannot run raw `sql` (its SQLiteRaw has no
 *  prepared statement), so batches of hand-written SQL go to the D1 client directly. */
export function d1Statement(db: Db, query: SQL): D1PreparedStatement {
  const { sql: text, params } = dialect.sqlToQuery(query);
  if (params.length > D1_MAX_PARAMS) throw new Error(`statement binds ${params.length} parameters; D1 allows ${D1_MAX_PARAMS}`);
  return d1Client(db).prepare(text).bind(...params);
}

/** Bound parameters of a query, as D1 will count them. */
export function boundParams(query: SQL): number {
  return dialect.sqlToQuery(query).params.length;
}

/** The D1 binding behind a drizzle handle (drizzle() sets $client; the Db type does not declare it). */
export function d1Client(db: Db): D1Database {
  return (db as Db & { $client: D1Database }).$client;
}

const SEP = sql.raw(`char(${VALUE_SEPARATOR.codePointAt(0)})`);
/** Above every character a normalised text can hold: the upper end of "grams starting with c". */
const MAX_CHAR = "\u{10FFFF}";

/** The FTS5 query for the 3+ character terms: quoted phrases, AND-ed, with a column filter per scope. */
export function ftsQuery(terms: readonly TextTerm[]): string {
  return terms
    .map((t) => {
      const phrase = `"${t.text.replaceAll('"', '""')}"`;
      return t.scope === "any" ? phrase : `{${SCOPES[t.scope].join(" ")}} : ${phrase}`;
    })
    .join(" AND ");
}

function gramSelect(t: TextTerm): SQL {
  const mask = t.scope === "any" ? sql`` : sql` AND (fields & ${fieldsMask(SCOPES[t.scope])}) <> 0`;
  if (charLength(t.text) === 2) return sql`SELECT record_id AS id FROM record_grams WHERE gram = ${t.text}${mask}`;
  return sql`SELECT DISTINCT record_id AS id FROM record_grams WHERE gram >= ${t.text} AND gram < ${t.text + MAX_CHAR}${mask}`;
}

/** `(prefix, next)`: the half-open range of NDC strings starting with prefix ('91' → ['91', '9:')). */
function ndcRange(prefix: string): [string, string] {
  const last = prefix.charCodeAt(prefix.length - 1);
  return [prefix, prefix.slice(0, -1) + String.fromCharCode(last + 1)];
}

/**
 * The ids matching every term, each part answered by an index. The first part drives and the others filter it
 * with `id IN (…)` (each computed once): D1 allows only 5 terms in a compound SELECT, so no INTERSECT chain.
 * Parts go most selective first: ISBN, words (FTS), 2-character grams, NDC class, 1-character grams.
 */
function hitsSelect(plan: SearchPlan): SQL {
  const parts: SQL[] = [];
  for (const i of plan.isbns) {
    parts.push(
      i.isbn10
        ? sql`SELECT id FROM records WHERE isbn13 = ${i.isbn13} OR isbn10 = ${i.isbn10}`
        : sql`SELECT id FROM records WHERE isbn13 = ${i.isbn13}`,
    );
  }
  const fts = plan.terms.filter((t) => t.via === "fts");
  if (fts.length) parts.push(sql`SELECT rowid AS id FROM record_search_fts WHERE record_search_fts MATCH ${ftsQuery(fts)}`);
  const grams = plan.terms.filter((t) => t.via === "grams");
  for (const t of grams) if (charLength(t.text) === 2) parts.push(gramSelect(t));
  if (plan.ndc) {
    const [from, to] = ndcRange(plan.ndc);
    parts.push(sql`SELECT id FROM records WHERE ndc >= ${from} AND ndc < ${to}`);
  }
  for (const t of grams) if (charLength(t.text) === 1) parts.push(gramSelect(t));
  const [first, ...rest] = parts;
  if (!first) throw new Error("search plan without a term"); // planSearch refuses these
  if (rest.length === 0) return first;
  return sql`SELECT id FROM (${first}) WHERE ${sql.join(
    rest.map((p) => sql`id IN (${p})`),
    sql` AND `,
  )}`;
}

/** The CTEs `hits` and `filtered` (hits narrowed by the facet filters). */
function filteredCtes(plan: SearchPlan): SQL {
  const f = plan.filters;
  const where: SQL[] = [];
  if (f.type) where.push(sql`r.material_type = ${f.type}`);
  if (f.year !== null) where.push(sql`r.pub_year = ${f.year}`);
  if (f.decade !== null) where.push(sql`r.pub_year BETWEEN ${f.decade} AND ${f.decade + 9}`);
  if (f.branchId !== null) {
    where.push(sql`EXISTS (SELECT 1 FROM items i WHERE i.record_id = r.id AND i.branch_id = ${f.branchId}
                             AND i.status = 'on_shelf' AND i.loanable = 1)`);
  }
  const filtered = where.length
    ? sql`SELECT r.id FROM hits h JOIN records r ON r.id = h.id WHERE ${sql.join(where, sql` AND `)}`
    : sql`SELECT id FROM hits`;
  return sql`hits(id) AS (${hitsSelect(plan)}), filtered(id) AS MATERIALIZED (${filtered})`;
}

/**
 * Ranking (relevance): 0 the main title or its reading is exactly what was typed (all words together, or one
 * of them); 1 starts with it; 2 the title holds every word; 3 title or reading does; 4 with the authors too;
 * 5 the rest (publisher, series, codes). The words are bound once, in the one-row CTE `rk` (k0… the keys,
 * t0… the words), so the expressions stay inline and the statement stays far below 100 parameters.
 */
function rankParts(plan: SearchPlan): { cte: SQL; join: SQL; rank: SQL } {
  if (plan.sort !== "relevance" || plan.rankTerms.length === 0) return { cte: sql``, join: sql``, rank: sql`0` };
  const terms = plan.rankTerms;
  const keys = [...new Set([terms.join(""), ...terms])];
  const col = (prefix: string, i: number) => sql.raw(`rk.${prefix}${i}`);
  const cols = [...keys.map((_, i) => `k${i}`), ...terms.map((_, i) => `t${i}`)].join(", ");
  const values = sql.join(
    [...keys, ...terms].map((v) => sql`${v}`),
    sql`, `,
  );
  const keyList = sql.join(
    keys.map((_, i) => col("k", i)),
    sql`, `,
  );
  const every = (test: (t: SQL) => SQL) =>
    sql.join(
      terms.map((_, i) => sql`(${test(col("t", i))})`),
      sql` AND `,
    );
  const prefix = sql.join(
    keys.map((_, i) => sql`instr(x.mt, ${col("k", i)}) = 1 OR instr(x.mr, ${col("k", i)}) = 1`),
    sql` OR `,
  );
  return {
    cte: sql`rk(${sql.raw(cols)}) AS (SELECT ${values}), `,
    join: sql` CROSS JOIN rk`,
    rank: sql`CASE
      WHEN x.mt IN (${keyList}) OR x.mr IN (${keyList}) THEN 0
      WHEN ${prefix} THEN 1
      WHEN ${every((t) => sql`instr(x.title, ${t}) > 0`)} THEN 2
      WHEN ${every((t) => sql`instr(x.title, ${t}) > 0 OR instr(x.reading, ${t}) > 0`)} THEN 3
      WHEN ${every((t) => sql`instr(x.title, ${t}) > 0 OR instr(x.reading, ${t}) > 0 OR instr(x.author, ${t}) > 0 OR instr(x.author_reading, ${t}) > 0`)} THEN 4
      ELSE 5 END`,
  };
}

function mainValue(column: SQL): SQL {
  return sql`CASE WHEN instr(${column}, ${SEP}) > 0 THEN substr(${column}, 1, instr(${column}, ${SEP}) - 1) ELSE ${column} END`;
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
      return sql`${a}.rank, ${a}.sort_reading, ${a}.id`;
  }
}

/** CTEs: every filtered hit with what its order needs; rank and reading come from the index row (normalised). */
function scoredCtes(plan: SearchPlan): SQL {
  if (plan.sort === "newest") {
    return sql`scored AS (SELECT r.id, r.pub_year FROM filtered h JOIN records r ON r.id = h.id)`;
  }
  const { cte, join, rank } = rankParts(plan);
  return sql`${cte}scored AS (
      SELECT x.id, ${rank} AS rank, CASE WHEN x.mr <> '' THEN x.mr ELSE x.mt END AS sort_reading
        FROM (SELECT h.id, f.title, f.reading, f.author, f.author_reading,
                     ${mainValue(sql`f.title`)} AS mt, ${mainValue(sql`f.reading`)} AS mr
                FROM filtered h JOIN record_search_fts f ON f.rowid = h.id) AS x${join}
    )`;
}

/** The page of hits, ranked and sorted; availability and people are read for the page's rows only. */
export function pageQuery(plan: SearchPlan): SQL {
  const offset = (plan.page - 1) * plan.pageSize;
  return sql`
    WITH ${filteredCtes(plan)}, ${scoredCtes(plan)},
    page AS (SELECT * FROM scored s ORDER BY ${orderBy(plan, "s")} LIMIT ${plan.pageSize} OFFSET ${offset})
    SELECT r.id, r.title, r.title_reading AS titleReading, r.subtitle, r.responsibility, r.publisher,
           r.pub_year AS pubYear, r.material_type AS materialType, r.ndc, r.volume_label AS volumeLabel,
           se.title AS seriesTitle,
           (SELECT json_group_array(json_object('name', pp.name, 'role', pp.role))
              FROM (SELECT pe.name, rp.role FROM record_people rp JOIN people pe ON pe.id = rp.person_id
                     WHERE rp.record_id = r.id ORDER BY rp.position, rp.person_id) AS pp) AS people,
           (SELECT count(*) FROM items i JOIN branches b ON b.id = i.branch_id
             WHERE i.record_id = r.id AND b.in_city = 1 AND i.status <> 'withdrawn') AS copies,
           (SELECT count(*) FROM items i JOIN branches b ON b.id = i.branch_id
             WHERE i.record_id = r.id AND b.in_city = 1 AND i.loanable = 1 AND i.status = 'on_shelf') AS available,
           (SELECT count(*) FROM items i JOIN branches b ON b.id = i.branch_id
             WHERE i.record_id = r.id AND b.in_city = 1 AND i.loanable = 1 AND i.status NOT IN ('withdrawn', 'missing')) AS loanable
      FROM page p JOIN records r ON r.id = p.id LEFT JOIN series se ON se.id = r.series_id
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

/** The total and the facet counts over the whole (filtered) result set, in one statement: each hit's record is
 *  read once (`fr`), then grouped per facet. */
export function facetQuery(plan: SearchPlan): SQL {
  const ndcLen = ndcFacetLength(plan);
  const level = yearLevel(plan);
  const ndcKey = ndcLen === null ? sql`NULL` : sql`CASE WHEN length(r.ndc) >= ${ndcLen} THEN substr(r.ndc, 1, ${ndcLen}) END`;
  const yearKey = level === null ? sql`NULL` : level === "decade" ? sql`(r.pub_year / 10) * 10` : sql`r.pub_year`;
  return sql`
    WITH ${filteredCtes(plan)},
    fr AS MATERIALIZED (
      SELECT r.material_type AS type, ${ndcKey} AS ndc, ${yearKey} AS year FROM filtered h JOIN records r ON r.id = h.id
    )
    -- Five terms: D1's limit for a compound SELECT.
    SELECT 'total' AS facet, NULL AS value, NULL AS label, count(*) AS n FROM fr
    UNION ALL SELECT 'type', type, NULL, count(*) FROM fr GROUP BY type
    UNION ALL SELECT 'ndc', ndc, NULL, count(*) FROM fr WHERE ndc IS NOT NULL GROUP BY ndc
    UNION ALL SELECT 'year', year, NULL, count(*) FROM fr WHERE year IS NOT NULL GROUP BY year
    -- CROSS JOIN keeps the hits driving (copies by record), so a narrow search never walks every copy on a shelf.
    UNION ALL SELECT 'branch', b.id, b.name, count(DISTINCT i.record_id)
                FROM filtered h CROSS JOIN items i ON i.record_id = h.id CROSS JOIN branches b ON b.id = i.branch_id
               WHERE i.status = 'on_shelf' AND i.loanable = 1 AND b.in_city = 1
               GROUP BY b.id`;
}

interface PageRow extends Omit<SearchHit, "people"> {
  people: string | null;
}

interface FacetRow {
  facet: string;
  value: string | number | null;
  label: string | null;
  n: number;
}

/** Runs the plan: the page and the facets in one round trip. */
export async function findRecords(db: Db, plan: SearchPlan): Promise<SearchPage> {
  const [page, facet] = await d1Client(db).batch([d1Statement(db, pageQuery(plan)), d1Statement(db, facetQuery(plan))]);
  const pageRows = (page?.results ?? []) as PageRow[];
  const facetRows = (facet?.results ?? []) as FacetRow[];
  const facets: SearchFacets = { branch: [], type: [], ndc: [], year: [], yearLevel: yearLevel(plan) };
  let total = 0;
  for (const row of facetRows) {
    if (row.facet === "total") {
      total = Number(row.n);
      continue;
    }
    if (row.value === null) continue;
    const list = facets[row.facet as "branch" | "type" | "ndc" | "year"];
    list.push({ value: String(row.value), label: row.label, count: Number(row.n) });
  }
  // Branches and types by count; classes and years in their natural order.
  facets.branch.sort((a, b) => b.count - a.count || Number(a.value) - Number(b.value));
  facets.type.sort((a, b) => b.count - a.count || a.value.localeCompare(b.value));
  facets.ndc.sort((a, b) => a.value.localeCompare(b.value));
  facets.year.sort((a, b) => Number(b.value) - Number(a.value));
  return {
    total,
    hits: pageRows.map((r) => ({
      ...r,
      people: r.people ? (JSON.parse(r.people) as SearchHitPerson[]) : [],
      copies: Number(r.copies),
      available: Number(r.available),
      loanable: Number(r.loanable),
    })),
    facets,
  };
}
