// Issue 9 item 5, the browser journey (R20, R21, R44) in real Chromium at 320 px, JavaScript on and off: 中央図書館's
// counter (counter-chuo) scans a copy at 「返却」, which makes 2100000001's hold — contact メール — ready; the outbox
// has one ready notice per confirmed address, due the next morning. `npm run clock` moves one day on, the send-mail
// job runs (`/__scheduled?cron=…`, wrangler dev --test-scheduled) and the notice is in the dev mailbox
// (/dev/mail.json) with the title, the pickup library, 「お取り置き期限」 counted from that day, and the site's URL; the
// patron's 「予約状況一覧」 shows the same deadline.
//
// The clock sets the day, not the hour (the time of day keeps running): the notice is due at READY_NOTICE_HOUR, so
// when the test runs before that hour in Tokyo, the job runs one day later still — a caught-up day — and the
// deadline counts from THAT day (R21: the contact day is the day the notice goes).
//
// The e2e share the local D1 with `npm start`'s demo: the journey runs on days 60 days back; its hold, its mail and
// the clock are removed at the end, even on failure (the outbox rows too: their event keys carry the hold's id).
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { BASE, axeViolations, describeViolations, launch, newContext } from "./browser.ts";
import { openLocalPlatform, type LocalPlatform } from "../../db/cli/platform.ts";
import { ROOT } from "../../db/cli/paths.ts";
import { loadCalendar } from "../../worker/src/data/calendar.ts";
import { addDays, tokyoDay, tokyoDayStartMs, type Day } from "../../worker/src/domain/calendar.ts";
import { holdShelfDeadline } from "../../worker/src/domain/hold-shelf.ts";
import { dayInJapanese } from "../../worker/src/domain/mail-notices.ts";
import { READY_NOTICE_HOUR } from "../../worker/src/domain/policy.ts";
import { CRON_MAIL } from "../../worker/src/jobs/schedule.ts";

const TARO = { card: "2100000001", password: "Tosho2026" };
const STAFF = { login: "counter-chuo", password: "Counter-Chuo-2026" };
const HOUR = 60 * 60_000;

let browser: Browser;

interface Journey {
  recordId: number;
  itemId: number;
  barcode: string;
  title: string;
  holdId: number;
}

async function withPlatform<T>(fn: (p: LocalPlatform) => Promise<T>): Promise<T> {
  const platform = await openLocalPlatform();
  try {
    return await fn(platform);
  } finally {
    await platform.dispose();
  }
}

/** `npm run clock -- ARG` itself, against the running server's D1. */
function clock(arg: string): string {
  const res = spawnSync(process.execPath, [path.join(ROOT, "db/cli/clock.ts"), arg], { cwd: ROOT, encoding: "utf8" });
  assert.equal(res.status, 0, `npm run clock -- ${arg}: ${res.stderr}`);
  return res.stdout;
}

/** A single-copy record on 中央図書館's shelf that nobody holds; 2100000001's hold on it, contact メール. */
async function seed(used: number[], day: Day): Promise<Journey> {
  return withPlatform(async ({ d1 }) => {
    const chuo = (await d1.prepare("SELECT id FROM branches WHERE code = 'chuo'").first<{ id: number }>())!.id;
    const taro = (await d1.prepare("SELECT id FROM patrons WHERE card_number = ?").bind(TARO.card).first<{ id: number }>())!.id;
    const row = await d1
      .prepare(
        `SELECT r.id AS recordId, i.id AS itemId, i.barcode, r.title FROM records r JOIN items i ON i.record_id = r.id
         WHERE i.branch_id = ?1 AND i.current_branch_id = ?1 AND i.status = 'on_shelf' AND i.loanable = 1
           AND (SELECT count(*) FROM items y WHERE y.record_id = r.id) = 1
           AND NOT EXISTS (SELECT 1 FROM holds h WHERE h.record_id = r.id)
           AND NOT EXISTS (SELECT 1 FROM cart_lines c WHERE c.record_id = r.id)
           AND NOT EXISTS (SELECT 1 FROM item_transits t WHERE t.item_id = i.id)
           AND r.id NOT IN (${used.length ? used.join(",") : "0"})
         ORDER BY r.id DESC LIMIT 1 OFFSET 40`,
      )
      .bind(chuo)
      .first<{ recordId: number; itemId: number; barcode: string; title: string }>();
    assert.ok(row, "the demo catalogue has a single-copy record on 中央図書館's shelf");
    const placedAt = tokyoDayStartMs(addDays(day, -3)) + 10 * HOUR;
    const hold = await d1
      .prepare(
        `INSERT INTO holds (patron_id, record_id, channel, pickup_branch_id, contact, status, placed_at, created_at, updated_at)
         VALUES (?, ?, 'web', ?, 'mail', 'waiting', ?, ?, ?) RETURNING id`,
      )
      .bind(taro, row.recordId, chuo, placedAt, placedAt, placedAt)
      .first<{ id: number }>();
    return { ...row, holdId: hold!.id };
  });
}

