// Browser tests of R13 (the reservation cart) in real Chromium, with JavaScript on and off: a holdable record's
// 「予約カートに入れる」 lands on 「予約カート」 with the title listed; adding again says so; 「解除」 empties the cart and
// offers 「元に戻す」 (issue 6 item 4). Each run uses a fresh
// browser context, so a fresh cart: nothing to put back afterwards.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import type { Browser } from "playwright-core";
import { BASE, launch, newContext } from "./browser.ts";
import { openLocalPlatform } from "../../db/cli/platform.ts";

let browser: Browser;
let holdableId: number;

before(async () => {
  browser = await launch();
  const platform = await openLocalPlatform();
  try {
    const holdable = await platform.d1
      .prepare(
        "SELECT i.record_id AS id FROM items i JOIN branches b ON b.id = i.branch_id WHERE i.loanable = 1 AND b.in_city = 1 ORDER BY i.record_id LIMIT 1",
      )
      .first<{ id: number }>();
    assert.ok(holdable, "the demo catalogue has a holdable record");
    holdableId = holdable.id;
  } finally {
    await platform.dispose();
  }
});

after(async () => {
  await browser?.close();
});

describe("R13 the reservation cart", () => {
  for (const javaScriptEnabled of [true, false]) {
    it(`「予約カートに入れる」 → 「予約カート」 lists the record; 「解除」 empties it (JavaScript ${javaScriptEnabled ? "on" : "off"})`, async () => {
      const context = await newContext(browser, { javaScriptEnabled });
      const page = await context.newPage();
      await page.goto(`${BASE}/catalog/${holdableId}/`);
      const title = (await page.getByRole("heading", { level: 1 }).innerText()).split("\n")[0]!.trim();
      await page.getByRole("button", { name: "予約カートに入れる" }).click();
      await page.waitForURL(new RegExp(`/cart\\?added=${holdableId}$`));
      assert.equal(await page.getByRole("heading", { level: 1 }).innerText(), "予約カート");
      const main = page.getByRole("main");
      const link = main.locator(`a[href="/catalog/${holdableId}/"]`);
      assert.equal(await link.count(), 1, "the title links to the record page");
      assert.ok(title.startsWith((await link.innerText()).trim()), `the cart lists ${title}`);
      await main.getByText("予約カートに入れただけでは予約になりません", { exact: false }).first().waitFor();

      // Issue 6 item 4: adding it again says it is there already.
      await page.goto(`${BASE}/catalog/${holdableId}/`);
      await page.getByRole("button", { name: "予約カートに入れる" }).click();
      await page.waitForURL(new RegExp(`/cart\\?already=${holdableId}$`));
      await main.getByText("はすでに予約カートに入っています", { exact: false }).waitFor();

      // 「解除」 is safe without JavaScript: the answer offers 「元に戻す」, which puts the record back.
      await main.getByRole("button", { name: "解除" }).click();
      await page.waitForURL(new RegExp(`/cart\\?removed=${holdableId}$`));
      await main.getByText("予約カートに資料はありません。").waitFor();
      assert.equal(await main.getByRole("button", { name: "解除" }).count(), 0);
      await main.getByRole("button", { name: "元に戻す" }).click();
      await page.waitForURL(new RegExp(`/cart\\?added=${holdableId}$`));
      assert.equal(await main.locator(`a[href="/catalog/${holdableId}/"]`).count(), 1);
      await main.getByRole("button", { name: "解除" }).click();
      await page.waitForURL(new RegExp(`/cart\\?removed=${holdableId}$`));
      await context.close();
    });
  }
});
