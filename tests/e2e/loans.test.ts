// Browser tests of 「貸出状況一覧」 and 「延長」 (R30, R31) in real Chromium at 320 px, JavaScript on and off: 2100000001
// logs in, opens 「貸出状況一覧」 from 「利用者情報メンテナンス」, sees a loan's due date with 「あと5日」 and 「延長」, renews
// it — without JavaScript through the confirmation page (the new due date, then 「延長する」); with it, the LoanList
// island asks with the browser's dialog naming the new due date and renews with no page reload — and sees the new
// due date and 「延長済み」. Checkout is another part of issue 8, so the loans are written into the local D1 first (two
// on-shelf copies of records nobody holds, lent by counter-chuo) and removed again afterwards, copies back on the shelf.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import type { Browser, Page } from "playwright-core";
import { BASE, axeViolations, describeViolations, launch, newContext } from "./browser.ts";
import { openLocalPlatform } from "../../db/cli/platform.ts";
import { addDays, tokyoDay, type Day } from "../../worker/src/domain/calendar.ts";
import { RENEWAL_DAYS } from "../../worker/src/domain/policy.ts";
import { dayWords } from "../../worker/src/views/holds.ts";

const TARO = { card: "2100000001", password: "Tosho2026" };
const DAY = 24 * 60 * 60_000;
/** This test's loans carry this loaned_at remainder (ms), so a run that died can be cleaned up by the next. */
const MARK = 777;

let browser: Browser;

/** The service's today: the local clock's day when one is set (another test may have set it), else the real one. */
async function serviceToday(d1: D1Database): Promise<Day> {
  const row = await d1.prepare("SELECT today FROM local_clock WHERE id = 1").first<{ today: string }>().catch(() => null);
  return row?.today ?? tokyoDay(Date.now());
}

/** Ends this test's loans of 2100000001 (from any run) and puts their copies back on the shelf. */
async function cleanUp(d1: D1Database): Promise<void> {
  const rows = await d1
    .prepare("SELECT l.id, l.item_id FROM loans l JOIN patrons p ON p.id = l.patron_id WHERE p.card_number = ? AND l.loaned_at % 1000 = ?")
    .bind(TARO.card, MARK)
    .all<{ id: number; item_id: number }>();
  for (const r of rows.results) {
    await d1.batch([
      d1.prepare("DELETE FROM audit_log WHERE action = 'loan_renewed' AND target_kind = 'loan' AND target_id = ?").bind(r.id),
      d1.prepare("DELETE FROM loans WHERE id = ?").bind(r.id),
      d1.prepare("UPDATE items SET status = 'on_shelf' WHERE id = ? AND status = 'on_loan'").bind(r.item_id),
    ]);
  }
}

/** A fresh loan of 2100000001's, due in 5 days: an on-shelf copy at 中央図書館 of a record nobody holds. */
async function seed(): Promise<{ loanId: number; title: string; due: Day; newDue: Day }> {
  const platform = await openLocalPlatform();
  try {
    const d1 = platform.d1;
    await cleanUp(d1);
    const taro = (await d1.prepare("SELECT id FROM patrons WHERE card_number = ?").bind(TARO.card).first<{ id: number }>())!;
    const staff = (await d1.prepare("SELECT id, branch_id FROM staff_users WHERE login = 'counter-chuo'").first<{ id: number; branch_id: number }>())!;
    const copy = await d1
      .prepare(
        `SELECT i.id, r.title FROM items i JOIN records r ON r.id = i.record_id
         WHERE i.branch_id = ? AND i.current_branch_id = ? AND i.status = 'on_shelf' AND i.loanable = 1 AND i.ill_hold_id IS NULL
           AND NOT EXISTS (SELECT 1 FROM holds h WHERE h.record_id = i.record_id)
           AND NOT EXISTS (SELECT 1 FROM loans l WHERE l.item_id = i.id AND l.returned_at IS NULL)
         ORDER BY i.id DESC LIMIT 1`,
      )
      .bind(staff.branch_id, staff.branch_id)
      .first<{ id: number; title: string }>();
    assert.ok(copy, "the demo catalogue has an on-shelf copy at 中央図書館 that nobody holds");
    const today = await serviceToday(d1);
    const due = addDays(today, 5);
    const loanedAt = Date.now() - 9 * DAY;
    const [, inserted] = await d1.batch([
      d1.prepare("UPDATE items SET status = 'on_loan' WHERE id = ?").bind(copy.id),
      d1
        .prepare("INSERT INTO loans (item_id, patron_id, loaned_at, checkout_branch_id, staff_id, due_date) VALUES (?, ?, ?, ?, ?, ?) RETURNING id")
        .bind(copy.id, taro.id, loanedAt - (loanedAt % 1000) + MARK, staff.branch_id, staff.id, due),
    ]);
    const loanId = (inserted!.results[0] as { id: number }).id;
    return { loanId, title: copy.title, due, newDue: addDays(today, RENEWAL_DAYS) };
  } finally {
    await platform.dispose();
  }
}

before(async () => {
  browser = await launch();
});

after(async () => {
  await browser?.close();
  const platform = await openLocalPlatform();
  try {
    await cleanUp(platform.d1);
  } finally {
    await platform.dispose();
  }
});

const loan = (page: Page, id: number) => page.locator(`#loan-${id}`);