async function cleanUp(j: Journey | undefined): Promise<void> {
  clock("off");
  if (!j) return;
  await withPlatform(async ({ d1 }) => {
    const key = `hold-ready:${j.holdId}:%`;
    await d1.batch([
      d1.prepare("DELETE FROM dev_mail WHERE event_key LIKE ?").bind(key),
      d1.prepare("DELETE FROM mail_attempts WHERE outbox_id IN (SELECT id FROM mail_outbox WHERE dedupe_key LIKE ?)").bind(key),
      d1.prepare("DELETE FROM mail_outbox WHERE dedupe_key LIKE ?").bind(key),
      d1.prepare("DELETE FROM loans WHERE item_id = ?").bind(j.itemId),
      d1.prepare("DELETE FROM item_transits WHERE item_id = ?").bind(j.itemId),
      d1.prepare("DELETE FROM holds WHERE record_id = ?").bind(j.recordId),
      d1.prepare("UPDATE items SET status = 'on_shelf', current_branch_id = branch_id WHERE id = ?").bind(j.itemId),
    ]);
  });
}

async function holdRow(id: number) {
  return withPlatform(async ({ d1 }) =>
    (await d1.prepare("SELECT status, shelf_until AS shelfUntil, contact_date AS contactDate FROM holds WHERE id = ?").bind(id).first<{ status: string; shelfUntil: string | null; contactDate: string | null }>())!,
  );
}

async function outboxOf(holdId: number) {
  return withPlatform(async ({ d1 }) =>
    (
      await d1
        .prepare("SELECT o.id, o.to_address AS toAddress, o.dedupe_key AS eventKey, o.status, o.next_attempt_at AS nextAttemptAt FROM mail_outbox o WHERE o.hold_id = ? AND o.kind = 'hold_ready' ORDER BY o.address_id")
        .bind(holdId)
        .all<{ id: number; toAddress: string; eventKey: string; status: string; nextAttemptAt: number }>()
    ).results,
  );
}

async function confirmedAddresses(card: string): Promise<string[]> {
  return withPlatform(async ({ d1 }) =>
    (await d1.prepare("SELECT m.address FROM mail_addresses m JOIN patrons p ON p.id = m.patron_id WHERE p.card_number = ? AND m.confirmed_at IS NOT NULL ORDER BY m.id").bind(card).all<{ address: string }>()).results.map((r) => r.address),
  );
}

/** R21 from the calendar the server reads (the local D1's branch_closures), never hard-coded. */
async function deadlineFrom(day: Day): Promise<Day> {
  return withPlatform(async ({ db }) => holdShelfDeadline(await loadCalendar(db, { from: addDays(day, -1) }), "chuo", day));
}

/** 2026-12-10 → 「2026年12月10日」, as 「予約状況一覧」 writes the deadline. */
function japaneseDate(day: Day): string {
  const [y, m, d] = day.split("-").map(Number);
  return `${y}年${m}月${d}日`;
}

async function runCron(cron: string): Promise<void> {
  const res = await fetch(`${BASE}/__scheduled?cron=${encodeURIComponent(cron).replace(/%20/g, "+")}`);
  assert.equal(res.status, 200, await res.text());
}

interface DevMailJson {
  to: string;
  subject: string;
  text: string;
  sentAt: string;
  eventKey: string;
}

async function patronLogin(page: Page): Promise<void> {
  await page.goto(`${BASE}/login?next=%2Fholds`);
  await page.getByLabel("図書館カード番号").fill(TARO.card);
  await page.getByLabel("パスワード", { exact: true }).fill(TARO.password);
  await page.getByRole("button", { name: "ログイン", exact: true }).click();
  await page.waitForURL(`${BASE}/holds`);
}

before(async () => {
  browser = await launch();
});

after(async () => {
  await browser?.close();
  clock("off");
});

const used: number[] = [];

