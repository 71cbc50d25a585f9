// Issue 8 item 1 (the counter's lists): the reads of 「ピックリスト」, 「取置棚」 and 「利用者照会」, and the guarded write of
// 「連絡済み」 (R21). Every list is bounded (LIMIT + 1 rows: the service says when there are more).
//
//   pickListRows(db, branchId, limit)     R16: the waiting, in-city holds (external = 0) on records with a loanable copy
//                                         on the shelf at the branch, in reception order, with those copies and, for
//                                         ordered holds (R15), their groups' members — one batch of three queries
//                                         (index items_branch_status for the copies, holds_queue for the holds)
//   holdShelfRows(db, branchId, limit)    R21: the ready holds picked up at the branch, oldest first, with the patron
//   contactFacts(db, holdId)              a ready hold's facts for 「連絡済み」 (pickup branch code, ready day, contact)
//   recordContactStatements(db, c)        R21: ONE guarded UPDATE (ready, contact phone, contact_date NULL, the pickup
//                                         branch unless admin) + its audit row only if it changed the hold (changes())
//   patronByCard / patronLoans            「利用者照会」: the patron and their open loans
//   consoleBranches / branchById          the city's branches (the admin's ?branch= select)
import { sql } from "drizzle-orm";
import type { ContactMethod, HoldStatus, PatronStatus } from "../domain/vocabulary.ts";
import { d1Client, d1Statement, type Db } from "./db.ts";

export interface ConsoleBranch {
  id: number;
  code: string;
  name: string;
}

/** The city's branches (in_city), in the library's order. */
export async function consoleBranches(db: Db): Promise<ConsoleBranch[]> {
  return db.all<ConsoleBranch>(sql`SELECT id, code, name FROM branches WHERE in_city = 1 ORDER BY sort_order, id`);
}

export async function branchById(db: Db, id: number): Promise<ConsoleBranch | null> {
  const [row] = await db.all<ConsoleBranch>(sql`SELECT id, code, name FROM branches WHERE id = ${id}`);
  return row ?? null;
}

// ---- 「ピックリスト」 -------------------------------------------------------------------------------------------

export interface PickCopy {
  itemId: number;
  recordId: number;
  barcode: string;
  shelfMark: string | null;
}

export interface PickHold {
  holdId: number;
  recordId: number;
  title: string;
  volumeLabel: string | null;
  placedAt: number;
  pickupBranchId: number;
  pickupName: string;
  groupId: number | null;
  groupPosition: number | null;
}

export interface PickGroupMember {
  groupId: number;
  position: number;
  status: HoldStatus;
  volumeLabel: string | null;
  title: string;
}

export interface PickListRows {
  copies: PickCopy[];
  holds: PickHold[];
  members: PickGroupMember[];
}

/** The branch's shelf copies a hold may take: loanable, on the shelf, at home here, not an ILL copy. */
function shelfCopiesSql(branchId: number) {
  return sql`SELECT i.id, i.record_id, i.barcode, i.shelf_mark FROM items i
    WHERE i.branch_id = ${branchId} AND i.status = 'on_shelf' AND i.current_branch_id = ${branchId}
      AND i.loanable = 1 AND i.ill_hold_id IS NULL`;
}

/**
 * R16: the oldest `holdLimit` waiting in-city holds that a copy on the shelf here could fill, in reception order
 * (placed_at, then id), and the copies and group members the service needs to give each copy to one hold.
 */
