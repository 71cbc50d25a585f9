// Issue 8 item 1: the counter's lists and look-up (staff console), R05, R15, R16, R21.
//
//   consoleBranch(db, actor, raw)       the branch a list is for: the counter's own; an admin may name another city
//                                       branch (?branch=), defaulting to their own. 403 console_branch_forbidden when
//                                       a counter names another branch; 400 console_branch_invalid for an unknown one
//   pickList(db, { branchId, limit })   「ピックリスト」 (R16, R15): each loanable copy on the shelf here goes to the
//                                       oldest waiting in-city hold of its record that may take it (domain/ordered-
//                                       holds.ts mayAllocate: a later volume is not listed while an earlier one
//                                       waits), so a hold is listed once and a record with 2 copies and 3 holds lists
//                                       2. The same choice 「返却」 then makes (domain/trap.ts). ILL holds excluded.
//   holdShelf(db, { branchId, now })    「取置棚」 (R21): ready holds picked up here, oldest first, deadline and
//                                       「あと n 開館日」, and the phone list (contact 電話, no contact day yet)
//   recordPhoneContact(db, actor, …)    「連絡済み」 (R21): the Tokyo day becomes the contact day and the deadline is
//                                       counted again from it — one guarded UPDATE + audit row; a second click: 409
//                                       contact_already_recorded; a counter of another branch: 403 contact_other_branch
//   lookUpPatron(db, actor, …)          「利用者照会」: the patron (any patron — patrons are city-wide, a counter serves
//                                       every card), open loans, holds in the guide's words (services/hold-status.ts
//                                       listHolds), and an audit row naming who looked
//   issueCounterTemporaryPassword(…)    「仮パスワード発行」 (R05): services/passwords.ts issueTemporaryPassword with the
//                                       member of staff (its audit row names them)
import { loadCalendar } from "../data/calendar.ts";
import type { Db } from "../data/db.ts";
import { writeAudit } from "../data/audit.ts";
import {
  branchById,
  consoleBranches,
  contactFacts,
  holdShelfRows,
  patronByCard,
  patronLoans,
  pickListRows,
  recordContactStatements,
  type ConsoleBranch,
  type PatronCard,
  type PatronLoanRow,
  type PickHold,
} from "../data/staff-console.ts";
import { d1Client } from "../data/db.ts";
import { addDays, tokyoDay, type Day } from "../domain/calendar.ts";
import { holdShelfDeadline, shelfCountFrom, shelfDaysLeftText, shelfOpenDaysLeft } from "../domain/hold-shelf.ts";
import { isCardNumber, normalizeCardNumber } from "../domain/identity.ts";
import type { GroupMember } from "../domain/ordered-holds.ts";
import { comparePlacement } from "../domain/hold-queue.ts";
import { chooseHoldForCopy, type TrapCandidate } from "../domain/trap.ts";
import type { StaffRole } from "../domain/vocabulary.ts";
import { reason, refusal } from "../errors.ts";
import { listHolds, type HoldListItem } from "./hold-status.ts";
import { issueTemporaryPassword } from "./passwords.ts";
import type { AuthEnv } from "./login.ts";

export interface ConsoleActor {
  staffId: number;
  role: StaffRole;
  branchId: number;
  clientAddress: string | null;
}

export const PICK_LIST_LIMIT = 200;
export const HOLD_SHELF_LIMIT = 300;

/** The branch a list is for, and the city's branches for an admin's select. */
export async function consoleBranch(db: Db, actor: ConsoleActor, raw: string | undefined): Promise<{ branch: ConsoleBranch; branches: ConsoleBranch[] }> {
  const branches = await consoleBranches(db);
  const wanted = raw === undefined || raw === "" ? actor.branchId : /^[1-9][0-9]{0,9}$/.test(raw) ? Number(raw) : NaN;
  if (Number.isNaN(wanted)) throw refusal("bad_request", [reason("console_branch_invalid", "branch")]);
  if (wanted !== actor.branchId && actor.role !== "admin") throw refusal("forbidden", [reason("console_branch_forbidden", "branch")]);
  const branch = branches.find((b) => b.id === wanted) ?? (wanted === actor.branchId ? await branchById(db, wanted) : null);
  if (!branch) throw refusal("bad_request", [reason("console_branch_invalid", "branch")]);
  return { branch, branches };
}

// ---- 「ピックリスト」 -------------------------------------------------------------------------------------------

export interface PickLine {
  holdId: number;
  recordId: number;
  title: string;
  volumeLabel: string | null;
  shelfMark: string | null;
  barcode: string;
  pickupBranchId: number;
  pickupName: string;
  /** R16: the reception time (ms). */
  placedAt: number;
}

