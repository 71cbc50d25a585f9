// Issue 9 items 5, 6 (R20, R21, R43, R44): the notices — the ready notice and the opt-in reminders. They are
// enqueued with the state change (data/mail-notices.ts readyNoticeStatement, in the circulation batch that makes the
// hold ready) or by the nightly job (enqueueReminders), and composed here when their turn comes, from that day's facts:
//
//   prepareOutboxMail(db, row, ctx)   the outbox sender (services/mail-outbox.ts) calls it for a claimed row whose
//                                     subject/body are NULL: send this text (+ statements for the same batch), or cancel
//   enqueueReminders(db, { now })     item 6: the nightly 「返却期限のお知らせ」 and shelf reminders (jobs/enqueue-reminders.ts)
import { loadCalendar } from "../data/calendar.ts";
import type { Db } from "../data/db.ts";
import {
  dueReminderLoans,
  enqueueDueRemindersStatement,
  enqueueShelfRemindersStatement,
  loadHoldNotice,
  loadLoanNotice,
  reminderOptIn,
  shelfReminderHolds,
  stampContactStatement,
} from "../data/mail-notices.ts";
import { addDays, tokyoDay, type Day } from "../domain/calendar.ts";
import { holdShelfDeadline } from "../domain/hold-shelf.ts";
import {
  dueReminderDecision,
  dueReminderText,
  noticeHourOf,
  readyNoticeDecision,
  readyNoticeText,
  reminderKeyDay,
  shelfReminderDecision,
  shelfReminderText,
  type NoticeDecision,
  type NoticeSite,
} from "../domain/mail-notices.ts";
import { DUE_REMINDER_DAYS_BEFORE } from "../domain/policy.ts";
import type { OutboxKind } from "../domain/vocabulary.ts";
import type { ClaimedRow } from "../data/mail-outbox.ts";

/** An outbox row as the sender claimed it (data/mail-outbox.ts claimDueMail). */
export type ClaimedMail = ClaimedRow;

export interface ComposeContext {
  now: number;
  siteOrigin: string;
  libraryName: string;
  mailFrom: string;
  mailDomain: string;
}

/**
 * What to do with a claimed row whose subject/body are null (composed at send time): send this text — after running
 * `statements` in the same batch that records the text (e.g. R21: the hold's contact day becomes the send day) — or
 * cancel it, because what it announced no longer holds (the hold was picked up or cancelled).
 */
export type PreparedMail =
  | { kind: "send"; subject: string; text: string; statements: D1PreparedStatement[] }
  | { kind: "cancel"; reason: string };

function cancelled(d: NoticeDecision & { ok: false }): PreparedMail {
  return { kind: "cancel", reason: d.reasons.join(",") };
}

export async function prepareOutboxMail(db: Db, row: ClaimedMail, ctx: ComposeContext): Promise<PreparedMail> {
  const site: NoticeSite = { siteOrigin: ctx.siteOrigin, libraryName: ctx.libraryName };
  const today = tokyoDay(ctx.now);
  switch (row.kind) {
    case "hold_ready":
      return prepareReadyNotice(db, row, site, ctx.now, today);
    case "shelf_reminder": {
      const hold = row.holdId === null ? null : await loadHoldNotice(db, row.holdId);
      const optedIn = hold ? (await reminderOptIn(db, hold.patronId)).shelf : false;
      const d = shelfReminderDecision(hold, { patronId: row.patronId, keyDay: reminderKeyDay(row.eventKey) }, { today, optedIn });
      if (!d.ok) return cancelled(d);
      const h = hold!;
      return { kind: "send", ...shelfReminderText(site, { item: h.item, pickupName: h.pickupName, shelfUntil: h.shelfUntil!, today }), statements: [] };
    }
    case "due_reminder": {
      const loan = row.loanId === null ? null : await loadLoanNotice(db, row.loanId);
      const optedIn = loan ? (await reminderOptIn(db, loan.patronId)).due : false;
      const d = dueReminderDecision(loan, { patronId: row.patronId, keyDay: reminderKeyDay(row.eventKey) }, { today, optedIn });
      if (!d.ok) return cancelled(d);
      return { kind: "send", ...dueReminderText(site, { item: loan!.item, dueDate: loan!.dueDate, today }), statements: [] };
    }
    default:
      // Every other kind is composed when it is written (a confirmation carries its one-time link).
      return { kind: "cancel", reason: `no composer for ${row.kind}` };
  }
}

