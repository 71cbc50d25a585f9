// R11, R12, R13, R14, R16, R36 (issue 7 items 2, 3, 5): the facts placing a hold needs, in a few queries, and the
// write — ONE D1 batch of guarded statements, one INSERT … SELECT … WHERE per line, so that 3 lines asked with 2
// slots left places 2 and skips 1 instead of failing the whole batch (a D1 batch rolls back whole on any error).
// Each INSERT re-checks in its own WHERE what the domain decided: the patron's active holds below the limit, no
// active hold of theirs on the record, no hold carrying this line's idempotency key, a pickup library that may be
// one, a record with an obtainable loanable in-city copy. The triggers (holds_limit_insert, holds_pickup_in_city)
// and the unique index holds_one_active stay the backstop. Placed lines leave the cart in the same batch.
import { queuePositions } from "./hold-queue.ts";
import { sql, type SQL } from "drizzle-orm";
import { HOLD_LIMIT } from "../domain/policy.ts";
import { ACTIVE_HOLD_STATUSES, OBTAINABLE_ITEM_STATUSES, type ContactMethod, type HoldChannel } from "../domain/vocabulary.ts";
import type { PlacementItem } from "../domain/hold-placement.ts";
import type { AuditAction } from "./audit.ts";
import { d1Client, d1Statement, type Db } from "./db.ts";
import { confirmedAddressSql } from "./mail-outbox.ts";

const quoted = (values: readonly string[]) => sql.raw(`(${values.map((v) => `'${v}'`).join(",")})`);
const ACTIVE = quoted(ACTIVE_HOLD_STATUSES);
const OBTAINABLE = quoted(OBTAINABLE_ITEM_STATUSES);

function idList(ids: readonly number[]): SQL {
  return ids.length ? sql.join(ids.map((id) => sql`${id}`), sql`, `) : sql`NULL`;
}

export interface PatronPlacementFacts {
  patronId: number;
  cardNumber: string;
  name: string;
  homeBranchId: number;
  activeHolds: number;
  /** R20/R43: the patron's first mail address that is confirmed (R41), or null. */
  mailAddressId: number | null;
  /** The patron has some address, confirmed or not (the screen says which is missing). */
  hasAnyAddress: boolean;
}

export async function patronPlacementFacts(db: Db, patronId: number): Promise<PatronPlacementFacts | null> {
  const [row] = await db.all<{
    id: number;
    card_number: string;
    name: string;
    home_branch_id: number;
    active: number;
    mail_id: number | null;
    any_mail: number;
  }>(sql`
    SELECT p.id, p.card_number, p.name, p.home_branch_id,
      (SELECT count(*) FROM holds h WHERE h.patron_id = p.id AND h.status IN ${ACTIVE}) AS active,
      (SELECT m.id FROM mail_addresses m WHERE m.patron_id = p.id AND ${confirmedAddressSql(sql`m`)} ORDER BY m.id LIMIT 1) AS mail_id,
      (SELECT count(*) FROM mail_addresses m WHERE m.patron_id = p.id) AS any_mail
    FROM patrons p WHERE p.id = ${patronId}`);
  if (!row) return null;
  return {
    patronId: row.id,
    cardNumber: row.card_number,
    name: row.name,
    homeBranchId: row.home_branch_id,
    activeHolds: Number(row.active),
    mailAddressId: row.mail_id ?? null,
    hasAnyAddress: Number(row.any_mail) > 0,
  };
}

export async function findPatronIdByCard(db: Db, cardNumber: string): Promise<number | null> {
  const [row] = await db.all<{ id: number }>(sql`SELECT id FROM patrons WHERE card_number = ${cardNumber}`);
  return row?.id ?? null;
}

export interface RecordPlacementFacts {
  recordId: number;
  title: string;
  volumeLabel: string | null;
  items: (PlacementItem & { branchName: string })[];
  branches: { id: number; inCity: boolean }[];
  alreadyHeld: boolean;
}

/** Every requested record's copies (with their branches) and whether the patron holds it already: two queries. */
export async function recordPlacementFacts(db: Db, patronId: number, recordIds: readonly number[]): Promise<Map<number, RecordPlacementFacts>> {
  const out = new Map<number, RecordPlacementFacts>();
  if (recordIds.length === 0) return out;
  const ids = idList(recordIds);
  const [records, items, branches, held] = await Promise.all([
    db.all<{ id: number; title: string; volume_label: string | null }>(sql`SELECT id, title, volume_label FROM records WHERE id IN (${ids})`),
    db.all<{ record_id: number; branch_id: number; branch_name: string; loanable: number; status: string; shelf_mark: string | null }>(sql`
      SELECT i.record_id, i.branch_id, b.name AS branch_name, i.loanable, i.status, i.shelf_mark
      FROM items i JOIN branches b ON b.id = i.branch_id WHERE i.record_id IN (${ids}) ORDER BY b.sort_order, b.id, i.id`),
    db.all<{ id: number; in_city: number }>(sql`SELECT id, in_city FROM branches`),
    db.all<{ record_id: number }>(sql`SELECT record_id FROM holds WHERE patron_id = ${patronId} AND status IN ${ACTIVE} AND record_id IN (${ids})`),
  ]);
  const branchList = branches.map((b) => ({ id: b.id, inCity: Number(b.in_city) === 1 }));
  const heldSet = new Set(held.map((h) => h.record_id));
  for (const r of records) {
    out.set(r.id, { recordId: r.id, title: r.title, volumeLabel: r.volume_label, items: [], branches: branchList, alreadyHeld: heldSet.has(r.id) });
  }
  for (const i of items) {
    out.get(i.record_id)?.items.push({
      branchId: i.branch_id,
      branchName: i.branch_name,
      loanable: Number(i.loanable) === 1,
      status: i.status,
      shelfMark: i.shelf_mark,
    });
  }
  return out;
}