export interface PickList {
  lines: PickLine[];
  /** More holds wait than the list shows (it is bounded): work through these, then open it again. */
  more: boolean;
}

/**
 * R15/R16: give each copy on the shelf to one hold, by the rule 「返却」 applies (domain/trap.ts chooseHoldForCopy:
 * reception order, a later volume of an ordered hold only when mayAllocate lets it), so a listed copy scanned at
 * 「返却」 goes to the listed hold. The lines are in reception order across records; `limit` bounds them.
 */
export function allocatePickList(
  rows: { copies: { recordId: number; barcode: string; shelfMark: string | null }[]; holds: PickHold[]; members: { groupId: number; position: number; status: GroupMember["status"]; volumeLabel: string | null; title: string }[] },
  limit: number,
): PickList {
  const groups = new Map<number, GroupMember[]>();
  for (const m of rows.members) {
    const list = groups.get(m.groupId) ?? [];
    list.push({ position: m.position, status: m.status, volumeLabel: m.volumeLabel, title: m.title });
    groups.set(m.groupId, list);
  }
  const waiting = new Map<number, (TrapCandidate & { hold: PickHold })[]>();
  for (const h of rows.holds) {
    const list = waiting.get(h.recordId) ?? [];
    const group = h.groupId !== null && h.groupPosition !== null ? { position: h.groupPosition, members: groups.get(h.groupId) ?? [] } : null;
    list.push({ id: h.holdId, placedAt: h.placedAt, pickupBranchId: h.pickupBranchId, group, hold: h });
    waiting.set(h.recordId, list);
  }
  const picked: PickLine[] = [];
  for (const c of rows.copies) {
    const candidates = waiting.get(c.recordId);
    if (!candidates?.length) continue;
    // Pick lists hold the city's own copies only (ILL copies serve their hold alone and are never listed).
    const decision = chooseHoldForCopy({ atBranchId: 0, fetchedForHoldId: null }, candidates);
    if (decision.kind === "shelf") continue;
    const taken = candidates.findIndex((x) => x.id === decision.holdId);
    const h = candidates.splice(taken, 1)[0]!.hold;
    picked.push({
      holdId: h.holdId,
      recordId: h.recordId,
      title: h.title,
      volumeLabel: h.volumeLabel,
      shelfMark: c.shelfMark,
      barcode: c.barcode,
      pickupBranchId: h.pickupBranchId,
      pickupName: h.pickupName,
      placedAt: h.placedAt,
    });
  }
  picked.sort((x, y) => comparePlacement({ placedAt: x.placedAt, id: x.holdId }, { placedAt: y.placedAt, id: y.holdId }));
  return { lines: picked.slice(0, limit), more: picked.length > limit };
}

export async function pickList(db: Db, input: { branchId: number; limit?: number }): Promise<PickList> {
  const limit = input.limit ?? PICK_LIST_LIMIT;
  // Holds beyond the lines shown: blocked volumes and holds on records whose copies went to older holds are skipped.
  const holdLimit = limit * 4 + 1;
  const rows = await pickListRows(db, input.branchId, holdLimit);
  const list = allocatePickList(rows, limit);
  return { lines: list.lines, more: list.more || rows.holds.length === holdLimit };
}

// ---- 「取置棚」 ---------------------------------------------------------------------------------------------------

export interface ShelfLine {
  holdId: number;
  title: string;
  volumeLabel: string | null;
  barcode: string | null;
  cardNumber: string;
  patronName: string;
  phone: string;
  contact: "mail" | "phone" | "none";
  contactDate: Day | null;
  readyDay: Day;
  shelfUntil: Day;
  /** 「あと3開館日」, 「本日まで」, or that it has passed. */
  daysLeftText: string;
  /** Open days left (0 once past): 1 or less is highlighted. */
  openDaysLeft: number;
  expired: boolean;
}

export interface HoldShelf {
  lines: ShelfLine[];
  /** R21: contact 電話 with no contact day yet: staff are to call, then press 「連絡済み」. */
  phoneList: ShelfLine[];
  more: boolean;
}

export async function holdShelf(db: Db, input: { branchId: number; branchCode: string; now: number; limit?: number }): Promise<HoldShelf> {
  const limit = input.limit ?? HOLD_SHELF_LIMIT;
  const rows = await holdShelfRows(db, input.branchId, limit + 1);
  const today = tokyoDay(input.now);
  const calendar = rows.length ? await loadCalendar(db, { from: addDays(today, -1) }) : { closures: [] };
  const lines = rows.slice(0, limit).map((r): ShelfLine => {
    const left = shelfOpenDaysLeft(calendar, input.branchCode, today, r.shelfUntil);
    return {
      holdId: r.holdId,
      title: r.title,
      volumeLabel: r.volumeLabel,
      barcode: r.barcode,
      cardNumber: r.cardNumber,
      patronName: r.patronName,
      phone: r.phone,
      contact: r.contact,
      contactDate: r.contactDate,
      readyDay: tokyoDay(r.readyAt),
      shelfUntil: r.shelfUntil,
      daysLeftText: shelfDaysLeftText(today, r.shelfUntil, left),
      openDaysLeft: left,
      expired: today > r.shelfUntil,
    };
  });
  return { lines, phoneList: lines.filter((l) => l.contact === "phone" && l.contactDate === null), more: rows.length > limit };
}