/**
 * R20, R21: the ready notice. Still ready with mail chosen → its send day (the Tokyo day of ctx.now) is the contact
 * day: the deadline is counted from it with the pickup library's calendar, and the statement that stamps both runs in
 * the batch that records this text. Once stamped (an earlier address's row, or a retry of this one), the stamped
 * deadline is what the mail says — every address is told the same day.
 */
async function prepareReadyNotice(db: Db, row: ClaimedMail, site: NoticeSite, now: number, sendDay: Day): Promise<PreparedMail> {
  const hold = row.holdId === null ? null : await loadHoldNotice(db, row.holdId);
  const d = readyNoticeDecision(hold, row);
  if (!d.ok) return cancelled(d);
  const h = hold!;
  if (h.contactDate !== null) {
    return { kind: "send", ...readyNoticeText(site, { item: h.item, pickupName: h.pickupName, shelfUntil: h.shelfUntil! }), statements: [] };
  }
  const calendar = await loadCalendar(db, { from: addDays(sendDay, -1) });
  const shelfUntil = holdShelfDeadline(calendar, h.pickupBranchCode, sendDay);
  return {
    kind: "send",
    ...readyNoticeText(site, { item: h.item, pickupName: h.pickupName, shelfUntil }),
    statements: [stampContactStatement(db, { holdId: h.id, contactDay: sendDay, shelfUntil, now })],
  };
}

// ---- item 6: the nightly reminders ------------------------------------------------------------------------------------

/** Ids read per round trip; each chunk is one INSERT … SELECT over its id range (a handful of bound parameters). */
const REMINDER_CHUNK = 200;
/** Chunks per kind per run: bounded work for one invocation (10,000 loans and 10,000 holds); the rest is caught up
 *  by the next run, since the window is by date and state (a loan stays in it until its due date). */
const REMINDER_MAX_CHUNKS = 50;

/**
 * Issue 9 item 6: enqueue today's opt-in reminders, due at READY_NOTICE_HOUR today: 「返却期限のお知らせ」 for every open
 * loan due within DUE_REMINDER_DAYS_BEFORE days (today … today + 2: its reminder day has come, or passed on a missed
 * night, and it is not yet overdue), and the shelf reminder for every ready hold whose last day is tomorrow (or today,
 * when last night was missed). Keys carry the due date / the shelf day, so a renewal or a moved deadline is a new event
 * (the old row is cancelled when its turn comes: prepareOutboxMail).
 */
export async function enqueueReminders(db: Db, input: { now: number }): Promise<{ dueRows: number; shelfRows: number; complete: boolean }> {
  const today = tokyoDay(input.now);
  const notBefore = noticeHourOf(today);
  const due = await enqueueChunks(db, (afterId) => dueReminderLoans(db, { from: today, to: addDays(today, DUE_REMINDER_DAYS_BEFORE), afterId, limit: REMINDER_CHUNK }), (firstId, lastId) =>
    enqueueDueRemindersStatement(db, { from: today, to: addDays(today, DUE_REMINDER_DAYS_BEFORE), firstId, lastId, notBefore, now: input.now }),
  );
  const shelf = await enqueueChunks(db, (afterId) => shelfReminderHolds(db, { from: today, to: addDays(today, 1), afterId, limit: REMINDER_CHUNK }), (firstId, lastId) =>
    enqueueShelfRemindersStatement(db, { from: today, to: addDays(today, 1), firstId, lastId, notBefore, now: input.now }),
  );
  return { dueRows: due.rows, shelfRows: shelf.rows, complete: due.complete && shelf.complete };
}

async function enqueueChunks(db: Db, ids: (afterId: number) => Promise<number[]>, insert: (firstId: number, lastId: number) => D1PreparedStatement): Promise<{ rows: number; complete: boolean }> {
  let cursor = 0;
  let rows = 0;
  for (let n = 0; n < REMINDER_MAX_CHUNKS; n++) {
    const part = await ids(cursor);
    if (!part.length) return { rows, complete: true };
    const result = await insert(part[0]!, part[part.length - 1]!).run();
    rows += result.meta.changes ?? 0;
    cursor = part[part.length - 1]!;
    if (part.length < REMINDER_CHUNK) return { rows, complete: true };
  }
  return { rows, complete: false };
}
