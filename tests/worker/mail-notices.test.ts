// Issue 9 items 5, 6 inside workerd on the migrated D1: the notices by rule. R20/R43: a hold made ready by the real
// 「返却」/「到着」 (and the expiry's passing-on) with contact メール writes, in the same batch, one outbox row per
// CONFIRMED address, due READY_NOTICE_HOUR the next morning — none for an unconfirmed address, none for 電話/連絡不要,
// none when the batch's claim lost, never a second on a rerun. R21: when the notice is composed at send time its send
// day becomes the contact day and the deadline counts from it with the pickup library's calendar (closures from the
// table, never hard-coded); a missed day caught up moves it to the actual send day; a second address reads the stamped
// deadline. Catalogue text with CR/LF or `<script>` stays one plain line. A hold picked up before the send → cancelled.
// Item 6: the opt-in reminders — off without a preference, once per event, stale ones cancelled.
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { and, eq } from "drizzle-orm";
import { branchClosures, holds, loans, mailOutbox, mailPreferences } from "../../db/schema/index.ts";
import { createDb, d1Client, type Db } from "../../worker/src/data/db.ts";
import { loadCalendar } from "../../worker/src/data/calendar.ts";
import { checkInStatements } from "../../worker/src/data/circulation.ts";
import { readyNoticeStatement } from "../../worker/src/data/mail-notices.ts";
import { addDays, tokyoDayStartMs, type Day } from "../../worker/src/domain/calendar.ts";
import { holdShelfDeadline } from "../../worker/src/domain/hold-shelf.ts";
import { dayInJapanese, dueReminderPrefix, reminderKeyDay, shelfReminderPrefix } from "../../worker/src/domain/mail-notices.ts";
import { DUE_REMINDER_DAYS_BEFORE, READY_NOTICE_HOUR } from "../../worker/src/domain/policy.ts";
import { oneLine } from "../../worker/src/mail/text.ts";
import { checkIn, checkOut, expireHolds, receiveTransit, type CounterActor } from "../../worker/src/services/circulation.ts";
import { renewLoan } from "../../worker/src/services/loans.ts";
import { sendDueMail } from "../../worker/src/services/mail-outbox.ts";
import { devMailTransport } from "../../worker/src/mail/dev-mailbox.ts";
import { enqueueReminders, prepareOutboxMail, type ClaimedMail, type ComposeContext, type PreparedMail } from "../../worker/src/services/mail-notices.ts";
import { insertBranch, insertHold, insertItem, insertLoan, insertMailAddress, insertPatron, insertRecord, insertStaff, type Branch, type OutboxMail } from "../support/factories.ts";

const HOUR = 3_600_000;
/** 10:00 Asia/Tokyo on a day (the counter's hours). */
const morningOf = (day: Day) => tokyoDayStartMs(day) + 10 * HOUR;
/** The hour the notices of a day go from. */
const noticeHour = (day: Day) => tokyoDayStartMs(day) + READY_NOTICE_HOUR * HOUR;

/** A Friday: the next day is a Saturday, and Monday the 7th is closed (月曜日). */
const READY_DAY = "2026-12-04";
const SITE = { siteOrigin: "https://toshokan.example.jp", libraryName: "北九州市立図書館", mailFrom: "web_master@toshokan.example.jp", mailDomain: "toshokan.example.jp" };
const ctxAt = (now: number): ComposeContext => ({ ...SITE, now });

let db: Db;
let a: Branch;
let b: Branch;
let atA: CounterActor;
let atB: CounterActor;

beforeAll(async () => {
  db = createDb(env.DB);
  a = await insertBranch(db, { name: "通知試験A館" });
  b = await insertBranch(db, { name: "通知試験B館" });
  atA = { staffId: (await insertStaff(db, { branchId: a.id })).id, role: "counter", branchId: a.id, clientAddress: null };
  atB = { staffId: (await insertStaff(db, { branchId: b.id })).id, role: "counter", branchId: b.id, clientAddress: null };
});

