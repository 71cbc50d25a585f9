// R15, R16, R21, R22, R35 (issue 8 item 1): the counter's reads and its guarded writes — 「貸出」, 「返却」, 「到着」 and the
// expiry job's passing-on of a copy (services/circulation.ts orchestrates; domain/trap.ts and domain/circulation.ts
// decide).
//
// D1 has no interactive transactions. Every action is ONE batch whose FIRST statement is the claim: a guarded UPDATE
// or INSERT … SELECT that re-checks, in its WHERE, every fact the decision was made on (the copy's state, the open
// loan, the hold about to be set aside still waiting, the limit). Every later statement of the batch carries
// `changes() > 0` (SQLite: the rows the statement just before it changed; D1 runs a batch in order, on one
// connection, in one transaction), so a claim that lost a race writes nothing at all: two counters scanning one copy,
// or two expiry runs at once, trap it once. The unique indexes holds_item_active, item_transits_open, loans_item_open
// and loans_hold and the triggers loans_limit_insert, holds_series_order stay the backstops (data/db.ts
// constraintReason).
//
//   loadCopyFacts(db, barcode)          the copy, its open loan, open transit and the hold it is set aside for
//   loadPatronByCard(db, card)          patron, open loans, and their active holds on one record
//   loadCandidates(db, recordIds)       R15/R16: every record's waiting holds with their ordered groups (trap input)
//   loadBranches(db)                    id → code, name (calendar keys, answers)
//   checkInStatements / receiveStatements / expireStatements / checkoutStatements   the batches
//   overdueReadyHolds(db, today, afterId, limit)  R21: ready holds past their shelf day, by id (the expiry job's chunks)
import { sql, type SQL } from "drizzle-orm";
import type { Day } from "../domain/calendar.ts";
import type { Placement } from "../domain/circulation.ts";
import type { GroupMember } from "../domain/ordered-holds.ts";
import { LOAN_LIMIT } from "../domain/policy.ts";
import type { TrapCandidate } from "../domain/trap.ts";
import type { ContactMethod, HoldStatus, ItemStatus, PatronStatus } from "../domain/vocabulary.ts";
import { chunk, d1Client, d1Statement, type Db } from "./db.ts";
import { readyNoticeStatement } from "./mail-notices.ts"; // issue 9 notices

const ALLOCATED = sql.raw(`('in_transit','ready')`);
const ACTIVE = sql.raw(`('waiting','in_transit','ready')`);

export interface CopyFacts {
  id: number;
  barcode: string;
  recordId: number;
  title: string;
  volumeLabel: string | null;
  shelfMark: string | null;
  homeBranchId: number;
  currentBranchId: number | null;
  status: ItemStatus;
  loanable: boolean;
  illHoldId: number | null;
  loan: { id: number; patronId: number; cardNumber: string; name: string; dueDate: Day; holdId: number | null } | null;
  transit: { id: number; fromBranchId: number; toBranchId: number; holdId: number | null; sentAt: number } | null;
  /** The hold the copy is set aside for (in transit / ready), if any. */
  allocatedHold: { id: number; patronId: number; status: HoldStatus; pickupBranchId: number; contact: ContactMethod; cardNumber: string; name: string; shelfUntil: Day | null } | null;
}

