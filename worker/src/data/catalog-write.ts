// Writes imported catalogue records (R10) and demo holdings (R11, R12) to D1, in bulk.
//
// D1 binds at most 100 parameters per statement, which would mean 4 records per INSERT. Instead each statement
// binds one parameter: a JSON array of rows, unpacked in SQL with json_each(). A statement then carries hundreds
// of rows (up to ROW_JSON_BYTES, well under D1's 2 MB per value), and the statements go in db.batch() calls (each
// one transaction), so importing the demo catalogue takes a few dozen round trips, not one per row.
// Re-importing updates: series and people by source_key, records by (source, source_id), the record's people
// replaced. Holdings are only ever inserted, so staff changes to a copy survive a re-import.
import { getTableColumns, sql, type SQL } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import type { SQLiteTable } from "drizzle-orm/sqlite-core";
import type { ImportRecord } from "../../../db/import/types.ts";
import { items, people, recordPeople, records, series } from "../../../db/schema/index.ts";
import type { ItemStatus } from "../domain/vocabulary.ts";
import type { Db } from "./db.ts";
import { reindexRecords } from "./search-index.ts";

/** JSON bytes of rows per statement, and statements' JSON bytes per db.batch() call. */
const ROW_JSON_BYTES = 400_000;
const BATCH_JSON_BYTES = 2_000_000;
const MAX_ROWS_PER_STATEMENT = 1000;

export interface CatalogWriteResult {
  inserted: number;
  updated: number;
  /** records.id for each input record, in input order (a record given twice gets the same id twice). */
  ids: number[];
}

export interface CopyRow {
  barcode: string;
  recordId: number;
  branchId: number;
  loanable: boolean;
  status: ItemStatus;
  shelfMark: string | null;
}

interface Statement {
  query: BatchItem<"sqlite">;
  bytes: number;
  /** existing: which records are already there; upsert: the records' ids (both read back from the batch). */
  kind: "other" | "existing" | "upsert";
}

export async function upsertCatalog(db: Db, input: readonly ImportRecord[], now: number = Date.now()): Promise<CatalogWriteResult> {
  // The last of several records with one key wins, as if they had been imported one after the other.
  const byKey = new Map<string, ImportRecord>();
  for (const r of input) byKey.set(recordKey(r.source, r.sourceId), r);
  const unique = [...byKey.values()];

  const statements: Statement[] = [];
  for (const rows of packRows(uniqueSeries(unique).map((s) => [s.sourceKey, s.title, s.titleReading]))) {
    statements.push(upsertSeriesStatement(db, rows));
  }
  for (const rows of packRows(uniquePeople(unique).map((p) => [p.sourceKey, p.name, p.nameReading, p.birth, p.death]))) {
    statements.push(upsertPeopleStatement(db, rows));
  }
  for (const group of packRows(unique.map(recordRow))) {
    const keys = JSON.stringify(group.rows.map((row) => [row[R.source], row[R.sourceId]]));
    const links = group.rows.flatMap((row) => {
      const r = byKey.get(recordKey(row[R.source] as string, row[R.sourceId] as string))!;
      return r.people.map((p, position) => [r.source, r.sourceId, p.sourceKey, p.role, position]);
    });
    statements.push(existingRecordsStatement(db, keys));
    statements.push(upsertRecordsStatement(db, group, now));
    statements.push({ query: db.delete(recordPeople).where(sql`${recordPeople.recordId} IN (${recordIdsFromKeys(keys)})`), bytes: keys.length, kind: "other" });
    for (const linkRows of packRows(links)) statements.push(insertRecordPeopleStatement(db, linkRows));
  }

  const idByKey = new Map<string, number>();
  const existed = new Set<string>();
  for (const batch of groupStatements(statements)) {
    const results = await db.batch(batch.map((s) => s.query) as [BatchItem<"sqlite">, ...BatchItem<"sqlite">[]]);
    batch.forEach((s, i) => {
      const rows = results[i] as { source: string; sourceId: string; id?: number }[];
      if (s.kind === "existing") for (const r of rows) existed.add(recordKey(r.source, r.sourceId));
      if (s.kind === "upsert") for (const r of rows) idByKey.set(recordKey(r.source, r.sourceId), r.id!);
    });
  }

  const ids = input.map((r) => {
    const id = idByKey.get(recordKey(r.source, r.sourceId));
    if (id === undefined) throw new Error(`catalogue write: no id came back for ${r.source}:${r.sourceId}`);
    return id;
  });
  const uniqueIds = [...new Set(ids)];
  // R10: the search index follows the records it was built from.
  await reindexRecords(db, uniqueIds);
  const updated = unique.filter((r) => existed.has(recordKey(r.source, r.sourceId))).length;
  return { inserted: unique.length - updated, updated, ids };
}

