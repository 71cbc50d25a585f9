// Issue 7 item 1 (R13) in real Chromium at 320 px, JavaScript on and off: 「予約カートに入れる」 from a search result;
// the header's 「予約カートを見る (n)」 on Worker pages (with and without JavaScript) and on static pages where JavaScript
// runs (site/public/cart-lines.js; without JavaScript a static page shows the link without a number). axe-clean
// results page. Each run uses a fresh browser context, so a fresh anonymous cart.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import type { Browser, Page } from "playwright-core";
import { BASE, axeViolations, describeViolations, launch, newContext } from "./browser.ts";

let browser: Browser;

before(async () => {
  browser = await launch();
});

after(async () => {
  await browser?.close();
});

const cartLink = (page: Page) => page.getByRole("banner").locator("a.cart-link");

describe("R13 「予約カートに入れる」 from the search results, and the header's count", () => {
  for (const javaScriptEnabled of [true, false]) {
    it(`three records from the results; 「予約カートを見る (3)」 (JavaScript ${javaScriptEnabled ? "on" : "off"}, 320 px)`, async () => {
      const context = await newContext(browser, { javaScriptEnabled, width: 320 });
      const page = await context.newPage();
      await page.goto(`${BASE}/search?q=${encodeURIComponent("夏目漱石")}`);
      const results = page.getByRole("main").locator("ol.hits li.hit");
      const buttons = page.getByRole("main").locator("ol.hits").getByRole("button", { name: "予約カートに入れる" });
      assert.ok((await buttons.count()) >= 3, "at least three holdable hits");
      assert.ok((await results.count()) >= (await buttons.count()));
      if (javaScriptEnabled) {
        // axe runs as a script: only where JavaScript does (the markup is the same without it).
        const violations = await axeViolations(page);
        assert.deepEqual(violations, [], describeViolations(violations));
      }
      // The page is no wider than the phone.
      assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= 320), "no sideways scrolling at 320 px");
      for (let n = 0; n < 3; n++) {
        if (n > 0) await page.goto(`${BASE}/search?q=${encodeURIComponent("夏目漱石")}`);
        await page.getByRole("main").locator("ol.hits").getByRole("button", { name: "予約カートに入れる" }).nth(n).click();
        await page.waitForURL(/\/cart\?added=\d+$/);
        await page.getByRole("main").getByText("を予約カートに入れました。", { exact: false }).waitFor();
        // A Worker page: the count is in the link's text, with or without JavaScript.
        assert.equal((await cartLink(page).innerText()).trim(), `予約カートを見る (${n + 1})`);
      }
      assert.equal(await page.getByRole("banner").getByRole("link", { name: "予約カートを見る (3)" }).count(), 1);
      // A static page: the script adds the count where JavaScript runs; without it the link has no number.
      await page.goto(`${BASE}/`);
      if (javaScriptEnabled) {
        await page.getByRole("banner").getByRole("link", { name: "予約カートを見る (3)" }).waitFor();
      } else {
        assert.equal((await cartLink(page).innerText()).trim(), "予約カートを見る");
      }
      // The worker's search page for a browser with a cart is counted too.
      await page.goto(`${BASE}/search?q=${encodeURIComponent("夏目漱石")}`);
      assert.equal((await cartLink(page).innerText()).trim(), "予約カートを見る (3)");
      await context.close();
    });
  }
});