export async function loadCopyFacts(db: Db, barcode: string): Promise<CopyFacts | null> {
  const item = sql`(SELECT id FROM items WHERE barcode = ${barcode})`;
  const [i, l, t, h] = await d1Client(db).batch([
    d1Statement(db, sql`SELECT i.id, i.barcode, i.record_id, r.title, r.volume_label, i.shelf_mark, i.branch_id, i.current_branch_id, i.status, i.loanable, i.ill_hold_id
      FROM items i JOIN records r ON r.id = i.record_id WHERE i.barcode = ${barcode}`),
    d1Statement(db, sql`SELECT l.id, l.patron_id, p.card_number, p.name, l.due_date, l.hold_id FROM loans l JOIN patrons p ON p.id = l.patron_id
      WHERE l.item_id = ${item} AND l.returned_at IS NULL`),
    d1Statement(db, sql`SELECT id, from_branch_id, to_branch_id, hold_id, sent_at FROM item_transits WHERE item_id = ${item} AND received_at IS NULL`),
    d1Statement(db, sql`SELECT h.id, h.patron_id, h.status, h.pickup_branch_id, h.contact, p.card_number, p.name, h.shelf_until
      FROM holds h JOIN patrons p ON p.id = h.patron_id WHERE h.item_id = ${item} AND h.status IN ${ALLOCATED}`),
  ]);
  const row = i!.results[0] as Record<string, unknown> | undefined;
  if (!row) return null;
  const loan = l!.results[0] as Record<string, unknown> | undefined;
  const transit = t!.results[0] as Record<string, unknown> | undefined;
  const hold = h!.results[0] as Record<string, unknown> | undefined;
  return {
    id: Number(row.id),
    barcode: String(row.barcode),
    recordId: Number(row.record_id),
    title: String(row.title),
    volumeLabel: (row.volume_label as string | null) ?? null,
    shelfMark: (row.shelf_mark as string | null) ?? null,
    homeBranchId: Number(row.branch_id),
    currentBranchId: row.current_branch_id === null ? null : Number(row.current_branch_id),
    status: row.status as ItemStatus,
    loanable: Number(row.loanable) === 1,
    illHoldId: row.ill_hold_id === null ? null : Number(row.ill_hold_id),
    loan: loan
      ? { id: Number(loan.id), patronId: Number(loan.patron_id), cardNumber: String(loan.card_number), name: String(loan.name), dueDate: String(loan.due_date), holdId: loan.hold_id === null ? null : Number(loan.hold_id) }
      : null,
    transit: transit
      ? { id: Number(transit.id), fromBranchId: Number(transit.from_branch_id), toBranchId: Number(transit.to_branch_id), holdId: transit.hold_id === null ? null : Number(transit.hold_id), sentAt: Number(transit.sent_at) }
      : null,
    allocatedHold: hold
      ? {
          id: Number(hold.id),
          patronId: Number(hold.patron_id),
          status: hold.status as HoldStatus,
          pickupBranchId: Number(hold.pickup_branch_id),
          contact: hold.contact as ContactMethod,
          cardNumber: String(hold.card_number),
          name: String(hold.name),
          shelfUntil: (hold.shelf_until as string | null) ?? null,
        }
      : null,
  };
}

export interface PatronFacts {
  id: number;
  cardNumber: string;
  name: string;
  status: PatronStatus;
  openLoans: number;
}

export async function loadPatronByCard(db: Db, cardNumber: string): Promise<PatronFacts | null> {
  const [row] = await db.all<{ id: number; card_number: string; name: string; status: PatronStatus; open_loans: number }>(sql`
    SELECT p.id, p.card_number, p.name, p.status, (SELECT count(*) FROM loans l WHERE l.patron_id = p.id AND l.returned_at IS NULL) AS open_loans
    FROM patrons p WHERE p.card_number = ${cardNumber}`);
  return row ? { id: Number(row.id), cardNumber: row.card_number, name: row.name, status: row.status, openLoans: Number(row.open_loans) } : null;
}

/** The patron's active hold on a record (one at most: holds_one_active). */
export async function ownActiveHold(db: Db, patronId: number, recordId: number): Promise<{ id: number; status: HoldStatus; itemId: number | null } | null> {
  const [row] = await db.all<{ id: number; status: HoldStatus; item_id: number | null }>(sql`
    SELECT id, status, item_id FROM holds WHERE patron_id = ${patronId} AND record_id = ${recordId} AND status IN ${ACTIVE}`);
  return row ? { id: Number(row.id), status: row.status, itemId: row.item_id === null ? null : Number(row.item_id) } : null;
}

export interface CounterPatronView {
  patron: PatronFacts;
  /** Ready holds of the patron with pickup at this branch (the copy's barcode, to fetch from the hold shelf). */
  readyHere: { holdId: number; title: string; volumeLabel: string | null; barcode: string | null; shelfUntil: Day | null }[];
}

export async function readyHoldsAt(db: Db, patronId: number, branchId: number): Promise<CounterPatronView["readyHere"]> {
  const rows = await db.all<{ id: number; title: string; volume_label: string | null; barcode: string | null; shelf_until: string | null }>(sql`
    SELECT h.id, r.title, r.volume_label, i.barcode, h.shelf_until FROM holds h JOIN records r ON r.id = h.record_id LEFT JOIN items i ON i.id = h.item_id
    WHERE h.patron_id = ${patronId} AND h.status = 'ready' AND h.pickup_branch_id = ${branchId} ORDER BY h.ready_at, h.id`);
  return rows.map((r) => ({ holdId: Number(r.id), title: r.title, volumeLabel: r.volume_label, barcode: r.barcode, shelfUntil: r.shelf_until }));
}