// ---- 「連絡済み」 (R21) ------------------------------------------------------------------------------------------

export interface ContactRecorded {
  holdId: number;
  contactDay: Day;
  shelfUntil: Day;
}

/**
 * R21: the call to the patron is recorded today (Asia/Tokyo): contact_date = today, shelf_until = 7 open days of the
 * pickup library after it. One guarded UPDATE; nothing changes on any refusal.
 */
export async function recordPhoneContact(db: Db, actor: ConsoleActor, input: { holdId: number; now: number }): Promise<ContactRecorded> {
  const facts = await contactFacts(db, input.holdId);
  if (!facts || facts.status !== "ready" || facts.contact !== "phone" || facts.readyAt === null) throw refusal("not_found", [reason("contact_hold_not_found")]);
  if (actor.role !== "admin" && facts.pickupBranchId !== actor.branchId) throw refusal("forbidden", [reason("contact_other_branch")]);
  if (facts.contactDate !== null) throw refusal("conflict", [reason("contact_already_recorded")]);
  const today = tokyoDay(input.now);
  const readyDay = tokyoDay(facts.readyAt);
  const countFrom = shelfCountFrom({ contact: "phone", readyDay, contactDay: today < readyDay ? readyDay : today });
  const calendar = await loadCalendar(db, { from: countFrom });
  const shelfUntil = holdShelfDeadline(calendar, facts.pickupCode, countFrom);
  const [update] = await d1Client(db).batch(
    recordContactStatements(db, {
      holdId: facts.holdId,
      staffId: actor.staffId,
      branchId: actor.role === "admin" ? null : actor.branchId,
      readyAt: facts.readyAt,
      contactDay: countFrom,
      shelfUntil,
      now: input.now,
      clientAddress: actor.clientAddress,
    }),
  );
  if ((update?.meta.changes ?? 0) === 0) {
    // Someone else recorded it (or the hold moved on) between the read and the write.
    const after = await contactFacts(db, input.holdId);
    if (after && after.status === "ready" && after.contactDate !== null) throw refusal("conflict", [reason("contact_already_recorded")]);
    throw refusal("not_found", [reason("contact_hold_not_found")]);
  }
  return { holdId: facts.holdId, contactDay: countFrom, shelfUntil };
}

// ---- 「利用者照会」 -------------------------------------------------------------------------------------------

export interface PatronLoanLine extends PatronLoanRow {
  overdue: boolean;
}

export interface PatronLookup {
  patron: PatronCard;
  loans: PatronLoanLine[];
  holds: HoldListItem[];
}

/** A card number as typed at the counter (full-width digits and spaces allowed), or a 400 card_number_invalid. */
export function counterCard(raw: string): string {
  const card = normalizeCardNumber(raw);
  if (!isCardNumber(card)) throw refusal("bad_request", [reason("card_number_invalid", "card")]);
  return card;
}

export async function lookUpPatron(db: Db, actor: ConsoleActor, input: { card: string; now: number }): Promise<PatronLookup> {
  const card = counterCard(input.card);
  const patron = await patronByCard(db, card);
  if (!patron) throw refusal("not_found", [reason("patron_not_found", "card")]);
  const [loans, holds] = await Promise.all([patronLoans(db, patron.id), listHolds(db, patron.id, input.now)]);
  await writeAudit(db, {
    at: input.now,
    actorKind: "staff",
    actorId: actor.staffId,
    action: "patron_looked_up",
    targetKind: "patron",
    targetId: patron.id,
    detail: { branchId: actor.branchId },
    clientAddress: actor.clientAddress,
  });
  const today = tokyoDay(input.now);
  return { patron, loans: loans.map((l) => ({ ...l, overdue: l.dueDate < today })), holds: holds.items };
}

/** R05 「仮パスワード発行」 at the counter: the one service the command line also uses; its audit row names the staff. */
export async function issueCounterTemporaryPassword(
  db: Db,
  env: AuthEnv,
  actor: ConsoleActor,
  input: { card: string; now: number },
): Promise<{ password: string; cardNumber: string; patronId: number }> {
  const card = counterCard(input.card);
  return issueTemporaryPassword(db, env, { card, staffId: actor.staffId, now: input.now });
}
