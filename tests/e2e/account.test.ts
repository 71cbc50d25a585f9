// Browser tests of issue 3 (R01–R08) in real Chromium, with JavaScript on (the header and login islands) and off
// (plain forms and redirects): the demo patrons of db/seed/data/fixtures/demo.json behave as their notes say.
//   2100000001 logs in through the header's 「利用者情報メンテナンス」 and out; the header shows the name, and never
//   offers 「ログイン」 to the patron who is in (issue 6 item 2: static pages claim neither state).
//   2100000002 logs in with the temporary Kari0002, is held to 「パスワード変更」 until it is changed (R05, R06).
//   2100000003 issues a password through 「パスワード発行・申請」 → 「本パスワード申請」 and logs in with it (R04).
// The server runs over the local D1 that `npm run build` seeded: what a test changes (2100000002's and
// 2100000003's passwords, deliberate failures) is put back as the fixture has it, before and after, so the suite
// passes run after run.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import type { Browser, Page } from "playwright-core";
import { BASE, axeViolations, describeViolations, launch, newContext } from "./browser.ts";
import { openLocalPlatform } from "../../db/cli/platform.ts";
import { ensureDevVars } from "../../db/cli/dev-vars.ts";
import { hashPassword } from "../../worker/src/services/password-hash.ts";

const TARO = { card: "2100000001", password: "Tosho2026", name: "北九 太郎" };
const HANAKO = { card: "2100000002", temporary: "Kari0002", name: "門司 花子" };
const JIRO = { card: "2100000003", birthDate: "1978-11-23", phoneFullWidth: "０９３－５５５－０００３", name: "若松 次郎" };
/** A card nobody holds, for the deliberate failures (their throttle rows are removed afterwards). */
const NOBODY = "2100009999";

let browser: Browser;

/** Puts 2100000002 and 2100000003 back as the fixture has them, and forgets this suite's deliberate failures. */
async function restoreFixturePatrons(): Promise<void> {
  const pepper = ensureDevVars().PASSWORD_PEPPER!;
  const platform = await openLocalPlatform();
  try {
    const now = Date.now();
    const hash = await hashPassword(HANAKO.temporary, pepper);
    await platform.d1.batch([
      platform.d1
        .prepare(
          `INSERT INTO credentials (patron_id, hash, temporary, changed_at)
           SELECT id, ?1, 1, ?2 FROM patrons WHERE card_number = ?3
           ON CONFLICT (patron_id) DO UPDATE SET hash = excluded.hash, temporary = 1, changed_at = excluded.changed_at`,
        )
        .bind(hash, now, HANAKO.card),
      platform.d1.prepare("DELETE FROM credentials WHERE patron_id = (SELECT id FROM patrons WHERE card_number = ?1)").bind(JIRO.card),
      platform.d1
        .prepare("DELETE FROM sessions WHERE patron_id IN (SELECT id FROM patrons WHERE card_number IN (?1, ?2))")
        .bind(HANAKO.card, JIRO.card),
      platform.d1.prepare("DELETE FROM auth_failures WHERE subject IN (?1, ?2, ?3)").bind(NOBODY, HANAKO.card, JIRO.card),
    ]);
  } finally {
    await platform.dispose();
  }
}

before(async () => {
  browser = await launch();
  await restoreFixturePatrons();
});

after(async () => {
  await browser?.close();
  await restoreFixturePatrons();
});

const banner = (page: Page) => page.getByRole("banner");

async function fillLogin(page: Page, card: string, password: string): Promise<void> {
  await page.getByLabel("図書館カード番号").fill(card);
  await page.getByLabel("パスワード", { exact: true }).fill(password);
  await page.getByRole("button", { name: "ログイン", exact: true }).click();
}

/** Issue 6 item 2: the link carrying the guide's name is on every page. */
const accountLink = (page: Page) => banner(page).getByRole("link", { name: "利用者情報メンテナンス", exact: true });