/** A waiting hold as the trap sees it, with what the answer and R21's deadline need. */
export interface Candidate extends TrapCandidate {
  recordId: number;
  patronId: number;
  contact: ContactMethod;
}

/** R15, R16: every record's waiting holds (with the members of their ordered groups), grouped by record. */
export async function loadCandidates(db: Db, recordIds: readonly number[]): Promise<Map<number, Candidate[]>> {
  const out = new Map<number, Candidate[]>();
  const ids = [...new Set(recordIds)];
  for (const id of ids) out.set(id, []);
  if (!ids.length) return out;
  const client = d1Client(db);
  for (const part of chunk(ids, 90)) {
    const list = sql.join(part.map((id) => sql`${id}`), sql`, `);
    const [w, g] = await client.batch([
      d1Statement(db, sql`SELECT id, record_id, patron_id, placed_at, pickup_branch_id, contact, group_id, group_position FROM holds
        WHERE record_id IN (${list}) AND status = 'waiting' ORDER BY placed_at, id`),
      d1Statement(db, sql`SELECT m.group_id, m.group_position, m.status, r.volume_label, r.title FROM holds m JOIN records r ON r.id = m.record_id
        WHERE m.group_id IN (SELECT group_id FROM holds WHERE record_id IN (${list}) AND status = 'waiting' AND group_id IS NOT NULL)`),
    ]);
    const groups = new Map<number, GroupMember[]>();
    for (const m of g!.results as { group_id: number; group_position: number; status: HoldStatus; volume_label: string | null; title: string }[]) {
      const members = groups.get(Number(m.group_id)) ?? [];
      members.push({ position: Number(m.group_position), status: m.status, volumeLabel: m.volume_label, title: m.title });
      groups.set(Number(m.group_id), members);
    }
    for (const h of w!.results as { id: number; record_id: number; patron_id: number; placed_at: number; pickup_branch_id: number; contact: ContactMethod; group_id: number | null; group_position: number | null }[]) {
      out.get(Number(h.record_id))!.push({
        id: Number(h.id),
        recordId: Number(h.record_id),
        patronId: Number(h.patron_id),
        placedAt: Number(h.placed_at),
        pickupBranchId: Number(h.pickup_branch_id),
        contact: h.contact,
        group: h.group_id === null ? null : { position: Number(h.group_position), members: groups.get(Number(h.group_id)) ?? [] },
      });
    }
  }
  return out;
}

export interface BranchInfo {
  id: number;
  code: string;
  name: string;
}

export async function loadBranches(db: Db): Promise<Map<number, BranchInfo>> {
  const rows = await db.all<BranchInfo>(sql`SELECT id, code, name FROM branches`);
  return new Map(rows.map((b) => [Number(b.id), { id: Number(b.id), code: b.code, name: b.name }]));
}

export interface HolderInfo {
  holdId: number;
  patronId: number;
  cardNumber: string;
  name: string;
}

export async function holderOf(db: Db, holdId: number): Promise<HolderInfo | null> {
  const [row] = await db.all<{ id: number; patron_id: number; card_number: string; name: string }>(sql`
    SELECT h.id, h.patron_id, p.card_number, p.name FROM holds h JOIN patrons p ON p.id = h.patron_id WHERE h.id = ${holdId}`);
  return row ? { holdId: Number(row.id), patronId: Number(row.patron_id), cardNumber: row.card_number, name: row.name } : null;
}

// ---- the batches ---------------------------------------------------------------------------------------------------

/** R21: what a hold becoming ready is written with (computed by the service from the calendar). */
export interface ReadyFacts {
  shelfUntil: Day;
  /** The contact day when it is known now (連絡不要: the ready day); null for mail and phone until the contact. */
  contactDate: Day | null;
  // issue 9 notices
  /** R20, R43: contact 'mail' — the ready notice is enqueued in the same batch (data/mail-notices.ts readyNoticeStatement). */
  mailNotice?: { patronId: number; readyDay: Day } | null;
  // end issue 9 notices
}

export interface Actor {
  staffId: number | null;
  clientAddress: string | null;
}