export async function pickListRows(db: Db, branchId: number, holdLimit: number): Promise<PickListRows> {
  const onShelf = sql`SELECT record_id FROM (${shelfCopiesSql(branchId)})`;
  const holdsSql = sql`SELECT h.id, h.record_id, r.title, r.volume_label, h.placed_at, h.pickup_branch_id, b.name AS pickup_name,
      h.group_id, h.group_position
    FROM holds h JOIN records r ON r.id = h.record_id JOIN branches b ON b.id = h.pickup_branch_id
    WHERE h.status = 'waiting' AND h.external = 0 AND h.record_id IN (${onShelf})
    ORDER BY h.placed_at, h.id LIMIT ${holdLimit}`;
  const [copies, holds] = await d1Client(db).batch([
    d1Statement(db, sql`${shelfCopiesSql(branchId)} AND i.record_id IN (SELECT record_id FROM (${holdsSql})) ORDER BY i.id`),
    d1Statement(db, holdsSql),
  ]);
  const holdRows = (holds!.results as { id: number; record_id: number; title: string; volume_label: string | null; placed_at: number; pickup_branch_id: number; pickup_name: string; group_id: number | null; group_position: number | null }[]).map(
    (h): PickHold => ({
      holdId: h.id,
      recordId: h.record_id,
      title: h.title,
      volumeLabel: h.volume_label,
      placedAt: h.placed_at,
      pickupBranchId: h.pickup_branch_id,
      pickupName: h.pickup_name,
      groupId: h.group_id,
      groupPosition: h.group_position,
    }),
  );
  const groupIds = [...new Set(holdRows.map((h) => h.groupId).filter((g): g is number => g !== null))];
  const members = groupIds.length
    ? await db.all<{ group_id: number; group_position: number; status: HoldStatus; volume_label: string | null; title: string }>(sql`
        SELECT h.group_id, h.group_position, h.status, r.volume_label, r.title FROM holds h JOIN records r ON r.id = h.record_id
        WHERE h.group_id IN (${sql.join(groupIds.map((g) => sql`${g}`), sql`, `)})`)
    : [];
  return {
    copies: (copies!.results as { id: number; record_id: number; barcode: string; shelf_mark: string | null }[]).map((c) => ({
      itemId: c.id,
      recordId: c.record_id,
      barcode: c.barcode,
      shelfMark: c.shelf_mark,
    })),
    holds: holdRows,
    members: members.map((m) => ({ groupId: m.group_id, position: m.group_position, status: m.status, volumeLabel: m.volume_label, title: m.title })),
  };
}

// ---- 「取置棚」 --------------------------------------------------------------------------------------------------

export interface ShelfRow {
  holdId: number;
  recordId: number;
  title: string;
  volumeLabel: string | null;
  barcode: string | null;
  cardNumber: string;
  patronName: string;
  phone: string;
  contact: ContactMethod;
  contactDate: string | null;
  readyAt: number;
  shelfUntil: string;
}

/** R21: the ready holds picked up at the branch, oldest first (ready_at, then id); `limit` rows at most. */
export async function holdShelfRows(db: Db, branchId: number, limit: number): Promise<ShelfRow[]> {
  const rows = await db.all<{
    id: number;
    record_id: number;
    title: string;
    volume_label: string | null;
    barcode: string | null;
    card_number: string;
    name: string;
    phone: string;
    contact: ContactMethod;
    contact_date: string | null;
    ready_at: number;
    shelf_until: string;
  }>(sql`
    SELECT h.id, h.record_id, r.title, r.volume_label, i.barcode, p.card_number, p.name, p.phone, h.contact, h.contact_date,
      h.ready_at, h.shelf_until
    FROM holds h JOIN records r ON r.id = h.record_id JOIN patrons p ON p.id = h.patron_id LEFT JOIN items i ON i.id = h.item_id
    WHERE h.status = 'ready' AND h.pickup_branch_id = ${branchId}
    ORDER BY h.ready_at, h.id LIMIT ${limit}`);
  return rows.map((r) => ({
    holdId: r.id,
    recordId: r.record_id,
    title: r.title,
    volumeLabel: r.volume_label,
    barcode: r.barcode,
    cardNumber: r.card_number,
    patronName: r.name,
    phone: r.phone,
    contact: r.contact,
    contactDate: r.contact_date,
    readyAt: r.ready_at,
    shelfUntil: r.shelf_until,
  }));
}

// ---- 「連絡済み」 (R21) -----------------------------------------------------------------------------------------

export interface ContactFacts {
  holdId: number;
  status: HoldStatus;
  contact: ContactMethod;
  contactDate: string | null;
  readyAt: number | null;
  pickupBranchId: number;
  pickupCode: string;
}

export async function contactFacts(db: Db, holdId: number): Promise<ContactFacts | null> {
  const [row] = await db.all<{ id: number; status: HoldStatus; contact: ContactMethod; contact_date: string | null; ready_at: number | null; pickup_branch_id: number; code: string }>(sql`
    SELECT h.id, h.status, h.contact, h.contact_date, h.ready_at, h.pickup_branch_id, b.code
    FROM holds h JOIN branches b ON b.id = h.pickup_branch_id WHERE h.id = ${holdId}`);
  if (!row) return null;
  return {
    holdId: row.id,
    status: row.status,
    contact: row.contact,
    contactDate: row.contact_date,
    readyAt: row.ready_at,
    pickupBranchId: row.pickup_branch_id,
    pickupCode: row.code,
  };
}

