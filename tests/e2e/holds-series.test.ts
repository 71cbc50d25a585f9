// Browser test of R15 (issue 7 item 4), 順番予約, in real Chromium at 320 px with JavaScript on and off: the real
// multi-volume work 夜明け前 (第一部上・第一部下, Aozora records of the demo catalogue) goes into the cart from its
// record pages; 「順番予約」 → login as 2100000005 → back to the 順番予約 screen; the 「順番」 fields set the order
// (first reversed — with JavaScript by the island's 「下へ」 — then 「順番を変更する」 and back to volume order); 「順番予約申込み」 → the confirmation with
// 「第一部上 → 第一部下」 → 「OK」 → the answer lists both volumes in that order, 「予約中です」. The pages are axe-clean (checked with JavaScript on: axe is a script).
// Each run starts from the patron holding neither volume and an empty cart (both are set back before each run).
import { after, before, beforeEach, describe, it } from "node:test";
import assert from "node:assert/strict";
import type { Browser, Page } from "playwright-core";
import { BASE, axeViolations, describeViolations, launch, newContext } from "./browser.ts";
import { openLocalPlatform } from "../../db/cli/platform.ts";

const CARD = "2100000005";
const PASSWORD = "Midori2001";

let browser: Browser;
let volumes: { id: number; label: string }[];

/** The demo patron holds neither volume and has an empty cart: a run places what it checks. */
async function reset(): Promise<void> {
  const platform = await openLocalPlatform();
  try {
    const ids = volumes.map((v) => v.id);
    const patron = await platform.d1.prepare("SELECT id FROM patrons WHERE card_number = ?").bind(CARD).first<{ id: number }>();
    assert.ok(patron, `the demo patron ${CARD}`);
    await platform.d1.batch([
      platform.d1.prepare(`DELETE FROM holds WHERE patron_id = ? AND record_id IN (${ids.map(() => "?").join(",")})`).bind(patron.id, ...ids),
      platform.d1.prepare("DELETE FROM hold_groups WHERE patron_id = ? AND id NOT IN (SELECT group_id FROM holds WHERE group_id IS NOT NULL)").bind(patron.id),
      platform.d1.prepare("DELETE FROM cart_lines WHERE patron_id = ?").bind(patron.id),
    ]);
  } finally {
    await platform.dispose();
  }
}

before(async () => {
  browser = await launch();
  const platform = await openLocalPlatform();
  try {
    const rows = await platform.d1
      .prepare("SELECT id, volume_label AS label FROM records WHERE title = '夜明け前' AND volume_label IN ('第一部上', '第一部下') ORDER BY volume_order")
      .all<{ id: number; label: string }>();
    volumes = rows.results;
    assert.equal(volumes.length, 2, "the demo catalogue has 夜明け前 第一部上 and 第一部下");
  } finally {
    await platform.dispose();
  }
});

beforeEach(reset);

after(async () => {
  await browser?.close();
});

/** axe runs as a script in the page: with JavaScript off it cannot, and the same pages were checked with it on. */
async function assertAxeClean(page: Page, what: string, javaScriptEnabled: boolean): Promise<void> {
  if (!javaScriptEnabled) return;
  const violations = await axeViolations(page);
  assert.deepEqual(violations, [], `${what}:\n${describeViolations(violations)}`);
}