function audit(db: Db, a: { now: number; actor: Actor; action: string; targetKind: string; targetId: number; detail: Record<string, unknown> }): D1PreparedStatement {
  const kind = a.actor.staffId === null ? "system" : "staff";
  return d1Statement(
    db,
    sql`INSERT INTO audit_log (at, actor_kind, actor_id, action, target_kind, target_id, detail, client_address)
      SELECT ${a.now}, ${kind}, ${a.actor.staffId}, ${a.action}, ${a.targetKind}, ${a.targetId}, ${JSON.stringify(a.detail)}, ${a.actor.clientAddress?.slice(0, 64) ?? null}
      WHERE changes() > 0`,
  );
}

/** The SET of the copy's row for a placement at `atBranchId`. */
function itemSet(p: Placement, atBranchId: number): SQL {
  switch (p.kind) {
    case "ready":
      return sql`status = 'on_hold_shelf', current_branch_id = ${atBranchId}`;
    case "transit":
    case "home":
      return sql`status = 'in_transit', current_branch_id = NULL`;
    case "shelf":
      return sql`status = 'on_shelf', current_branch_id = ${atBranchId}`;
    case "lender":
      return sql`status = 'withdrawn', current_branch_id = ${atBranchId}`;
  }
}

/** The claim's guard on the hold the copy is about to be set aside for: still in the state the decision saw. */
function holdGuard(p: Placement, itemId: number, from: "waiting" | "in_transit"): SQL {
  if (p.kind !== "ready" && p.kind !== "transit") return sql`1`;
  return from === "waiting"
    ? sql`EXISTS (SELECT 1 FROM holds WHERE id = ${p.holdId} AND status = 'waiting')`
    : sql`EXISTS (SELECT 1 FROM holds WHERE id = ${p.holdId} AND status = 'in_transit' AND item_id = ${itemId})`;
}

/** After the copy's row: the hold set aside (ready / in transit) and the transit row, each `changes() > 0`. */
function placementFollowUps(db: Db, c: { itemId: number; atBranchId: number; placement: Placement; from: "waiting" | "in_transit"; ready: ReadyFacts | null; now: number }): D1PreparedStatement[] {
  const p = c.placement;
  const out: D1PreparedStatement[] = [];
  if (p.kind === "ready") {
    const r = c.ready!;
    out.push(
      d1Statement(db, sql`UPDATE holds SET status = 'ready', item_id = ${c.itemId}, ready_at = ${c.now}, shelf_until = ${r.shelfUntil}, contact_date = ${r.contactDate}, updated_at = ${c.now}
        WHERE id = ${p.holdId} AND status = ${c.from} AND changes() > 0`),
    );
    // issue 9 notices: R20 — the ready notice, one outbox row per confirmed address, guarded on the hold being ready
    // with this copy at this instant (not on changes()). A ready placement writes no transit, so this is the LAST
    // statement of every batch that makes a hold ready (「返却」, 「到着」, the expiry's passing-on): nothing chains on it.
    if (r.mailNotice) {
      out.push(readyNoticeStatement(db, { holdId: p.holdId, itemId: c.itemId, patronId: r.mailNotice.patronId, readyDay: r.mailNotice.readyDay, now: c.now }));
    }
    // end issue 9 notices
  }
  if (p.kind === "transit") {
    out.push(d1Statement(db, sql`UPDATE holds SET status = 'in_transit', item_id = ${c.itemId}, updated_at = ${c.now} WHERE id = ${p.holdId} AND status = 'waiting' AND changes() > 0`));
  }
  if (p.kind === "transit" || p.kind === "home") {
    const holdId = p.kind === "transit" ? p.holdId : null;
    out.push(
      d1Statement(db, sql`INSERT INTO item_transits (item_id, from_branch_id, to_branch_id, hold_id, sent_at)
        SELECT ${c.itemId}, ${c.atBranchId}, ${p.toBranchId}, ${holdId}, ${c.now} WHERE changes() > 0`),
    );
  }
  return out;
}

/**
 * 「返却」: claim = the copy's row, guarded on its state as read (and the open loan, and the hold about to take it
 * still waiting, and no hold holding it already, and no open transit); then the audit row, the loan's end, the hold,
 * the transit.
 */
