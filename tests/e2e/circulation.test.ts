// Issue 8, the browser journey (R21, R22, R33; items 1, 2, 3 and 6) in real Chromium at 320 px, JavaScript on and
// off: 中央図書館's counter (counter-chuo) scans a copy at 「返却」, which traps it for 2100000001's hold — 「ご用意で
// きました」 with its deadline on the patron's 「予約状況一覧」; then `npm run clock` passes the deadline and the nightly
// job runs (`/__scheduled?cron=…`, wrangler dev --test-scheduled): the hold shows 「取り消し」 and the next patron's
// (2100000005) is ready. Pages say 「テスト用の日付: …」 while the clock is set. (The renewal part of the journey is
// tests/e2e/loans.test.ts.)
//
// The e2e share the local D1 with `npm start`'s demo: the journey runs on days 40 days back, so the expiry job it runs
// touches no hold of the demo's (their deadlines lie ahead) nor any other test's. Its holds are written into the D1
// first (placing holds is issue 7's journey); its data and the clock are removed at the end, even on failure.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { BASE, axeViolations, describeViolations, launch, newContext, withD1 } from "./browser.ts";
import { ROOT } from "../../db/cli/paths.ts";
import { addDays, tokyoDay, tokyoDayStartMs, type Day } from "../../worker/src/domain/calendar.ts";
import { CRON_NIGHTLY } from "../../worker/src/jobs/schedule.ts";

const TARO = { card: "2100000001", password: "Tosho2026" };
const NEXT = { card: "2100000005", password: "Midori2001" };
const STAFF = { login: "counter-chuo", password: "Counter-Chuo-2026" };
const HOUR = 60 * 60_000;

let browser: Browser;

interface Journey {
  recordId: number;
  itemId: number;
  barcode: string;
  taroHold: number;
  nextHold: number;
}

/** `npm run clock -- ARG` itself, against the running server's D1. */
function clock(arg: string): string {
  const res = spawnSync(process.execPath, [path.join(ROOT, "db/cli/clock.ts"), arg], { cwd: ROOT, encoding: "utf8" });
  assert.equal(res.status, 0, `npm run clock -- ${arg}: ${res.stderr}`);
  return res.stdout;
}

/** A record with one loanable copy, on 中央図書館's shelf, that nobody holds; two holds on it, 2100000001's first. */
async function seed(used: number[], day: Day): Promise<Journey> {
  return withD1(async (d1) => {
    const chuo = (await d1.prepare("SELECT id FROM branches WHERE code = 'chuo'").first<{ id: number }>())!.id;
    const patron = async (card: string) => (await d1.prepare("SELECT id FROM patrons WHERE card_number = ?").bind(card).first<{ id: number }>())!.id;
    const taro = await patron(TARO.card);
    const next = await patron(NEXT.card);
    const row = await d1
      .prepare(
        `SELECT r.id AS recordId, i.id AS itemId, i.barcode FROM records r JOIN items i ON i.record_id = r.id
         WHERE i.branch_id = ?1 AND i.current_branch_id = ?1 AND i.status = 'on_shelf' AND i.loanable = 1
           AND (SELECT count(*) FROM items y WHERE y.record_id = r.id) = 1
           AND NOT EXISTS (SELECT 1 FROM holds h WHERE h.record_id = r.id)
           AND NOT EXISTS (SELECT 1 FROM cart_lines c WHERE c.record_id = r.id)
           AND NOT EXISTS (SELECT 1 FROM item_transits t WHERE t.item_id = i.id)
           AND r.id NOT IN (${used.length ? used.join(",") : "0"})
         ORDER BY r.id DESC LIMIT 1 OFFSET 20`,
      )
      .bind(chuo)
      .first<{ recordId: number; itemId: number; barcode: string }>();
    assert.ok(row, "the demo catalogue has a single-copy record on 中央図書館's shelf");
    const placedAt = tokyoDayStartMs(addDays(day, -3)) + 10 * HOUR;
    const insert = (patronId: number, at: number) =>
      d1
        .prepare(
          `INSERT INTO holds (patron_id, record_id, channel, pickup_branch_id, contact, status, placed_at, created_at, updated_at)
           VALUES (?, ?, 'web', ?, 'none', 'waiting', ?, ?, ?) RETURNING id`,
        )
        .bind(patronId, row.recordId, chuo, at, at, at)
        .first<{ id: number }>()
        .then((r) => r!.id);
    const taroHold = await insert(taro, placedAt);
    const nextHold = await insert(next, placedAt + HOUR);
    return { ...row, taroHold, nextHold };
  });
}