describe("R15 順番予約 from the cart", () => {
  for (const javaScriptEnabled of [true, false]) {
    const mode = `JavaScript ${javaScriptEnabled ? "on" : "off"}`;
    it(`夜明け前 第一部上・下: cart → 「順番予約」 → login → order → 「順番予約申込み」 → 「OK」 → both in order (${mode}, 320 px)`, async () => {
      const context = await newContext(browser, { javaScriptEnabled, width: 320 });
      const page = await context.newPage();
      for (const v of volumes) {
        await page.goto(`${BASE}/catalog/${v.id}/`);
        await page.getByRole("button", { name: "予約カートに入れる" }).click();
        await page.waitForURL(new RegExp(`/cart\\?added=${v.id}$`));
      }
      const main = page.getByRole("main");
      await main.getByRole("link", { name: "順番予約", exact: true }).click();

      // R01: login first, then back to the 順番予約 screen.
      await page.waitForURL(/\/login\?next=%2Fholds%2Fseries$/);
      await page.getByLabel("図書館カード番号").fill(CARD);
      await page.getByLabel("パスワード", { exact: true }).fill(PASSWORD);
      await page.getByRole("button", { name: "ログイン", exact: true }).click();
      await page.waitForURL(/\/holds\/series$/);
      assert.equal(await page.getByRole("heading", { level: 1 }).innerText(), "順番予約");
      assert.match(await main.innerText(), /予約できる残り冊数: \d+／10/);
      const [first, second] = volumes as [{ id: number; label: string }, { id: number; label: string }];
      assert.equal(await page.locator(`input[name="order-${first.id}"]`).inputValue(), "1", "volume order by default");
      assert.equal(await page.locator(`input[name="order-${second.id}"]`).inputValue(), "2");
      await assertAxeClean(page, "the 順番予約 form", javaScriptEnabled);
      if (javaScriptEnabled) {
        const width = await page.evaluate(() => document.documentElement.scrollWidth);
        assert.ok(width <= 320, `the form fits 320 px without sideways scrolling (scrollWidth ${width})`);
      }

      // The order as the patron sets it: reversed first — with JavaScript by 「下へ」 (the island renumbers the
      // 「順番」 fields and moves the volume), without it by typing the numbers…
      if (javaScriptEnabled) {
        const title = (await main.locator(`a[href="/catalog/${first.id}/"]`).innerText()).trim();
        await main.getByRole("button", { name: `「${title}」を下へ` }).click();
        assert.equal(await page.locator(`input[name="order-${first.id}"]`).inputValue(), "2");
        assert.equal(await page.locator(`input[name="order-${second.id}"]`).inputValue(), "1");
        const listed = await main.locator("ol.series-lines > li a").allInnerTexts();
        assert.match(listed[0]!, /第一部下/, "the list follows the order");
      } else {
        assert.equal(await main.getByRole("button", { name: /を下へ$/ }).count(), 0, "no island without JavaScript");
        await page.locator(`input[name="order-${first.id}"]`).fill("2");
        await page.locator(`input[name="order-${second.id}"]`).fill("1");
      }
      await page.getByLabel("受取館").selectOption({ label: "中央図書館" });
      await main.getByRole("radio", { name: "電話" }).check();
      await main.getByRole("button", { name: "順番予約申込み" }).click();
      await page.waitForURL(/\/holds\/series\/confirm$/);
      assert.match(await main.innerText(), /第一部下 → 第一部上/);
      // …then back to change it (the choices come back as they were).
      await main.getByRole("button", { name: "順番を変更する" }).click();
      await page.waitForURL(/\/holds\/series\?/);
      assert.equal(await page.locator(`input[name="order-${first.id}"]`).inputValue(), "2");
      assert.equal(await main.getByRole("radio", { name: "電話" }).isChecked(), true);
      await page.locator(`input[name="order-${first.id}"]`).fill("1");
      await page.locator(`input[name="order-${second.id}"]`).fill("2");
      await main.getByRole("button", { name: "順番予約申込み" }).click();
      await page.waitForURL(/\/holds\/series\/confirm$/);
      const confirmation = await main.innerText();
      assert.match(confirmation, /第一部上 → 第一部下/);
      assert.match(confirmation, /中央図書館/);
      await assertAxeClean(page, "the confirmation", javaScriptEnabled);

      await main.getByRole("button", { name: "OK", exact: true }).click();
      await page.waitForURL(/\/holds\/series\/groups\/\d+$/);
      assert.equal(await page.getByRole("heading", { level: 1 }).innerText(), "順番予約を受け付けました");
      const items = await main.locator("ol.series-lines > li").allInnerTexts();
      assert.equal(items.length, 2);
      assert.match(items[0]!, /第一部上/);
      assert.match(items[1]!, /第一部下/);
      for (const item of items) assert.match(item, /予約中です/);
      assert.equal(await main.getByRole("link", { name: "予約状況一覧" }).getAttribute("href"), "/holds");
      await assertAxeClean(page, "the answer", javaScriptEnabled);

      // R15 in 「予約状況一覧」: the second volume's chain waits on the first.
      await main.getByRole("link", { name: "予約状況一覧" }).click();
      await page.waitForURL(`${BASE}/holds`);
      await main.getByText("第一部下：第一部上のご用意後に確保します", { exact: false }).first().waitFor();

      // The placed volumes left the cart.
      await page.goto(`${BASE}/cart`);
      for (const v of volumes) assert.equal(await main.locator(`a[href="/catalog/${v.id}/"]`).count(), 0);
      await context.close();
    });
  }
});