export function checkInStatements(
  db: Db,
  c: { itemId: number; fromStatus: ItemStatus; loanId: number | null; atBranchId: number; placement: Placement; ready: ReadyFacts | null; now: number; actor: Actor; detail: Record<string, unknown> },
): D1PreparedStatement[] {
  const loanGuard = c.loanId === null ? sql`NOT EXISTS (SELECT 1 FROM loans WHERE item_id = ${c.itemId} AND returned_at IS NULL)` : sql`EXISTS (SELECT 1 FROM loans WHERE id = ${c.loanId} AND item_id = ${c.itemId} AND returned_at IS NULL)`;
  const out = [
    d1Statement(db, sql`UPDATE items SET ${itemSet(c.placement, c.atBranchId)}
      WHERE id = ${c.itemId} AND status = ${c.fromStatus} AND ${loanGuard} AND ${holdGuard(c.placement, c.itemId, "waiting")}
        AND NOT EXISTS (SELECT 1 FROM holds WHERE item_id = ${c.itemId} AND status IN ${ALLOCATED})
        AND NOT EXISTS (SELECT 1 FROM item_transits WHERE item_id = ${c.itemId} AND received_at IS NULL)`),
    audit(db, { now: c.now, actor: c.actor, action: "item_checked_in", targetKind: "item", targetId: c.itemId, detail: c.detail }),
  ];
  if (c.loanId !== null) {
    out.push(
      d1Statement(db, sql`UPDATE loans SET returned_at = ${c.now}, return_branch_id = ${c.atBranchId}, return_staff_id = ${c.actor.staffId}
        WHERE id = ${c.loanId} AND returned_at IS NULL AND changes() > 0`),
    );
  }
  out.push(...placementFollowUps(db, { itemId: c.itemId, atBranchId: c.atBranchId, placement: c.placement, from: "waiting", ready: c.ready, now: c.now }));
  return out;
}

/**
 * 「到着」: claim = closing the open transit addressed to this branch (guarded on the hold it is about to serve: the
 * hold it travelled for, still in transit with this copy, or the next waiting hold); then the audit row, the copy,
 * the hold, a next transit.
 */
export function receiveStatements(
  db: Db,
  c: { transitId: number; itemId: number; atBranchId: number; placement: Placement; from: "waiting" | "in_transit"; ready: ReadyFacts | null; now: number; actor: Actor; detail: Record<string, unknown> },
): D1PreparedStatement[] {
  return [
    d1Statement(db, sql`UPDATE item_transits SET received_at = ${c.now}
      WHERE id = ${c.transitId} AND item_id = ${c.itemId} AND received_at IS NULL AND to_branch_id = ${c.atBranchId} AND ${holdGuard(c.placement, c.itemId, c.from)}
        AND EXISTS (SELECT 1 FROM items WHERE id = ${c.itemId} AND status = 'in_transit')
        ${c.from === "waiting" ? sql`AND NOT EXISTS (SELECT 1 FROM holds WHERE item_id = ${c.itemId} AND status IN ${ALLOCATED})` : sql``}`),
    audit(db, { now: c.now, actor: c.actor, action: "transit_received", targetKind: "item", targetId: c.itemId, detail: c.detail }),
    d1Statement(db, sql`UPDATE items SET ${itemSet(c.placement, c.atBranchId)} WHERE id = ${c.itemId} AND status = 'in_transit' AND changes() > 0`),
    ...placementFollowUps(db, { itemId: c.itemId, atBranchId: c.atBranchId, placement: c.placement, from: c.from, ready: c.ready, now: c.now }),
  ];
}

/**
 * R21 expiry: claim = cancelling the ready hold, guarded on its state AND its deadline (status 'ready' AND
 * shelf_until < today: a second run, or a run at the same time, finds nothing) and on the next hold still waiting;
 * then the audit row, the copy passed on from the hold shelf, the next hold, a transit.
 */
export function expireStatements(
  db: Db,
  c: { holdId: number; itemId: number; today: Day; atBranchId: number; placement: Placement; ready: ReadyFacts | null; now: number; detail: Record<string, unknown> },
): D1PreparedStatement[] {
  return [
    d1Statement(db, sql`UPDATE holds SET status = 'cancelled', cancel_reason = 'expired', cancelled_at = ${c.now}, updated_at = ${c.now}
      WHERE id = ${c.holdId} AND status = 'ready' AND shelf_until < ${c.today} AND item_id = ${c.itemId} AND ${holdGuard(c.placement, c.itemId, "waiting")}`),
    audit(db, { now: c.now, actor: { staffId: null, clientAddress: null }, action: "hold_expired", targetKind: "hold", targetId: c.holdId, detail: c.detail }),
    d1Statement(db, sql`UPDATE items SET ${itemSet(c.placement, c.atBranchId)} WHERE id = ${c.itemId} AND status = 'on_hold_shelf' AND changes() > 0`),
    ...placementFollowUps(db, { itemId: c.itemId, atBranchId: c.atBranchId, placement: c.placement, from: "waiting", ready: c.ready, now: c.now }),
  ];
}

