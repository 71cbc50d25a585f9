// R14, R15 (issue 7 item 4): the rows behind 順番予約 — the patron's cart lines that are volumes of a series, the
// facts the placement decision needs, and the placement itself: ONE D1 batch (one transaction) whose guarded
// statements insert the idempotency key, the group and one hold per volume, and take the placed lines out of the
// cart. All or nothing: the key row is inserted only while the whole group fits in the patron's R14 slots
// (`count + k <= limit`), the group row only while that key row is this request's, and every hold selects its
// group from it — so a refused group leaves no row behind. Triggers holds_limit_insert (R14) and the unique index
// holds_one_active (already held) are the backstop: either one aborts the batch, which rolls back whole.
import { sql, type SQL } from "drizzle-orm";
import { ACTIVE_HOLD_STATUSES, HELD_ITEM_STATUSES, type ContactMethod, type HoldChannel, type HoldStatus } from "../domain/vocabulary.ts";
import type { HoldabilityBranch } from "../domain/holdability.ts";
import type { PlacementItem } from "../domain/hold-placement.ts";
import type { SeriesVolume } from "../domain/series-placement.ts";
import { d1Client, d1Statement, type Db } from "./db.ts";
import { listPickupBranches, patronPlacementFacts, type PickupBranch } from "./hold-placement.ts";

const ACTIVE = sql.raw(`(${ACTIVE_HOLD_STATUSES.map((s) => `'${s}'`).join(",")})`);
const HELD = sql.raw(`(${HELD_ITEM_STATUSES.map((s) => `'${s}'`).join(",")})`);

/** The lines of the patron's cart: theirs on any device, and this browser's anonymous ones (patronId null: only those). */
function mine(cartKey: string | null, patronId: number | null): SQL {
  return sql`(c.patron_id = ${patronId} OR (c.cart_key = ${cartKey} AND c.patron_id IS NULL))`;
}

function idList(ids: readonly number[]): SQL {
  return sql.join(
    ids.map((id) => sql`${id}`),
    sql`, `,
  );
}

/** The patron's cart lines that are volumes of a series (one row per record). */
export async function seriesVolumesInCart(db: Db, cartKey: string | null, patronId: number | null): Promise<SeriesVolume[]> {
  const rows = await db.all<{
    record_id: number;
    title: string;
    series_id: number;
    series_title: string;
    volume_label: string | null;
    volume_order: number | null;
  }>(sql`
    SELECT r.id AS record_id, r.title, r.series_id, s.title AS series_title, r.volume_label, r.volume_order
    FROM cart_lines c JOIN records r ON r.id = c.record_id JOIN series s ON s.id = r.series_id
    WHERE ${mine(cartKey, patronId)}
    GROUP BY r.id
    ORDER BY r.series_id, r.volume_order, r.id`);
  return rows.map((r) => ({
    recordId: r.record_id,
    title: r.title,
    seriesId: r.series_id,
    seriesTitle: r.series_title,
    volumeLabel: r.volume_label,
    volumeOrder: r.volume_order,
  }));
}

export interface PlacementRows {
  /** Held copies (not withdrawn) of each record, for R11. */
  items: Map<number, PlacementItem[]>;
  branches: HoldabilityBranch[];
  /** Of the records asked about, those the patron holds already (an active hold). */
  heldRecordIds: Set<number>;
  /** The patron's active holds, every channel (R14). */
  activeHolds: number;
  /** R36: the branch of the session's OPAC terminal (null on the web). */
  terminalBranchId: number | null;
  branchNames: Map<number, string>;
}

