// Catalogue reads for the record pages (static build and Worker fallback) and live availability (R10, R11, R15).
// Built for bulk: the site build loads thousands of records per round trip, so each call is one D1 batch and
// dense id lists are read by range (2 bound parameters) instead of IN lists (D1: at most 100 parameters).
import { and, asc, between, eq, gt, inArray, isNotNull, sql, type SQL } from "drizzle-orm";
import { branches, items, people, recordPeople, records, series } from "../../../db/schema/index.ts";
import { AVAILABLE_ITEM_STATUS, HELD_ITEM_STATUSES, OBTAINABLE_ITEM_STATUSES } from "../domain/vocabulary.ts";
import { D1_MAX_PARAMS, chunk, type Db } from "./db.ts";

// The SQL forms of domain/holdability.ts isHeld, isObtainable and isAvailable (one definition each, built from
// the vocabulary), for queries over `items` under the alias given (raw SQL in data/search.ts uses `i`).
const quoted = (values: readonly string[]) => values.map((v) => `'${v}'`).join(",");
/** Held (所蔵): not withdrawn. */
export function heldCopySql(alias: string): SQL {
  return sql.raw(`${alias}.status IN (${quoted(HELD_ITEM_STATUSES)})`);
}
/** Held and able to reach a patron (not missing either). */
export function obtainableCopySql(alias: string): SQL {
  return sql.raw(`${alias}.status IN (${quoted(OBTAINABLE_ITEM_STATUSES)})`);
}
/** Available (貸出可): loanable and on the shelf. */
export function availableCopySql(alias: string): SQL {
  return sql.raw(`${alias}.status = '${AVAILABLE_ITEM_STATUS}' AND ${alias}.loanable = 1`);
}

export interface RecordRow {
  id: number;
  title: string;
  titleReading: string | null;
  subtitle: string | null;
  subtitleReading: string | null;
  responsibility: string | null;
  seriesId: number | null;
  volumeLabel: string | null;
  volumeOrder: number | null;
  materialType: string;
  ndc: string | null;
  publisher: string | null;
  pubYear: number | null;
  isbn13: string | null;
  isbn10: string | null;
  extent: string | null;
  note: string | null;
  sourceUrl: string | null;
  updatedAt: number;
}

export interface RecordPerson {
  id: number;
  name: string;
  nameReading: string | null;
  role: string;
}

export interface SeriesVolume {
  id: number;
  title: string;
  volumeLabel: string | null;
  volumeOrder: number | null;
}

export interface RecordSeries {
  id: number;
  title: string;
  titleReading: string | null;
  /** Every volume of the series in reading order (R15), this record included. */
  volumes: SeriesVolume[];
}

export interface RecordItem {
  id: number;
  branchId: number;
  branchCode: string;
  branchName: string;
  inCity: boolean;
  loanable: boolean;
  status: string;
  shelfMark: string | null;
}

export interface RecordPage {
  record: RecordRow;
  people: RecordPerson[];
  series: RecordSeries | null;
  /** Copies ordered by branch (sort order) then copy. */
  items: RecordItem[];
}

export interface BranchRow {
  id: number;
  code: string;
  name: string;
  inCity: boolean;
}

export interface Availability {
  recordId: number;
  title: string;
  items: RecordItem[];
  branches: BranchRow[];
}

const recordColumns = {
  id: records.id,
  title: records.title,
  titleReading: records.titleReading,
  subtitle: records.subtitle,
  subtitleReading: records.subtitleReading,
  responsibility: records.responsibility,
  seriesId: records.seriesId,
  volumeLabel: records.volumeLabel,
  volumeOrder: records.volumeOrder,
  materialType: records.materialType,
  ndc: records.ndc,
  publisher: records.publisher,
  pubYear: records.pubYear,
  isbn13: records.isbn13,
  isbn10: records.isbn10,
  extent: records.extent,
  note: records.note,
  sourceUrl: records.sourceUrl,
  updatedAt: records.updatedAt,
};

const itemColumns = {
  recordId: items.recordId,
  id: items.id,
  branchId: items.branchId,
  branchCode: branches.code,
  branchName: branches.name,
  inCity: branches.inCity,
  loanable: items.loanable,
  status: items.status,
  shelfMark: items.shelfMark,
};

// Volumes without an order go last, then by id, so the list is stable.
const volumeOrdering = [asc(sql`${records.volumeOrder} IS NULL`), asc(records.volumeOrder), asc(records.id)];

type IdGroup = { lo: number; hi: number } | { ids: number[] };
type IdColumn = typeof records.id | typeof items.recordId | typeof recordPeople.recordId;

/** Ranges for dense id lists (one `BETWEEN`), IN-list chunks for sparse ones. */
function groupIds(ids: number[]): IdGroup[] {
  if (ids.length === 0) return [];
  const sorted = [...ids].sort((a, b) => a - b);
  const lo = sorted[0]!;
  const hi = sorted[sorted.length - 1]!;
  if (hi - lo + 1 <= Math.max(D1_MAX_PARAMS, sorted.length * 2)) return [{ lo, hi }];
  return chunk(sorted, D1_MAX_PARAMS - 1).map((part) => ({ ids: part }));
}

function idFilter(column: IdColumn, group: IdGroup): SQL {
  return "ids" in group ? inArray(column, group.ids) : between(column, group.lo, group.hi);
}

function isSafeId(id: number): boolean {
  return Number.isSafeInteger(id) && id > 0;
}

