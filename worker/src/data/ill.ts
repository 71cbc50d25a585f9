// R12, R14, R16, R32, R34 (issue 8 item 1, ILL): the statements of inter-library holds — a paper-form hold on a record
// the city does not hold (external = 1, 「市外から取り寄せ」) and the borrowed copy's arrival.
//
//   illHoldInsertStatement(db, b)   ONE guarded INSERT … SELECT … WHERE: R14 (the patron's active holds below the
//                                   limit, every channel counted; trigger holds_limit_insert the backstop), no active
//                                   hold of theirs on the record, a pickup library, and NO obtainable loanable in-city
//                                   copy (such a record is held normally: an ILL hold would fetch what the city has)
//   illAuditStatement               its audit row, only if the hold was written (by key)
//   illWaitingHolds(db, branchId)   waiting external holds picked up at the branch with no borrowed copy yet
//   illArrivalHold(db, holdId)      one external hold's facts for the arrival
//   illItemInsertStatement          the borrowed copy: record = the hold's, branch = the pickup branch, loanable,
//                                   ill_hold_id = the hold, on the shelf — guarded on the hold still waiting at the
//                                   branch (items_ill_hold: one copy per hold; items.barcode unique)
import { sql } from "drizzle-orm";
import { HOLD_LIMIT } from "../domain/policy.ts";
import { ACTIVE_HOLD_STATUSES, OBTAINABLE_ITEM_STATUSES, type ContactMethod, type HoldStatus } from "../domain/vocabulary.ts";
import { d1Statement, type Db } from "./db.ts";

const quoted = (values: readonly string[]) => sql.raw(`(${values.map((v) => `'${v}'`).join(",")})`);
const ACTIVE = quoted(ACTIVE_HOLD_STATUSES);
const OBTAINABLE = quoted(OBTAINABLE_ITEM_STATUSES);

/** A loanable in-city copy that can still reach a patron (the record is held in the city). */
export function heldInCitySql(recordId: number) {
  return sql`EXISTS (SELECT 1 FROM items i JOIN branches ib ON ib.id = i.branch_id
    WHERE i.record_id = ${recordId} AND i.loanable = 1 AND ib.in_city = 1 AND i.status IN ${OBTAINABLE} AND i.ill_hold_id IS NULL)`;
}

export async function isHeldInCity(db: Db, recordId: number): Promise<boolean> {
  const [row] = await db.all<{ held: number }>(sql`SELECT ${heldInCitySql(recordId)} AS held`);
  return Number(row?.held ?? 0) === 1;
}

export interface IllHoldInsert {
  patronId: number;
  recordId: number;
  pickupBranchId: number;
  contact: ContactMethod;
  mailAddressId: number | null;
  placedAt: number;
  staffId: number;
  idempotencyKey: string;
  now: number;
}

export function illHoldInsertStatement(db: Db, b: IllHoldInsert): D1PreparedStatement {
  return d1Statement(db, sql`
    INSERT INTO holds (patron_id, record_id, channel, pickup_branch_id, contact, mail_address_id, status, placed_at, external,
      idempotency_key, entered_by_staff_id, created_at, updated_at)
    SELECT ${b.patronId}, ${b.recordId}, 'paper', ${b.pickupBranchId}, ${b.contact}, ${b.mailAddressId}, 'waiting', ${b.placedAt}, 1,
      ${b.idempotencyKey}, ${b.staffId}, ${b.now}, ${b.now}
    WHERE (SELECT count(*) FROM holds WHERE patron_id = ${b.patronId} AND status IN ${ACTIVE}) < ${HOLD_LIMIT}
      AND NOT EXISTS (SELECT 1 FROM holds WHERE patron_id = ${b.patronId} AND record_id = ${b.recordId} AND status IN ${ACTIVE})
      AND NOT EXISTS (SELECT 1 FROM holds WHERE patron_id = ${b.patronId} AND idempotency_key = ${b.idempotencyKey})
      AND EXISTS (SELECT 1 FROM branches WHERE id = ${b.pickupBranchId} AND is_pickup = 1)
      AND EXISTS (SELECT 1 FROM records WHERE id = ${b.recordId})
      AND NOT ${heldInCitySql(b.recordId)}`);
}

export function illAuditStatement(
  db: Db,
  a: { at: number; staffId: number; patronId: number; idempotencyKey: string; detail: Record<string, unknown>; clientAddress: string | null },
): D1PreparedStatement {
  return d1Statement(db, sql`
    INSERT INTO audit_log (at, actor_kind, actor_id, action, target_kind, target_id, detail, client_address)
    SELECT ${a.at}, 'staff', ${a.staffId}, 'hold_ill_entered', 'patron', ${a.patronId}, ${JSON.stringify(a.detail)}, ${a.clientAddress?.slice(0, 64) ?? null}
    WHERE changes() > 0 AND EXISTS (SELECT 1 FROM holds WHERE patron_id = ${a.patronId} AND idempotency_key = ${a.idempotencyKey})`);
}