const holdOf = async (id: number) => (await db.select().from(holds).where(eq(holds.id, id)))[0]!;
const outboxOfHold = async (holdId: number) => db.select().from(mailOutbox).where(eq(mailOutbox.holdId, holdId)).orderBy(mailOutbox.addressId);
const outboxOfLoan = async (loanId: number) => db.select().from(mailOutbox).where(eq(mailOutbox.loanId, loanId)).orderBy(mailOutbox.addressId);

function claimed(row: OutboxMail, attempt = 1): ClaimedMail {
  return {
    id: row.id,
    kind: row.kind,
    patronId: row.patronId,
    toAddress: row.toAddress,
    addressId: row.addressId,
    holdId: row.holdId,
    loanId: row.loanId,
    subject: row.subject,
    body: row.body,
    eventKey: row.dedupeKey,
    attempt,
  };
}

/** What the sender does with a prepared row: its statements in one batch (with the text it records). */
async function runPrepared(p: PreparedMail): Promise<void> {
  if (p.kind === "send" && p.statements.length) await d1Client(db).batch(p.statements);
}

async function prepared(row: OutboxMail, now: number): Promise<PreparedMail> {
  return prepareOutboxMail(db, claimed(row), ctxAt(now));
}

function sent(p: PreparedMail): Extract<PreparedMail, { kind: "send" }> {
  if (p.kind !== "send") throw new Error(`expected a mail to send, got cancel: ${p.reason}`);
  return p;
}

/** A patron with two confirmed addresses and one unconfirmed, and a record with one copy at `branch`. */
async function patronWithAddresses(branch: Branch) {
  const patron = await insertPatron(db, { homeBranchId: branch.id });
  const first = await insertMailAddress(db, { patronId: patron.id });
  const second = await insertMailAddress(db, { patronId: patron.id });
  const unconfirmed = await insertMailAddress(db, { patronId: patron.id, confirmedAt: null, confirmTokenHash: `hash-${patron.id}`, confirmExpiresAt: Date.UTC(2030, 0, 1) });
  return { patron, confirmed: [first, second], unconfirmed };
}

/** A mail-contact hold of a patron with addresses, made ready at A on `readyDay` by 「返却」. */
async function readyByCheckIn(readyDay: Day = READY_DAY, overrides: { title?: string; volumeLabel?: string | null } = {}) {
  const who = await patronWithAddresses(a);
  const record = await insertRecord(db, { ...(overrides.title ? { title: overrides.title } : {}), volumeLabel: overrides.volumeLabel ?? null });
  const copy = await insertItem(db, { recordId: record.id, branchId: a.id });
  const hold = await insertHold(db, { recordId: record.id, patronId: who.patron.id, pickupBranchId: a.id, contact: "mail", placedAt: morningOf(readyDay) - 5 * HOUR });
  const answer = await checkIn(db, atA, { barcode: copy.barcode, now: morningOf(readyDay) });
  expect(answer.outcome).toMatchObject({ kind: "ready", holdId: hold.id });
  return { ...who, record, copy, hold };
}

