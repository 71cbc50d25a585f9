// Browser test of issue 7 items 2, 3, 5 (R01, R13, R14, R16, R20, R43) in real Chromium at 320 px, JavaScript on and
// off: a new user searches, puts three records in the cart from their record pages, goes to 「予約申込」 (sent to the
// login and back: R01), logs in as 2100000001, unticks one, chooses a pickup library, places two and sees the answer
// with their queue positions, sees them in 「予約状況一覧」 and cancels one (R33, R34); the counter then enters paper
// forms (/staff/holds/paper) up to the limit, and the 11th hold is refused with the reason. One of the three comes
// from a search result's own button, and the header counts them (issue 7 item 1). Everything the run made (holds, cart lines, keys) is removed afterwards.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import type { Browser, Page } from "playwright-core";
import { BASE, axeViolations, describeViolations, launch, newContext, withD1 } from "./browser.ts";

const TARO = { card: "2100000001", password: "Tosho2026" };
const STAFF = { login: "counter-chuo", password: "Counter-Chuo-2026" };
const LIMIT_REASON = "予約できるのは1人10冊までです";

let browser: Browser;
let patronId: number;

/** Holdable records (an obtainable loanable copy in the city) the patron holds no active hold on, with titles. */
async function freeRecords(n: number): Promise<{ id: number; title: string }[]> {
  return withD1(async (d1) => {
    const rows = await d1
      .prepare(
        `SELECT r.id, r.title FROM records r
         WHERE EXISTS (SELECT 1 FROM items i JOIN branches b ON b.id = i.branch_id
                       WHERE i.record_id = r.id AND i.loanable = 1 AND b.in_city = 1 AND i.status IN ('on_shelf','on_loan','in_transit','on_hold_shelf'))
           AND NOT EXISTS (SELECT 1 FROM holds h WHERE h.record_id = r.id AND h.patron_id = ?1 AND h.status IN ('waiting','in_transit','ready'))
           AND NOT EXISTS (SELECT 1 FROM cart_lines c WHERE c.record_id = r.id AND c.patron_id = ?1)
           AND length(r.title) BETWEEN 4 AND 30
         ORDER BY r.id LIMIT ?2`,
      )
      .bind(patronId, n)
      .all<{ id: number; title: string }>();
    return rows.results;
  });
}

async function activeCount(): Promise<number> {
  return withD1(async (d1) => (await d1.prepare("SELECT count(*) AS n FROM holds WHERE patron_id = ? AND status IN ('waiting','in_transit','ready')").bind(patronId).first<{ n: number }>())!.n);
}

before(async () => {
  browser = await launch();
  patronId = await withD1(async (d1) => (await d1.prepare("SELECT id FROM patrons WHERE card_number = ?").bind(TARO.card).first<{ id: number }>())!.id);
});

after(async () => {
  await browser?.close();
});

async function addFromRecordPage(page: Page, recordId: number): Promise<void> {
  await page.goto(`${BASE}/catalog/${recordId}/`);
  await page.getByRole("button", { name: "予約カートに入れる" }).click();
  await page.waitForURL(new RegExp(`/cart\\?(added|already)=${recordId}$`));
}

async function staffPaperForms(recordIds: number[], javaScriptEnabled: boolean): Promise<void> {
  const context = await newContext(browser, { javaScriptEnabled, width: 320 });
  const page = await context.newPage();
  await page.goto(`${BASE}/staff/login?next=%2Fstaff%2Fholds%2Fpaper`);
  await page.getByLabel("職員ID").fill(STAFF.login);
  await page.getByLabel("パスワード").fill(STAFF.password);
  await page.getByRole("main").getByRole("button", { name: "ログイン" }).click();
  await page.waitForURL(/\/staff\/holds\/paper$/);
  for (const id of recordIds) {
    await page.goto(`${BASE}/staff/holds/paper`);
    await page.getByLabel("図書館カード番号").fill(TARO.card);
    await page.getByLabel("書誌番号").fill(String(id));
    await page.getByRole("button", { name: "予約を登録する" }).click();
    await page.waitForURL(/\/staff\/holds\/paper\/answer\?key=/);
    await page.getByText("1件を予約しました。").waitFor();
  }
  await context.close();
}