/** What R11, R14 and "no second active hold" need about these records and this patron, in one round trip. */
export async function placementRows(db: Db, patronId: number, recordIds: readonly number[], terminalId: number | null): Promise<PlacementRows> {
  const ids = recordIds.length ? idList(recordIds) : sql`NULL`;
  const client = d1Client(db);
  const [items, branches, held, count, terminal] = await client.batch([
    d1Statement(db, sql`SELECT record_id, branch_id, loanable, status, shelf_mark FROM items WHERE record_id IN (${ids}) AND status IN ${HELD}`),
    d1Statement(db, sql`SELECT id, in_city, name FROM branches`),
    d1Statement(db, sql`SELECT DISTINCT record_id FROM holds WHERE patron_id = ${patronId} AND status IN ${ACTIVE} AND record_id IN (${ids})`),
    d1Statement(db, sql`SELECT count(*) AS n FROM holds WHERE patron_id = ${patronId} AND status IN ${ACTIVE}`),
    d1Statement(db, sql`SELECT branch_id FROM opac_terminals WHERE id = ${terminalId}`),
  ]);
  const byRecord = new Map<number, PlacementItem[]>();
  for (const r of (items!.results ?? []) as { record_id: number; branch_id: number; loanable: number; status: string; shelf_mark: string | null }[]) {
    const list = byRecord.get(r.record_id) ?? [];
    list.push({ branchId: r.branch_id, loanable: !!r.loanable, status: r.status, shelfMark: r.shelf_mark });
    byRecord.set(r.record_id, list);
  }
  return {
    items: byRecord,
    branches: ((branches!.results ?? []) as { id: number; in_city: number }[]).map((b) => ({ id: b.id, inCity: !!b.in_city })),
    branchNames: new Map(((branches!.results ?? []) as { id: number; name: string }[]).map((b) => [b.id, b.name])),
    heldRecordIds: new Set(((held!.results ?? []) as { record_id: number }[]).map((r) => r.record_id)),
    activeHolds: Number(((count!.results ?? []) as { n: number }[])[0]?.n ?? 0),
    terminalBranchId: ((terminal!.results ?? []) as { branch_id: number }[])[0]?.branch_id ?? null,
  };
}

export interface ChoiceRows {
  /** R11/R12: the libraries a hold may be collected at (h-place's listPickupBranches), in the library's order. */
  pickupBranches: PickupBranch[];
  homeBranchId: number | null;
  /** R20, R43: the patron's first confirmed mail address (メール is offered only with one). */
  mailAddressId: number | null;
  /** An address is registered but not confirmed yet (the screen says so). */
  mailUnconfirmed: boolean;
}

/** The 「受取館」 and 「連絡方法」 choices, read as 「予約申込」 reads them (data/hold-placement.ts). */
export async function choiceRows(db: Db, patronId: number): Promise<ChoiceRows> {
  const [pickupBranches, patron] = await Promise.all([listPickupBranches(db), patronPlacementFacts(db, patronId)]);
  return {
    pickupBranches,
    homeBranchId: patron?.homeBranchId ?? null,
    mailAddressId: patron?.mailAddressId ?? null,
    mailUnconfirmed: !!patron && patron.mailAddressId === null && patron.hasAnyAddress,
  };
}

export interface SeriesPlacementRow {
  patronId: number;
  /** The confirmation form's idempotency key, and this request's own random nonce (told apart from a replay). */
  key: string;
  nonce: string;
  cartKey: string | null;
  /** The volumes in the chosen order: position 1..n. */
  recordIds: readonly number[];
  pickupBranchId: number;
  contact: ContactMethod;
  mailAddressId: number | null;
  channel: HoldChannel;
  terminalId: number | null;
  now: number;
  limit: number;
}

export function seriesScope(patronId: number): string {
  return `series:${patronId}`;
}