describe("R20, R43 the ready notice is written with the change that makes the hold ready", () => {
  it("R20: 「返却」 makes a メール hold ready → one row per CONFIRMED address (none for the unconfirmed one), due READY_NOTICE_HOUR the next morning, composed at send", async () => {
    const r = await readyByCheckIn();
    const rows = await outboxOfHold(r.hold.id);
    expect(rows.map((x) => x.addressId)).toEqual(r.confirmed.map((m) => m.id));
    expect(rows.map((x) => x.toAddress)).toEqual(r.confirmed.map((m) => m.address));
    for (const [i, row] of rows.entries()) {
      expect(row).toMatchObject({
        kind: "hold_ready",
        status: "pending",
        patronId: r.patron.id,
        holdId: r.hold.id,
        loanId: null,
        subject: null,
        body: null,
        dedupeKey: `hold-ready:${r.hold.id}:${r.confirmed[i]!.id}`,
        nextAttemptAt: noticeHour(addDays(READY_DAY, 1)),
        createdAt: morningOf(READY_DAY),
      });
    }
    expect(rows.some((x) => x.addressId === r.unconfirmed.id)).toBe(false);
  });

  it("R21 (our reading): until the notice goes, the deadline counts from its planned day (the day after the ready day), contact_date NULL", async () => {
    const r = await readyByCheckIn();
    const calendar = await loadCalendar(db, { from: addDays(READY_DAY, -1) });
    const h = await holdOf(r.hold.id);
    expect(h.contactDate).toBeNull();
    expect(h.shelfUntil).toBe(holdShelfDeadline(calendar, a.code, addDays(READY_DAY, 1)));
    // Not the ready day's count: Saturday the 5th is an open day, so the two differ by it.
    expect(h.shelfUntil).not.toBe(holdShelfDeadline(calendar, a.code, READY_DAY));
  });

  it("R20: a rerun writes no second row — a second scan of the copy, and the very enqueue statement run again", async () => {
    const r = await readyByCheckIn();
    const before = await outboxOfHold(r.hold.id);
    const again = await checkIn(db, atA, { barcode: r.copy.barcode, now: morningOf(READY_DAY) + HOUR });
    expect(again.outcome.kind).toBe("on_hold_shelf");
    await readyNoticeStatement(db, { holdId: r.hold.id, itemId: r.copy.id, patronId: r.patron.id, readyDay: READY_DAY, now: morningOf(READY_DAY) }).run();
    expect(await outboxOfHold(r.hold.id)).toEqual(before);
  });

  it("R20: 「到着」 at the pickup library makes an in-transit メール hold ready → its rows, in the same batch", async () => {
    const who = await patronWithAddresses(b);
    const record = await insertRecord(db);
    const copy = await insertItem(db, { recordId: record.id, branchId: a.id });
    const hold = await insertHold(db, { recordId: record.id, patronId: who.patron.id, pickupBranchId: b.id, contact: "mail", placedAt: morningOf(READY_DAY) - 5 * HOUR });
    const sentOut = await checkIn(db, atA, { barcode: copy.barcode, now: morningOf(READY_DAY) - HOUR });
    expect(sentOut.outcome.kind).toBe("transit");
    expect(await outboxOfHold(hold.id)).toEqual([]);
    const arrived = await receiveTransit(db, atB, { barcode: copy.barcode, now: morningOf(READY_DAY) });
    expect(arrived.outcome).toMatchObject({ kind: "ready", holdId: hold.id });
    const rows = await outboxOfHold(hold.id);
    expect(rows.map((x) => x.dedupeKey)).toEqual(who.confirmed.map((m) => `hold-ready:${hold.id}:${m.id}`));
    expect(rows.every((x) => x.nextAttemptAt === noticeHour(addDays(READY_DAY, 1)))).toBe(true);
  });

  it("R20: the expiry job passing a copy on to the next メール hold writes that hold's notice", async () => {
    const who = await patronWithAddresses(a);
    const record = await insertRecord(db);
    const first = await insertHold(db, { recordId: record.id, pickupBranchId: a.id, status: "ready", contact: "none", readyAt: morningOf("2026-11-20"), contactDate: "2026-11-20", shelfUntil: "2026-11-28" });
    const next = await insertHold(db, { recordId: record.id, patronId: who.patron.id, pickupBranchId: a.id, contact: "mail", placedAt: morningOf("2026-11-21") });
    const night = tokyoDayStartMs(READY_DAY) + 3 * HOUR;
    await expireHolds(db, { now: night });
    expect((await holdOf(first.id)).status).toBe("cancelled");
    expect((await holdOf(next.id)).status).toBe("ready");
    const rows = await outboxOfHold(next.id);
    expect(rows.map((x) => x.addressId)).toEqual(who.confirmed.map((m) => m.id));
    expect(rows.every((x) => x.nextAttemptAt === noticeHour(addDays(READY_DAY, 1)))).toBe(true);
  });

  it("R20, R43: contact 電話 or 連絡不要 → no mail, though the patron has confirmed addresses", async () => {
    for (const contact of ["phone", "none"] as const) {
      const who = await patronWithAddresses(a);
      const record = await insertRecord(db);
      const copy = await insertItem(db, { recordId: record.id, branchId: a.id });
      const hold = await insertHold(db, { recordId: record.id, patronId: who.patron.id, pickupBranchId: a.id, contact, placedAt: morningOf(READY_DAY) - HOUR });
      expect((await checkIn(db, atA, { barcode: copy.barcode, now: morningOf(READY_DAY) })).outcome.kind).toBe("ready");
      expect(await outboxOfHold(hold.id)).toEqual([]);
    }
  });

  it("R20: a batch whose claim lost (the copy's state changed meanwhile) makes nothing ready and writes no mail", async () => {
    const who = await patronWithAddresses(a);
    const record = await insertRecord(db);
    const copy = await insertItem(db, { recordId: record.id, branchId: a.id });
    const hold = await insertHold(db, { recordId: record.id, patronId: who.patron.id, pickupBranchId: a.id, contact: "mail" });
    const now = morningOf(READY_DAY);
    // The decision was made on a copy 'on_loan' that is on the shelf now: the claim changes nothing.
    const statements = checkInStatements(db, {
      itemId: copy.id,
      fromStatus: "on_loan",
      loanId: null,
      atBranchId: a.id,
      placement: { kind: "ready", holdId: hold.id },
      ready: { shelfUntil: "2026-12-14", contactDate: null, mailNotice: { patronId: who.patron.id, readyDay: READY_DAY } },
      now,
      actor: { staffId: atA.staffId, clientAddress: null },
      detail: {},
    });
    const results = await d1Client(db).batch(statements);
    expect(results[0]!.meta.changes).toBe(0);
    expect((await holdOf(hold.id)).status).toBe("waiting");
    expect(await outboxOfHold(hold.id)).toEqual([]);
  });
});

