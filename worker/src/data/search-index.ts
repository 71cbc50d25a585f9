// R10: keeps the search index (record_search_fts, record_grams, record_search_keys) in step with the catalogue.
// Texts are normalised here with the same function the query uses (domain/normalize.ts), so index and query
// always agree.
// Built for bulk (12k records at start, 100k in the benchmark): ids, rows and grams travel as JSON in one bound
// parameter per statement (json_each), so a statement never nears D1's 100-parameter limit and a thousand
// records cost a handful of statements in one batch, not a round trip each.
import { sql, type SQL } from "drizzle-orm";
import { noteIsbns } from "../domain/isbn.ts";
import { AUTHOR_KEY_MARK, IDENTIFIER_KEY_MARK, VALUE_SEPARATOR, normalizeText, personNameKeys, spelledReading, valueGrams } from "../domain/normalize.ts";
import { AUTHOR_ROLE, FTS_COLUMNS, SEARCH_FIELDS, SEARCH_KEY_KINDS, type SearchField } from "../domain/search-fields.ts";
import { chunk, type Db } from "./db.ts";
import { d1Client, d1Statement } from "./db.ts";

/** Records read and rewritten per batch: each batch is atomic, so a record is never missing from the index. */
const RECORDS_PER_BATCH = 1000;
/** Rows per INSERT … SELECT FROM json_each(?): keeps each bound JSON value well under D1's limits. */
const ROWS_PER_STATEMENT = 2000;

/** A record's row as the index reads it (also the 1M bench's template row, tests/bench/scale.ts). */
export interface SourceRow {
  id: number;
  title: string;
  title_reading: string | null;
  subtitle: string | null;
  subtitle_reading: string | null;
  responsibility: string | null;
  volume_label: string | null;
  publisher: string | null;
  ndc: string | null;
  isbn13: string | null;
  isbn10: string | null;
  series_title: string | null;
  series_reading: string | null;
  note: string | null;
  /** JSON: [[name, reading, role], …] in the record's order. */
  people: string | null;
}

/** One record's searchable text, each field a list of values (several authors, title and subtitle …). */
export type SearchDocument = Record<SearchField, string[]>;

/** What the index holds for one record: normalised values per field. Pure; exported for tests. */
export function buildSearchDocument(row: SourceRow): SearchDocument {
  const people = peopleOf(row);
  return normalizeDocument({
    // The main title comes first: ranking compares the column's start with what the patron typed.
    title: [row.title, row.subtitle],
    reading: [row.title_reading, row.subtitle_reading, ...spelled(row.title_reading, row.subtitle_reading)],
    // The statement of responsibility too: it spells names as the book prints them (Robert C.Martin 著).
    author: [...people.map((p) => p[0]), row.responsibility],
    author_reading: people.map((p) => p[1]),
    publisher: [row.publisher],
    series: [row.series_title, row.series_reading, ...spelled(row.series_reading), row.volume_label],
    codes: [row.isbn13, row.isbn10, row.ndc],
  });
}

function peopleOf(row: Pick<SourceRow, "people">): [string, string | null, string][] {
  return row.people ? (JSON.parse(row.people) as [string, string | null, string][]) : [];
}

/**
 * record_search_keys rows of one record that are not its titles (issue 6 §2): each way of typing the name of one
 * of its authors (kind 3) and each ISBN its note carries (kind 2: a second ISBN, one printed with a wrong check
 * digit), so a search finds them by key. Pure; exported for tests.
 */
export function extraSearchKeys(row: Pick<SourceRow, "people" | "note">): { key: string; kind: number }[] {
  const out = new Map<string, number>();
  for (const [name, reading, role] of peopleOf(row)) {
    if (role !== AUTHOR_ROLE) continue;
    for (const k of personNameKeys(name, reading)) out.set(AUTHOR_KEY_MARK + k, SEARCH_KEY_KINDS.author);
  }
  for (const isbn of noteIsbns(row.note)) out.set(IDENTIFIER_KEY_MARK + isbn, SEARCH_KEY_KINDS.identifier);
  return [...out].map(([key, kind]) => ({ key, kind }));
}

/** NDL readings also as spelled (ワガハイ ワ ネコ → ワガハイ ハ ネコ), after the values they vary. */
function spelled(...readings: (string | null)[]): string[] {
  return readings.map((r) => (r ? spelledReading(r) : null)).filter((r): r is string => r !== null);
}

function normalizeDocument(raw: Record<SearchField, (string | null | undefined)[]>): SearchDocument {
  const doc = {} as SearchDocument;
  for (const field of FTS_COLUMNS) {
    const values: string[] = [];
    for (const value of raw[field]) {
      const n = value ? normalizeText(value) : "";
      if (n && !values.includes(n)) values.push(n);
    }
    doc[field] = values;
  }
  return doc;
}

/** record_grams rows of one document: each distinct gram once, with the bits of every field it occurs in. */
export function documentGrams(doc: SearchDocument): Map<string, number> {
  const grams = new Map<string, number>();
  for (const field of FTS_COLUMNS) {
    const bit = SEARCH_FIELDS[field];
    for (const value of doc[field]) {
      for (const g of valueGrams(value)) grams.set(g, (grams.get(g) ?? 0) | bit);
    }
  }
  return grams;
}

const SEP = sql.raw(`char(${VALUE_SEPARATOR.codePointAt(0)})`);

/** A column's first value (values are joined by VALUE_SEPARATOR). */
function firstValue(column: SQL): SQL {
  return sql`CASE WHEN instr(${column}, ${SEP}) > 0 THEN substr(${column}, 1, instr(${column}, ${SEP}) - 1) ELSE ${column} END`;
}

