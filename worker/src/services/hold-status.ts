// R15, R16, R33, R34: 「予約状況一覧」, 「取消」 and the changes of 「受取館」 / 「連絡方法」 (issue 7 items 4–7).
//
//   listHolds(db, patronId, now)      the list as the page shows it: state words, pickup library, contact, queue
//                                     position and estimated wait (waiting holds), the ordered-hold chain, the pickup
//                                     deadline of a ready hold (when the circulation issue has set it), the actions
//                                     allowed, and, where none is, the sentence to come or phone (with the number)
//   cancelHold(db, input)             ONE guarded UPDATE (+ its audit row); the hold as it is afterwards
//   changeHold(db, input)             likewise for 受取館 / 連絡方法
// A hold that is not the patron's is answered exactly like a hold that does not exist (404 hold_not_found): no
// request learns whether another patron's hold exists. A hold of theirs that may no longer be changed online is a
// 409 HoldChangeRefused with every reason and the sentence to come or phone.
import {
  cancelHoldStatements,
  centralBranch,
  changeHoldStatements,
  hasConfirmedMail,
  holdFacts,
  isPickupBranch,
  loadHoldList,
  runHoldWrite,
  type HoldRow,
  type PickupBranch,
} from "../data/hold-status.ts";
import type { Db } from "../data/db.ts";
import { loadCalendar } from "../data/calendar.ts";
import { addDays, tokyoDay } from "../domain/calendar.ts";
import { shelfDaysLeftText, shelfOpenDaysLeft } from "../domain/hold-shelf.ts";
import { AppError, reason, refusal } from "../errors.ts";
import { estimateWait, queueLabel } from "../domain/hold-queue.ts";
import {
  allowedHoldActions,
  cancelReasonWords,
  cancelledVisibleUntil,
  contactLibrarySentence,
  contactWords,
  decideHoldChange,
  holdStateWords,
  listedSinceMs,
  type HoldAction,
} from "../domain/hold-status.ts";
import { chainText } from "../domain/ordered-holds.ts";
import type { Day } from "../domain/calendar.ts";
import { MESSAGES, type ReasonCode } from "../domain/messages.ts";
import { constraintReason } from "../data/db.ts";
import { isActiveHoldStatus, type ContactMethod } from "../domain/vocabulary.ts";

export type { PickupBranch } from "../data/hold-status.ts";

export interface HoldListItem {
  id: number;
  recordId: number;
  title: string;
  volumeLabel: string | null;
  status: HoldRow["status"];
  /** R33: 「予約中です」 … 「取り消し」. */
  stateWords: string;
  /** R33: why a cancelled hold ended (ご本人による取消 / 取置期限切れ / 図書館による取消). */
  cancelReasonWords: string | null;
  /** R33: the last Tokyo day a cancelled hold is listed. */
  visibleUntil: Day | null;
  pickupBranchId: number;
  pickupName: string;
  contact: ContactMethod;
  contactWords: string;
  /** R16, waiting holds: 「予約順位（目安）3番目／所蔵2冊」 and 「目安：約4週間」. */
  queue: { label: string; wait: string; position: number; copies: number } | null;
  /** R15: 「第2巻：第1巻のご用意後に確保します」. */
  chain: string | null;
  /** R15: the group's members, in order, for a hold of an ordered group. */
  group: { position: number; label: string; stateWords: string | null; current: boolean }[] | null;
  /** R21: a ready hold's last day on the hold shelf (「お取り置き期限」), when set. */
  shelfUntil: Day | null;
  /** R21: 「あと3開館日」 (open days of the pickup library from today through the deadline), with shelfUntil. */
  shelfDaysLeft: string | null;
  /** R34: what the patron may do online. */
  actions: HoldAction[];
  /** R34: for an active hold with no action online, where to come or phone. */
  contactSentence: string | null;
  external: boolean;
}

export interface HoldList {
  items: HoldListItem[];
  activeCount: number;
  pickupBranches: PickupBranch[];
  hasMail: boolean;
}

function sentenceFor(h: Pick<HoldRow, "pickupName" | "pickupPhone">, central: PickupBranch | null): string {
  return contactLibrarySentence({ pickupName: h.pickupName, pickupPhone: h.pickupPhone, centralName: central?.name ?? null, centralPhone: central?.phone ?? null });
}