describe("R21, R44 the ready notice is composed when it is sent: its send day is the contact day", () => {
  it("R21: sent the next morning → contact_date = that day, the deadline 7 open days after it from the calendar (a 臨時休館 entered in the table counts), in the mail with the title, pickup library and the site's URL", async () => {
    const sendDay = addDays(READY_DAY, 1);
    // A temporary closure of A inside the count (entered by staff in branch_closures).
    await db.insert(branchClosures).values({ branchId: a.id, kind: "closed", fromDate: "2026-12-09", toDate: "2026-12-10", reason: "館内工事", createdAt: Date.UTC(2026, 10, 1) });
    const r = await readyByCheckIn(READY_DAY, { title: "星の王子さま", volumeLabel: "上" });
    const calendar = await loadCalendar(db, { from: addDays(sendDay, -1) });
    const expected = holdShelfDeadline(calendar, a.code, sendDay);
    // The closure moved it: the same count without the table's closures ends earlier.
    expect(expected > holdShelfDeadline({ closures: [] }, a.code, sendDay)).toBe(true);

    const [row] = await outboxOfHold(r.hold.id);
    const p = sent(await prepared(row!, noticeHour(sendDay) + 60_000));
    expect(p.statements).toHaveLength(1);
    await runPrepared(p);
    expect(await holdOf(r.hold.id)).toMatchObject({ status: "ready", contactDate: sendDay, shelfUntil: expected });

    expect(p.subject).toBe("【北九州市立図書館】予約資料のご用意ができました：星の王子さま 上");
    const lines = p.text.split("\n");
    expect(lines).toContain("資料名: 星の王子さま 上");
    expect(lines).toContain("受取館: 通知試験A館");
    expect(lines).toContain(`お取り置き期限: ${dayInJapanese(expected)}`);
    expect(lines).toContain("https://toshokan.example.jp/holds");
    expect(lines).toContain("北九州市立図書館");
  });

  it("R21: the second address's row (and a retry) reads the stamped deadline and stamps nothing; the stamp runs once", async () => {
    const sendDay = addDays(READY_DAY, 1);
    const r = await readyByCheckIn();
    const [first, second] = await outboxOfHold(r.hold.id);
    const p1 = sent(await prepared(first!, noticeHour(sendDay)));
    await runPrepared(p1);
    await runPrepared(p1); // the same statement twice (a retried batch): the guard contact_date IS NULL holds it
    const stamped = await holdOf(r.hold.id);
    expect(stamped.contactDate).toBe(sendDay);
    // The second address, an hour later — or on a later day after a failure: the same day and deadline.
    for (const at of [noticeHour(sendDay) + HOUR, noticeHour(addDays(sendDay, 2))]) {
      const p2 = sent(await prepared(second!, at));
      expect(p2.statements).toEqual([]);
      expect(p2.text).toBe(p1.text);
      expect(p2.subject).toBe(p1.subject);
    }
    expect(await holdOf(r.hold.id)).toEqual(stamped);
  });

  it("R21: a missed day caught up — the notice goes two days late, and the contact day is the day it actually went", async () => {
    const r = await readyByCheckIn();
    const late = addDays(READY_DAY, 4); // Tuesday the 8th (Monday was closed, and the sender did not run)
    const [row] = await outboxOfHold(r.hold.id);
    const p = sent(await prepared(row!, noticeHour(late) + 2 * HOUR));
    await runPrepared(p);
    const calendar = await loadCalendar(db, { from: addDays(late, -1) });
    const expected = holdShelfDeadline(calendar, a.code, late);
    expect(await holdOf(r.hold.id)).toMatchObject({ contactDate: late, shelfUntil: expected });
    expect(expected > holdShelfDeadline(calendar, a.code, addDays(READY_DAY, 1))).toBe(true);
    expect(p.text).toContain(`お取り置き期限: ${dayInJapanese(expected)}`);
  });

  it("R44: a title with CR/LF, a header line and `<script>` → a single-line subject and plain text with the title on one line", async () => {
    const title = "悪い題名\r\nBcc: everyone@example.com\r\n\r\n<script>alert(1)</script>";
    const r = await readyByCheckIn(READY_DAY, { title, volumeLabel: "1\n2" });
    const [row] = await outboxOfHold(r.hold.id);
    const p = sent(await prepared(row!, noticeHour(addDays(READY_DAY, 1))));
    expect(p.subject).not.toMatch(/[\r\n]/);
    expect(p.subject.length).toBeLessThanOrEqual(80);
    expect(p.subject.startsWith("【北九州市立図書館】予約資料のご用意ができました：悪い題名 Bcc: everyone@example.com")).toBe(true);
    expect(p.text).not.toMatch(/\r/);
    const lines = p.text.split("\n");
    expect(lines).toContain(`資料名: ${oneLine(`${title} 1 2`)}`);
    expect(lines.some((l) => l.startsWith("Bcc:"))).toBe(false);
    // Plain text: the markup is the catalogue's words, shown as written, never interpreted (no HTML part is made).
    expect(p.text).toContain("<script>alert(1)</script>");
    expect(Object.keys(p).sort()).toEqual(["kind", "statements", "subject", "text"]);
  });

  it("R20: the hold was picked up before the send → cancelled, nothing stamped; likewise a hold cancelled meanwhile", async () => {
    const r = await readyByCheckIn();
    await checkOut(db, atA, { cardNumber: r.patron.cardNumber, barcode: r.copy.barcode, now: morningOf(READY_DAY) + 2 * HOUR });
    for (const row of await outboxOfHold(r.hold.id)) {
      const p = await prepared(row, noticeHour(addDays(READY_DAY, 1)));
      expect(p).toEqual({ kind: "cancel", reason: "hold_not_ready" });
    }
    expect((await holdOf(r.hold.id)).contactDate).toBeNull();

    const c = await readyByCheckIn();
    await db.update(holds).set({ status: "cancelled", cancelReason: "staff", cancelledAt: morningOf(READY_DAY) + HOUR }).where(eq(holds.id, c.hold.id));
    const [row] = await outboxOfHold(c.hold.id);
    expect(await prepared(row!, noticeHour(addDays(READY_DAY, 1)))).toEqual({ kind: "cancel", reason: "hold_not_ready" });
  });
});

