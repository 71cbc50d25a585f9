// R20, R21 (issue 9 items 5, 6): the notices' reads and guarded writes. services/mail-notices.ts decides
// (domain/mail-notices.ts); the outbox rows themselves go through data/mail-outbox.ts's builders or, for the nightly
// reminders, one INSERT … SELECT per chunk here, with the same columns and the same ON CONFLICT (event key) DO NOTHING.
//
//   readyNoticeStatement(db, c)            R20: one row per confirmed address, in the batch that makes the hold ready
//   loadHoldNotice(db, holdId)             the hold, its title and its pickup library, as the notice needs them
//   stampContactStatement(db, c)           R21: the send day becomes the contact day (once: contact_date IS NULL)
//   loadLoanNotice(db, loanId)             the loan and its title
//   reminderOptIn(db, patronId)            mail_preferences (no row: both off)
//   dueReminderLoans / enqueueDueReminders        item 6: 「返却期限のお知らせ」, by loan id in bounded chunks
//   shelfReminderHolds / enqueueShelfReminders    item 6: the day before a ready hold's last day, likewise
import { sql } from "drizzle-orm";
import type { Day } from "../domain/calendar.ts";
import type { HoldNoticeFacts, ItemWords, LoanNoticeFacts } from "../domain/mail-notices.ts";
import { readyNoticeDueAt, readyNoticePrefix } from "../domain/mail-notices.ts";
import type { ContactMethod, HoldStatus } from "../domain/vocabulary.ts";
import { d1Statement, type Db } from "./db.ts";
import { confirmedAddressSql, enqueueToConfirmedAddressesStatement } from "./mail-outbox.ts";

/**
 * R20, R43: the ready notice of a hold with contact 'mail', one row per CONFIRMED address of the patron (an
 * unconfirmed address gets none, R41), due READY_NOTICE_HOUR on the day after the ready day, composed when sent.
 * The guard re-checks the change the batch made — this hold ready with this copy, at this instant, with mail chosen
 * for it — so a batch whose claim lost writes no mail; the event key makes a rerun write nothing more. It reads
 * nothing of changes() and must be the LAST statement of its batch (data/circulation.ts placementFollowUps).
 */
export function readyNoticeStatement(db: Db, c: { holdId: number; itemId: number; patronId: number; readyDay: Day; now: number }): D1PreparedStatement {
  return enqueueToConfirmedAddressesStatement(
    db,
    {
      kind: "hold_ready",
      eventPrefix: readyNoticePrefix(c.holdId),
      patronId: c.patronId,
      holdId: c.holdId,
      subject: null,
      body: null,
      notBefore: readyNoticeDueAt(c.readyDay),
      now: c.now,
    },
    sql`EXISTS (SELECT 1 FROM holds h WHERE h.id = ${c.holdId} AND h.patron_id = ${c.patronId} AND h.status = 'ready' AND h.item_id = ${c.itemId}
      AND h.contact = 'mail' AND h.ready_at = ${c.now})`,
  );
}

export interface HoldNotice extends HoldNoticeFacts {
  item: ItemWords;
  pickupBranchCode: string;
  pickupName: string;
}

export async function loadHoldNotice(db: Db, holdId: number): Promise<HoldNotice | null> {
  const [r] = await db.all<{
    id: number;
    patron_id: number;
    status: HoldStatus;
    contact: ContactMethod;
    contact_date: string | null;
    shelf_until: string | null;
    title: string;
    volume_label: string | null;
    code: string;
    name: string;
  }>(sql`SELECT h.id, h.patron_id, h.status, h.contact, h.contact_date, h.shelf_until, r.title, r.volume_label, b.code, b.name
    FROM holds h JOIN records r ON r.id = h.record_id JOIN branches b ON b.id = h.pickup_branch_id WHERE h.id = ${holdId}`);
  if (!r) return null;
  return {
    id: Number(r.id),
    patronId: Number(r.patron_id),
    status: r.status,
    contact: r.contact,
    contactDate: r.contact_date,
    shelfUntil: r.shelf_until,
    item: { title: r.title, volumeLabel: r.volume_label },
    pickupBranchCode: r.code,
    pickupName: r.name,
  };
}

/**
 * R21: the ready notice's send day becomes the hold's contact day and its deadline is counted from it — once: the
 * guard `contact_date IS NULL` makes a second address's row, or a retry, change nothing (they read the stamped
 * deadline instead). Runs in the sender's batch that records the mail's text.
 */
export function stampContactStatement(db: Db, c: { holdId: number; contactDay: Day; shelfUntil: Day; now: number }): D1PreparedStatement {
  return d1Statement(
    db,
    sql`UPDATE holds SET contact_date = ${c.contactDay}, shelf_until = ${c.shelfUntil}, updated_at = ${c.now}
      WHERE id = ${c.holdId} AND status = 'ready' AND contact = 'mail' AND contact_date IS NULL`,
  );
}

export interface LoanNotice extends LoanNoticeFacts {
  item: ItemWords;
}

export async function loadLoanNotice(db: Db, loanId: number): Promise<LoanNotice | null> {
  const [r] = await db.all<{ id: number; patron_id: number; due_date: string; returned_at: number | null; title: string; volume_label: string | null }>(sql`
    SELECT l.id, l.patron_id, l.due_date, l.returned_at, r.title, r.volume_label
    FROM loans l JOIN items i ON i.id = l.item_id JOIN records r ON r.id = i.record_id WHERE l.id = ${loanId}`);
  if (!r) return null;
  return { id: Number(r.id), patronId: Number(r.patron_id), dueDate: r.due_date, returned: r.returned_at !== null, item: { title: r.title, volumeLabel: r.volume_label } };
}