export interface PickupBranch {
  id: number;
  name: string;
}

/** R11/R12: the libraries a hold may be picked up at (branches.is_pickup), in the library's order. */
export async function listPickupBranches(db: Db): Promise<PickupBranch[]> {
  return db.all<PickupBranch>(sql`SELECT id, name FROM branches WHERE is_pickup = 1 ORDER BY sort_order, id`);
}

/** R36: the branch of an OPAC terminal (null: unknown terminal, or not a terminal). */
export async function terminalBranchId(db: Db, terminalId: number | null): Promise<number | null> {
  if (terminalId === null) return null;
  const [row] = await db.all<{ branch_id: number }>(sql`SELECT branch_id FROM opac_terminals WHERE id = ${terminalId}`);
  return row?.branch_id ?? null;
}

export interface HoldInsert {
  recordId: number;
  contact: ContactMethod;
  mailAddressId: number | null;
  /** `${formKey}:${recordId}`: unique per patron (holds_idempotency), how the answer finds the hold again. */
  idempotencyKey: string;
}

export interface HoldBatch {
  patronId: number;
  channel: HoldChannel;
  terminalId: number | null;
  pickupBranchId: number;
  /** R16: the reception time (a paper form's is the time on the form). */
  placedAt: number;
  enteredByStaffId: number | null;
  now: number;
  lines: readonly HoldInsert[];
  /** This browser's cart key, whose anonymous lines leave too once placed (the patron's own lines always do). */
  cartKey: string | null;
}

/** One guarded INSERT per line (see the file's head); it writes nothing — and fails nothing — when a guard says no. */
export function holdInsertStatement(db: Db, b: HoldBatch, line: HoldInsert): D1PreparedStatement {
  return d1Statement(db, sql`
    INSERT INTO holds (patron_id, record_id, channel, terminal_id, pickup_branch_id, contact, mail_address_id, status,
      placed_at, idempotency_key, entered_by_staff_id, created_at, updated_at)
    SELECT ${b.patronId}, ${line.recordId}, ${b.channel}, ${b.terminalId}, ${b.pickupBranchId}, ${line.contact}, ${line.mailAddressId},
      'waiting', ${b.placedAt}, ${line.idempotencyKey}, ${b.enteredByStaffId}, ${b.now}, ${b.now}
    WHERE (SELECT count(*) FROM holds WHERE patron_id = ${b.patronId} AND status IN ${ACTIVE}) < ${HOLD_LIMIT}
      AND NOT EXISTS (SELECT 1 FROM holds WHERE patron_id = ${b.patronId} AND record_id = ${line.recordId} AND status IN ${ACTIVE})
      AND NOT EXISTS (SELECT 1 FROM holds WHERE patron_id = ${b.patronId} AND idempotency_key = ${line.idempotencyKey})
      AND EXISTS (SELECT 1 FROM branches WHERE id = ${b.pickupBranchId} AND is_pickup = 1)
      AND EXISTS (SELECT 1 FROM items i JOIN branches ib ON ib.id = i.branch_id
        WHERE i.record_id = ${line.recordId} AND i.loanable = 1 AND ib.in_city = 1 AND i.status IN ${OBTAINABLE})`);
}

/** The placed line leaves the cart (the patron's lines of this browser's cart and of any other), in the same batch. */
function cartDeleteStatement(db: Db, b: HoldBatch, line: HoldInsert): D1PreparedStatement {
  return d1Statement(db, sql`
    DELETE FROM cart_lines WHERE record_id = ${line.recordId}
      AND (patron_id = ${b.patronId} OR (cart_key = ${b.cartKey} AND patron_id IS NULL))
      AND EXISTS (SELECT 1 FROM holds WHERE patron_id = ${b.patronId} AND idempotency_key = ${line.idempotencyKey})`);
}

/**
 * Runs the batch (one transaction). What was placed is read back by key (placedByKeys), not from the batch's counts.
 * `after`: statements that ride in the same transaction (the paper form's audit row, guarded on the holds written).
 */