describe("R20, R21 through the outbox sender (services/mail-outbox.ts sendDueMail, the dev mailbox)", () => {
  it("R20: not before READY_NOTICE_HOUR on the day after; then one mail per confirmed address, the hold's contact day stamped in the batch that marks it sent; a second run sends nothing more", async () => {
    const r = await readyByCheckIn();
    const ids = (await outboxOfHold(r.hold.id)).map((x) => x.id);
    const sendDay = addDays(READY_DAY, 1);
    const send = (now: number) => sendDueMail(db, devMailTransport(db, { messageDomain: "toshokan.example.jp", now: () => now }), { now, compose: ctxAt(now), ids });
    expect(await send(noticeHour(sendDay) - 60_000)).toEqual({ sent: 0, retried: 0, dead: 0, cancelled: 0 });
    expect((await holdOf(r.hold.id)).contactDate).toBeNull();
    expect(await send(noticeHour(sendDay) + 5 * 60_000)).toEqual({ sent: 2, retried: 0, dead: 0, cancelled: 0 });
    expect(await send(noticeHour(sendDay) + 10 * 60_000)).toEqual({ sent: 0, retried: 0, dead: 0, cancelled: 0 });
    const expected = holdShelfDeadline(await loadCalendar(db, { from: READY_DAY }), a.code, sendDay);
    expect(await holdOf(r.hold.id)).toMatchObject({ contactDate: sendDay, shelfUntil: expected });
    const mails = await d1Client(db).prepare(`SELECT to_address, subject, text FROM dev_mail WHERE event_key LIKE ? ORDER BY to_address`).bind(`hold-ready:${r.hold.id}:%`).all<{ to_address: string; subject: string; text: string }>();
    expect(mails.results.map((m) => m.to_address)).toEqual(r.confirmed.map((m) => m.address).sort());
    for (const m of mails.results) expect(m.text).toContain(`お取り置き期限: ${dayInJapanese(expected)}`);
    const rows = await outboxOfHold(r.hold.id);
    expect(rows.every((x) => x.status === "sent" && x.subject !== null && x.body === mails.results[0]!.text)).toBe(true);
  });

  it("R20: picked up before the morning → the sender cancels every row, with the reason", async () => {
    const r = await readyByCheckIn();
    await checkOut(db, atA, { cardNumber: r.patron.cardNumber, barcode: r.copy.barcode, now: morningOf(READY_DAY) + HOUR });
    const ids = (await outboxOfHold(r.hold.id)).map((x) => x.id);
    const now = noticeHour(addDays(READY_DAY, 1));
    expect(await sendDueMail(db, devMailTransport(db, { messageDomain: "toshokan.example.jp" }), { now, compose: ctxAt(now), ids })).toEqual({ sent: 0, retried: 0, dead: 0, cancelled: 2 });
    expect((await outboxOfHold(r.hold.id)).map((x) => [x.status, x.lastError])).toEqual([
      ["cancelled", "hold_not_ready"],
      ["cancelled", "hold_not_ready"],
    ]);
  });
});