describe("issue 7: 「予約申込」 from the cart, at 320 px", () => {
  for (const javaScriptEnabled of [true, false]) {
    it(`R01/R13/R14/R16/R33/R34: search, three records in the cart (one from a result), log in, untick one, place two, see them in 「予約状況一覧」, cancel one; the 11th is refused (JavaScript ${javaScriptEnabled ? "on" : "off"})`, async () => {
      const start = Date.now();
      const before = await withD1(async (d1) => ({
        hold: (await d1.prepare("SELECT coalesce(max(id), 0) AS n FROM holds").first<{ n: number }>())!.n,
        cart: (await d1.prepare("SELECT coalesce(max(id), 0) AS n FROM cart_lines").first<{ n: number }>())!.n,
      }));
      const activeBefore = await activeCount();
      assert.ok(activeBefore <= 8, `2100000001 needs two free slots (has ${activeBefore} active holds)`);
      const [r1, r2, r3, ...spare] = await freeRecords(3 + 10);
      assert.ok(r1 && r2 && r3, "the demo catalogue has holdable records");
      const context = await newContext(browser, { javaScriptEnabled, width: 320 });
      const page = await context.newPage();
      try {
        // A new user searches and opens the first record from the results.
        await page.goto(`${BASE}/search?q=${encodeURIComponent(r1.title)}`);
        await page.locator(`main a[href="/catalog/${r1.id}/"]`).first().click();
        await page.waitForURL(new RegExp(`/catalog/${r1.id}/$`));
        await page.getByRole("button", { name: "予約カートに入れる" }).click();
        await page.waitForURL(new RegExp(`/cart\\?added=${r1.id}$`));
        // The second from a search result's own 「予約カートに入れる」 (issue 7 item 1), the third from its record page.
        await page.goto(`${BASE}/search?q=${encodeURIComponent(r2.title)}`);
        await page.locator(`main form[action="/cart"]:has(input[name="recordId"][value="${r2.id}"])`).first().getByRole("button", { name: "予約カートに入れる" }).click();
        await page.waitForURL(new RegExp(`/cart\\?(added|already)=${r2.id}$`));
        await addFromRecordPage(page, r3.id);
        // The header counts the cart's lines on the Worker's pages (with and without JavaScript).
        await page.getByRole("link", { name: "予約カートを見る (3)" }).waitFor();

        // 「予約申込へ進む」 → login (R01) → back to 「予約申込」.
        await page.getByRole("link", { name: "予約申込へ進む" }).click();
        await page.waitForURL(/\/login\?next=%2Fholds%2Fapply$/);
        await page.getByLabel("図書館カード番号").fill(TARO.card);
        await page.getByLabel("パスワード").fill(TARO.password);
        await page.getByRole("main").getByRole("button", { name: "ログイン" }).click();
        await page.waitForURL(/\/holds\/apply$/);
        const main = page.getByRole("main");
        await main.getByText(`予約できる残り冊数: ${10 - activeBefore}／10`).waitFor();
        for (const r of [r1, r2, r3]) assert.equal(await main.locator(`input[name="recordId"][value="${r.id}"]`).isChecked(), true);
        if (javaScriptEnabled) {
          // axe and the layout probe run as scripts: with JavaScript on only (the page is the same HTML either way).
          const violations = await axeViolations(page);
          assert.deepEqual(violations, [], describeViolations(violations));
          assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= 320), "no horizontal scroll at 320 px");
        }

        // Untick the third, choose 門司図書館, place two.
        await main.locator(`input[name="recordId"][value="${r3.id}"]`).uncheck();
        await page.getByLabel("受取館").selectOption({ label: "門司図書館" });
        await main.getByRole("button", { name: "予約申込" }).click();
        await page.waitForURL(/\/holds\/apply\/answer\?key=/);
        await main.getByText("2件を予約しました。").waitFor();
        assert.equal(await main.getByText("予約順位（目安）", { exact: false }).count(), 2);
        await main.getByText("受取館: 門司図書館", { exact: false }).waitFor();
        assert.equal(await main.getByRole("link", { name: "予約状況一覧" }).count(), 1);
        const answerUrl = page.url();

        // Reloading the answer (or going back and sending again) places nothing more.
        await page.goto(answerUrl);
        await main.getByText("2件を予約しました。").waitFor();
        assert.equal(await activeCount(), activeBefore + 2);

        // The third stayed in the cart.
        await page.goto(`${BASE}/cart`);
        assert.equal(await main.locator(`a[href="/catalog/${r3.id}/"]`).count(), 1);
        assert.equal(await main.locator(`a[href="/catalog/${r1.id}/"]`).count(), 0);

        // R33: both are in 「予約状況一覧」 with their positions; R34: cancel the first (a confirmation page without
        // JavaScript, the browser's dialog and no reload with it).
        await page.goto(answerUrl);
        await main.getByRole("link", { name: "予約状況一覧" }).click();
        await page.waitForURL(`${BASE}/holds`);
        const placed = await withD1(async (d1) =>
          (await d1.prepare("SELECT id, record_id FROM holds WHERE patron_id = ? AND id > ? ORDER BY id").bind(patronId, before.hold).all<{ id: number; record_id: number }>()).results,
        );
        const holdOf = (recordId: number) => page.locator(`#hold-${placed.find((p) => p.record_id === recordId)!.id}`);
        for (const r of [r1, r2]) {
          const text = await holdOf(r.id).innerText();
          assert.match(text, /予約中です/);
          assert.match(text, /予約順位（目安）\d+番目／所蔵\d+冊/);
          assert.match(text, /門司図書館/);
        }
        if (javaScriptEnabled) {
          await page.locator('astro-island[component-url*="HoldList"]:not([ssr])').waitFor({ state: "attached" });
          page.once("dialog", (dialog) => void dialog.accept());
          await holdOf(r1.id).getByRole("button", { name: "取消" }).click();
        } else {
          await holdOf(r1.id).getByRole("button", { name: "取消" }).click();
          await page.getByRole("heading", { level: 1, name: "予約の取消" }).waitFor();
          await page.getByRole("button", { name: "取り消す" }).click();
        }
        await page.getByRole("status").getByText("予約を取り消しました").waitFor();
        assert.match(await holdOf(r1.id).innerText(), /取り消し（ご本人による取消）/);
        assert.equal(await activeCount(), activeBefore + 1);

        // The counter enters paper forms up to the limit (R14 counts every channel)…
        await staffPaperForms(spare.slice(0, 10 - (activeBefore + 1)).map((r) => r.id), javaScriptEnabled);
        assert.equal(await activeCount(), 10);

        // …and the 11th is refused with the reason, before and after submitting.
        await page.goto(`${BASE}/holds/apply`);
        await main.getByText("予約できる残り冊数: 0／10").waitFor();
        await main.getByRole("button", { name: "予約申込" }).click();
        await page.waitForURL(/\/holds\/apply\/answer\?key=/);
        await main.getByText("0件を予約しました。1件は予約できませんでした。").waitFor();
        await main.getByText(LIMIT_REASON, { exact: false }).waitFor();
        assert.equal(await activeCount(), 10);
      } finally {
        await context.close();
        await withD1(async (d1) => {
          await d1.prepare("DELETE FROM holds WHERE patron_id = ? AND id > ?").bind(patronId, before.hold).run();
          await d1.prepare("DELETE FROM cart_lines WHERE id > ?").bind(before.cart).run();
          await d1.prepare("DELETE FROM idempotency_keys WHERE created_at >= ? AND (scope = ? OR scope LIKE 'holds-paper:%')").bind(start, `holds:${patronId}`).run();
        });
      }
    });
  }
});