async function cleanUp(j: Journey | undefined): Promise<void> {
  clock("off");
  if (!j) return;
  await withD1(async (d1) => {
    await d1.batch([
      d1.prepare("DELETE FROM loans WHERE item_id = ?").bind(j.itemId),
      d1.prepare("DELETE FROM item_transits WHERE item_id = ?").bind(j.itemId),
      d1.prepare("DELETE FROM holds WHERE record_id = ?").bind(j.recordId),
      d1.prepare("UPDATE items SET status = 'on_shelf', current_branch_id = branch_id WHERE id = ?").bind(j.itemId),
    ]);
  });
}

async function holdRow(id: number) {
  return withD1(async (d1) =>
    (await d1.prepare("SELECT status, shelf_until AS shelfUntil, cancel_reason AS cancelReason, item_id AS itemId FROM holds WHERE id = ?").bind(id).first<{
      status: string;
      shelfUntil: string | null;
      cancelReason: string | null;
      itemId: number | null;
    }>())!,
  );
}

async function patronLogin(page: Page, who: { card: string; password: string }): Promise<void> {
  await page.goto(`${BASE}/login?next=%2Fholds`);
  await page.getByLabel("図書館カード番号").fill(who.card);
  await page.getByLabel("パスワード", { exact: true }).fill(who.password);
  await page.getByRole("button", { name: "ログイン", exact: true }).click();
  await page.waitForURL(`${BASE}/holds`);
}

/** 2026-12-10 → 「2026年12月10日」, as 「予約状況一覧」 writes the deadline. */
function japaneseDate(day: Day): string {
  const [y, m, d] = day.split("-").map(Number);
  return `${y}年${m}月${d}日`;
}

