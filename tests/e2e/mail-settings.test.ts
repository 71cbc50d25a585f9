// Browser tests of 「メールアドレスの登録・変更・削除」 (R40, R41) in real Chromium at 320 px, JavaScript on and off:
// 2100000001 logs in, opens the page from 「利用者情報メンテナンス」, registers a second address (「変更する」 on the empty
// slot, the password asked again, 「確認」) and sees it 未確認; the confirmation mail is in the dev mailbox
// (/dev/mail.json); the patron follows its link, presses 「確認する」 and sees the address 確認済み. With JavaScript the
// MailSettings island checks the address as it is typed (R42: taro..yamada@docomo.ne.jp refused with its reason
// before any post) and registers it without a page reload. Afterwards the address is removed with 「削除する」 (the
// browser's dialog with JavaScript). Each run's addresses carry the prefix e2e-mail-, so a run that died is cleaned
// up by the next.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import type { Browser, Page } from "playwright-core";
import { BASE, axeViolations, describeViolations, launch, newContext } from "./browser.ts";
import { openLocalPlatform } from "../../db/cli/platform.ts";
import { MESSAGES } from "../../worker/src/domain/messages.ts";

const TARO = { card: "2100000001", password: "Tosho2026" };
const PREFIX = "e2e-mail-";

let browser: Browser;

async function cleanUp(): Promise<void> {
  const platform = await openLocalPlatform();
  try {
    await platform.d1
      .prepare("DELETE FROM mail_addresses WHERE address LIKE ? AND patron_id = (SELECT id FROM patrons WHERE card_number = ?)")
      .bind(`${PREFIX}%`, TARO.card)
      .run();
  } finally {
    await platform.dispose();
  }
}

before(async () => {
  await cleanUp();
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await cleanUp();
});

interface DevMail {
  to: string;
  subject: string;
  text: string;
  eventKey: string;
}