/**
 * 「貸出」: claim = the loan's INSERT … SELECT, guarded on the patron (active, below LOAN_LIMIT open loans), the copy
 * (its state as read, loanable, not lent), and the hold it fills (still the patron's, in the state read; a ready
 * hold holding this copy). Then the audit row, the hold fulfilled, the copy on loan.
 */
export function checkoutStatements(
  db: Db,
  c: {
    patronId: number;
    itemId: number;
    fromStatus: ItemStatus;
    hold: { id: number; status: HoldStatus } | null;
    branchId: number;
    dueDate: Day;
    interLibrary: boolean;
    now: number;
    actor: Actor & { staffId: number };
    detail: Record<string, unknown>;
  },
): D1PreparedStatement[] {
  const holdOk = c.hold
    ? c.hold.status === "ready"
      ? sql`EXISTS (SELECT 1 FROM holds WHERE id = ${c.hold.id} AND patron_id = ${c.patronId} AND status = 'ready' AND item_id = ${c.itemId})`
      : sql`EXISTS (SELECT 1 FROM holds WHERE id = ${c.hold.id} AND patron_id = ${c.patronId} AND status = ${c.hold.status})`
    : sql`1`;
  // A copy on the shelf is lent only while no hold holds it; a copy on the hold shelf only with its ready hold.
  const copyOk =
    c.fromStatus === "on_hold_shelf"
      ? sql`EXISTS (SELECT 1 FROM holds WHERE item_id = ${c.itemId} AND status = 'ready' AND patron_id = ${c.patronId})`
      : sql`NOT EXISTS (SELECT 1 FROM holds WHERE item_id = ${c.itemId} AND status IN ${ALLOCATED})`;
  const out = [
    d1Statement(db, sql`INSERT INTO loans (item_id, patron_id, loaned_at, checkout_branch_id, staff_id, hold_id, due_date, renewals, inter_library)
      SELECT ${c.itemId}, ${c.patronId}, ${c.now}, ${c.branchId}, ${c.actor.staffId}, ${c.hold?.id ?? null}, ${c.dueDate}, 0, ${c.interLibrary ? 1 : 0}
      WHERE (SELECT count(*) FROM loans WHERE patron_id = ${c.patronId} AND returned_at IS NULL) < ${LOAN_LIMIT}
        AND EXISTS (SELECT 1 FROM patrons WHERE id = ${c.patronId} AND status = 'active')
        AND EXISTS (SELECT 1 FROM items WHERE id = ${c.itemId} AND status = ${c.fromStatus} AND loanable = 1)
        AND NOT EXISTS (SELECT 1 FROM loans WHERE item_id = ${c.itemId} AND returned_at IS NULL)
        AND ${copyOk} AND ${holdOk}`),
    audit(db, { now: c.now, actor: c.actor, action: "item_checked_out", targetKind: "item", targetId: c.itemId, detail: c.detail }),
  ];
  if (c.hold) {
    out.push(
      d1Statement(db, sql`UPDATE holds SET status = 'fulfilled', fulfilled_at = ${c.now}, item_id = ${c.itemId}, updated_at = ${c.now}
        WHERE id = ${c.hold.id} AND patron_id = ${c.patronId} AND status = ${c.hold.status} AND changes() > 0`),
    );
  }
  out.push(d1Statement(db, sql`UPDATE items SET status = 'on_loan', current_branch_id = ${c.branchId} WHERE id = ${c.itemId} AND changes() > 0`));
  return out;
}

/** Runs a batch; answers whether its claim (the first statement) changed a row. */
export async function runClaim(db: Db, statements: D1PreparedStatement[]): Promise<boolean> {
  const [claim] = await d1Client(db).batch(statements);
  return (claim?.meta.changes ?? 0) > 0;
}

/** The loan a checkout just wrote (the copy's open loan, made at `now` by this member of staff). */
export async function loanJustMade(db: Db, itemId: number, now: number, staffId: number): Promise<{ id: number; dueDate: Day } | null> {
  const [row] = await db.all<{ id: number; due_date: string }>(sql`SELECT id, due_date FROM loans WHERE item_id = ${itemId} AND returned_at IS NULL AND loaned_at = ${now} AND staff_id = ${staffId}`);
  return row ? { id: Number(row.id), dueDate: row.due_date } : null;
}