/** The statements of one placement, in order (exported for the tests that look at the guards). */
export function placeSeriesStatements(db: Db, p: SeriesPlacementRow): D1PreparedStatement[] {
  const scope = seriesScope(p.patronId);
  const pending = JSON.stringify({ nonce: p.nonce });
  const k = p.recordIds.length;
  const fits = sql`(SELECT count(*) FROM holds WHERE patron_id = ${p.patronId} AND status IN ${ACTIVE}) + ${k} <= ${p.limit}`;
  const thisRequest = sql`scope = ${scope} AND key = ${p.key} AND json_extract(response, '$.nonce') = ${p.nonce}`;
  const groupId = sql`(SELECT json_extract(response, '$.groupId') FROM idempotency_keys WHERE ${thisRequest})`;
  return [
    // 1. The key: only once (a replay or a concurrent double click inserts nothing), only when the group fits (R14).
    d1Statement(db, sql`
      INSERT INTO idempotency_keys (scope, key, status, response, created_at)
      SELECT ${scope}, ${p.key}, 0, ${pending}, ${p.now}
      WHERE NOT EXISTS (SELECT 1 FROM idempotency_keys WHERE scope = ${scope} AND key = ${p.key}) AND ${fits}`),
    // 2. The group: guarded itself (R14 again), and only while this request's key row is pending.
    d1Statement(db, sql`
      INSERT INTO hold_groups (patron_id, created_at)
      SELECT ${p.patronId}, ${p.now}
      WHERE EXISTS (SELECT 1 FROM idempotency_keys WHERE ${thisRequest} AND status = 0) AND ${fits}`),
    // 3. The key row names the group just inserted (the batch holds the write lock: the patron's newest group is it).
    d1Statement(db, sql`
      UPDATE idempotency_keys
      SET status = 303, response = json_object('nonce', ${p.nonce}, 'groupId', (SELECT max(id) FROM hold_groups WHERE patron_id = ${p.patronId}))
      WHERE ${thisRequest} AND status = 0`),
    // 4. One hold per volume, in the chosen order, each selecting its group from the key row: no group, no hold.
    ...p.recordIds.map((recordId, i) =>
      d1Statement(db, sql`
        INSERT INTO holds (patron_id, record_id, channel, terminal_id, pickup_branch_id, contact, mail_address_id, status,
          placed_at, group_id, group_position, idempotency_key, created_at, updated_at)
        SELECT ${p.patronId}, ${recordId}, ${p.channel}, ${p.terminalId}, ${p.pickupBranchId}, ${p.contact}, ${p.mailAddressId},
          'waiting', ${p.now}, g.id, ${i + 1}, ${`${p.key}:${i + 1}`}, ${p.now}, ${p.now}
        FROM hold_groups g WHERE g.id = ${groupId} AND g.patron_id = ${p.patronId}`),
    ),
    // 5. The placed lines leave the cart (the patron's, on every device, and this browser's anonymous ones).
    d1Statement(db, sql`
      DELETE FROM cart_lines AS c WHERE ${mine(p.cartKey, p.patronId)}
        AND c.record_id IN (SELECT record_id FROM holds WHERE patron_id = ${p.patronId} AND group_id = ${groupId})`),
  ];
}

export type StoredAnswer = { nonce: string; groupId: number | null } | null;

/** The answer stored under a key: the group it placed (null: the key was never used, or placed nothing). */
export async function storedAnswer(db: Db, patronId: number, key: string): Promise<StoredAnswer> {
  const [row] = await db.all<{ response: string }>(
    sql`SELECT response FROM idempotency_keys WHERE scope = ${seriesScope(patronId)} AND key = ${key}`,
  );
  if (!row) return null;
  try {
    const parsed = JSON.parse(row.response) as { nonce?: unknown; groupId?: unknown };
    return { nonce: String(parsed.nonce ?? ""), groupId: typeof parsed.groupId === "number" ? parsed.groupId : null };
  } catch {
    return null;
  }
}

/** Runs the placement batch (throws the database's refusal — a trigger or unique index — as D1 raised it). */
export async function runSeriesPlacement(db: Db, p: SeriesPlacementRow): Promise<void> {
  await d1Client(db).batch(placeSeriesStatements(db, p));
}

export interface GroupHoldRow {
  holdId: number;
  recordId: number;
  position: number;
  status: HoldStatus;
  title: string;
  volumeLabel: string | null;
  volumeOrder: number | null;
  pickupBranch: string;
  contact: ContactMethod;
}

/** A group's holds in their order — only when the group is this patron's (anyone else's id finds nothing). */
export async function groupHolds(db: Db, patronId: number, groupId: number): Promise<{ seriesTitle: string | null; holds: GroupHoldRow[] } | null> {
  const rows = await db.all<{
    hold_id: number;
    record_id: number;
    group_position: number;
    status: HoldStatus;
    title: string;
    volume_label: string | null;
    volume_order: number | null;
    pickup: string;
    contact: ContactMethod;
    series_title: string | null;
  }>(sql`
    SELECT h.id AS hold_id, h.record_id, h.group_position, h.status, r.title, r.volume_label, r.volume_order,
      b.name AS pickup, h.contact, s.title AS series_title
    FROM hold_groups g
      JOIN holds h ON h.group_id = g.id AND h.patron_id = g.patron_id
      JOIN records r ON r.id = h.record_id
      JOIN branches b ON b.id = h.pickup_branch_id
      LEFT JOIN series s ON s.id = r.series_id
    WHERE g.id = ${groupId} AND g.patron_id = ${patronId}
    ORDER BY h.group_position, h.id`);
  if (rows.length === 0) return null;
  return {
    seriesTitle: rows[0]!.series_title,
    holds: rows.map((r) => ({
      holdId: r.hold_id,
      recordId: r.record_id,
      position: r.group_position,
      status: r.status,
      title: r.title,
      volumeLabel: r.volume_label,
      volumeOrder: r.volume_order,
      pickupBranch: r.pickup,
      contact: r.contact,
    })),
  };
}