/** Inserts copies by barcode; a barcode already there is left as it is (staff may have changed its status). */
export async function upsertHoldings(db: Db, copies: readonly CopyRow[], now: number = Date.now()): Promise<{ inserted: number }> {
  const statements: Statement[] = [];
  for (const group of packRows(copies.map((c) => [c.barcode, c.recordId, c.branchId, c.loanable ? 1 : 0, c.status, c.shelfMark]))) {
    const query = db
      .insert(items)
      .select(
        selectFromJson(items, group.json, {
          barcode: at(0),
          recordId: at(1),
          branchId: at(2),
          loanable: at(3),
          status: at(4),
          shelfMark: at(5),
          createdAt: sql`${now}`,
          // Where the copy is: its own branch, nowhere while in transit (0004). Set here rather than left to the
          // trigger items_current_branch_default, whose UPDATE D1 would count in meta.changes as a second row.
          currentBranchId: sql`CASE WHEN ${at(4)} = 'in_transit' THEN NULL ELSE ${at(2)} END`,
        }),
      )
      .onConflictDoNothing({ target: items.barcode });
    statements.push({ query, bytes: group.json.length, kind: "other" });
  }
  let inserted = 0;
  for (const batch of groupStatements(statements)) {
    const results = await db.batch(batch.map((s) => s.query) as [BatchItem<"sqlite">, ...BatchItem<"sqlite">[]]);
    for (const r of results as unknown as D1Result[]) inserted += r.meta.changes ?? 0;
  }
  return { inserted };
}

// ---- statements

function upsertSeriesStatement(db: Db, group: RowGroup): Statement {
  const query = db
    .insert(series)
    .select(selectFromJson(series, group.json, { sourceKey: at(0), title: at(1), titleReading: at(2) }))
    .onConflictDoUpdate({
      target: series.sourceKey,
      set: { title: sql`excluded.title`, titleReading: sql`coalesce(excluded.title_reading, ${series.titleReading})` },
    });
  return { query, bytes: group.json.length, kind: "other" };
}

function upsertPeopleStatement(db: Db, group: RowGroup): Statement {
  const query = db
    .insert(people)
    .select(selectFromJson(people, group.json, { sourceKey: at(0), name: at(1), nameReading: at(2), birth: at(3), death: at(4) }))
    .onConflictDoUpdate({
      target: people.sourceKey,
      // A feed without a reading (or dates) for a person does not erase what another source gave.
      set: {
        name: sql`excluded.name`,
        nameReading: sql`coalesce(excluded.name_reading, ${people.nameReading})`,
        birth: sql`coalesce(excluded.birth, ${people.birth})`,
        death: sql`coalesce(excluded.death, ${people.death})`,
      },
    });
  return { query, bytes: group.json.length, kind: "other" };
}

// Positions in a record row (recordRow); the series is given by its key and resolved in SQL.
const R = {
  source: 0, sourceId: 1, title: 2, titleReading: 3, subtitle: 4, subtitleReading: 5, responsibility: 6, seriesKey: 7,
  volumeLabel: 8, volumeOrder: 9, materialType: 10, ndc: 11, publisher: 12, pubYear: 13, isbn13: 14, isbn10: 15,
  extent: 16, note: 17, sourceUrl: 18,
} as const;

