// Issue 10 items 1, 2 (R50): the installable app in real Chromium — the manifest's fields and icons, the service worker
// reaching `activated`, and with the network cut (context.setOffline): a visited record page, the offline page, the last
// 「貸出状況一覧」 with its 「○月○日 ○時○分 時点の情報です」; another patron's login never sees the first one's copy; 「ログアウト」
// drops it; an offline 「予約カートに入れる」 is kept and sent once when the connection returns. The demo's 2100000001
// has loans (the seed's demo circulation); 2100000004 is the second patron.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { BASE, axeViolations, describeViolations, launch, newContext } from "./browser.ts";
import { openLocalPlatform } from "../../db/cli/platform.ts";
import { ROOT } from "../../db/cli/paths.ts";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

const TARO = { card: "2100000001", password: "Tosho2026" };
const SABURO = { card: "2100000004", password: "Yoyaku9999" };
const NOTE = /\d{1,2}月\d{1,2}日 \d{1,2}時\d{1,2}分 時点の情報です/;

let browser: Browser;

before(async () => {
  browser = await launch();
});

after(async () => {
  await browser?.close();
});

/** Opens the home page and waits until the service worker is activated and controls the page. */
async function withWorker(context: BrowserContext): Promise<Page> {
  const page = await context.newPage();
  await page.goto(`${BASE}/`);
  const state = await page.evaluate(async () => {
    const reg = await navigator.serviceWorker.ready;
    const sw = reg.active!;
    if (sw.state !== "activated") await new Promise((r) => sw.addEventListener("statechange", () => sw.state === "activated" && r(null)));
    return sw.state;
  });
  assert.equal(state, "activated");
  await page.reload();
  assert.equal(await page.evaluate(() => !!navigator.serviceWorker.controller), true, "the worker controls the page after a reload");
  return page;
}

async function login(page: Page, who: { card: string; password: string }, next: string): Promise<void> {
  await page.goto(`${BASE}/login?next=${encodeURIComponent(next)}`);
  await page.getByLabel("図書館カード番号").fill(who.card);
  await page.getByLabel("パスワード", { exact: true }).fill(who.password);
  await page.getByRole("button", { name: "ログイン", exact: true }).click();
  await page.waitForURL(`${BASE}${next}`);
}

/** A holdable record with a pre-rendered page (a loanable copy on the shelf at a city library), not in any cart. */
async function holdableRecord(): Promise<{ id: number; title: string }> {
  const platform = await openLocalPlatform();
  try {
    const row = await platform.d1
      .prepare(
        `SELECT r.id, r.title FROM records r JOIN items i ON i.record_id = r.id JOIN branches b ON b.id = i.branch_id
         WHERE b.in_city = 1 AND i.loanable = 1 AND i.status = 'on_shelf' AND r.id < 500
           AND NOT EXISTS (SELECT 1 FROM cart_lines c WHERE c.record_id = r.id)
         ORDER BY r.id DESC LIMIT 1`,
      )
      .first<{ id: number; title: string }>();
    assert.ok(row, "the demo catalogue has a holdable record");
    return row;
  } finally {
    await platform.dispose();
  }
}