/** Record pages for the given ids, in the order of `ids`; unknown ids are left out. */
export async function getRecordPages(db: Db, ids: readonly number[]): Promise<RecordPage[]> {
  const wanted = [...new Set(ids.filter(isSafeId))];
  if (wanted.length === 0) return [];
  const wantedSet = new Set(wanted);
  const pages = new Map<number, RecordPage>();
  const seriesIds = new Set<number>();

  for (const group of groupIds(wanted)) {
    const [recordRows, personRows, itemRows] = await db.batch([
      db.select(recordColumns).from(records).where(idFilter(records.id, group)),
      db
        .select({ recordId: recordPeople.recordId, id: people.id, name: people.name, nameReading: people.nameReading, role: recordPeople.role })
        .from(recordPeople)
        .innerJoin(people, eq(people.id, recordPeople.personId))
        .where(idFilter(recordPeople.recordId, group))
        .orderBy(asc(recordPeople.recordId), asc(recordPeople.position)),
      db
        .select(itemColumns)
        .from(items)
        .innerJoin(branches, eq(branches.id, items.branchId))
        .where(and(idFilter(items.recordId, group), inArray(items.status, HELD_ITEM_STATUSES)))
        .orderBy(asc(items.recordId), asc(branches.sortOrder), asc(branches.id), asc(items.id)),
    ]);
    for (const r of recordRows) {
      if (!wantedSet.has(r.id)) continue;
      pages.set(r.id, { record: r, people: [], series: null, items: [] });
      if (r.seriesId !== null) seriesIds.add(r.seriesId);
    }
    for (const { recordId, ...p } of personRows) pages.get(recordId)?.people.push(p);
    for (const { recordId, ...i } of itemRows) pages.get(recordId)?.items.push(i);
  }

  if (seriesIds.size > 0) {
    const bySeries = await getSeries(db, [...seriesIds]);
    for (const page of pages.values()) {
      if (page.record.seriesId !== null) page.series = bySeries.get(page.record.seriesId) ?? null;
    }
  }
  return wanted.flatMap((id) => pages.get(id) ?? []);
}

async function getSeries(db: Db, seriesIds: number[]): Promise<Map<number, RecordSeries>> {
  const out = new Map<number, RecordSeries>();
  for (const part of chunk(seriesIds, D1_MAX_PARAMS - 1)) {
    const [seriesRows, volumeRows] = await db.batch([
      db.select({ id: series.id, title: series.title, titleReading: series.titleReading }).from(series).where(inArray(series.id, part)),
      db
        .select({ seriesId: records.seriesId, id: records.id, title: records.title, volumeLabel: records.volumeLabel, volumeOrder: records.volumeOrder })
        .from(records)
        .where(and(inArray(records.seriesId, part), isNotNull(records.seriesId)))
        .orderBy(asc(records.seriesId), ...volumeOrdering),
    ]);
    for (const s of seriesRows) out.set(s.id, { ...s, volumes: [] });
    for (const { seriesId, ...v } of volumeRows) if (seriesId !== null) out.get(seriesId)?.volumes.push(v);
  }
  return out;
}

export async function getRecordPage(db: Db, id: number): Promise<RecordPage | null> {
  if (!isSafeId(id)) return null;
  const [page] = await getRecordPages(db, [id]);
  return page ?? null;
}

/** Record ids in ascending order, after `afterId` (keyset paging: the sitemap and the build walk all of them). */
export async function listRecordIds(db: Db, opts: { afterId?: number; limit: number }): Promise<number[]> {
  const rows = await db
    .select({ id: records.id })
    .from(records)
    .where(gt(records.id, opts.afterId ?? 0))
    .orderBy(asc(records.id))
    .limit(opts.limit);
  return rows.map((r) => r.id);
}

/** Ids with their last change (records.updated_at, ms), ascending by id: the sitemaps' <lastmod> (issue 6 item 4). */
export async function listRecordStamps(db: Db, opts: { afterId?: number; limit: number }): Promise<{ id: number; updatedAt: number }[]> {
  return db
    .select({ id: records.id, updatedAt: records.updatedAt })
    .from(records)
    .where(gt(records.id, opts.afterId ?? 0))
    .orderBy(asc(records.id))
    .limit(opts.limit);
}

/** Live copies of one record with their branches, and every branch (for the R11 decision). Null if unknown. */
export async function getAvailability(db: Db, id: number): Promise<Availability | null> {
  if (!isSafeId(id)) return null;
  const [recordRows, itemRows, branchRows] = await db.batch([
    db.select({ id: records.id, title: records.title }).from(records).where(eq(records.id, id)),
    db
      .select(itemColumns)
      .from(items)
      .innerJoin(branches, eq(branches.id, items.branchId))
      .where(and(eq(items.recordId, id), inArray(items.status, HELD_ITEM_STATUSES)))
      .orderBy(asc(branches.sortOrder), asc(branches.id), asc(items.id)),
    db
      .select({ id: branches.id, code: branches.code, name: branches.name, inCity: branches.inCity })
      .from(branches)
      .orderBy(asc(branches.sortOrder), asc(branches.id)),
  ]);
  const record = recordRows[0];
  if (!record) return null;
  return { recordId: record.id, title: record.title, items: itemRows.map(({ recordId: _r, ...i }) => i), branches: branchRows };
}

/** A list line's author (cart, マイブックリスト): the record's first person, else its statement of responsibility;
 *  the record is aliased `r` in the query. */
export const firstAuthorSql: SQL = sql`COALESCE(
        (SELECT p.name FROM record_people rp JOIN people p ON p.id = rp.person_id
          WHERE rp.record_id = r.id ORDER BY rp.position, rp.person_id LIMIT 1),
        r.responsibility)`;