function recordRow(r: ImportRecord): unknown[] {
  const row: unknown[] = [];
  row[R.source] = r.source;
  row[R.sourceId] = r.sourceId;
  row[R.title] = r.title;
  row[R.titleReading] = r.titleReading;
  row[R.subtitle] = r.subtitle;
  row[R.subtitleReading] = r.subtitleReading;
  row[R.responsibility] = r.responsibility;
  row[R.seriesKey] = r.series?.sourceKey ?? null;
  row[R.volumeLabel] = r.volumeLabel;
  row[R.volumeOrder] = r.volumeOrder;
  row[R.materialType] = r.materialType;
  row[R.ndc] = r.ndc;
  row[R.publisher] = r.publisher;
  row[R.pubYear] = r.pubYear;
  row[R.isbn13] = r.isbn13;
  row[R.isbn10] = r.isbn10;
  row[R.extent] = r.extent;
  row[R.note] = r.note;
  row[R.sourceUrl] = r.sourceUrl;
  return row;
}

function upsertRecordsStatement(db: Db, group: RowGroup, now: number): Statement {
  const query = db
    .insert(records)
    .select(
      selectFromJson(records, group.json, {
        source: at(R.source),
        sourceId: at(R.sourceId),
        title: at(R.title),
        titleReading: at(R.titleReading),
        subtitle: at(R.subtitle),
        subtitleReading: at(R.subtitleReading),
        responsibility: at(R.responsibility),
        seriesId: sql`(SELECT ${series.id} FROM ${series} WHERE ${series.sourceKey} = ${at(R.seriesKey)})`,
        volumeLabel: at(R.volumeLabel),
        volumeOrder: at(R.volumeOrder),
        materialType: at(R.materialType),
        ndc: at(R.ndc),
        publisher: at(R.publisher),
        pubYear: at(R.pubYear),
        isbn13: at(R.isbn13),
        isbn10: at(R.isbn10),
        extent: at(R.extent),
        note: at(R.note),
        sourceUrl: at(R.sourceUrl),
        createdAt: sql`${now}`,
        updatedAt: sql`${now}`,
      }),
    )
    .onConflictDoUpdate({ target: [records.source, records.sourceId], set: recordUpdateSet() })
    .returning({ id: records.id, source: records.source, sourceId: records.sourceId });
  return { query, bytes: group.json.length, kind: "upsert" };
}

/** Which of the rows' (source, source_id) already exist: run in the same batch just before the upsert. */
function existingRecordsStatement(db: Db, keys: string): Statement {
  const query = db
    .select({ source: records.source, sourceId: records.sourceId })
    .from(records)
    .where(sql`(${records.source}, ${records.sourceId}) IN (SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]') FROM json_each(${keys}))`);
  return { query, bytes: keys.length, kind: "existing" };
}

function recordIdsFromKeys(keys: string): SQL {
  return sql`SELECT r.id FROM json_each(${keys}) AS k JOIN ${records} AS r ON r.source = json_extract(k.value, '$[0]') AND r.source_id = json_extract(k.value, '$[1]')`;
}

function insertRecordPeopleStatement(db: Db, group: RowGroup): Statement {
  // Columns in table order: record_id, person_id, role, position.
  const select = sql`SELECT r.id, p.id, json_extract(j.value, '$[3]'), json_extract(j.value, '$[4]')
    FROM json_each(${group.json}) AS j
    JOIN ${records} AS r ON r.source = json_extract(j.value, '$[0]') AND r.source_id = json_extract(j.value, '$[1]')
    JOIN ${people} AS p ON p.source_key = json_extract(j.value, '$[2]')
    WHERE true`;
  const query = db.insert(recordPeople).select(select).onConflictDoNothing();
  return { query, bytes: group.json.length, kind: "other" };
}

// ---- helpers

function recordKey(source: string, sourceId: string): string {
  return `${source}\u0000${sourceId}`;
}

/** json_extract(j.value, '$[i]'): the i-th field of the current row. */
function at(i: number): SQL {
  return sql.raw(`json_extract(j.value, '$[${Math.trunc(i)}]')`);
}

/**
 * SELECT … FROM json_each(?) AS j WHERE true, one expression per table column in the table's order (what
 * drizzle's insert().select(sql) inserts into); columns not given are NULL (the id: a new rowid).
 * The WHERE is SQLite's rule for INSERT … SELECT … ON CONFLICT (it would parse ON as a join constraint).
 */
function selectFromJson<T extends SQLiteTable>(table: T, json: string, exprs: Partial<Record<keyof T["_"]["columns"], SQL>>): SQL {
  const columns = Object.keys(getTableColumns(table)) as (keyof T["_"]["columns"])[];
  const list = columns.map((c) => exprs[c] ?? sql`NULL`);
  return sql`SELECT ${sql.join(list, sql`, `)} FROM json_each(${json}) AS j WHERE true`;
}