/** Issue 9 item 6: the patron's opt-in reminders; no row means both off. */
export async function reminderOptIn(db: Db, patronId: number): Promise<{ due: boolean; shelf: boolean }> {
  const [r] = await db.all<{ due_reminder: number; shelf_reminder: number }>(sql`SELECT due_reminder, shelf_reminder FROM mail_preferences WHERE patron_id = ${patronId}`);
  return { due: Number(r?.due_reminder ?? 0) === 1, shelf: Number(r?.shelf_reminder ?? 0) === 1 };
}

// ---- the nightly reminders (jobs/enqueue-reminders.ts) -----------------------------------------------------------
// Each kind: read the next chunk of ids that need a reminder (open loans / ready holds in the window, of patrons who
// opted in and have a confirmed address), then ONE INSERT … SELECT over that id range with the same filters, one row
// per confirmed address. The window is by state and date, never "since the last run": a missed night is caught up,
// two runs (or two at once) write each event key once (ON CONFLICT DO NOTHING on the unique key).
// The key is spelt in SQL here and in domain/mail-notices.ts (dueReminderPrefix, shelfReminderPrefix); the job's test
// checks they agree.

const optedIn = (column: "due_reminder" | "shelf_reminder") =>
  sql`EXISTS (SELECT 1 FROM mail_preferences p WHERE p.patron_id = x.patron_id AND p.${sql.raw(column)} = 1)`;
const hasConfirmed = sql`EXISTS (SELECT 1 FROM mail_addresses m WHERE m.patron_id = x.patron_id AND ${confirmedAddressSql(sql`m`)})`;

/** Open loans due `from`..`to` (inclusive) of patrons who opted in, ids after `afterId`, at most `limit`. */
export async function dueReminderLoans(db: Db, c: { from: Day; to: Day; afterId: number; limit: number }): Promise<number[]> {
  const rows = await db.all<{ id: number }>(sql`SELECT x.id FROM loans x
    WHERE x.returned_at IS NULL AND x.due_date >= ${c.from} AND x.due_date <= ${c.to} AND x.id > ${c.afterId} AND ${optedIn("due_reminder")} AND ${hasConfirmed}
    ORDER BY x.id LIMIT ${c.limit}`);
  return rows.map((r) => Number(r.id));
}

/** One 「返却期限のお知らせ」 row per confirmed address for every such loan with id in firstId..lastId. */
export function enqueueDueRemindersStatement(db: Db, c: { from: Day; to: Day; firstId: number; lastId: number; notBefore: number; now: number }): D1PreparedStatement {
  return d1Statement(
    db,
    sql`INSERT INTO mail_outbox (patron_id, to_address, address_id, hold_id, loan_id, kind, subject, body, dedupe_key, status, next_attempt_at, created_at)
      SELECT x.patron_id, m.address, m.id, NULL, x.id, 'due_reminder', NULL, NULL, 'due-reminder:' || x.id || ':' || x.due_date || ':' || m.id, 'pending', ${c.notBefore}, ${c.now}
      FROM loans x JOIN mail_addresses m ON m.patron_id = x.patron_id
      WHERE x.id >= ${c.firstId} AND x.id <= ${c.lastId} AND x.returned_at IS NULL AND x.due_date >= ${c.from} AND x.due_date <= ${c.to}
        AND ${confirmedAddressSql(sql`m`)} AND ${optedIn("due_reminder")}
      ORDER BY x.id, m.id
      ON CONFLICT (dedupe_key) DO NOTHING`,
  );
}

/** Ready holds whose last shelf day is `from`..`to` (inclusive) of patrons who opted in, ids after `afterId`. */
export async function shelfReminderHolds(db: Db, c: { from: Day; to: Day; afterId: number; limit: number }): Promise<number[]> {
  const rows = await db.all<{ id: number }>(sql`SELECT x.id FROM holds x
    WHERE x.status = 'ready' AND x.shelf_until >= ${c.from} AND x.shelf_until <= ${c.to} AND x.id > ${c.afterId} AND ${optedIn("shelf_reminder")} AND ${hasConfirmed}
    ORDER BY x.id LIMIT ${c.limit}`);
  return rows.map((r) => Number(r.id));
}

export function enqueueShelfRemindersStatement(db: Db, c: { from: Day; to: Day; firstId: number; lastId: number; notBefore: number; now: number }): D1PreparedStatement {
  return d1Statement(
    db,
    sql`INSERT INTO mail_outbox (patron_id, to_address, address_id, hold_id, loan_id, kind, subject, body, dedupe_key, status, next_attempt_at, created_at)
      SELECT x.patron_id, m.address, m.id, x.id, NULL, 'shelf_reminder', NULL, NULL, 'shelf-reminder:' || x.id || ':' || x.shelf_until || ':' || m.id, 'pending', ${c.notBefore}, ${c.now}
      FROM holds x JOIN mail_addresses m ON m.patron_id = x.patron_id
      WHERE x.id >= ${c.firstId} AND x.id <= ${c.lastId} AND x.status = 'ready' AND x.shelf_until >= ${c.from} AND x.shelf_until <= ${c.to}
        AND ${confirmedAddressSql(sql`m`)} AND ${optedIn("shelf_reminder")}
      ORDER BY x.id, m.id
      ON CONFLICT (dedupe_key) DO NOTHING`,
  );
}