/** Until the LoanList island has hydrated, 「延長」 is the plain form (the confirmation page): wait for it. */
async function islandReady(page: Page): Promise<void> {
  await page.locator('astro-island[component-url*="LoanList"]:not([ssr])').waitFor({ state: "attached" });
}

async function noWiderThanPhone(page: Page): Promise<void> {
  const wide = await page.evaluate(() =>
    Array.from(document.querySelectorAll("main *"))
      .filter((el) => el.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
      .map((el) => `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ""}: ${Math.round(el.getBoundingClientRect().right)}`),
  );
  assert.deepEqual(wide, [], "nothing wider than the 320-px screen");
  assert.ok((await page.evaluate(() => document.documentElement.scrollWidth)) <= 320, "no horizontal scrolling at 320 px");
}

for (const javaScriptEnabled of [true, false]) {
  const mode = javaScriptEnabled ? "JavaScript on" : "JavaScript off";
  describe(`「貸出状況一覧」 at 320 px, ${mode}`, () => {
    it(`R30, R31: 2100000001 sees 「貸出状況一覧」, renews a loan and sees the new due date (${mode})`, async () => {
      const seeded = await seed();
      const context = await newContext(browser, { javaScriptEnabled, width: 320 });
      const page = await context.newPage();
      await page.goto(`${BASE}/login?next=%2Faccount`);
      await page.getByLabel("図書館カード番号").fill(TARO.card);
      await page.getByLabel("パスワード", { exact: true }).fill(TARO.password);
      await page.getByRole("button", { name: "ログイン", exact: true }).click();
      await page.waitForURL(`${BASE}/account`);
      await page.getByRole("main").getByRole("link", { name: "貸出状況一覧" }).click();
      await page.waitForURL(`${BASE}/loans`);
      assert.equal(await page.getByRole("heading", { level: 1 }).innerText(), "貸出状況一覧");

      const item = loan(page, seeded.loanId);
      const text = await item.innerText();
      assert.ok(text.includes(seeded.title), "the loan's title");
      assert.ok(text.includes(`${dayWords(seeded.due)}（あと5日）`), "the due date and 「あと5日」");
      assert.match(text, /まだ延長していません/);
      assert.match(text, /貸出館\s*中央図書館/);
      assert.ok(text.includes(`延長すると、返却期限は${dayWords(seeded.newDue)}になります。`));
      await noWiderThanPhone(page);
      if (javaScriptEnabled) {
        const violations = await axeViolations(page);
        assert.deepEqual(violations, [], describeViolations(violations));
      }

      if (javaScriptEnabled) {
        await islandReady(page);
        await page.evaluate(() => ((window as unknown as { notReloaded: boolean }).notReloaded = true));
        page.once("dialog", (dialog) => {
          assert.ok(dialog.message().includes(`延長後の返却期限は${dayWords(seeded.newDue)}です`), dialog.message());
          void dialog.accept();
        });
        await item.getByRole("button", { name: "延長" }).click();
      } else {
        await item.getByRole("button", { name: "延長" }).click();
        // A GET form with no fields: the browser adds an empty query ("…/renew?").
        await page.waitForURL(new RegExp(`/loans/${seeded.loanId}/renew\\??$`));
        await page.getByRole("heading", { level: 1, name: "貸出の延長" }).waitFor();
        assert.ok((await page.getByRole("main").innerText()).includes(dayWords(seeded.newDue)), "the confirmation names the new due date");
        await noWiderThanPhone(page);
        await page.getByRole("button", { name: "延長する" }).click();
      }
      await page.waitForURL(`${BASE}/loans?renewed=${seeded.loanId}`);
      const status = page.getByRole("status");
      await status.getByText("の貸出を延長しました").waitFor();
      assert.ok((await status.innerText()).includes(`新しい返却期限は${dayWords(seeded.newDue)}です`));
      const renewed = await loan(page, seeded.loanId).innerText();
      assert.ok(renewed.includes(dayWords(seeded.newDue)), "the list shows the new due date");
      assert.match(renewed, /延長済み/);
      assert.equal(await loan(page, seeded.loanId).getByRole("button", { name: "延長" }).count(), 0, "no second 「延長」");
      assert.match(renewed, /貸出の延長は1回までです。/);
      if (javaScriptEnabled) {
        assert.equal(await page.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded), true, "「延長」 did not reload the page");
        const violations = await axeViolations(page);
        assert.deepEqual(violations, [], describeViolations(violations));
      }
      await context.close();
    });
  });
}

describe("the LoanList island under the site's Content-Security-Policy", () => {
  it("hydrates on /loans with the CSP enforced; a dismissed dialog renews nothing", async () => {
    const seeded = await seed();
    const context = await newContext(browser, { width: 320, bypassCSP: false });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on("console", (m) => {
      if (m.type() === "error") errors.push(m.text());
    });
    await page.goto(`${BASE}/login?next=%2Floans`);
    await page.getByLabel("図書館カード番号").fill(TARO.card);
    await page.getByLabel("パスワード", { exact: true }).fill(TARO.password);
    await page.getByRole("button", { name: "ログイン", exact: true }).click();
    await page.waitForURL(`${BASE}/loans`);
    await islandReady(page);
    page.once("dialog", (dialog) => void dialog.dismiss());
    await loan(page, seeded.loanId).getByRole("button", { name: "延長" }).click();
    assert.match(await loan(page, seeded.loanId).innerText(), /まだ延長していません/);
    assert.equal(page.url(), `${BASE}/loans`);
    assert.deepEqual(errors, []);
    await context.close();
  });
});