/**
 * SET col = excluded.col for every column but the key and created_at; updated_at only moves when something
 * changed, so a re-import of the same files leaves it (and what is derived from it, e.g. sitemap lastmod) alone.
 */
function recordUpdateSet(): Record<string, SQL> {
  const set: Record<string, SQL> = {};
  const changed: SQL[] = [];
  for (const [key, column] of Object.entries(getTableColumns(records))) {
    if (["id", "source", "sourceId", "createdAt", "updatedAt"].includes(key)) continue;
    set[key] = sql.raw(`excluded."${column.name}"`);
    // In an UPDATE every expression sees the row as it was: this compares old and new.
    changed.push(sql.raw(`"records"."${column.name}" IS NOT excluded."${column.name}"`));
  }
  set.updatedAt = sql`CASE WHEN ${sql.join(changed, sql` OR `)} THEN excluded."updated_at" ELSE "records"."updated_at" END`;
  return set;
}

interface RowGroup {
  rows: unknown[][];
  json: string;
}

/** Rows packed into JSON arrays of at most ROW_JSON_BYTES (and MAX_ROWS_PER_STATEMENT rows) each. */
function packRows(rows: readonly unknown[][]): RowGroup[] {
  const groups: RowGroup[] = [];
  let current: unknown[][] = [];
  let parts: string[] = [];
  let bytes = 2;
  const flush = () => {
    if (current.length > 0) groups.push({ rows: current, json: `[${parts.join(",")}]` });
    current = [];
    parts = [];
    bytes = 2;
  };
  for (const row of rows) {
    const json = JSON.stringify(row);
    // UTF-8 size: Japanese text is 3 bytes a character.
    const size = utf8Length(json) + 1;
    if (current.length > 0 && (bytes + size > ROW_JSON_BYTES || current.length >= MAX_ROWS_PER_STATEMENT)) flush();
    current.push(row);
    parts.push(json);
    bytes += size;
  }
  flush();
  return groups;
}

/** Statements in db.batch() groups of about BATCH_JSON_BYTES. */
function groupStatements(statements: readonly Statement[]): Statement[][] {
  const groups: Statement[][] = [];
  let current: Statement[] = [];
  let bytes = 0;
  for (const s of statements) {
    // A record chunk's select/upsert/delete/insert stay together so the "existing" answer matches its upsert.
    const startsChunk = s.kind === "existing";
    if (current.length > 0 && startsChunk && bytes + s.bytes > BATCH_JSON_BYTES) {
      groups.push(current);
      current = [];
      bytes = 0;
    }
    current.push(s);
    bytes += s.bytes;
  }
  if (current.length > 0) groups.push(current);
  return groups;
}

function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    n += c < 0x80 ? 1 : c < 0x800 ? 2 : c >= 0xd800 && c < 0xdc00 ? (i++, 4) : 3;
  }
  return n;
}

function uniqueSeries(rs: readonly ImportRecord[]): { sourceKey: string; title: string; titleReading: string | null }[] {
  const map = new Map<string, { sourceKey: string; title: string; titleReading: string | null }>();
  for (const r of rs) {
    if (!r.series) continue;
    const seen = map.get(r.series.sourceKey);
    if (!seen) map.set(r.series.sourceKey, { ...r.series });
    else seen.titleReading ??= r.series.titleReading;
  }
  return [...map.values()];
}

function uniquePeople(rs: readonly ImportRecord[]) {
  const map = new Map<string, { sourceKey: string; name: string; nameReading: string | null; birth: string | null; death: string | null }>();
  for (const r of rs) {
    for (const p of r.people) {
      const seen = map.get(p.sourceKey);
      if (!seen) map.set(p.sourceKey, { sourceKey: p.sourceKey, name: p.name, nameReading: p.nameReading, birth: p.birth ?? null, death: p.death ?? null });
      else {
        // One person, several records: keep the first name, fill in what the first lacked.
        seen.nameReading ??= p.nameReading;
        seen.birth ??= p.birth ?? null;
        seen.death ??= p.death ?? null;
      }
    }
  }
  return [...map.values()];
}