async function expectLoggedInHeader(page: Page, name: string): Promise<void> {
  await banner(page).getByText(`${name} さん`).waitFor();
  assert.equal(await banner(page).getByRole("button", { name: "ログアウト" }).count(), 1);
  assert.equal(await banner(page).getByRole("link", { name: "ログイン" }).count(), 0);
  assert.equal(await accountLink(page).count(), 1);
}

async function expectLoggedOutHeader(page: Page): Promise<void> {
  await accountLink(page).waitFor();
  assert.equal(await banner(page).getByRole("button", { name: "ログアウト" }).count(), 0);
}

for (const js of [true, false]) {
  const mode = js ? "JavaScript on" : "JavaScript off";

  describe(`issue 3 in the browser, ${mode}`, () => {
    it(`R01, issue 6 item 2: 2100000001 logs in through 「利用者情報メンテナンス」 and out; never offered 「ログイン」 while in (${mode})`, async () => {
      const context = await newContext(browser, { javaScriptEnabled: js });
      const page = await context.newPage();
      await page.goto(`${BASE}/`);
      await expectLoggedOutHeader(page);
      // A static page cannot know the state: it claims neither 「ログイン」 nor a name.
      assert.equal(await banner(page).getByRole("link", { name: "ログイン" }).count(), 0);
      await accountLink(page).click();
      await page.waitForURL(/\/login\?next=%2Faccount$/);
      assert.equal(await page.getByRole("heading", { level: 1 }).innerText(), "ログイン");
      const apiLogin = js ? page.waitForRequest((r) => r.url().endsWith("/api/session") && r.method() === "POST") : null;
      await fillLogin(page, TARO.card, TARO.password);
      if (js) await apiLogin; // the island's JSON login, not the form post
      await page.waitForURL(`${BASE}/account`);
      assert.match(await page.getByRole("main").innerText(), new RegExp(TARO.name));
      assert.equal(await page.getByRole("main").getByRole("button", { name: "ログアウト" }).count(), 1);
      await expectLoggedInHeader(page, TARO.name);
      // A static page: with JavaScript the island shows the name and 「ログアウト」; without, only the menu link —
      // and never 「ログイン」.
      await page.goto(`${BASE}/guide/search/`);
      assert.equal(await banner(page).getByRole("link", { name: "ログイン" }).count(), 0);
      await accountLink(page).waitFor();
      await page.goto(`${BASE}/`);
      if (js) await expectLoggedInHeader(page, TARO.name);
      else assert.equal(await banner(page).getByRole("link", { name: "ログイン" }).count(), 0);
      // The login form is never shown to a patron who is in.
      await page.goto(`${BASE}/login`);
      await page.waitForURL(`${BASE}/account`);
      await expectLoggedInHeader(page, TARO.name);
      await banner(page).getByRole("button", { name: "ログアウト" }).click();
      await page.waitForURL(`${BASE}/`);
      await expectLoggedOutHeader(page);
      // The session is over on the server too.
      const res = await page.goto(`${BASE}/account`);
      assert.match(page.url(), /\/login\?next=%2Faccount$/);
      assert.equal(res?.status(), 200);
      await context.close();
    });

    it(`R05, R06: 2100000002 is held to 「パスワード変更」 until the temporary password is changed (${mode})`, async () => {
      await restoreFixturePatrons();
      const context = await newContext(browser, { javaScriptEnabled: js });
      const page = await context.newPage();
      try {
        await page.goto(`${BASE}/account`);
        await page.waitForURL(/\/login\?next=%2Faccount$/);
        await fillLogin(page, HANAKO.card, HANAKO.temporary);
        await page.waitForURL(`${BASE}/account/password`);
        assert.equal(await page.getByRole("heading", { level: 1 }).innerText(), "パスワード変更");
        assert.match(await page.getByRole("main").innerText(), /仮パスワードでログインしています/);
        await expectLoggedInHeader(page, HANAKO.name);

        // Nothing else opens: 「利用者情報メンテナンス」 sends it back, the API says why.
        await page.goto(`${BASE}/account`);
        assert.equal(page.url(), `${BASE}/account/password`);
        const api = await page.request.get(`${BASE}/account`, { headers: { accept: "application/json" } });
        assert.equal(api.status(), 403);
        assert.match(await api.text(), /password_change_required/);

        // R06: a mismatch changes nothing.
        await page.getByLabel("現在のパスワード（仮パスワード）").fill(HANAKO.temporary);
        await page.getByLabel("変更するパスワード").fill("Hanako2026x");
        await page.getByLabel("確認用パスワード（もう一度入力）").fill("Hanako2026y");
        await page.getByRole("button", { name: "変更", exact: true }).click();
        await page.getByRole("alert").filter({ hasText: "一致しません" }).waitFor();
        assert.equal(page.url(), `${BASE}/account/password`);

        await page.getByLabel("現在のパスワード（仮パスワード）").fill(HANAKO.temporary);
        await page.getByLabel("変更するパスワード").fill("Hanako2026x");
        await page.getByLabel("確認用パスワード（もう一度入力）").fill("Hanako2026x");
        await page.getByRole("button", { name: "変更", exact: true }).click();
        await page.waitForURL(`${BASE}/account?notice=password_changed`);
        assert.equal(await page.getByRole("heading", { level: 1 }).innerText(), "利用者情報メンテナンス");
        assert.match(await page.getByRole("status").innerText(), /パスワードを変更しました/);
        const res = await page.goto(`${BASE}/account`);
        assert.equal(res?.status(), 200);
        assert.equal(page.url(), `${BASE}/account`);
      } finally {
        await context.close();
        await restoreFixturePatrons();
      }
    });

    it(`R04: 2100000003 issues a password through 「パスワード発行・申請」 → 「本パスワード申請」 and logs in with it (${mode})`, async () => {
      await restoreFixturePatrons();
      const context = await newContext(browser, { javaScriptEnabled: js });
      const page = await context.newPage();
      const password = js ? "Jiro2026on" : "Jiro2026off";
      try {
        await page.goto(`${BASE}/login`);
        await page.getByRole("main").getByRole("link", { name: "パスワード発行・申請" }).click();
        await page.waitForURL(`${BASE}/password/apply`);
        assert.equal(await page.getByRole("heading", { level: 1 }).innerText(), "パスワード発行・申請");
        await page.getByRole("link", { name: "本パスワード申請" }).click();
        await page.waitForURL(`${BASE}/password/apply/form`);
        assert.equal(await page.getByRole("heading", { level: 1 }).innerText(), "本パスワード申請");

        await page.getByLabel("利用条件に同意します").check();
        await page.getByLabel("図書館カード番号").fill(JIRO.card);
        await page.getByLabel("生年月日").fill(JIRO.birthDate);
        await page.getByLabel("登録している電話番号").fill(JIRO.phoneFullWidth);
        await page.getByLabel("パスワード", { exact: true }).fill(password);
        await page.getByLabel("確認用パスワード（もう一度入力）").fill(password);
        await page.getByRole("button", { name: "申請", exact: true }).click();
        await page.waitForURL(`${BASE}/login?notice=password_issued`);
        assert.match(await page.getByRole("status").innerText(), /パスワードを登録しました/);

        await fillLogin(page, JIRO.card, password);
        await page.waitForURL(`${BASE}/account`);
        assert.match(await page.getByRole("main").innerText(), new RegExp(JIRO.name));
        await expectLoggedInHeader(page, JIRO.name);
      } finally {
        await context.close();
        await restoreFixturePatrons();
      }
    });
  });
}