/**
 * R21: the call is recorded — contact_date = the Tokyo day, shelf_until counted from it — in ONE guarded UPDATE: still
 * ready, contact 電話, no contact day yet, the pickup branch the counter's own (an admin: any), and the ready time the
 * deadline was computed from. Its audit row is written only if the UPDATE changed the hold. Run as one D1 batch; the
 * first statement's meta.changes says whether it took.
 */
export function recordContactStatements(
  db: Db,
  c: { holdId: number; staffId: number; branchId: number | null; readyAt: number; contactDay: string; shelfUntil: string; now: number; clientAddress: string | null },
): D1PreparedStatement[] {
  const branchGuard = c.branchId === null ? sql`1` : sql`pickup_branch_id = ${c.branchId}`;
  return [
    d1Statement(
      db,
      sql`UPDATE holds SET contact_date = ${c.contactDay}, shelf_until = ${c.shelfUntil}, updated_at = ${c.now}
        WHERE id = ${c.holdId} AND status = 'ready' AND contact = 'phone' AND contact_date IS NULL AND ready_at = ${c.readyAt} AND ${branchGuard}`,
    ),
    d1Statement(
      db,
      sql`INSERT INTO audit_log (at, actor_kind, actor_id, action, target_kind, target_id, detail, client_address)
        SELECT ${c.now}, 'staff', ${c.staffId}, 'hold_contact_recorded', 'hold', ${c.holdId},
          ${JSON.stringify({ contactDate: c.contactDay, shelfUntil: c.shelfUntil })}, ${c.clientAddress?.slice(0, 64) ?? null}
        WHERE changes() > 0`,
    ),
  ];
}

// ---- 「利用者照会」 -------------------------------------------------------------------------------------------

export interface PatronCard {
  id: number;
  cardNumber: string;
  name: string;
  nameKana: string | null;
  phone: string;
  status: PatronStatus;
  homeBranchName: string;
  temporaryPassword: boolean | null;
}

export async function patronByCard(db: Db, cardNumber: string): Promise<PatronCard | null> {
  const [row] = await db.all<{ id: number; card_number: string; name: string; name_kana: string | null; phone: string; status: PatronStatus; branch: string; temporary: number | null }>(sql`
    SELECT p.id, p.card_number, p.name, p.name_kana, p.phone, p.status, b.name AS branch, c.temporary
    FROM patrons p JOIN branches b ON b.id = p.home_branch_id LEFT JOIN credentials c ON c.patron_id = p.id
    WHERE p.card_number = ${cardNumber}`);
  if (!row) return null;
  return {
    id: row.id,
    cardNumber: row.card_number,
    name: row.name,
    nameKana: row.name_kana,
    phone: row.phone,
    status: row.status,
    homeBranchName: row.branch,
    temporaryPassword: row.temporary === null ? null : Number(row.temporary) === 1,
  };
}

export interface PatronLoanRow {
  loanId: number;
  title: string;
  volumeLabel: string | null;
  barcode: string;
  loanedAt: number;
  dueDate: string;
  renewals: number;
  interLibrary: boolean;
  checkoutBranchName: string;
}

/** The patron's open loans (returned_at NULL), earliest due first (index loans_patron). */
export async function patronLoans(db: Db, patronId: number): Promise<PatronLoanRow[]> {
  const rows = await db.all<{ id: number; title: string; volume_label: string | null; barcode: string; loaned_at: number; due_date: string; renewals: number; inter_library: number; branch: string }>(sql`
    SELECT l.id, r.title, r.volume_label, i.barcode, l.loaned_at, l.due_date, l.renewals, l.inter_library, b.name AS branch
    FROM loans l JOIN items i ON i.id = l.item_id JOIN records r ON r.id = i.record_id JOIN branches b ON b.id = l.checkout_branch_id
    WHERE l.patron_id = ${patronId} AND l.returned_at IS NULL
    ORDER BY l.due_date, l.id`);
  return rows.map((r) => ({
    loanId: r.id,
    title: r.title,
    volumeLabel: r.volume_label,
    barcode: r.barcode,
    loanedAt: r.loaned_at,
    dueDate: r.due_date,
    renewals: Number(r.renewals),
    interLibrary: Number(r.inter_library) === 1,
    checkoutBranchName: r.branch,
  }));
}
