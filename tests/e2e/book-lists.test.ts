// 「マイブックリスト」 (issue 7 item 9) in real Chromium at 320 px, JavaScript on and off: from a static record page,
// 「マイブックリストに追加」 asks to log in and comes back; a new list takes the record; a search result's
// 「マイブックリストに追加」 offers the list in a select; 「削除」 of a record, rename, 「予約カートに入れる」 for the list,
// and delete with confirmation. axe-clean pages. Patron 2100000005's lists and cart are cleared before and after.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import type { Browser, Page } from "playwright-core";
import { BASE, axeViolations, describeViolations, launch, newContext } from "./browser.ts";
import { openLocalPlatform } from "../../db/cli/platform.ts";

const MIDORI = { card: "2100000005", password: "Midori2001" };
let browser: Browser;
let recordIds: number[] = [];

async function clearPatron(): Promise<void> {
  const platform = await openLocalPlatform();
  try {
    await platform.d1.prepare("DELETE FROM book_lists WHERE patron_id = (SELECT id FROM patrons WHERE card_number = ?1)").bind(MIDORI.card).run();
    await platform.d1.prepare("DELETE FROM cart_lines WHERE patron_id = (SELECT id FROM patrons WHERE card_number = ?1)").bind(MIDORI.card).run();
  } finally {
    await platform.dispose();
  }
}

before(async () => {
  browser = await launch();
  await clearPatron();
  const platform = await openLocalPlatform();
  try {
    const rows = await platform.d1
      .prepare(
        "SELECT DISTINCT i.record_id AS id FROM items i JOIN branches b ON b.id = i.branch_id WHERE i.loanable = 1 AND b.in_city = 1 ORDER BY i.record_id LIMIT 2",
      )
      .all<{ id: number }>();
    recordIds = rows.results.map((r) => r.id);
    assert.equal(recordIds.length, 2, "the demo catalogue has holdable records");
  } finally {
    await platform.dispose();
  }
});

after(async () => {
  await browser?.close();
  await clearPatron();
});

async function expectAxeClean(page: Page, javaScriptEnabled: boolean): Promise<void> {
  // axe runs as a script: only where JavaScript does (the markup is the same without it).
  if (!javaScriptEnabled) return;
  const violations = await axeViolations(page);
  assert.deepEqual(violations, [], describeViolations(violations));
}

const main = (page: Page) => page.getByRole("main");

describe("マイブックリスト", () => {
  for (const javaScriptEnabled of [true, false]) {
    it(`record page → login → new list; add from a search result; 削除, rename, into the cart, delete (JavaScript ${javaScriptEnabled ? "on" : "off"}, 320 px)`, async () => {
      const context = await newContext(browser, { javaScriptEnabled, width: 320 });
      const page = await context.newPage();
      const [first] = recordIds as [number];

      // A static record page cannot know the session: the link asks to log in, then comes back.
      await page.goto(`${BASE}/catalog/${first}/`);
      await main(page).getByRole("link", { name: "マイブックリストに追加" }).click();
      await page.waitForURL(/\/login\?next=/);
      await page.getByLabel("図書館カード番号").fill(MIDORI.card);
      await page.getByLabel("パスワード", { exact: true }).fill(MIDORI.password);
      await page.getByRole("button", { name: "ログイン", exact: true }).click();
      await page.waitForURL(new RegExp(`/lists/add\\?record=${first}$`));
      await expectAxeClean(page, javaScriptEnabled);
      await main(page).getByLabel("リストの名前").fill("  夏に読む本 ");
      await main(page).getByRole("button", { name: "リストを作って追加" }).click();
      await page.waitForURL(new RegExp(`/lists/\\d+\\?added=${first}$`));
      await main(page).getByText("をこのリストに追加しました。", { exact: false }).waitFor();
      assert.equal(await page.getByRole("heading", { level: 1 }).innerText(), "夏に読む本");
      const listUrl = page.url().replace(/\?.*$/, "");

      // From a search result: the select offers the list.
      await page.goto(`${BASE}/search?q=${encodeURIComponent("夏目漱石")}`);
      const links = main(page).locator(`ol.hits a[href^="/lists/add?record="]:not([href="/lists/add?record=${first}"])`);
      const second = Number(/record=(\d+)/.exec((await links.first().getAttribute("href")) ?? "")?.[1]);
      assert.ok(second > 0);
      await links.first().click();
      await page.waitForURL(new RegExp(`/lists/add\\?record=${second}$`));
      await main(page).getByLabel("追加するリスト").selectOption({ label: "夏に読む本（1件）" });
      await main(page).getByRole("button", { name: "マイブックリストに追加" }).click();
      await page.waitForURL(new RegExp(`/lists/\\d+\\?added=${second}$`));
      assert.equal(await main(page).getByRole("button", { name: "削除" }).count(), 2);
      await expectAxeClean(page, javaScriptEnabled);
      assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= 320), "no sideways scrolling at 320 px");

      // 「削除」 of one record.
      await main(page).getByRole("button", { name: "削除" }).first().click();
      await page.waitForURL(new RegExp(`\\?removed=${first}$`));
      await main(page).getByText("をこのリストから削除しました。", { exact: false }).waitFor();
      assert.equal(await main(page).getByRole("button", { name: "削除" }).count(), 1);

      // Rename.
      await main(page).getByLabel("リストの名前").fill("秋に読む本");
      await main(page).getByRole("button", { name: "名前を変える" }).click();
      await page.waitForURL(/\?renamed=1$/);
      assert.equal(await page.getByRole("heading", { level: 1 }).innerText(), "秋に読む本");

      // The list's records into the cart.
      await main(page).getByRole("button", { name: "予約カートに入れる" }).click();
      await page.waitForURL(/\?carted=1&/);
      await main(page).getByText("1件を予約カートに入れました。").waitFor();
      await main(page).getByText("予約カートに入っています").waitFor();
      assert.match(await page.getByRole("banner").locator("a.cart-link").innerText(), /予約カートを見る \(\d+\)/);

      // Delete, with confirmation.
      await main(page).getByRole("link", { name: "このリストを削除" }).click();
      await page.waitForURL(/\/delete$/);
      await main(page).getByText("「秋に読む本」（1件）を削除します", { exact: false }).waitFor();
      await main(page).getByRole("button", { name: "削除する" }).click();
      await page.waitForURL(/\/lists\?deleted=1$/);
      await main(page).getByText("マイブックリストを削除しました。").waitFor();
      await main(page).getByText("マイブックリストはまだありません。").waitFor();
      const gone = await page.goto(listUrl);
      assert.equal(gone?.status(), 404);

      // The account menu links the lists.
      await page.goto(`${BASE}/account`);
      await main(page).getByRole("link", { name: "マイブックリスト" }).click();
      await page.waitForURL(/\/lists$/);
      await expectAxeClean(page, javaScriptEnabled);
      await context.close();
      await clearPatron();
    });
  }
});