describe("the login form's answers", () => {
  it("JavaScript on: the island checks R02 before sending and shows the API's refusal without a reload", async () => {
    const context = await newContext(browser);
    const page = await context.newPage();
    await page.goto(`${BASE}/login`);
    await page.waitForFunction(() => !document.querySelector("astro-island[ssr]"));
    await page.evaluate(() => ((window as unknown as { marker: number }).marker = 1));
    let posted = 0;
    page.on("request", (r) => {
      if (r.url().endsWith("/api/session") && r.method() === "POST") posted++;
    });
    await fillLogin(page, NOBODY, "Ｔｏｓｈｏ２０２６");
    await page.getByRole("alert").filter({ hasText: "全角文字" }).waitFor();
    assert.equal(posted, 0, "a password the rules refuse is not sent");
    assert.equal(await page.getByLabel("パスワード", { exact: true }).getAttribute("aria-invalid"), "true");

    await fillLogin(page, NOBODY, "Wrong2026x");
    await page.getByRole("alert").filter({ hasText: "図書館カード番号またはパスワードが正しくありません" }).waitFor();
    assert.equal(posted, 1);
    assert.equal(await page.evaluate(() => (window as unknown as { marker?: number }).marker), 1, "no reload");
    assert.equal(await page.getByLabel("図書館カード番号").inputValue(), NOBODY);
    assert.equal(await page.getByLabel("パスワード", { exact: true }).inputValue(), "");
    await context.close();
  });

  it("JavaScript off: a wrong password comes back as the form with the message, the card kept, the password empty", async () => {
    const context = await newContext(browser, { javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(`${BASE}/login`);
    const response = page.waitForResponse((r) => r.url() === `${BASE}/login` && r.request().method() === "POST");
    await fillLogin(page, NOBODY, "Wrong2026x");
    assert.equal((await response).status(), 400);
    assert.match(await page.getByRole("alert").innerText(), /図書館カード番号またはパスワードが正しくありません/);
    assert.equal(await page.getByLabel("図書館カード番号").inputValue(), NOBODY);
    assert.equal(await page.getByLabel("パスワード", { exact: true }).inputValue(), "");
    await context.close();
  });
});

describe("R50 and accessibility: the account pages on a 320-px screen, axe-core clean", () => {
  const pages = ["/login", "/password/apply", "/password/apply/form", "/account", "/account/password"];

  for (const js of [true, false]) {
    it(`no sideways scrolling at 320 px (${js ? "JavaScript on" : "JavaScript off"})`, async () => {
      const context = await newContext(browser, { javaScriptEnabled: js, width: 320 });
      const page = await context.newPage();
      await page.goto(`${BASE}/login`);
      await fillLogin(page, TARO.card, TARO.password);
      await page.waitForURL(js ? /\/account$/ : `${BASE}/account`);
      for (const path of pages) {
        await page.goto(BASE + path);
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
        assert.ok(overflow <= 0, `${path} scrolls sideways by ${overflow}px at 320px`);
      }
      await context.close();
    });
  }

  it("no axe violations (WCAG 2.1 A/AA), the refused forms included", async () => {
    const context = await newContext(browser);
    const page = await context.newPage();
    const check = async (label: string) => {
      const v = await axeViolations(page);
      assert.equal(v.length, 0, `${label}: ${describeViolations(v)}`);
    };
    await page.goto(`${BASE}/password/apply/form`);
    await page.getByRole("button", { name: "申請", exact: true }).evaluate((b) => (b as HTMLButtonElement).form!.noValidate = true);
    await page.getByRole("button", { name: "申請", exact: true }).click();
    await page.getByRole("alert").filter({ hasText: "同意" }).waitFor();
    await check("/password/apply refused");
    await page.goto(`${BASE}/login`);
    await fillLogin(page, TARO.card, TARO.password);
    await page.waitForURL(/\/account$/);
    for (const path of pages) {
      await page.goto(BASE + path);
      await check(path);
    }
    await context.close();
  });
});