/** The dev mailbox's newest mail to `to` of the event `prefix` (the outbox is kicked after the response: a moment). */
async function mailTo(to: string, prefix: string): Promise<DevMail> {
  for (let i = 0; i < 50; i++) {
    const res = await fetch(`${BASE}/dev/mail.json`);
    if (res.ok) {
      const body = (await res.json()) as DevMail[] | { mails?: DevMail[]; messages?: DevMail[] };
      const list = Array.isArray(body) ? body : (body.mails ?? body.messages ?? []);
      const found = list.find((m) => m.to === to && m.eventKey.startsWith(prefix));
      if (found) return found;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`no ${prefix} mail to ${to} in the dev mailbox`);
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

async function islandReady(page: Page): Promise<void> {
  await page.locator('astro-island[component-url*="MailSettings"]:not([ssr])').waitFor({ state: "attached" });
}

/** The card of the address `address` on the settings page. */
const card = (page: Page, address: string) => page.locator("li.mail-address").filter({ has: page.locator(".mail-text", { hasText: address }) });

for (const javaScriptEnabled of [true, false]) {
  const mode = javaScriptEnabled ? "JavaScript on" : "JavaScript off";
  describe(`「メールアドレスの登録・変更・削除」 at 320 px, ${mode}`, () => {
    it(`R40, R41: 2100000001 adds a second address, finds the confirmation in the dev mailbox, confirms it and sees 確認済み (${mode})`, async () => {
      await cleanUp();
      const address = `${PREFIX}${javaScriptEnabled ? "js" : "nojs"}-${Date.now()}@example.jp`;
      const context = await newContext(browser, { javaScriptEnabled, width: 320 });
      const page = await context.newPage();
      await page.goto(`${BASE}/login?next=%2Faccount`);
      await page.getByLabel("図書館カード番号").fill(TARO.card);
      await page.getByLabel("パスワード", { exact: true }).fill(TARO.password);
      await page.getByRole("button", { name: "ログイン", exact: true }).click();
      await page.waitForURL(`${BASE}/account`);
      await page.getByRole("main").getByRole("link", { name: "メールアドレスの登録・変更・削除" }).click();
      await page.waitForURL(`${BASE}/account/mail`);
      assert.equal(await page.getByRole("heading", { level: 1 }).innerText(), "メールアドレスの登録・変更・削除");
      assert.equal(await page.locator("li.mail-address").count(), 1, "the demo patron starts with one address");
      await noWiderThanPhone(page);
      // Issue 6's touch targets: every button and every 「変更する」/「削除する」/reminder choice is 44 px high at least.
      const small = await page.evaluate(() =>
        Array.from(document.querySelectorAll("main button, main label.choice"))
          .filter((el) => el.getBoundingClientRect().height < 44)
          .map((el) => `${el.tagName.toLowerCase()} ${el.textContent?.trim()}: ${Math.round(el.getBoundingClientRect().height)}`),
      );
      assert.deepEqual(small, [], "touch targets of 44 px");

      const slot = page.locator("section.mail-new");
      if (javaScriptEnabled) {
        await islandReady(page);
        await page.evaluate(() => ((window as unknown as { notReloaded: boolean }).notReloaded = true));
        // R42 as it is typed, with the Worker's own schema: refused with its reason before anything is posted.
        await slot.getByLabel("メールアドレス", { exact: true }).fill("taro..yamada@docomo.ne.jp");
        await slot.getByLabel("パスワード", { exact: true }).focus();
        await slot.getByText(MESSAGES.mail_address_double_dot).waitFor();
      }
      await slot.getByLabel("メールアドレス", { exact: true }).fill(address);
      await slot.getByLabel("パスワード", { exact: true }).fill(TARO.password);
      await slot.getByRole("button", { name: "確認", exact: true }).click();
      await page.waitForURL(`${BASE}/account/mail?done=added`);
      await page.getByRole("status").getByText("確認メールを送りました").waitFor();
      const added = card(page, address);
      assert.match(await added.locator(".mail-state").innerText(), /^未確認$/);
      assert.match(await added.innerText(), /お知らせは届きません/);
      await noWiderThanPhone(page);
      if (javaScriptEnabled) {
        assert.equal(await page.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded), true, "no page reload");
        const violations = await axeViolations(page);
        assert.deepEqual(violations, [], describeViolations(violations));
      }

      // R41: the confirmation in the dev mailbox, its link opened in the browser, 「確認する」.
      const mail = await mailTo(address, "confirm:");
      const link = /https?:\/\/\S+\/mail\/confirm\?token=[A-Za-z0-9_-]+/.exec(mail.text)?.[0];
      assert.ok(link, "the confirmation carries its link");
      // The mail names the site's origin (SITE_ORIGIN: http://localhost:PORT); the tests reach the same server as
      // 127.0.0.1, where this browser's session cookie lives.
      const url = new URL(link);
      assert.equal(url.port, new URL(BASE).port, `the link names the served site (${link})`);
      assert.equal(url.pathname, "/mail/confirm");
      await page.goto(`${BASE}${url.pathname}${url.search}`);
      await page.getByRole("heading", { level: 1, name: "メールアドレスの確認" }).waitFor();
      await noWiderThanPhone(page);
      await page.getByRole("button", { name: "確認する" }).click();
      await page.getByRole("status").getByText("メールアドレスを確認しました").waitFor();
      await page.getByRole("link", { name: "メールアドレスの登録・変更・削除へ" }).click();
      await page.waitForURL(`${BASE}/account/mail`);
      assert.match(await card(page, address).locator(".mail-state").innerText(), /^確認済み$/);

      // 「削除する」 then 「確認」: the address goes (with JavaScript, after the browser's dialog).
      const confirmed = card(page, address);
      await confirmed.getByLabel("削除する").check();
      if (javaScriptEnabled) page.once("dialog", (d) => void d.accept());
      await confirmed.getByRole("button", { name: "確認", exact: true }).click();
      await page.waitForURL(`${BASE}/account/mail?done=deleted`);
      await page.getByRole("status").getByText("メールアドレスを削除しました").waitFor();
      assert.equal(await card(page, address).count(), 0);
      await context.close();
    });
  });
}

describe("the MailSettings island under the site's Content-Security-Policy", () => {
  it("R42: hydrates on /account/mail with the CSP enforced and refuses taro.@ezweb.ne.jp as it is typed and as posted, with no CSP or script errors", async () => {
    const context = await newContext(browser, { width: 320, bypassCSP: false });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on("console", (m) => {
      if (m.type() === "error") errors.push(m.text());
    });
    await page.goto(`${BASE}/login?next=%2Faccount%2Fmail`);
    await page.getByLabel("図書館カード番号").fill(TARO.card);
    await page.getByLabel("パスワード", { exact: true }).fill(TARO.password);
    await page.getByRole("button", { name: "ログイン", exact: true }).click();
    await page.waitForURL(`${BASE}/account/mail`);
    await islandReady(page);
    const slot = page.locator("section.mail-new");
    await slot.getByLabel("メールアドレス", { exact: true }).fill("taro.@ezweb.ne.jp");
    await slot.getByLabel("パスワード", { exact: true }).focus();
    await slot.getByText(MESSAGES.mail_address_dot_before_at).waitFor();
    // Posted anyway: the Worker refuses it too, and the island shows its reasons beside the form, no reload.
    await slot.getByLabel("パスワード", { exact: true }).fill(TARO.password);
    await slot.getByRole("button", { name: "確認", exact: true }).click();
    await slot.getByRole("alert").getByText(MESSAGES.mail_address_dot_before_at).waitFor();
    assert.equal(page.url(), `${BASE}/account/mail`);
    // Chromium logs the refused post's 400 itself; nothing else (no CSP violation, no script error).
    assert.deepEqual(errors.filter((e) => !/status of 400/.test(e)), []);
    assert.equal(errors.filter((e) => /status of 400/.test(e)).length, 1);
    await context.close();
  });
});