export async function placeHolds(db: Db, b: HoldBatch, after: readonly D1PreparedStatement[] = []): Promise<void> {
  if (b.lines.length === 0) return;
  const statements: D1PreparedStatement[] = [];
  for (const line of b.lines) {
    statements.push(holdInsertStatement(db, b, line));
    // Issue 7 item 1: the patron's cart is theirs on every device, so placed lines leave it even when this browser
    // has no cart key of its own; a paper form (entered by staff) leaves the patron's cart alone.
    if (b.channel !== "paper") statements.push(cartDeleteStatement(db, b, line));
  }
  statements.push(...after);
  await d1Client(db).batch(statements);
}

export interface PlacedHold {
  holdId: number;
  recordId: number;
  placedAt: number;
  pickupBranchId: number;
  contact: ContactMethod;
  status: string;
  /** R16: the hold's place in its record's queue, from data/hold-queue.ts (the one definition, derived, never stored). */
  position: number;
}

/** The holds of this patron that carry one of these idempotency keys, with their queue positions (one query). */
export async function placedByKeys(db: Db, patronId: number, keys: readonly string[]): Promise<PlacedHold[]> {
  if (keys.length === 0) return [];
  const rows = await db.all<{ id: number; record_id: number; placed_at: number; pickup_branch_id: number; contact: ContactMethod; status: string }>(sql`
    SELECT h.id, h.record_id, h.placed_at, h.pickup_branch_id, h.contact, h.status
    FROM holds h WHERE h.patron_id = ${patronId} AND h.idempotency_key IN (${sql.join(keys.map((k) => sql`${k}`), sql`, `)})`);
  const positions = await queuePositions(db, rows.map((r) => r.id));
  return rows.map((r) => ({
    holdId: r.id,
    recordId: r.record_id,
    placedAt: r.placed_at,
    pickupBranchId: r.pickup_branch_id,
    contact: r.contact,
    status: r.status,
    position: positions.get(r.id)?.position ?? 0,
  }));
}

/** The holds carrying keys that start with `${formKey}:` (the answer page of a submission still pending). */
export async function placedByFormKey(db: Db, patronId: number, formKey: string): Promise<PlacedHold[]> {
  const rows = await db.all<{ idempotency_key: string }>(sql`
    SELECT idempotency_key FROM holds WHERE patron_id = ${patronId}
      AND idempotency_key >= ${`${formKey}:`} AND idempotency_key < ${`${formKey};`}`);
  return placedByKeys(db, patronId, rows.map((r) => r.idempotency_key));
}

const PAPER_AUDIT: AuditAction = "hold_paper_entered";

/** R12/R16: the paper form's audit row, in the placing batch, written only if one of its holds was (keys). */
export function paperAuditStatement(
  db: Db,
  a: { at: number; staffId: number; patronId: number; clientAddress: string | null; detail: Record<string, unknown>; keys: readonly string[] },
): D1PreparedStatement {
  return d1Statement(db, sql`
    INSERT INTO audit_log (at, actor_kind, actor_id, action, target_kind, target_id, detail, client_address)
    SELECT ${a.at}, 'staff', ${a.staffId}, ${PAPER_AUDIT}, 'patron', ${a.patronId}, ${JSON.stringify(a.detail)}, ${a.clientAddress?.slice(0, 64) ?? null}
    WHERE EXISTS (SELECT 1 FROM holds WHERE patron_id = ${a.patronId} AND idempotency_key IN (${sql.join(a.keys.map((k) => sql`${k}`), sql`, `)}))`);
}

// ---- idempotency_keys: the first answer of a submission ----------------------------------------------------------

export const IDEMPOTENCY_PENDING = 0;
export const IDEMPOTENCY_DONE = 200;

/** Claims the key (INSERT … ON CONFLICT DO NOTHING): true when this request is the first with it. */
export async function claimIdempotencyKey(db: Db, scope: string, key: string, now: number): Promise<boolean> {
  const result = await db.run(sql`
    INSERT INTO idempotency_keys (scope, key, status, response, created_at) VALUES (${scope}, ${key}, ${IDEMPOTENCY_PENDING}, '', ${now})
    ON CONFLICT (scope, key) DO NOTHING`);
  return result.meta.changes > 0;
}

export async function storeIdempotentAnswer(db: Db, scope: string, key: string, response: string): Promise<void> {
  await db.run(sql`UPDATE idempotency_keys SET status = ${IDEMPOTENCY_DONE}, response = ${response} WHERE scope = ${scope} AND key = ${key}`);
}

export async function readIdempotencyKey(db: Db, scope: string, key: string): Promise<{ status: number; response: string } | null> {
  const [row] = await db.all<{ status: number; response: string }>(sql`SELECT status, response FROM idempotency_keys WHERE scope = ${scope} AND key = ${key}`);
  return row ?? null;
}

/** Record titles for an answer page. */
export async function recordTitles(db: Db, recordIds: readonly number[]): Promise<Map<number, { title: string; volumeLabel: string | null }>> {
  if (recordIds.length === 0) return new Map();
  const rows = await db.all<{ id: number; title: string; volume_label: string | null }>(
    sql`SELECT id, title, volume_label FROM records WHERE id IN (${idList(recordIds)})`,
  );
  return new Map(rows.map((r) => [r.id, { title: r.title, volumeLabel: r.volume_label }]));
}
