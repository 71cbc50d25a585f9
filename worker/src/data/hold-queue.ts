// R16: queue positions and the copies a queue shares, read in SQL (issue 7 item 5). domain/hold-queue.ts says what
// they mean and turns them into words.
//
// API (other areas may use it; keep it stable):
//   queuePositions(db, holdIds)   Map<holdId, { position, queueLength, recordId }> for the ACTIVE holds among
//                                 `holdIds` (any number of ids, ONE query: a window function over each record's
//                                 active holds, ordered by placed_at then id); ids of other holds are absent
//   queueCopies(db, recordIds)    Map<recordId, { copies, onShelf }> — loanable, obtainable copies held in the
//                                 city, and how many of them are on the shelf (ONE query); a record with none
//                                 answers { copies: 0, onShelf: 0 }
//   queuePositionsSql / queueCopiesSql   the same as `sql` fragments, to put into a batch
// The id lists are bound as ONE JSON parameter (json_each), so D1's 100-parameter limit never applies.
import { sql, type SQL } from "drizzle-orm";
import { ACTIVE_HOLD_STATUSES } from "../domain/vocabulary.ts";
import { availableCopySql, obtainableCopySql } from "./catalog-read.ts";
import type { Db } from "./db.ts";

const ACTIVE = sql.raw(ACTIVE_HOLD_STATUSES.map((s) => `'${s}'`).join(","));

export interface QueuePosition {
  recordId: number;
  /** 1-based, among the record's active holds. */
  position: number;
  /** How many active holds the record has. */
  queueLength: number;
}

export interface QueueCopies {
  copies: number;
  onShelf: number;
}

function idsJson(ids: readonly number[]): string {
  return JSON.stringify([...new Set(ids.filter((id) => Number.isSafeInteger(id)))]);
}

export function queuePositionsSql(holdIds: readonly number[]): SQL {
  const ids = idsJson(holdIds);
  return sql`
    SELECT q.id, q.record_id, q.position, q.queue_length FROM (
      SELECT h.id, h.record_id,
        ROW_NUMBER() OVER (PARTITION BY h.record_id ORDER BY h.placed_at, h.id) AS position,
        COUNT(*) OVER (PARTITION BY h.record_id) AS queue_length
      FROM holds h
      WHERE h.status IN (${ACTIVE})
        AND h.record_id IN (SELECT t.record_id FROM holds t WHERE t.id IN (SELECT value FROM json_each(${ids})))
    ) q
    WHERE q.id IN (SELECT value FROM json_each(${ids}))`;
}

export async function queuePositions(db: Db, holdIds: readonly number[]): Promise<Map<number, QueuePosition>> {
  const out = new Map<number, QueuePosition>();
  if (holdIds.length === 0) return out;
  const rows = await db.all<{ id: number; record_id: number; position: number; queue_length: number }>(queuePositionsSql(holdIds));
  for (const r of rows) out.set(Number(r.id), { recordId: Number(r.record_id), position: Number(r.position), queueLength: Number(r.queue_length) });
  return out;
}

export function queueCopiesSql(recordIds: readonly number[]): SQL {
  return sql`
    SELECT i.record_id, count(*) AS copies, coalesce(sum(${availableCopySql("i")}), 0) AS on_shelf
    FROM items i JOIN branches b ON b.id = i.branch_id
    WHERE i.record_id IN (SELECT value FROM json_each(${idsJson(recordIds)}))
      AND b.in_city = 1 AND i.loanable = 1 AND ${obtainableCopySql("i")}
    GROUP BY i.record_id`;
}

export async function queueCopies(db: Db, recordIds: readonly number[]): Promise<Map<number, QueueCopies>> {
  const out = new Map<number, QueueCopies>();
  for (const id of recordIds) out.set(id, { copies: 0, onShelf: 0 });
  if (recordIds.length === 0) return out;
  const rows = await db.all<{ record_id: number; copies: number; on_shelf: number }>(queueCopiesSql(recordIds));
  for (const r of rows) out.set(Number(r.record_id), { copies: Number(r.copies), onShelf: Number(r.on_shelf) });
  return out;
}