describe("issue 9 item 6: the opt-in reminders", () => {
  const setPrefs = async (patronId: number, p: { due?: boolean; shelf?: boolean }) =>
    db
      .insert(mailPreferences)
      .values({ patronId, dueReminder: p.due ?? false, shelfReminder: p.shelf ?? false, updatedAt: Date.UTC(2026, 10, 1) })
      .onConflictDoUpdate({ target: mailPreferences.patronId, set: { dueReminder: p.due ?? false, shelfReminder: p.shelf ?? false } });

  /** The nightly run of a Tokyo day: 03:00 JST. */
  const nightOf = (day: Day) => tokyoDayStartMs(day) + 3 * HOUR;

  it("「返却期限のお知らせ」: no preference row → none; opted in → one per confirmed address, DUE_REMINDER_DAYS_BEFORE days before, due READY_NOTICE_HOUR; a second run adds nothing", async () => {
    const dueDate = "2026-12-17";
    const reminderDay = addDays(dueDate, -DUE_REMINDER_DAYS_BEFORE);
    const off = await patronWithAddresses(a);
    const on = await patronWithAddresses(a);
    const offLoan = await insertLoan(db, { patronId: off.patron.id, dueDate });
    const onLoan = await insertLoan(db, { patronId: on.patron.id, dueDate });
    await setPrefs(on.patron.id, { due: true });
    await enqueueReminders(db, { now: nightOf(addDays(reminderDay, -1)) });
    expect(await outboxOfLoan(onLoan.id)).toEqual([]); // not yet: three days before
    await enqueueReminders(db, { now: nightOf(reminderDay) });
    await enqueueReminders(db, { now: nightOf(reminderDay) + HOUR });
    expect(await outboxOfLoan(offLoan.id)).toEqual([]);
    const rows = await outboxOfLoan(onLoan.id);
    expect(rows.map((r) => r.dedupeKey)).toEqual(on.confirmed.map((m) => `${dueReminderPrefix(onLoan.id, dueDate)}:${m.id}`));
    expect(rows.every((r) => r.kind === "due_reminder" && r.nextAttemptAt === noticeHour(reminderDay) && r.patronId === on.patron.id && r.body === null)).toBe(true);
    expect(reminderKeyDay(rows[0]!.dedupeKey)).toBe(dueDate);

    const p = sent(await prepared(rows[0]!, noticeHour(reminderDay)));
    expect(p.subject).toMatch(/^【北九州市立図書館】返却期限のお知らせ：/);
    expect(p.text.split("\n")).toContain(`返却期限: ${dayInJapanese(dueDate)}`);
    expect(p.text).toContain("https://toshokan.example.jp/loans");
    expect(p.statements).toEqual([]);
  });

  it("stale reminders are cancelled: the loan returned, its due date moved by a renewal (the new date is a new event), the patron opted out", async () => {
    const dueDate = "2026-12-18";
    const day = addDays(dueDate, -DUE_REMINDER_DAYS_BEFORE);
    const who = await patronWithAddresses(a);
    await setPrefs(who.patron.id, { due: true });
    const renewed = await insertLoan(db, { patronId: who.patron.id, dueDate });
    const returned = await insertLoan(db, { patronId: who.patron.id, dueDate });
    const kept = await insertLoan(db, { patronId: who.patron.id, dueDate });
    await enqueueReminders(db, { now: nightOf(day) });
    // 「延長」 on the reminder day itself (R31: that day + 2 weeks).
    const renewal = await renewLoan(db, { patronId: who.patron.id, loanId: renewed.id, now: morningOf(day), clientAddress: null });
    expect(renewal.dueDate).toBe("2026-12-30");
    await db.update(loans).set({ returnedAt: nightOf(day) + HOUR }).where(eq(loans.id, returned.id));
    const at = noticeHour(day);
    expect(await prepared((await outboxOfLoan(renewed.id))[0]!, at)).toEqual({ kind: "cancel", reason: "due_date_changed" });
    expect(await prepared((await outboxOfLoan(returned.id))[0]!, at)).toEqual({ kind: "cancel", reason: "loan_returned" });
    expect((await prepared((await outboxOfLoan(kept.id))[0]!, at)).kind).toBe("send");
    await setPrefs(who.patron.id, { due: false });
    expect(await prepared((await outboxOfLoan(kept.id))[0]!, at)).toEqual({ kind: "cancel", reason: "reminder_off" });
    // Sent after the due date (a sender down for days): no longer a reminder.
    await setPrefs(who.patron.id, { due: true });
    expect(await prepared((await outboxOfLoan(kept.id))[0]!, noticeHour(addDays(dueDate, 1)))).toEqual({ kind: "cancel", reason: "due_date_passed" });
    // The renewed loan's new due date gets its own reminder in time.
    await enqueueReminders(db, { now: nightOf(addDays("2026-12-30", -DUE_REMINDER_DAYS_BEFORE)) });
    const renewedRows = await db.select().from(mailOutbox).where(and(eq(mailOutbox.loanId, renewed.id), eq(mailOutbox.kind, "due_reminder")));
    expect(renewedRows.map((r) => reminderKeyDay(r.dedupeKey)).sort()).toEqual([...Array(2).fill(dueDate), ...Array(2).fill("2026-12-30")]);
  });

  it("the shelf reminder: the day before a ready hold's last day, opted in; cancelled once the hold is picked up or its deadline moved", async () => {
    const who = await patronWithAddresses(a);
    await setPrefs(who.patron.id, { shelf: true });
    const record = await insertRecord(db, { title: "取置の本" });
    const hold = await insertHold(db, { recordId: record.id, patronId: who.patron.id, pickupBranchId: a.id, status: "ready", contact: "none", readyAt: morningOf("2026-12-01"), contactDate: "2026-12-01", shelfUntil: "2026-12-10" });
    const other = await insertHold(db, { patronId: who.patron.id, pickupBranchId: a.id, status: "ready", contact: "none", readyAt: morningOf("2026-12-01"), contactDate: "2026-12-01", shelfUntil: "2026-12-10" });
    const notOptedIn = await insertHold(db, { pickupBranchId: a.id, status: "ready", contact: "none", readyAt: morningOf("2026-12-01"), contactDate: "2026-12-01", shelfUntil: "2026-12-10" });
    await insertMailAddress(db, { patronId: notOptedIn.patronId });
    await enqueueReminders(db, { now: nightOf("2026-12-08") });
    expect(await outboxOfHold(hold.id)).toEqual([]);
    await enqueueReminders(db, { now: nightOf("2026-12-09") });
    await enqueueReminders(db, { now: nightOf("2026-12-09") });
    expect(await outboxOfHold(notOptedIn.id)).toEqual([]);
    const rows = await outboxOfHold(hold.id);
    expect(rows.map((r) => r.dedupeKey)).toEqual(who.confirmed.map((m) => `${shelfReminderPrefix(hold.id, "2026-12-10")}:${m.id}`));
    expect(rows.every((r) => r.kind === "shelf_reminder" && r.nextAttemptAt === noticeHour("2026-12-09"))).toBe(true);
    const p = sent(await prepared(rows[0]!, noticeHour("2026-12-09")));
    expect(p.subject).toBe("【北九州市立図書館】お取り置き期限のお知らせ：取置の本");
    expect(p.text).toContain("お取り置き期限は明日までです。");
    expect(p.text.split("\n")).toContain(`お取り置き期限: ${dayInJapanese("2026-12-10")}`);

    await db.update(holds).set({ status: "fulfilled", fulfilledAt: noticeHour("2026-12-09") - HOUR }).where(eq(holds.id, hold.id));
    expect(await prepared(rows[0]!, noticeHour("2026-12-09"))).toEqual({ kind: "cancel", reason: "hold_not_ready" });
    await db.update(holds).set({ shelfUntil: "2026-12-12" }).where(eq(holds.id, other.id));
    expect(await prepared((await outboxOfHold(other.id))[0]!, noticeHour("2026-12-09"))).toEqual({ kind: "cancel", reason: "shelf_day_changed" });
  });

  it("a row of a kind composed when written is never composed here (cancel), and an unreadable reminder key is cancelled", async () => {
    const loan = await insertLoan(db);
    const row = { id: 1, kind: "due_reminder" as const, patronId: loan.patronId, toAddress: "x@example.jp", addressId: null, holdId: null, loanId: loan.id, subject: null, body: null, eventKey: "due-reminder:garbage", attempt: 1 };
    expect(await prepareOutboxMail(db, row, ctxAt(Date.UTC(2026, 11, 1)))).toEqual({ kind: "cancel", reason: "key_unreadable" });
    expect((await prepareOutboxMail(db, { ...row, kind: "test_mail" }, ctxAt(Date.UTC(2026, 11, 1)))).kind).toBe("cancel");
  });
});
