// Browser tests (real Chromium, against the server `npm start` runs): the public catalogue, R10 and R11,
// with and without JavaScript, on a 320-px screen, and axe-core clean.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import type { Browser } from "playwright-core";
import { BASE, axeViolations, describeViolations, launch, newContext } from "./browser.ts";
import { openLocalPlatform } from "../../db/cli/platform.ts";
import { firstVisitBytes } from "../bench/bytes.ts";

let browser: Browser;
let notHoldableId: number;
let holdableId: number;

before(async () => {
  browser = await launch();
  const platform = await openLocalPlatform();
  try {
    const notHoldable = await platform.d1
      .prepare(
        "SELECT record_id AS id FROM items GROUP BY record_id HAVING sum(loanable) = 0 ORDER BY record_id LIMIT 1",
      )
      .first<{ id: number }>();
    const holdable = await platform.d1
      .prepare(
        "SELECT i.record_id AS id FROM items i JOIN branches b ON b.id = i.branch_id WHERE i.loanable = 1 AND b.in_city = 1 ORDER BY i.record_id LIMIT 1",
      )
      .first<{ id: number }>();
    assert.ok(notHoldable && holdable, "the demo catalogue has reference-only and loanable records");
    notHoldableId = notHoldable.id;
    holdableId = holdable.id;
  } finally {
    await platform.dispose();
  }
});

after(async () => {
  await browser?.close();
});

describe("R10 search and record pages", () => {
  it("home page → search わがはいはねこ → 吾輩は猫である's page with Book JSON-LD", async () => {
    const context = await newContext(browser);
    const page = await context.newPage();
    await page.goto(`${BASE}/`);
    assert.equal(await page.locator("html").getAttribute("lang"), "ja");
    await page.getByRole("banner").getByRole("searchbox").fill("わがはいはねこ");
    await page.getByRole("banner").getByRole("button", { name: "検索" }).click();
    await page.waitForURL(/\/search\?/);
    const link = page.getByRole("main").getByRole("link", { name: /吾輩は猫である/ }).first();
    await link.click();
    await page.waitForURL(/\/catalog\/\d+\/$/);
    assert.match(await page.getByRole("heading", { level: 1 }).innerText(), /吾輩は猫である/);
    const ld = JSON.parse((await page.locator('script[type="application/ld+json"]').first().textContent()) ?? "{}");
    assert.equal(ld["@type"], "Book");
    assert.match(ld.name, /吾輩は猫である/);
    assert.ok(ld.author, "JSON-LD names the author");
    await context.close();
  });

  it("R11: a non-loanable record says 「この書誌は予約できません。」 and has no cart button", async () => {
    const context = await newContext(browser);
    const page = await context.newPage();
    await page.goto(`${BASE}/catalog/${notHoldableId}/`);
    await page.getByText("この書誌は予約できません。").first().waitFor();
    assert.equal(await page.getByRole("button", { name: "予約カートに入れる" }).count(), 0);
    await context.close();
  });

  it("R11: a holdable record shows 「予約カートに入れる」", async () => {
    const context = await newContext(browser);
    const page = await context.newPage();
    await page.goto(`${BASE}/catalog/${holdableId}/`);
    assert.equal(await page.getByRole("button", { name: "予約カートに入れる" }).count(), 1);
    assert.equal(await page.getByText("この書誌は予約できません。").count(), 0);
    await context.close();
  });

  it("R13: every page has 「予約カートを見る」 in the header", async () => {
    const context = await newContext(browser);
    const page = await context.newPage();
    for (const path of ["/", `/catalog/${holdableId}/`, "/search?q=%E7%8C%AB"]) {
      await page.goto(BASE + path);
      assert.equal(await page.getByRole("banner").getByRole("link", { name: "予約カートを見る" }).count(), 1, path);
    }
    await context.close();
  });

  it("R50: search works with JavaScript disabled, on a 320-px screen, without sideways scrolling", async () => {
    const context = await newContext(browser, { javaScriptEnabled: false, width: 320 });
    const page = await context.newPage();
    await page.goto(`${BASE}/`);
    await page.getByRole("banner").getByRole("searchbox").fill("羅生");
    await page.getByRole("banner").getByRole("button", { name: "検索" }).click();
    await page.waitForURL(/\/search\?/);
    assert.ok((await page.getByRole("main").getByRole("link", { name: /羅生門/ }).count()) > 0, "羅生 finds 羅生門");
    for (const path of ["/", "/search?q=%E7%BE%85%E7%94%9F", `/catalog/${holdableId}/`]) {
      await page.goto(BASE + path);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      assert.ok(overflow <= 0, `${path} scrolls sideways by ${overflow}px at 320px`);
    }
    await context.close();
  });

  it("R10: bad input gets a Japanese message, not an error page", async () => {
    const context = await newContext(browser, { javaScriptEnabled: false });
    const page = await context.newPage();
    const res = await page.goto(`${BASE}/search?q=${"あ".repeat(1000)}`);
    assert.equal(res?.status(), 400);
    assert.match(await page.getByRole("alert").innerText(), /文字/);
    await context.close();
  });
});

describe("accessibility (axe-core, WCAG 2.1 A/AA)", () => {
  for (const [name, path] of [
    ["home", "/"],
    ["search results", "/search?q=%E7%8C%AB"],
    ["record page", "__record__"],
    ["guide", "/guide/"],
    ["not found", "/no-such-page/"],
  ] as const) {
    it(`${name} has no violations`, async () => {
      const context = await newContext(browser);
      const page = await context.newPage();
      await page.goto(BASE + (path === "__record__" ? `/catalog/${holdableId}/` : path));
      const v = await axeViolations(page);
      assert.equal(v.length, 0, describeViolations(v));
      await context.close();
    });
  }
});

describe("R50 byte budgets (brotli; bytes are deterministic, so these are tests — speed is only benchmarked)", () => {
  it("a record page: HTML ≤ 12 KB, whole first visit ≤ 30 KB", async () => {
    const visit = await firstVisitBytes(browser, `${BASE}/catalog/${holdableId}/`);
    assert.ok(visit.html <= 12 * 1024, `record HTML ${visit.html} B`);
    assert.ok(visit.total <= 30 * 1024, `record first visit ${visit.total} B`);
  });

  it("guide pages ship no JavaScript and ≤ 12 KB of HTML", async () => {
    for (const path of ["/guide/", "/guide/password/", "/guide/cart/"]) {
      const visit = await firstVisitBytes(browser, BASE + path);
      assert.equal(visit.js, 0, `${path} loads ${visit.js} B of JavaScript`);
      assert.ok(visit.html <= 12 * 1024, `${path} HTML ${visit.html} B`);
    }
  });

  it("the search page HTML ≤ 12 KB", async () => {
    const visit = await firstVisitBytes(browser, `${BASE}/search?q=${encodeURIComponent("猫")}`);
    assert.ok(visit.html <= 12 * 1024, `search HTML ${visit.html} B`);
  });
});