for (const javaScriptEnabled of [true, false]) {
  const mode = javaScriptEnabled ? "JavaScript on" : "JavaScript off";
  describe(`issue 9: the ready notice, 320 px, ${mode}`, () => {
    it(`R20, R21, R44: 「返却」 makes 2100000001's メール hold ready; a day on, the send-mail job puts the notice in the dev mailbox and 「予約状況一覧」 shows the deadline counted from that day (${mode})`, async () => {
      const day = addDays(tokyoDay(Date.now()), javaScriptEnabled ? -60 : -50);
      let j: Journey | undefined;
      const contexts: { close(): Promise<void> }[] = [];
      try {
        j = await seed(used, day);
        used.push(j.recordId);
        const addresses = await confirmedAddresses(TARO.card);
        assert.ok(addresses.length >= 1, "the demo's 2100000001 has a confirmed address (taro@example.jp)");
        assert.match(clock(day), new RegExp(`テスト用の日付を ${day} にしました`));

        // The counter: 「返却」 at 中央図書館 traps the copy for the hold.
        const staff = await newContext(browser, { javaScriptEnabled, width: 320 });
        contexts.push(staff);
        const counter = await staff.newPage();
        await counter.goto(`${BASE}/staff/login?next=%2Fstaff%2Fcheckin`);
        await counter.getByLabel("職員ID").fill(STAFF.login);
        await counter.getByLabel("パスワード").fill(STAFF.password);
        await counter.getByRole("main").getByRole("button", { name: "ログイン" }).click();
        await counter.waitForURL(`${BASE}/staff/checkin`);
        assert.equal(await counter.evaluate(() => document.activeElement?.id), "checkin-barcode", "the barcode field has the focus");
        await counter.keyboard.type(j.barcode);
        await counter.keyboard.press("Enter");
        await counter.getByRole("main").getByRole("status").getByText("予約の資料です。取置棚に置いてください。").waitFor();

        // R20: in the same batch, one row per confirmed address, due READY_NOTICE_HOUR the next morning.
        const ready = await holdRow(j.holdId);
        assert.equal(ready.status, "ready");
        assert.equal(ready.contactDate, null, "the contact day is the day the notice goes");
        const rows = await outboxOf(j.holdId);
        assert.deepEqual(rows.map((r) => r.toAddress), addresses);
        const dueAt = tokyoDayStartMs(addDays(day, 1)) + READY_NOTICE_HOUR * HOUR;
        for (const r of rows) assert.equal(r.nextAttemptAt, dueAt);

        // The send-mail job the same day sends nothing of it.
        await runCron(CRON_MAIL);
        assert.ok((await outboxOf(j.holdId)).every((r) => r.status === "pending"));

        // One day on (two when it is still before READY_NOTICE_HOUR in Tokyo: see the file's comment).
        const tokyoHour = new Date(Date.now() + 9 * HOUR).getUTCHours();
        const sendDay = addDays(day, tokyoHour >= READY_NOTICE_HOUR ? 1 : 2);
        assert.match(clock(sendDay), new RegExp(`テスト用の日付を ${sendDay} にしました`));
        await runCron(CRON_MAIL);
        const expected = await deadlineFrom(sendDay);
        assert.deepEqual(await holdRow(j.holdId), { status: "ready", contactDate: sendDay, shelfUntil: expected });
        assert.ok((await outboxOf(j.holdId)).every((r) => r.status === "sent"));

        // The dev mailbox: one mail per confirmed address, with the title, the pickup library, the deadline and the URL.
        const mailbox = (await (await fetch(`${BASE}/dev/mail.json`)).json()) as DevMailJson[];
        const notices = mailbox.filter((m) => m.eventKey.startsWith(`hold-ready:${j!.holdId}:`));
        assert.deepEqual(notices.map((m) => m.to).sort(), [...addresses].sort());
        for (const m of notices) {
          assert.match(m.subject, /予約資料のご用意ができました/);
          assert.doesNotMatch(m.subject, /[\r\n]/);
          assert.ok(m.text.includes(`お取り置き期限: ${dayInJapanese(expected)}`), m.text);
          assert.ok(m.text.includes("受取館: 中央図書館"), m.text);
          // R44: the site's URL (SITE_ORIGIN: the loopback origin this server was started for) and its holds page.
          assert.match(m.text, new RegExp(`^http://(localhost|127\\.0\\.0\\.1):${new URL(BASE).port}/holds$`, "m"));
        }
        // And the same in the dev mailbox's page.
        const mailPage = await (await newContext(browser, { javaScriptEnabled, width: 320 }).then((c) => (contexts.push(c), c))).newPage();
        await mailPage.goto(`${BASE}/dev/mail?to=${encodeURIComponent(addresses[0]!)}`);
        assert.ok((await mailPage.getByRole("main").innerText()).includes(`お取り置き期限: ${dayInJapanese(expected)}`));

        // The patron's 「予約状況一覧」: 「ご用意できました」 with the deadline counted from the send day.
        const patronContext = await newContext(browser, { javaScriptEnabled, width: 320 });
        contexts.push(patronContext);
        const patron = await patronContext.newPage();
        await patronLogin(patron);
        const hold = patron.locator(`#hold-${j.holdId}`);
        assert.match(await hold.innerText(), /ご用意できました/);
        assert.match(await hold.innerText(), new RegExp(`お取り置き期限\\s*${japaneseDate(expected)}`));
        assert.ok((await patron.evaluate(() => document.documentElement.scrollWidth)) <= 320, "no horizontal scrolling at 320 px");
        if (javaScriptEnabled) {
          const violations = await axeViolations(patron);
          assert.deepEqual(violations, [], describeViolations(violations));
        }

        // The job again: nothing more is sent.
        await runCron(CRON_MAIL);
        const again = ((await (await fetch(`${BASE}/dev/mail.json`)).json()) as DevMailJson[]).filter((m) => m.eventKey.startsWith(`hold-ready:${j!.holdId}:`));
        assert.equal(again.length, notices.length);
      } finally {
        for (const c of contexts) await c.close().catch(() => {});
        await cleanUp(j);
      }
    });
  });
}
