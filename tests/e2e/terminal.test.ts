// Issue 7 item 8 (R03, R36) in real Chromium at 320 px, JavaScript on and off: an admin registers an in-library
// OPAC terminal at 「利用者端末の管理」 and re-issues its code (「登録コードを発行」); a fresh browser context types the
// code at /opac/enrol and becomes the terminal; 2100000001 logs in there and the pages say it is 中央図書館's
// terminal; the session ends after 3 idle minutes, and 「ログアウト」 brings the terminal back to its login page. No sleeping: the session row is moved back in time in the local
// D1, as if the patron had walked away (the timeout rule itself is tested with `now` in tests/worker/terminals.test.ts).
// What the suite creates (its terminals, their sessions) is removed afterwards.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import type { Browser, Page } from "playwright-core";
import { BASE, axeViolations, describeViolations, launch, newContext } from "./browser.ts";
import { openLocalPlatform } from "../../db/cli/platform.ts";
import { OPAC_SESSION_IDLE_MS } from "../../worker/src/domain/policy.ts";

const ADMIN = { login: "admin", password: "Admin-Demo-2026" };
const TARO = { card: "2100000001", password: "Tosho2026", name: "北九 太郎" };
const PREFIX = "e2e-opac-";

let browser: Browser;

async function removeSuiteTerminals(): Promise<void> {
  const platform = await openLocalPlatform();
  try {
    await platform.d1.batch([
      platform.d1.prepare("DELETE FROM sessions WHERE terminal_id IN (SELECT id FROM opac_terminals WHERE code LIKE ?1)").bind(`${PREFIX}%`),
      platform.d1.prepare("DELETE FROM opac_terminals WHERE code LIKE ?1").bind(`${PREFIX}%`),
    ]);
  } finally {
    await platform.dispose();
  }
}

/** As if the terminal's sessions had been idle for longer than the OPAC limit: every time moved back. */
async function ageTerminalSessions(code: string, byMs: number): Promise<number> {
  const platform = await openLocalPlatform();
  try {
    const res = await platform.d1
      .prepare(
        "UPDATE sessions SET created_at = created_at - ?1, last_seen_at = last_seen_at - ?1, expires_at = expires_at - ?1 WHERE terminal_id = (SELECT id FROM opac_terminals WHERE code = ?2)",
      )
      .bind(byMs, code)
      .run();
    return res.meta.changes ?? 0;
  } finally {
    await platform.dispose();
  }
}

before(async () => {
  browser = await launch();
  await removeSuiteTerminals();
});

after(async () => {
  await browser?.close();
  await removeSuiteTerminals();
});

/** axe needs scripts in the page: it runs in the JavaScript-on pass (the worker's HTML is the same without). */
async function expectAxeClean(page: Page, what: string, js: boolean): Promise<void> {
  if (!js) return;
  const v = await axeViolations(page);
  assert.deepEqual(v, [], `${what}:\n${describeViolations(v)}`);
}

async function noHorizontalScroll(page: Page, what: string): Promise<void> {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.ok(overflow <= 0, `${what}: ${overflow}px wider than the 320-px screen`);
}