describe("R50 the installable app (manifest, service worker)", () => {
  it("has a manifest with Japanese names, start_url, scope, standalone, theme colours and 192/512/maskable icons", async () => {
    const context = await newContext(browser);
    const page = await context.newPage();
    await page.goto(`${BASE}/`);
    const href = await page.locator('link[rel="manifest"]').getAttribute("href");
    assert.equal(href, "/manifest.webmanifest");
    const res = await page.request.get(`${BASE}${href}`);
    assert.equal(res.status(), 200);
    const m = (await res.json()) as Record<string, unknown> & { icons: { src: string; sizes: string; purpose?: string; type: string }[] };
    assert.match(String(m.name), /栞/);
    assert.match(String(m.short_name), /[\u3040-\u9fff]/, "short_name in Japanese");
    assert.equal(m.lang, "ja");
    assert.equal(m.start_url, "/");
    assert.equal(m.scope, "/");
    assert.equal(m.display, "standalone");
    assert.match(String(m.theme_color), /^#[0-9a-f]{6}$/i);
    assert.match(String(m.background_color), /^#[0-9a-f]{6}$/i);
    const find = (sizes: string, purpose: string) => m.icons.find((i) => i.sizes === sizes && (i.purpose ?? "any").split(" ").includes(purpose));
    for (const icon of [find("192x192", "any"), find("512x512", "any"), find("512x512", "maskable")]) {
      assert.ok(icon, "icon present");
      const img = await page.request.get(`${BASE}${icon.src}`);
      assert.equal(img.headers()["content-type"], "image/png");
      const bytes = await img.body();
      assert.equal(bytes.subarray(1, 4).toString("ascii"), "PNG");
      const size = Number(icon.sizes.split("x")[0]);
      assert.equal(bytes.readUInt32BE(16), size, "the PNG is as wide as it says");
    }
    assert.ok((await page.locator('link[rel="apple-touch-icon"]').count()) === 1);
    await context.close();
  });

  it("registers /sw.js with scope / under the site's CSP, reaches `activated`, and Chromium finds the site installable", async () => {
    const context = await newContext(browser, { bypassCSP: false });
    const errors: string[] = [];
    context.on("weberror", (e) => errors.push(String(e.error())));
    const page = await withWorker(context);
    const scope = await page.evaluate(async () => (await navigator.serviceWorker.getRegistration())?.scope);
    assert.equal(scope, `${BASE}/`);
    // What Chromium's install prompt checks (manifest, icons, a worker with a fetch handler): no errors, installable.
    const cdp = await context.newCDPSession(page);
    const manifest = (await cdp.send("Page.getAppManifest")) as { errors: unknown[] };
    assert.deepEqual(manifest.errors, []);
    // A test's browser context is off the record, which Chromium itself names ("in-incognito"); every other check
    // (manifest fields, icons, start_url in scope, a fetch handler) must pass.
    const installability = (await cdp.send("Page.getInstallabilityErrors")) as { installabilityErrors: { errorId: string }[] };
    const blockers = installability.installabilityErrors.map((e) => e.errorId).filter((id) => id !== "in-incognito");
    assert.deepEqual(blockers, [], "Chromium sees the site as installable");
    page.on("console", (m) => {
      if (m.type() === "error") errors.push(m.text());
    });
    assert.deepEqual(errors, []);
    await context.close();
  });
});

describe("R50 offline (context.setOffline)", () => {
  it("shows a visited record page, and the offline page for a page never visited; both axe-clean", async () => {
    const context = await newContext(browser, { width: 320 });
    const page = await withWorker(context);
    const record = await holdableRecord();
    await page.goto(`${BASE}/catalog/${record.id}/`);
    const title = await page.getByRole("heading", { level: 1 }).innerText();
    await context.setOffline(true);
    await page.goto(`${BASE}/catalog/${record.id}/`);
    assert.equal(await page.getByRole("heading", { level: 1 }).innerText(), title, "the record page from the cache");
    await page.goto(`${BASE}/search?q=${encodeURIComponent("まだ見ていない検索")}`);
    assert.equal(await page.getByRole("heading", { level: 1 }).innerText(), "オフラインです");
    await page.goto(`${BASE}/offline/`);
    assert.equal(await page.getByRole("heading", { level: 1 }).innerText(), "オフラインです");
    const violations = await axeViolations(page);
    assert.deepEqual(violations, [], describeViolations(violations));
    assert.ok((await page.evaluate(() => document.documentElement.scrollWidth)) <= 320, "no horizontal scrolling at 320 px");
    await context.close();
  });

  it("shows the last 「貸出状況一覧」 and 「予約状況一覧」 offline with 「○月○日 ○時○分 時点の情報です」; 「ログアウト」 drops them", async () => {
    const context = await newContext(browser, { width: 320 });
    const page = await withWorker(context);
    await login(page, TARO, "/loans");
    const online = await page.getByRole("main").innerText();
    await page.goto(`${BASE}/holds`);
    await context.setOffline(true);
    for (const [path, heading] of [["/loans", "貸出状況一覧"], ["/holds", "予約状況一覧"]] as const) {
      await page.goto(`${BASE}${path}`);
      assert.equal(await page.getByRole("heading", { level: 1 }).innerText(), heading);
      const note = await page.locator(".sw-note").innerText();
      assert.match(note, NOTE);
      const violations = await axeViolations(page);
      assert.deepEqual(violations, [], describeViolations(violations));
    }
    await page.goto(`${BASE}/loans`);
    const offline = await page.getByRole("main").innerText();
    assert.ok(offline.includes(online.split("\n").find((l) => l.length > 8) ?? online), "the same list as online");
    // The note names the time it was fetched, in Tokyo.
    const [, mo, d, h, mi] = /(\d+)月(\d+)日 (\d+)時(\d+)分/.exec(await page.locator(".sw-note").innerText())!;
    const tokyo = new Date(Date.now() + 9 * 3600_000);
    assert.equal(Number(mo), tokyo.getUTCMonth() + 1);
    assert.equal(Number(d), tokyo.getUTCDate());
    assert.ok(Math.abs(Number(h) * 60 + Number(mi) - (tokyo.getUTCHours() * 60 + tokyo.getUTCMinutes())) <= 5);

    await context.setOffline(false);
    await page.goto(`${BASE}/account`);
    await page.getByRole("banner").getByRole("button", { name: "ログアウト" }).click();
    await page.waitForURL(`${BASE}/`);
    await context.setOffline(true);
    await page.goto(`${BASE}/loans`);
    assert.equal(await page.getByRole("heading", { level: 1 }).innerText(), "オフラインです", "after 「ログアウト」 nothing personal is kept");
    assert.equal(await page.locator(".sw-note").count(), 0);
    await context.close();
  });

  it("never shows one patron's kept 「貸出状況一覧」 to the next patron who logs in on the same browser", async () => {
    const context = await newContext(browser, { width: 320 });
    const page = await withWorker(context);
    await login(page, TARO, "/loans");
    const taroMain = await page.getByRole("main").innerText();
    // The browser's session becomes 2100000004's without any page in between that names no session (its cookies
    // are put in place of 2100000001's): the first page of the new session has another tag, and the copy goes.
    const other = await newContext(browser);
    await login(await other.newPage(), SABURO, "/account");
    await context.clearCookies();
    await context.addCookies(await other.cookies());
    await other.close();
    await page.goto(`${BASE}/account`);
    assert.ok((await page.getByRole("main").innerText()).includes("戸畑 三郎") || (await page.getByRole("banner").innerText()).includes("戸畑 三郎"));
    await context.setOffline(true);
    await page.goto(`${BASE}/loans`);
    const main = await page.getByRole("main").innerText();
    assert.equal(await page.getByRole("heading", { level: 1 }).innerText(), "オフラインです");
    assert.ok(!main.includes("北九 太郎") && main !== taroMain, "nothing of 2100000001's");
    const names = await caches(page);
    assert.deepEqual(names.filter((n) => n.startsWith("shiori-personal-")), [], "2100000001's personal cache was deleted at the new session");
    await context.close();
  });

  it("keeps 「予約カートに入れる」 pressed offline and sends it once when the connection returns", async () => {
    const record = await holdableRecord();
    const context = await newContext(browser, { width: 320 });
    const page = await withWorker(context);
    await page.goto(`${BASE}/catalog/${record.id}/`);
    await context.setOffline(true);
    await page.getByRole("button", { name: "予約カートに入れる" }).first().click();
    await page.waitForURL(`${BASE}/offline/?queued=1`);
    assert.match(await page.locator(".sw-note").innerText(), /予約カートへの追加を保存しました/);
    assert.equal(await queued(page), 1);
    await context.setOffline(false);
    // Background Sync, or the next start (the page asks the worker to send what it kept).
    await page.goto(`${BASE}/`);
    for (let i = 0; i < 50 && (await queued(page)) > 0; i++) await page.waitForTimeout(200);
    assert.equal(await queued(page), 0, "sent");
    await page.goto(`${BASE}/cart`);
    const main = await page.getByRole("main").innerText();
    assert.equal(main.split(record.title).length - 1, 1, "the record is in the cart, once");
    await context.close();
  });
});

describe("R50 update prompt", () => {
  it("shows 「新しい版があります」 when a new service worker is waiting; its button reloads into the new version", async () => {
    const file = path.join(ROOT, "site/dist/sw.js");
    const original = readFileSync(file, "utf8");
    const context = await newContext(browser, { width: 320 });
    try {
      const page = await withWorker(context);
      writeFileSync(file, `${original}\n// a new version (tests/e2e/pwa.test.ts)\n`);
      await page.evaluate(async () => (await navigator.serviceWorker.getRegistration())!.update());
      const prompt = page.locator("#sw-update");
      await prompt.getByText("新しい版があります").waitFor();
      assert.equal(await prompt.getAttribute("role"), "status");
      const reloaded = page.waitForEvent("load");
      await prompt.getByRole("button", { name: "再読み込みして新しい版にする" }).click();
      await reloaded;
      assert.equal(await page.locator("#sw-update").count(), 0, "the new version is in control: no prompt");
      const waiting = await page.evaluate(async () => !!(await navigator.serviceWorker.getRegistration())!.waiting);
      assert.equal(waiting, false);
    } finally {
      writeFileSync(file, original);
      await context.close();
    }
  });
});

async function caches(page: Page): Promise<string[]> {
  return page.evaluate(() => globalThis.caches.keys());
}

/** How many offline adds the worker still keeps (IndexedDB shiori-sw/cart). */
function queued(page: Page): Promise<number> {
  return page.evaluate(
    () =>
      new Promise<number>((resolve, reject) => {
        const open = indexedDB.open("shiori-sw", 1);
        open.onupgradeneeded = () => open.result.createObjectStore("cart", { keyPath: "key" });
        open.onsuccess = () => {
          const req = open.result.transaction("cart").objectStore("cart").count();
          req.onsuccess = () => (open.result.close(), resolve(req.result));
          req.onerror = () => reject(req.error);
        };
        open.onerror = () => reject(open.error);
      }),
  );
}
