// Issue 9 item 6: the reminders job through the Worker's exported scheduled() on the nightly cron (03:00 Asia/Tokyo),
// with fixed times: 「返却期限のお知らせ」 DUE_REMINDER_DAYS_BEFORE days before the due date and the shelf reminder the day
// before a ready hold's last day, for patrons who opted in, one row per confirmed address, due at READY_NOTICE_HOUR.
// Run twice, or twice at once: each event once. A missed night: a loan whose reminder day passed but is not yet due
// (and a hold on its last day) still gets one; one already overdue (or past its last day) gets none. More loans than
// one chunk are all served.
import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { and, eq, inArray, sql } from "drizzle-orm";
import worker from "../../worker/src/index.ts";
import type { Env } from "../../worker/src/env.ts";
import { CRON_NIGHTLY, SCHEDULE } from "../../worker/src/jobs/schedule.ts";
import { mailOutbox, mailPreferences } from "../../db/schema/index.ts";
import { createDb, type Db } from "../../worker/src/data/db.ts";
import { addDays, tokyoDayStartMs, type Day } from "../../worker/src/domain/calendar.ts";
import { DUE_REMINDER_DAYS_BEFORE, READY_NOTICE_HOUR } from "../../worker/src/domain/policy.ts";
import { dueReminderPrefix, shelfReminderPrefix } from "../../worker/src/domain/mail-notices.ts";
import { enqueueReminders } from "../../worker/src/services/mail-notices.ts";
import { insertBranch, insertHold, insertLoan, insertMailAddress, insertPatron, type Branch, type MailAddress, type Patron } from "../support/factories.ts";

const HOUR = 3_600_000;
const nightOf = (day: Day) => tokyoDayStartMs(day) + 3 * HOUR;
const noticeHour = (day: Day) => tokyoDayStartMs(day) + READY_NOTICE_HOUR * HOUR;

async function runNightly(day: Day): Promise<void> {
  const controller = createScheduledController({ scheduledTime: nightOf(day), cron: CRON_NIGHTLY });
  const ctx = createExecutionContext();
  await worker.scheduled(controller, env as unknown as Env, ctx);
  await waitOnExecutionContext(ctx);
}

let db: Db;
let branch: Branch;

beforeAll(async () => {
  db = createDb(env.DB);
  branch = await insertBranch(db, { name: "催促試験館" });
});

/** A patron opted in to both reminders, with two confirmed addresses and an unconfirmed one. */
async function optedInPatron(): Promise<{ patron: Patron; confirmed: MailAddress[] }> {
  const patron = await insertPatron(db, { homeBranchId: branch.id });
  const confirmed = [await insertMailAddress(db, { patronId: patron.id }), await insertMailAddress(db, { patronId: patron.id })];
  await insertMailAddress(db, { patronId: patron.id, confirmedAt: null });
  await db.insert(mailPreferences).values({ patronId: patron.id, dueReminder: true, shelfReminder: true, updatedAt: Date.UTC(2026, 10, 1) });
  return { patron, confirmed };
}

const rowsOfLoans = (ids: number[]) => db.select().from(mailOutbox).where(and(inArray(mailOutbox.loanId, ids), eq(mailOutbox.kind, "due_reminder"))).orderBy(mailOutbox.loanId, mailOutbox.addressId);
const rowsOfHolds = (ids: number[]) => db.select().from(mailOutbox).where(and(inArray(mailOutbox.holdId, ids), eq(mailOutbox.kind, "shelf_reminder"))).orderBy(mailOutbox.holdId, mailOutbox.addressId);

