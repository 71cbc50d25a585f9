// Issue 6 §2 in real Chromium, JavaScript off, on a 320-px screen: あくたがわ lists 芥川 竜之介's own works first and
// offers 「著者：芥川 竜之介（N件）」 as a plain link; following it narrows the list to exactly N works, 「解除」 lifts it.
// ワガハイ puts 吾輩は猫である first; the ISBN NDL printed with a wrong check digit finds its record.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import type { Browser } from "playwright-core";
import { BASE, launch, newContext } from "./browser.ts";

let browser: Browser;

before(async () => {
  browser = await launch();
});

after(async () => {
  await browser?.close();
});

describe("Issue 6 §2: search that finds what a patron means (no JavaScript, 320 px)", () => {
  it("あくたがわ → 芥川 竜之介's works first, the author refinement, then back with 解除", async () => {
    const context = await newContext(browser, { javaScriptEnabled: false, width: 320 });
    const page = await context.newPage();
    await page.goto(`${BASE}/search?q=${encodeURIComponent("あくたがわ")}`);
    const main = page.getByRole("main");
    const people = await main.locator("ol.hits li.hit .hit-meta").allTextContents();
    assert.equal(people.length, 20);
    assert.ok(people.every((p) => p.includes("芥川 竜之介（著者）")), "the first page is his own works");

    const link = main.getByRole("link", { name: /^著者：芥川 竜之介（\d+件）$/ });
    const n = Number(/（(\d+)件）/.exec((await link.textContent()) ?? "")![1]);
    assert.ok(n > 300, `${n} works`);
    await link.click();
    await page.waitForURL(/person=\d+/);
    assert.match((await main.getByRole("status").textContent()) ?? "", new RegExp(`^${n}件見つかりました`));
    assert.match((await main.textContent()) ?? "", /著者：芥川 竜之介 で絞り込み中/);
    await main.getByRole("link", { name: "著者：芥川 竜之介 の絞り込みを解除" }).click();
    await page.waitForURL((url) => !url.search.includes("person="));
    assert.ok((await main.getByRole("link", { name: /^著者：芥川 竜之介/ }).count()) === 1);
    await context.close();
  });

  it("ワガハイ → 吾輩は猫である first; 4-19-862631-0 → SF Japan", async () => {
    const context = await newContext(browser, { javaScriptEnabled: false, width: 320 });
    const page = await context.newPage();
    await page.goto(`${BASE}/search?q=${encodeURIComponent("ワガハイ")}`);
    assert.match((await page.locator("ol.hits li.hit .hit-title").first().textContent()) ?? "", /^吾輩は猫である/);
    await page.goto(`${BASE}/search?q=4-19-862631-0`);
    assert.match((await page.getByRole("main").getByRole("status").textContent()) ?? "", /^1件見つかりました/);
    await page.locator("ol.hits li.hit .hit-title a").first().click();
    assert.match((await page.getByRole("main").textContent()) ?? "", /4-19-862631-0（チェックディジット不正）/);
    await context.close();
  });
});