async function banner(page: Page): Promise<string | null> {
  const p = page.getByRole("banner").locator("p.test-day");
  return (await p.count()) ? p.innerText() : null;
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
  describe(`issue 8: a hold's journey through the counter to expiry, 320 px, ${mode}`, () => {
    it(`R22, R21, R33: 「返却」 at 中央図書館 makes 2100000001's hold ready; the clock passes its deadline, the job cancels it and the next patron's is ready (${mode})`, async () => {
      const day = addDays(tokyoDay(Date.now()), -40);
      let j: Journey | undefined;
      const contexts: { close(): Promise<void> }[] = [];
      try {
        j = await seed(used, day);
        used.push(j.recordId);
        assert.match(clock(day), new RegExp(`テスト用の日付を ${day} にしました`));

        // The counter: one focused barcode field; the scanner types the code and Enter.
        const staff = await newContext(browser, { javaScriptEnabled, width: 320 });
        contexts.push(staff);
        const counter = await staff.newPage();
        await counter.goto(`${BASE}/staff/login?next=%2Fstaff%2Fcheckin`);
        await counter.getByLabel("職員ID").fill(STAFF.login);
        await counter.getByLabel("パスワード").fill(STAFF.password);
        await counter.getByRole("main").getByRole("button", { name: "ログイン" }).click();
        await counter.waitForURL(`${BASE}/staff/checkin`);
        assert.equal(await counter.getByRole("heading", { level: 1 }).innerText(), "返却");
        assert.equal(await banner(counter), `テスト用の日付: ${day}`);
        assert.equal(await counter.evaluate(() => document.activeElement?.id), "checkin-barcode", "the barcode field has the focus");
        await counter.keyboard.type(j.barcode);
        await counter.keyboard.press("Enter");
        const answer = counter.getByRole("main").getByRole("status");
        await answer.getByText("予約の資料です。取置棚に置いてください。").waitFor();
        assert.match(await answer.innerText(), /北九 太郎/);
        assert.equal(await counter.evaluate(() => document.activeElement?.id), "checkin-barcode", "the answer page gives the focus back");

        const ready = await holdRow(j.taroHold);
        assert.equal(ready.status, "ready");
        assert.equal(ready.itemId, j.itemId);
        assert.ok(ready.shelfUntil && ready.shelfUntil > day, `R21 deadline after the ready day (${ready.shelfUntil})`);
        assert.equal((await holdRow(j.nextHold)).status, "waiting");
        assert.match(await answer.innerText(), new RegExp(`お取り置き期限: ${ready.shelfUntil}`));

        // The patron: 「ご用意できました」 with the deadline and 「あと n 開館日」.
        const patronContext = await newContext(browser, { javaScriptEnabled, width: 320 });
        contexts.push(patronContext);
        const patron = await patronContext.newPage();
        await patronLogin(patron, TARO);
        assert.equal(await banner(patron), `テスト用の日付: ${day}`);
        const hold = patron.locator(`#hold-${j.taroHold}`);
        assert.match(await hold.innerText(), /ご用意できました/);
        assert.match(await hold.innerText(), new RegExp(`お取り置き期限\\s*${japaneseDate(ready.shelfUntil!)}`));
        assert.match(await hold.innerText(), /あと\s*\d+\s*開館日/);
        assert.ok((await patron.evaluate(() => document.documentElement.scrollWidth)) <= 320, "no horizontal scrolling at 320 px");
        if (javaScriptEnabled) {
          const violations = await axeViolations(patron);
          assert.deepEqual(violations, [], describeViolations(violations));
        }

        // A static (pre-rendered) page: with JavaScript its header script asks /api/cart/lines and shows the same
        // banner; without JavaScript a static page cannot know (the Worker's pages always say it).
        await patron.goto(`${BASE}/`);
        if (javaScriptEnabled) {
          await patron.getByRole("banner").getByRole("status").getByText(`テスト用の日付: ${day}`).waitFor();
        } else {
          assert.equal(await banner(patron), null);
        }

        // The clock passes the deadline; the nightly job (R21) runs on that day.
        const after = addDays(ready.shelfUntil!, 1);
        assert.match(clock(after), new RegExp(`テスト用の日付を ${after} にしました`));
        const res = await fetch(`${BASE}/__scheduled?cron=${encodeURIComponent(CRON_NIGHTLY).replace(/%20/g, "+")}`);
        assert.equal(res.status, 200, await res.text());

        const expired = await holdRow(j.taroHold);
        assert.equal(expired.status, "cancelled");
        assert.equal(expired.cancelReason, "expired");
        await patron.goto(`${BASE}/holds`);
        assert.equal(await banner(patron), `テスト用の日付: ${after}`);
        assert.match(await patron.locator(`#hold-${j.taroHold}`).innerText(), /取り消し/);
        assert.doesNotMatch(await patron.locator(`#hold-${j.taroHold}`).innerText(), /ご用意できました/);

        // The copy passed on to the next patron's hold, ready at 中央図書館 again.
        const passed = await holdRow(j.nextHold);
        assert.equal(passed.status, "ready");
        assert.equal(passed.itemId, j.itemId);
        assert.ok(passed.shelfUntil! > after);
        const nextContext = await newContext(browser, { javaScriptEnabled, width: 320 });
        contexts.push(nextContext);
        const next = await nextContext.newPage();
        await patronLogin(next, NEXT);
        const nextHold = next.locator(`#hold-${j.nextHold}`);
        assert.match(await nextHold.innerText(), /ご用意できました/);
        assert.match(await nextHold.innerText(), new RegExp(`お取り置き期限\\s*${japaneseDate(passed.shelfUntil!)}`));

        // A second run of the job changes nothing more.
        await fetch(`${BASE}/__scheduled?cron=${encodeURIComponent(CRON_NIGHTLY).replace(/%20/g, "+")}`);
        assert.deepEqual(await holdRow(j.nextHold), passed);

        // Clock off: the banner goes.
        assert.match(clock("off"), /解除しました/);
        await next.reload();
        assert.equal(await banner(next), null);
      } finally {
        for (const c of contexts) await c.close().catch(() => {});
        await cleanUp(j);
      }
    });
  });
}