describe("issue 9 item 6: enqueue-reminders on the nightly cron", () => {
  it("is on CRON_NIGHTLY", () => {
    expect(SCHEDULE[CRON_NIGHTLY]!.map((j) => j.name)).toContain("enqueue-reminders");
  });

  it("writes each reminder once per confirmed address, due READY_NOTICE_HOUR; run twice, and twice at once, it writes nothing more", async () => {
    const day = "2026-12-08";
    const who = await optedInPatron();
    const loan = await insertLoan(db, { patronId: who.patron.id, dueDate: addDays(day, DUE_REMINDER_DAYS_BEFORE) });
    const hold = await insertHold(db, { patronId: who.patron.id, pickupBranchId: branch.id, status: "ready", readyAt: nightOf("2026-11-30"), contactDate: "2026-11-30", shelfUntil: addDays(day, 1) });
    await runNightly(day);
    await runNightly(day);
    await Promise.all([runNightly(day), runNightly(day), enqueueReminders(db, { now: nightOf(day) + HOUR })]);
    const loanRows = await rowsOfLoans([loan.id]);
    expect(loanRows.map((r) => r.dedupeKey)).toEqual(who.confirmed.map((m) => `${dueReminderPrefix(loan.id, loan.dueDate)}:${m.id}`));
    const holdRows = await rowsOfHolds([hold.id]);
    expect(holdRows.map((r) => r.dedupeKey)).toEqual(who.confirmed.map((m) => `${shelfReminderPrefix(hold.id, hold.shelfUntil!)}:${m.id}`));
    for (const r of [...loanRows, ...holdRows]) {
      expect(r).toMatchObject({ status: "pending", patronId: who.patron.id, subject: null, body: null, nextAttemptAt: noticeHour(day), createdAt: nightOf(day) });
    }
    expect(loanRows.map((r) => r.toAddress)).toEqual(who.confirmed.map((m) => m.address));
  });

  it("a missed night is caught up: reminder day passed but not yet due → one, due this morning; already overdue → none; not yet its day → none", async () => {
    const day = "2026-12-15";
    const who = await optedInPatron();
    const missed = await insertLoan(db, { patronId: who.patron.id, dueDate: addDays(day, 1) }); // its reminder day was yesterday
    const dueToday = await insertLoan(db, { patronId: who.patron.id, dueDate: day });
    const overdue = await insertLoan(db, { patronId: who.patron.id, dueDate: addDays(day, -1) });
    const early = await insertLoan(db, { patronId: who.patron.id, dueDate: addDays(day, DUE_REMINDER_DAYS_BEFORE + 1) });
    const returned = await insertLoan(db, { patronId: who.patron.id, dueDate: addDays(day, 1), returnedAt: nightOf(day) - HOUR });
    const lastDay = await insertHold(db, { patronId: who.patron.id, pickupBranchId: branch.id, status: "ready", readyAt: nightOf("2026-12-05"), contactDate: "2026-12-05", shelfUntil: day });
    const tooEarly = await insertHold(db, { patronId: who.patron.id, pickupBranchId: branch.id, status: "ready", readyAt: nightOf("2026-12-05"), contactDate: "2026-12-05", shelfUntil: addDays(day, 2) });
    await runNightly(day);
    const rows = await rowsOfLoans([missed.id, dueToday.id, overdue.id, early.id, returned.id]);
    expect([...new Set(rows.map((r) => r.loanId))].sort()).toEqual([missed.id, dueToday.id].sort());
    expect(rows).toHaveLength(4);
    expect(rows.every((r) => r.nextAttemptAt === noticeHour(day))).toBe(true);
    expect((await rowsOfHolds([lastDay.id, tooEarly.id])).map((r) => r.holdId)).toEqual([lastDay.id, lastDay.id]);
  });

  it("no preference row, reminders off, or no confirmed address → nothing", async () => {
    const day = "2026-12-22";
    const none = await insertPatron(db, { homeBranchId: branch.id });
    await insertMailAddress(db, { patronId: none.id });
    const off = await insertPatron(db, { homeBranchId: branch.id });
    await insertMailAddress(db, { patronId: off.id });
    await db.insert(mailPreferences).values({ patronId: off.id, dueReminder: false, shelfReminder: false, updatedAt: Date.UTC(2026, 10, 1) });
    const unconfirmed = await insertPatron(db, { homeBranchId: branch.id });
    await insertMailAddress(db, { patronId: unconfirmed.id, confirmedAt: null });
    await db.insert(mailPreferences).values({ patronId: unconfirmed.id, dueReminder: true, shelfReminder: true, updatedAt: Date.UTC(2026, 10, 1) });
    const loans = await Promise.all([none, off, unconfirmed].map((p) => insertLoan(db, { patronId: p.id, dueDate: addDays(day, 1) })));
    const holds = await Promise.all(
      [none, off, unconfirmed].map((p) => insertHold(db, { patronId: p.id, pickupBranchId: branch.id, status: "ready", readyAt: nightOf("2026-12-12"), contactDate: "2026-12-12", shelfUntil: addDays(day, 1) })),
    );
    await runNightly(day);
    expect(await rowsOfLoans(loans.map((l) => l.id))).toEqual([]);
    expect(await rowsOfHolds(holds.map((h) => h.id))).toEqual([]);
  });

  it("more loans than one chunk (200) are all served, in bounded statements", async () => {
    const day = "2027-01-12";
    const ids: number[] = [];
    // 10 open loans each at most (LOAN_LIMIT): 23 patrons.
    for (let p = 0; p < 23; p++) {
      const who = await optedInPatron();
      for (let i = 0; i < 10; i++) ids.push((await insertLoan(db, { patronId: who.patron.id, dueDate: addDays(day, 2) })).id);
    }
    const result = await enqueueReminders(db, { now: nightOf(day) });
    expect(result.complete).toBe(true);
    expect(result.dueRows).toBeGreaterThanOrEqual(460);
    // The ids are consecutive (made one after another here): count by range (D1 binds at most 100 parameters).
    const [n] = await db.all<{ n: number }>(sql`SELECT count(*) AS n FROM mail_outbox WHERE kind = 'due_reminder' AND loan_id BETWEEN ${ids[0]} AND ${ids[ids.length - 1]}`);
    expect(ids[ids.length - 1]! - ids[0]!).toBe(229);
    expect(Number(n!.n)).toBe(460);
  });
});