/**
 * 1 for a book of its own, 0 for a work printed in a collection: an Aozora work whose source book (the note's
 * 「底本: …」 line, as db/import/aozora.ts writes it) bears another title (今野大力's poem こころ in 今野大力作品集,
 * not 夏目漱石's novel こころ typed from the book こころ). Ranking puts the first before the second among equal titles.
 */
const STANDALONE = sql`CASE WHEN r.source = 'aozora'
    THEN instr(coalesce(r.note, '') || char(10), '底本: ' || r.title || '（') > 0
      OR instr(coalesce(r.note, '') || char(10), '底本: ' || r.title || char(10)) > 0
    ELSE 1 END`;

/**
 * record_search_keys rows of these records, from their (just written) record_search_fts rows: the main title
 * (kind 0) and the title reading (kind 1), each the first value of its column (a key that is both is kept as
 * the title). 0003_search_keys.sql backfills with the same statement over every record (a test checks they agree).
 * Author and identifier keys (extraSearchKeys) need the normaliser, so only a reindex writes them (the importer's
 * upsert reindexes every record it takes: `npm run catalog:import` fills them on an existing database).
 */
function searchKeysInsert(idsJson: string): SQL {
  const from = sql`FROM record_search_fts f JOIN records r ON r.id = f.rowid WHERE f.rowid IN (SELECT value FROM json_each(${idsJson}))`;
  return sql`
    INSERT INTO record_search_keys (key, record_id, kind, standalone)
    SELECT key, id, min(kind), max(standalone) FROM (
      SELECT ${firstValue(sql`f.title`)} AS key, f.rowid AS id, 0 AS kind, ${STANDALONE} AS standalone ${from}
      UNION ALL
      SELECT ${firstValue(sql`f.reading`)}, f.rowid, 1, ${STANDALONE} ${from}
    )
    WHERE key <> ''
    GROUP BY key, id`;
}

/**
 * Rewrites the index rows of these records from the catalogue (DELETE + INSERT by record id). A record that no
 * longer exists just leaves the index. Safe to run again; called by the importer after each upsert.
 */
export async function reindexRecords(db: Db, recordIds: readonly number[]): Promise<{ records: number; grams: number }> {
  const ids = [...new Set(recordIds)].filter((id) => Number.isSafeInteger(id));
  let records = 0;
  let gramRows = 0;
  for (const part of chunk(ids, RECORDS_PER_BATCH)) {
    const idsJson = JSON.stringify(part);
    const read = await d1Statement(db, sql`
      SELECT r.id, r.title, r.title_reading, r.subtitle, r.subtitle_reading, r.responsibility, r.volume_label,
             r.publisher, r.ndc, r.isbn13, r.isbn10, s.title AS series_title, s.title_reading AS series_reading, r.note,
             (SELECT json_group_array(json_array(p.name, p.name_reading, p.role))
                FROM (SELECT p.name, p.name_reading, rp.role FROM record_people rp JOIN people p ON p.id = rp.person_id
                       WHERE rp.record_id = r.id ORDER BY rp.position, rp.person_id) AS p) AS people
        FROM records r LEFT JOIN series s ON s.id = r.series_id
       WHERE r.id IN (SELECT value FROM json_each(${idsJson}))`).all<SourceRow>();
    const rows = read.results;

    const ftsRows: (number | string)[][] = [];
    const gramList: [string, number, number][] = [];
    const keyList: [string, number, number][] = [];
    for (const row of rows) {
      const doc = buildSearchDocument(row);
      ftsRows.push([row.id, ...FTS_COLUMNS.map((f) => doc[f].join(VALUE_SEPARATOR))]);
      for (const [gram, fields] of documentGrams(doc)) gramList.push([gram, row.id, fields]);
      for (const { key, kind } of extraSearchKeys(row)) keyList.push([key, row.id, kind]);
    }

    const writes = [
      d1Statement(db, sql`DELETE FROM record_search_fts WHERE rowid IN (SELECT value FROM json_each(${idsJson}))`),
      d1Statement(db, sql`DELETE FROM record_grams WHERE record_id IN (SELECT value FROM json_each(${idsJson}))`),
      d1Statement(db, sql`DELETE FROM record_search_keys WHERE record_id IN (SELECT value FROM json_each(${idsJson}))`),
      ...chunk(ftsRows, ROWS_PER_STATEMENT).map((c) =>
        d1Statement(db, sql`
          INSERT INTO record_search_fts (rowid, title, reading, author, author_reading, publisher, series, codes)
          SELECT value ->> 0, value ->> 1, value ->> 2, value ->> 3, value ->> 4, value ->> 5, value ->> 6, value ->> 7
            FROM json_each(${JSON.stringify(c)})`),
      ),
      ...chunk(gramList, ROWS_PER_STATEMENT).map((c) =>
        d1Statement(db, sql`
          INSERT INTO record_grams (gram, record_id, fields)
          SELECT value ->> 0, value ->> 1, value ->> 2 FROM json_each(${JSON.stringify(c)})`),
      ),
      // After the FTS rows: the keys are read from them.
      d1Statement(db, searchKeysInsert(idsJson)),
      ...chunk(keyList, ROWS_PER_STATEMENT).map((c) =>
        d1Statement(db, sql`
          INSERT INTO record_search_keys (key, record_id, kind, standalone)
          SELECT value ->> 0, value ->> 1, value ->> 2, 1 FROM json_each(${JSON.stringify(c)})`),
      ),
    ];
    await d1Client(db).batch(writes);
    records += rows.length;
    gramRows += gramList.length;
  }
  return { records, grams: gramRows };
}