export async function listHolds(db: Db, patronId: number, now: number): Promise<HoldList> {
  const data = await loadHoldList(db, patronId, listedSinceMs(now));
  const today = tokyoDay(now);
  // R21: the calendar is read only when a ready hold has a deadline to count down to.
  const calendar = data.holds.some((h) => h.status === "ready" && h.shelfUntil) ? await loadCalendar(db, { from: addDays(today, -1) }) : null;
  const daysLeft = (h: { pickupCode: string; shelfUntil: Day | null }): string | null =>
    calendar && h.shelfUntil ? shelfDaysLeftText(today, h.shelfUntil, shelfOpenDaysLeft(calendar, h.pickupCode, today, h.shelfUntil)) : null;
  const items = data.holds.map((h): HoldListItem => {
    const pos = data.positions.get(h.id);
    const copies = data.copies.get(h.recordId) ?? { copies: 0, onShelf: 0 };
    const queue =
      h.status === "waiting" && pos
        ? { label: queueLabel({ position: pos.position, copies: copies.copies }), wait: estimateWait({ position: pos.position, ...copies }).text, position: pos.position, copies: copies.copies }
        : null;
    const members = h.groupId !== null ? (data.groups.get(h.groupId) ?? []) : [];
    const groupMembers = members.map((m) => ({ position: m.position, status: m.status, volumeLabel: m.volumeLabel, title: m.title }));
    const self = members.find((m) => m.holdId === h.id);
    const chain = self ? chainText({ position: self.position, status: h.status, volumeLabel: h.volumeLabel, title: h.title }, groupMembers) : null;
    const actions = allowedHoldActions(h);
    return {
      id: h.id,
      recordId: h.recordId,
      title: h.title,
      volumeLabel: h.volumeLabel,
      status: h.status,
      stateWords: holdStateWords(h.status) ?? "",
      cancelReasonWords: h.status === "cancelled" ? cancelReasonWords(h.cancelReason) : null,
      visibleUntil: h.status === "cancelled" && h.cancelledAt !== null ? cancelledVisibleUntil(h.cancelledAt) : null,
      pickupBranchId: h.pickupBranchId,
      pickupName: h.pickupName,
      contact: h.contact,
      contactWords: contactWords(h.contact),
      queue,
      chain,
      group: self
        ? members.map((m) => ({
            position: m.position,
            label: m.volumeLabel ?? m.title,
            stateWords: holdStateWords(m.status),
            current: m.holdId === h.id,
          }))
        : null,
      shelfUntil: h.status === "ready" ? h.shelfUntil : null,
      shelfDaysLeft: h.status === "ready" ? daysLeft(h) : null,
      actions,
      contactSentence: isActiveHoldStatus(h.status) && actions.length === 0 ? sentenceFor(h, data.central) : null,
      external: h.external,
    };
  });
  return {
    items,
    activeCount: data.holds.filter((h) => isActiveHoldStatus(h.status)).length,
    pickupBranches: data.pickupBranches,
    hasMail: data.hasMail,
  };
}

/** R34: the refusal for a hold of the patron's that can no longer be changed online: every reason, and where to go. */
export class HoldChangeRefused extends AppError {
  readonly hold: HoldRow;
  readonly contactSentence: string;
  constructor(hold: HoldRow, codes: ReasonCode[], contactSentence: string) {
    const reasons = codes.map((c) => reason(c));
    super("conflict", reasons[0]?.message ?? MESSAGES.hold_not_changeable, reasons);
    this.hold = hold;
    this.contactSentence = contactSentence;
  }
}

function notFound(): AppError {
  return refusal("not_found", [reason("hold_not_found")]);
}

/** After a guarded write changed nothing: why. Throws the refusal (404, 409, or 400 with the field's reason). */
async function explainUnchanged(db: Db, patronId: number, holdId: number, fieldReasons: () => Promise<ReasonCode[]>): Promise<never> {
  const hold = await holdFacts(db, patronId, holdId);
  if (!hold) throw notFound();
  const decision = decideHoldChange(hold);
  if (!decision.ok) throw new HoldChangeRefused(hold, decision.reasons, sentenceFor(hold, await centralBranch(db)));
  const reasons = await fieldReasons();
  // Nothing else can stop the guarded statement; should it happen, the patron is told to try again.
  throw reasons.length ? refusal("bad_request", reasons.map((r) => reason(r))) : refusal("conflict", [reason("session_conflict")]);
}

export interface HoldWriteInput {
  patronId: number;
  holdId: number;
  now: number;
  clientAddress: string | null;
}

/** R33, R34: 「取消」. Answers the hold as it is now (cancelled). */
export async function cancelHold(db: Db, input: HoldWriteInput): Promise<HoldRow> {
  const changed = await runHoldWrite(db, cancelHoldStatements(db, input));
  if (!changed) return explainUnchanged(db, input.patronId, input.holdId, async () => []);
  return (await holdFacts(db, input.patronId, input.holdId))!;
}

/** The hold a confirmation page names: one of the patron's, any state (404 otherwise). */
export async function patronHold(db: Db, patronId: number, holdId: number): Promise<HoldRow> {
  const hold = await holdFacts(db, patronId, holdId);
  if (!hold) throw notFound();
  return hold;
}

/** R34: the refusal a hold of the patron's gets before any write, when it can no longer be changed (or null). */
export async function changeRefusal(db: Db, hold: HoldRow): Promise<HoldChangeRefused | null> {
  const decision = decideHoldChange(hold);
  return decision.ok ? null : new HoldChangeRefused(hold, decision.reasons, sentenceFor(hold, await centralBranch(db)));
}

/** R34: 「受取館」 / 「連絡方法」. At least one of them; answers the hold as it is now. */
export async function changeHold(db: Db, input: HoldWriteInput & { pickupBranchId: number | null; contact: ContactMethod | null }): Promise<HoldRow> {
  if (input.pickupBranchId === null && input.contact === null) throw refusal("bad_request", [reason("hold_change_empty")]);
  let changed: boolean;
  try {
    changed = await runHoldWrite(db, changeHoldStatements(db, input));
  } catch (err) {
    // The backstop (trigger holds_pickup_in_city_update) fired: the branch is no pickup library.
    const violation = constraintReason(err);
    if (violation?.reason === "pickup_not_allowed") throw refusal("bad_request", [reason("pickup_not_allowed", "pickupBranchId")]);
    throw err;
  }
  if (!changed) {
    return explainUnchanged(db, input.patronId, input.holdId, async () => {
      const out: ReasonCode[] = [];
      if (input.pickupBranchId !== null && !(await isPickupBranch(db, input.pickupBranchId))) out.push("hold_pickup_invalid");
      if (input.contact === "mail" && !(await hasConfirmedMail(db, input.patronId))) out.push("hold_mail_unavailable");
      return out;
    });
  }
  return (await holdFacts(db, input.patronId, input.holdId))!;
}