export async function openTransitOf(db: Db, itemId: number): Promise<{ id: number; toBranchId: number; holdId: number | null } | null> {
  const [row] = await db.all<{ id: number; to_branch_id: number; hold_id: number | null }>(sql`SELECT id, to_branch_id, hold_id FROM item_transits WHERE item_id = ${itemId} AND received_at IS NULL`);
  return row ? { id: Number(row.id), toBranchId: Number(row.to_branch_id), holdId: row.hold_id === null ? null : Number(row.hold_id) } : null;
}

export async function openLoanCount(db: Db, patronId: number): Promise<number> {
  const [row] = await db.all<{ n: number }>(sql`SELECT count(*) AS n FROM loans WHERE patron_id = ${patronId} AND returned_at IS NULL`);
  return Number(row?.n ?? 0);
}

export interface OverdueReadyHold {
  id: number;
  itemId: number;
  recordId: number;
  pickupBranchId: number;
  atBranchId: number;
  homeBranchId: number;
  illHoldId: number | null;
  shelfUntil: Day;
}

/** R21: ready holds whose last shelf day is before `today`, by id after `afterId` (a bounded chunk). */
export async function overdueReadyHolds(db: Db, today: Day, afterId: number, limit: number): Promise<OverdueReadyHold[]> {
  const rows = await db.all<{ id: number; item_id: number; record_id: number; pickup_branch_id: number; current_branch_id: number | null; branch_id: number; ill_hold_id: number | null; shelf_until: string }>(sql`
    SELECT h.id, h.item_id, h.record_id, h.pickup_branch_id, i.current_branch_id, i.branch_id, i.ill_hold_id, h.shelf_until
    FROM holds h JOIN items i ON i.id = h.item_id
    WHERE h.status = 'ready' AND h.shelf_until < ${today} AND h.id > ${afterId} ORDER BY h.id LIMIT ${limit}`);
  return rows.map((r) => ({
    id: Number(r.id),
    itemId: Number(r.item_id),
    recordId: Number(r.record_id),
    pickupBranchId: Number(r.pickup_branch_id),
    atBranchId: r.current_branch_id === null ? Number(r.pickup_branch_id) : Number(r.current_branch_id),
    homeBranchId: Number(r.branch_id),
    illHoldId: r.ill_hold_id === null ? null : Number(r.ill_hold_id),
    shelfUntil: r.shelf_until,
  }));
}

/** A transit with what its slip shows (destination, title, barcode, date). */
export interface TransitSlip {
  id: number;
  barcode: string;
  title: string;
  volumeLabel: string | null;
  shelfMark: string | null;
  fromBranchId: number;
  fromName: string;
  toBranchId: number;
  toName: string;
  holdId: number | null;
  sentAt: number;
  receivedAt: number | null;
}

export async function transitSlip(db: Db, transitId: number): Promise<TransitSlip | null> {
  const [r] = await db.all<{ id: number; barcode: string; title: string; volume_label: string | null; shelf_mark: string | null; from_branch_id: number; from_name: string; to_branch_id: number; to_name: string; hold_id: number | null; sent_at: number; received_at: number | null }>(sql`
    SELECT t.id, i.barcode, r.title, r.volume_label, i.shelf_mark, t.from_branch_id, fb.name AS from_name, t.to_branch_id, tb.name AS to_name, t.hold_id, t.sent_at, t.received_at
    FROM item_transits t JOIN items i ON i.id = t.item_id JOIN records r ON r.id = i.record_id
      JOIN branches fb ON fb.id = t.from_branch_id JOIN branches tb ON tb.id = t.to_branch_id
    WHERE t.id = ${transitId}`);
  if (!r) return null;
  return {
    id: Number(r.id),
    barcode: r.barcode,
    title: r.title,
    volumeLabel: r.volume_label,
    shelfMark: r.shelf_mark,
    fromBranchId: Number(r.from_branch_id),
    fromName: r.from_name,
    toBranchId: Number(r.to_branch_id),
    toName: r.to_name,
    holdId: r.hold_id === null ? null : Number(r.hold_id),
    sentAt: Number(r.sent_at),
    receivedAt: r.received_at === null ? null : Number(r.received_at),
  };
}