for (const js of [true, false]) {
  describe(`OPAC terminal enrolment and a terminal session, 320 px, JavaScript ${js ? "on" : "off"}`, () => {
    const code = `${PREFIX}${js ? "js" : "nojs"}-${Date.now().toString(36)}`;
    let enrolment = "";

    it("an admin registers the terminal, is shown its code once, and re-issues it with 「登録コードを発行」", async () => {
      const context = await newContext(browser, { javaScriptEnabled: js, width: 320 });
      const page = await context.newPage();
      try {
        await page.goto(`${BASE}/staff/login`);
        await page.getByLabel("職員ID").fill(ADMIN.login);
        await page.getByLabel("パスワード", { exact: true }).fill(ADMIN.password);
        await page.getByRole("button", { name: "ログイン", exact: true }).click();
        await page.waitForURL(`${BASE}/staff/`);
        await page.getByRole("link", { name: "利用者端末の管理" }).click();
        await page.waitForURL(`${BASE}/staff/terminals`);
        await page.getByRole("heading", { name: "利用者端末の管理", level: 1 }).waitFor();
        await noHorizontalScroll(page, "利用者端末の管理");
        await expectAxeClean(page, "利用者端末の管理", js);

        await page.getByLabel("端末コード").fill(code);
        await page.getByLabel("設置館").selectOption({ label: "中央図書館" });
        await page.getByLabel("設置場所（任意）").fill("2階 e2e コーナー");
        await page.getByRole("button", { name: "登録して登録コードを発行" }).click();
        await page.getByRole("heading", { name: "登録コード", level: 1 }).waitFor();
        const first = (await page.locator("#enrolment-code").textContent())!.trim();
        assert.match(first, /^[2-9A-HJKMNP-Z]{5}-[2-9A-HJKMNP-Z]{5}$/);
        assert.match(await page.locator("main").innerText(), /中央図書館 館内利用者端末（2階 e2e コーナー）/);
        await noHorizontalScroll(page, "登録コード");
        await expectAxeClean(page, "登録コード", js);

        // Back to the list: the code is not shown again; 「登録コードを発行」 gives a new one.
        await page.getByRole("link", { name: "利用者端末の管理へ戻る" }).click();
        await page.waitForURL(`${BASE}/staff/terminals`);
        assert.doesNotMatch(await page.locator("main").innerText(), new RegExp(first));
        const item = page.locator("li", { hasText: code });
        await item.getByRole("button", { name: "登録コードを発行" }).click();
        await page.getByRole("heading", { name: "登録コード", level: 1 }).waitFor();
        enrolment = (await page.locator("#enrolment-code").textContent())!.trim();
        assert.notEqual(enrolment, first);
      } finally {
        await context.close();
      }
    });

    it("a fresh browser enrols with the code; 2100000001 logs in there, the pages say it is the terminal, and 3 idle minutes end the session", async () => {
      assert.ok(enrolment, "the admin step gave a code");
      const context = await newContext(browser, { javaScriptEnabled: js, width: 320 });
      const page = await context.newPage();
      try {
        await page.goto(`${BASE}/opac/enrol`);
        await page.getByRole("heading", { name: "利用者端末の登録", level: 1 }).waitFor();
        await expectAxeClean(page, "利用者端末の登録", js);
        // Typed as a person might: lower case, no hyphen.
        await page.getByLabel("登録コード").fill(enrolment.replace("-", "").toLowerCase());
        await page.getByRole("button", { name: "登録", exact: true }).click();
        await page.waitForURL(`${BASE}/login?notice=terminal_enrolled`);
        const banner = page.locator("#terminal-banner");
        assert.match(await banner.innerText(), /中央図書館 館内利用者端末（2階 e2e コーナー）/);
        assert.match(await page.locator("main").innerText(), /このブラウザを館内利用者端末として登録しました/);
        await noHorizontalScroll(page, "ログイン（利用者端末）");
        await expectAxeClean(page, "ログイン（利用者端末）", js);
        const cookies = await context.cookies();
        const terminal = cookies.find((c) => /shiori_terminal$/.test(c.name));
        assert.ok(terminal, "the terminal cookie is set");
        assert.equal(terminal.httpOnly, true);
        assert.equal(terminal.sameSite, "Strict");

        await page.getByLabel("図書館カード番号").fill(TARO.card);
        await page.getByLabel("パスワード", { exact: true }).fill(TARO.password);
        await page.getByRole("button", { name: "ログイン", exact: true }).click();
        await page.waitForURL(`${BASE}/account`);
        await page.getByRole("heading", { name: "利用者情報メンテナンス", level: 1 }).waitFor();
        assert.match(await page.locator("#terminal-banner").innerText(), /中央図書館 館内利用者端末/);
        assert.match(await page.locator("#terminal-banner").innerText(), new RegExp(`${OPAC_SESSION_IDLE_MS / 60_000}分間操作がないと自動的にログアウト`));
        await expectAxeClean(page, "利用者情報メンテナンス（利用者端末）", js);
        // A shared machine is given no device cookie.
        assert.equal((await context.cookies()).some((c) => /shiori_device$/.test(c.name)), false);

        // The patron walks away: the session is moved back past the idle limit (no sleeping).
        assert.equal(await ageTerminalSessions(code, OPAC_SESSION_IDLE_MS + 1000), 1);
        await page.goto(`${BASE}/account`);
        await page.waitForURL(/\/login\?next=%2Faccount$/);
        assert.match(await page.locator("#terminal-banner").innerText(), /中央図書館 館内利用者端末/);

        // The next patron logs in and out: 「ログアウト」 brings the terminal back to its login page.
        await page.getByLabel("図書館カード番号").fill(TARO.card);
        await page.getByLabel("パスワード", { exact: true }).fill(TARO.password);
        await page.getByRole("button", { name: "ログイン", exact: true }).click();
        await page.waitForURL(`${BASE}/account`);
        await page.locator("main").getByRole("button", { name: "ログアウト" }).click();
        await page.waitForURL(`${BASE}/login?notice=logged_out`);
        assert.match(await page.locator("#terminal-banner").innerText(), /中央図書館 館内利用者端末/);
        assert.match(await page.locator("main").innerText(), /ログアウトしました/);
      } finally {
        await context.close();
      }
    });
  });
}