export async function heldIdByKey(db: Db, patronId: number, key: string): Promise<number | null> {
  const [row] = await db.all<{ id: number }>(sql`SELECT id FROM holds WHERE patron_id = ${patronId} AND idempotency_key = ${key}`);
  return row?.id ?? null;
}

export interface IllWaitingRow {
  holdId: number;
  recordId: number;
  title: string;
  volumeLabel: string | null;
  placedAt: number;
  cardNumber: string;
  patronName: string;
}

/** R16: the external holds waiting at the branch for their borrowed copy, in reception order (bounded). */
export async function illWaitingHolds(db: Db, branchId: number, limit: number): Promise<IllWaitingRow[]> {
  const rows = await db.all<{ id: number; record_id: number; title: string; volume_label: string | null; placed_at: number; card_number: string; name: string }>(sql`
    SELECT h.id, h.record_id, r.title, r.volume_label, h.placed_at, p.card_number, p.name
    FROM holds h JOIN records r ON r.id = h.record_id JOIN patrons p ON p.id = h.patron_id
    WHERE h.status = 'waiting' AND h.external = 1 AND h.pickup_branch_id = ${branchId}
      AND NOT EXISTS (SELECT 1 FROM items i WHERE i.ill_hold_id = h.id)
    ORDER BY h.placed_at, h.id LIMIT ${limit}`);
  return rows.map((r) => ({
    holdId: r.id,
    recordId: r.record_id,
    title: r.title,
    volumeLabel: r.volume_label,
    placedAt: r.placed_at,
    cardNumber: r.card_number,
    patronName: r.name,
  }));
}

export interface IllArrivalHold {
  holdId: number;
  recordId: number;
  status: HoldStatus;
  external: boolean;
  pickupBranchId: number;
  /** The borrowed copy already received for it, if any. */
  item: { id: number; barcode: string; status: string; currentBranchId: number | null } | null;
}

export async function illArrivalHold(db: Db, holdId: number): Promise<IllArrivalHold | null> {
  const [row] = await db.all<{ id: number; record_id: number; status: HoldStatus; external: number; pickup_branch_id: number; item_id: number | null; barcode: string | null; item_status: string | null; current_branch_id: number | null }>(sql`
    SELECT h.id, h.record_id, h.status, h.external, h.pickup_branch_id, i.id AS item_id, i.barcode, i.status AS item_status, i.current_branch_id
    FROM holds h LEFT JOIN items i ON i.ill_hold_id = h.id WHERE h.id = ${holdId}`);
  if (!row) return null;
  return {
    holdId: row.id,
    recordId: row.record_id,
    status: row.status,
    external: Number(row.external) === 1,
    pickupBranchId: row.pickup_branch_id,
    item: row.item_id === null ? null : { id: row.item_id, barcode: row.barcode!, status: row.item_status!, currentBranchId: row.current_branch_id },
  };
}

export async function barcodeExists(db: Db, barcode: string): Promise<boolean> {
  const [row] = await db.all<{ n: number }>(sql`SELECT count(*) AS n FROM items WHERE barcode = ${barcode}`);
  return Number(row?.n ?? 0) > 0;
}

/** The borrowed copy, guarded on its hold (waiting, external, picked up at this branch, no copy yet); + audit row. */
export function illItemInsertStatements(
  db: Db,
  c: { holdId: number; branchId: number; barcode: string; staffId: number; now: number; clientAddress: string | null },
): D1PreparedStatement[] {
  return [
    d1Statement(db, sql`
      INSERT INTO items (barcode, record_id, branch_id, loanable, status, shelf_mark, created_at, current_branch_id, ill_hold_id)
      SELECT ${c.barcode}, h.record_id, h.pickup_branch_id, 1, 'on_shelf', NULL, ${c.now}, h.pickup_branch_id, h.id
      FROM holds h WHERE h.id = ${c.holdId} AND h.status = 'waiting' AND h.external = 1 AND h.pickup_branch_id = ${c.branchId}
        AND NOT EXISTS (SELECT 1 FROM items i WHERE i.ill_hold_id = h.id)`),
    d1Statement(db, sql`
      INSERT INTO audit_log (at, actor_kind, actor_id, action, target_kind, target_id, detail, client_address)
      SELECT ${c.now}, 'staff', ${c.staffId}, 'ill_item_received', 'hold', ${c.holdId}, ${JSON.stringify({ barcode: c.barcode, branchId: c.branchId })},
        ${c.clientAddress?.slice(0, 64) ?? null}
      WHERE changes() > 0`),
  ];
}

/** Of these holds, the external ones (the paper form's answer says 「市外から取り寄せ」 for them). */
export async function externalHoldIds(db: Db, holdIds: readonly number[]): Promise<Set<number>> {
  if (holdIds.length === 0) return new Set();
  const rows = await db.all<{ id: number }>(sql`SELECT id FROM holds WHERE external = 1 AND id IN (${sql.join(holdIds.map((id) => sql`${id}`), sql`, `)})`);
  return new Set(rows.map((r) => r.id));
}
