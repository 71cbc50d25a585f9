// R01–R08, issue 3 items 1, 6–9: the account routes through the whole Worker (CSRF, session middleware, shell),
// inside workerd on the migrated D1, the way a browser without JavaScript and the islands use them.
// Needs the site built (the ASSETS binding serves /_shell/ and /_shell/login/).
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { MESSAGES } from "../../worker/src/domain/messages.ts";
import { safeNext } from "../../worker/src/routes/account.ts";
import { demoDb, insertPatron, patronIdOf, sessionCount, storedCredential } from "../support/accounts.ts";
import { TestClient, mainOf, textOf } from "../support/session-client.ts";
import type { Db } from "../../worker/src/data/db.ts";
import { expectLoginWall } from "../support/refusals.ts";

let db: Db;

beforeAll(async () => {
  db = await demoDb();
});

const TARO = { card: "2100000001", password: "Tosho2026", name: "北九 太郎" };

/** The header part of a page (the session slot lives there). */
function headerOf(html: string): string {
  return /<header[\s\S]*?<\/header>/.exec(html)?.[0] ?? "";
}

function alertOf(html: string): string {
  return textOf(/<div id="[a-z]+-errors" role="alert"[^>]*>([\s\S]*?)<\/div>/.exec(html)?.[1] ?? "").trim();
}

async function freshPatron(overrides: Parameters<typeof insertPatron>[1] = {}) {
  return insertPatron(db, overrides);
}

describe("ログイン (issue 3 item 1)", () => {
  it("GET /login: labelled fields, autocomplete, numeric card, CSRF field, noindex, no-store, 「ログイン」 in the header", async () => {
    const client = new TestClient();
    const { res, html } = await client.page("/login");
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toContain("no-store");
    expect(html).toContain('<meta name="robots" content="noindex">');
    // Our own origin on our own forms: under no-referrer a no-JS post would be sent as Origin: null and refused.
    expect(res.headers.get("referrer-policy")).toBe("same-origin");
    const main = mainOf(html);
    expect(main).toMatch(/<label for="login-card">図書館カード番号<\/label>/);
    expect(main).toMatch(/<input id="login-card" name="card" type="text" autocomplete="username" inputmode="numeric"/);
    expect(main).toMatch(/<label for="login-password">パスワード<\/label>/);
    expect(main).toMatch(/<input id="login-password" name="password" type="password" autocomplete="current-password"/);
    expect(main).toMatch(/<form id="login-form"[^>]*method="post" action="\/login"/);
    expect(main).toMatch(/<input type="hidden" name="_csrf" value="[A-Za-z0-9_-]+">/);
    expect(main).toContain(">ログイン</button>");
    expect(main).toContain('href="/password/apply"');
    // The login island's shell: the form comes first, the island after it.
    expect(main.indexOf("login-form")).toBeLessThan(main.indexOf("<astro-island"));
    expect(headerOf(html)).toMatch(/<a href="\/login">ログイン<\/a>/);
    expect(headerOf(html)).not.toContain("ログアウト");
  });

  it("no-JS form post: 303 to /account, a __Host- session cookie, then the page shows the name and 「ログアウト」", async () => {
    const client = new TestClient();
    const res = await client.loginWithForm(TARO.card, TARO.password);
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/account");
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith("__Host-shiori_session="));
    expect(cookie).toMatch(/; Secure; HttpOnly; SameSite=Lax; Path=\//);
    const { res: account, html } = await client.page("/account");
    expect(account.status).toBe(200);
    expect(mainOf(html)).toContain(TARO.name);
    const header = headerOf(html);
    expect(header).toContain(`${TARO.name} さん`);
    expect(header).toMatch(/<form class="logout" method="post" action="\/logout"><input type="hidden" name="_csrf"/);
    expect(header).not.toMatch(/href="\/login"/);
  });

  it("goes back to `next` when it is a path of this site", async () => {
    const client = new TestClient();
    const { html } = await client.page("/login?next=%2Fsearch%3Fq%3D%E7%8C%AB");
    expect(html).toContain('<input type="hidden" name="next" value="/search?q=%E7%8C%AB">');
    const res = await client.request("/login", { form: { card: TARO.card, password: TARO.password, next: "/search?q=%E7%8C%AB" } });
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/search?q=%E7%8C%AB");
  });

  it("wrong password and unknown card: the same Japanese message, 400, the card kept, the password never echoed", async () => {
    const pages: string[] = [];
    for (const [card, password] of [
      [TARO.card, "Wrong0Pass99"],
      ["2199999999", "Wrong0Pass99"],
    ] as const) {
      const client = new TestClient();
      await client.page("/login");
      const res = await client.request("/login", { form: { card, password, next: "/account" } });
      expect(res.status).toBe(400);
      expect(res.headers.get("cache-control")).toContain("no-store");
      expect(client.hasSession()).toBe(false);
      const html = await res.text();
      expect(html).not.toContain(password);
      expect(html).toContain(`value="${card}"`);
      expect(html).toMatch(/<input id="login-password" name="password" type="password" autocomplete="current-password" required/);
      pages.push(alertOf(html));
    }
    expect(pages[0]).toBe(MESSAGES.login_failed);
    expect(pages[1]).toBe(pages[0]);
  });

  it("the form escapes what was typed (the card number field is untrusted text)", async () => {
    const client = new TestClient();
    await client.page("/login");
    const res = await client.request("/login", { form: { card: '"><script>alert(1)</script>', password: "Abc12345" } });
    const html = await res.text();
    expect(html).not.toContain("<script>alert(1)</script>");
    expect(html).toContain("&quot;&gt;&lt;script&gt;");
  });

  it("issue 3 item 5: after repeated failures the form answers 429 with Retry-After and says when to retry", async () => {
    const patron = await freshPatron();
    const client = new TestClient();
    await client.page("/login");
    let last: Response | undefined;
    for (let i = 0; i < 7; i++) {
      last = await client.request("/login", { form: { card: patron.cardNumber, password: `Wrong${i}abc` } });
      if (last.status === 429) break;
      expect(last.status).toBe(400);
      await last.arrayBuffer();
    }
    expect(last!.status).toBe(429);
    expect(Number(last!.headers.get("retry-after"))).toBeGreaterThan(0);
    const alert = alertOf(await last!.text());
    expect(alert).toContain(MESSAGES.too_many_attempts);
    expect(alert).toMatch(/もう一度お試しください/);
  });

  it("issue 3 item 5: the JSON login is throttled the same way (429, Retry-After, the envelope's message)", async () => {
    const patron = await freshPatron();
    const client = new TestClient();
    let last: Response | undefined;
    for (let i = 0; i < 7; i++) {
      last = await client.request("/api/session", { json: { card: patron.cardNumber, password: `Wrong${i}abc` } });
      if (last.status === 429) break;
      expect(last.status).toBe(401);
      await last.arrayBuffer();
    }
    expect(last!.status).toBe(429);
    expect(Number(last!.headers.get("retry-after"))).toBeGreaterThan(0);
    const body = (await last!.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe("too_many_requests");
    expect(body.error.message).toContain(MESSAGES.too_many_attempts);
  });

  it("a patron already logged in is sent on from /login", async () => {
    const client = new TestClient();
    await client.login(TARO.card, TARO.password);
    const res = await client.request("/login?next=%2Fguide%2F", { html: true });
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/guide/");
  });

  it("R03 (issue 7 item 8): /login?terminal=CODE no longer makes a terminal — typing a code proves nothing: a web session, and a note on enrolling", async () => {
    const patron = await freshPatron();
    const client = new TestClient();
    const { html } = await client.page("/login?terminal=chuo-opac-1");
    expect(html).not.toContain('name="terminal"');
    expect(html).toContain('id="terminal-not-enrolled"');
    expect(html).toContain('href="/opac/enrol"');
    const res = await client.request("/login", { form: { card: patron.cardNumber, password: patron.password!, terminal: "chuo-opac-1" } });
    expect(res.status).toBe(303);
    const row = await env.DB.prepare("SELECT terminal_id FROM sessions WHERE patron_id = ?").bind(patron.id).first<{ terminal_id: number | null }>();
    expect(row?.terminal_id).toBeNull();
  });
});

describe("no open redirect: `next` is a path of this site or nothing", () => {
  const hostile = [
    "https://evil.example/",
    "//evil.example/",
    "/\\evil.example",
    "\\\\evil.example",
    "/\t/evil.example",
    "/.//evil.example",
    "/%0a/evil.example",
    "javascript:alert(1)",
    "http:/evil.example",
    "evil.example",
    "/login?next=//evil.example",
    "/logout",
    "/api/session",
  ];

  it.each(hostile)("safeNext(%j) falls back to /account", (next) => {
    const out = safeNext(next);
    expect(out === "/account" || (out.startsWith("/") && !out.startsWith("//") && !out.startsWith("/\\"))).toBe(true);
    if (!next.startsWith("/%0a")) expect(out).toBe("/account");
  });

  it("keeps an ordinary path with its query and fragment", () => {
    expect(safeNext("/catalog/12/")).toBe("/catalog/12/");
    expect(safeNext("/search?q=%E7%8C%AB&page=2#r5")).toBe("/search?q=%E7%8C%AB&page=2#r5");
    expect(safeNext(undefined)).toBe("/account");
    expect(safeNext(["/account"])).toBe("/account");
  });

  it("the form post and the JSON login both refuse a foreign next", async () => {
    for (const next of ["//evil.example/", "https://evil.example/", "/\\evil.example", "/.//evil.example"]) {
      const form = new TestClient();
      const { html } = await form.page(`/login?next=${encodeURIComponent(next)}`);
      expect(html).toContain('<input type="hidden" name="next" value="/account">');
      const res = await form.request("/login", { form: { card: TARO.card, password: TARO.password, next } });
      expect(res.headers.get("location")).toBe("/account");

      const api = new TestClient();
      const json = await api.request("/api/session", { json: { card: TARO.card, password: TARO.password, next } });
      expect(((await json.json()) as { location: string }).location).toBe("/account");
    }
  });
});

describe("ログアウト", () => {
  it("POST /logout: 303 to /, the cookie cleared, the session deleted on the server (the old cookie opens nothing)", async () => {
    const patron = await freshPatron();
    const client = new TestClient();
    await client.login(patron.cardNumber, patron.password!);
    const oldCookie = client.cookieHeader();
    expect(await sessionCount(patron.id)).toBe(1);
    await client.page("/account");
    const res = await client.request("/logout", { form: {} });
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/");
    expect(res.headers.getSetCookie().some((c) => /^__Host-shiori_session=;.*Max-Age=0/.test(c))).toBe(true);
    expect(client.hasSession()).toBe(false);
    expect(await sessionCount(patron.id)).toBe(0);
    // Replaying the cookie as it was before logout.
    const replay = new TestClient();
    for (const part of oldCookie.split("; ")) {
      const [k, v] = part.split("=") as [string, string];
      replay.cookies.set(k, v);
    }
    const again = await replay.request("/account", { html: true });
    expect(again.status).toBe(303);
    expect(again.headers.get("location")).toBe("/login?next=%2Faccount");
  });

  it("POST /logout without a session still lands on /", async () => {
    const client = new TestClient();
    await client.page("/login");
    const res = await client.request("/logout", { form: {} });
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/");
  });

  it("DELETE /api/session (the island) ends the session", async () => {
    const patron = await freshPatron();
    const client = new TestClient();
    await client.login(patron.cardNumber, patron.password!);
    const res = await client.request("/api/session", { method: "DELETE", headers: { "content-type": "application/json" } });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ patron: null });
    expect(await sessionCount(patron.id)).toBe(0);
  });
});

describe("the islands' session API", () => {
  it("GET /api/session without a session: { patron: null }, never cached", async () => {
    const res = await new TestClient().request("/api/session");
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toContain("no-store");
    expect(await res.json()).toEqual({ patron: null });
  });

  it("GET /api/session: the name and R05 flag only, and a CSRF token the header's logout form can post", async () => {
    const patron = await freshPatron();
    const client = new TestClient();
    await client.login(patron.cardNumber, patron.password!);
    const res = await client.request("/api/session");
    expect(res.headers.get("cache-control")).toContain("no-store");
    const body = (await res.json()) as { patron: Record<string, unknown>; csrf: { name: string; token: string } };
    expect(body.patron).toEqual({ name: expect.stringMatching(/^試験 /), temporary: false });
    expect(JSON.stringify(body)).not.toContain(patron.cardNumber);
    expect(body.csrf.name).toBe("_csrf");
    const out = await client.request("/logout", { form: { _csrf: body.csrf.token } });
    expect(out.status).toBe(303);
    expect(await sessionCount(patron.id)).toBe(0);
  });

  it("POST /api/session: 200 with where to go; refusals in the error envelope (401 login_failed, 400 bad JSON)", async () => {
    const client = new TestClient();
    const ok = await client.request("/api/session", { json: { card: TARO.card, password: TARO.password, next: "/guide/" } });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ patron: { name: TARO.name, temporary: false }, location: "/guide/" });
    expect(client.hasSession()).toBe(true);

    const wrong = await new TestClient().request("/api/session", { json: { card: TARO.card, password: "Nope12345" } });
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toMatchObject({ error: { code: "unauthorized", message: MESSAGES.login_failed } });

    const broken = await new TestClient().request("/api/session", { method: "POST", headers: { "content-type": "application/json" }, json: undefined });
    expect(broken.status).toBe(400);
    expect(await broken.json()).toMatchObject({ error: { code: "bad_request" } });
  });

  it("login rotates the session: the token the browser came with is ended", async () => {
    const patron = await freshPatron();
    const client = new TestClient();
    await client.login(patron.cardNumber, patron.password!);
    const first = client.cookies.get("__Host-shiori_session");
    await client.login(patron.cardNumber, patron.password!);
    expect(client.cookies.get("__Host-shiori_session")).not.toBe(first);
    expect(await sessionCount(patron.id)).toBe(1);
  });
});

describe("「利用者情報メンテナンス」 (issue 3 item 9)", () => {
  it("without a session: a browser is sent to /login with next, the API gets 401", async () => {
    await expectLoginWall(new TestClient(), "/account");
  });

  it("the patron's name, 「パスワード変更」 linked, no promise of services not built yet (issue 6 §3), no dead links, 「ログアウト」", async () => {
    const client = new TestClient();
    await client.login(TARO.card, TARO.password);
    const { res, html } = await client.page("/account");
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toContain("no-store");
    expect(html).toContain('<meta name="robots" content="noindex">');
    const main = mainOf(html);
    expect(main).toContain("<h1>利用者情報メンテナンス</h1>");
    expect(main).toContain(TARO.name);
    expect(main).toContain('<a href="/account/password">パスワード変更</a>');
    // Issue 7: 「予約状況一覧」 and 「マイブックリスト」 work, so the menu links them.
    expect(main).toContain('<a href="/holds">予約状況一覧</a>');
    // Issue 8: 「貸出状況一覧」 works too (R30).
    expect(main).toContain('<a href="/loans">貸出状況一覧</a>');
    // Issue 9 (R40): 「メールアドレスの登録・変更・削除」 works, so the menu links it.
    expect(main).toContain('<a href="/account/mail">メールアドレスの登録・変更・削除</a>');
    // Issue 10 item 3 (R50): 「利用カード（バーコード）」 works, so the menu links it (last, inside the card block).
    const links = [...main.matchAll(/href="([^"]+)"/g)].map((m) => m[1]);
    expect(links).toEqual(["/holds", "/loans", "/account/password", "/account/mail", "/lists", "/account/card"]);
    expect(main).toMatch(/<form method="post" action="\/logout">\s*<input type="hidden" name="_csrf"[^>]*>\s*<p><button type="submit">ログアウト<\/button>/);
    // The full card number is not printed on the page.
    expect(main).not.toContain(TARO.card);
    expect(main).toContain("0001");
  });

  it("shows only the notices it knows: a crafted `notice` is not echoed", async () => {
    const client = new TestClient();
    await client.login(TARO.card, TARO.password);
    const known = await client.page("/account?notice=password_changed");
    expect(known.html).toContain("パスワードを変更しました。");
    const crafted = await client.page("/account?notice=%3Cb%3Ehi%3C%2Fb%3E");
    expect(crafted.html).not.toContain("<b>hi</b>");
    expect(crafted.html).not.toContain('role="status"');
  });
});

describe("R06, R07 「パスワード変更」", () => {
  it("the form: current, new, confirmation, autocomplete, and the R02 rules said before the new field", async () => {
    const patron = await freshPatron();
    const client = new TestClient();
    await client.login(patron.cardNumber, patron.password!);
    const { res, html } = await client.page("/account/password");
    expect(res.status).toBe(200);
    const main = mainOf(html);
    expect(main).toContain("<h1>パスワード変更</h1>");
    expect(main).toMatch(/<input id="password-current" name="current" type="password" autocomplete="current-password"/);
    expect(main).toMatch(/<input id="password-new" name="next" type="password" autocomplete="new-password" required aria-describedby="password-rule"/);
    expect(main).toMatch(/<input id="password-confirm" name="confirm" type="password" autocomplete="new-password"/);
    const rule = main.indexOf('id="password-rule"');
    expect(rule).toBeGreaterThan(-1);
    expect(rule).toBeLessThan(main.indexOf('id="password-new"'));
    expect(textOf(main)).toContain("6文字以上20文字以下の半角英数字");
    expect(textOf(main)).toContain("大文字と小文字は区別されます");
    expect(main).toContain(">変更</button>");
  });

  it("changes the password (303 to /account with a notice); the old one stops working; R07 any number of times", async () => {
    const patron = await freshPatron();
    const client = new TestClient();
    await client.login(patron.cardNumber, patron.password!);
    let current = patron.password!;
    for (const next of ["Kaeta2027", "Mata2028x", "Sanbanme3"]) {
      await client.page("/account/password");
      const res = await client.request("/account/password", { form: { current, next, confirm: next } });
      expect(res.status).toBe(303);
      expect(res.headers.get("location")).toBe("/account?notice=password_changed");
      const { html } = await client.page("/account?notice=password_changed");
      expect(html).toContain("パスワードを変更しました。");
      const old = await new TestClient().request("/api/session", { json: { card: patron.cardNumber, password: current } });
      expect(old.status).toBe(401);
      current = next;
    }
    await new TestClient().login(patron.cardNumber, current);
  });

  it("R06: nothing changes when the confirmation differs, the current password is wrong, or R02 refuses — every reason in Japanese", async () => {
    const patron = await freshPatron();
    const client = new TestClient();
    await client.login(patron.cardNumber, patron.password!);
    const before = await storedCredential(patron.id);
    const cases: { form: Record<string, string>; expect: string[]; invalid: string[] }[] = [
      { form: { current: patron.password!, next: "Atarashii1", confirm: "Atarashii2" }, expect: [MESSAGES.password_confirm_mismatch], invalid: ["password-confirm"] },
      { form: { current: "Chigau9999", next: "Atarashii1", confirm: "Atarashii1" }, expect: [MESSAGES.current_password_wrong], invalid: ["password-current"] },
      { form: { current: patron.password!, next: "ｱｲｳ1", confirm: "ｱｲｳ1" }, expect: [MESSAGES.password_too_short, MESSAGES.password_half_width_katakana], invalid: ["password-new"] },
      { form: { current: patron.password!, next: "パスワード１２３", confirm: "パスワード１２３" }, expect: [MESSAGES.password_full_width], invalid: ["password-new"] },
      { form: { current: patron.password!, next: "abc-def_123!", confirm: "abc-def_123!" }, expect: [MESSAGES.password_symbol_or_space], invalid: ["password-new"] },
      { form: { current: patron.password!, next: "a".repeat(21) + "1", confirm: "a".repeat(21) + "1" }, expect: [MESSAGES.password_too_long], invalid: ["password-new"] },
      { form: { current: patron.password!, next: "password", confirm: "password" }, expect: [MESSAGES.password_common], invalid: ["password-new"] },
      { form: { current: patron.password!, next: `x${patron.cardNumber}`, confirm: `x${patron.cardNumber}` }, expect: [MESSAGES.password_same_as_card], invalid: ["password-new"] },
    ];
    for (const c of cases) {
      await client.page("/account/password");
      const res = await client.request("/account/password", { form: c.form });
      expect(res.status, JSON.stringify(c.form)).toBe(400);
      const html = await res.text();
      const alert = alertOf(html);
      for (const m of c.expect) expect(alert, JSON.stringify(c.form)).toContain(m);
      for (const id of c.invalid) expect(html).toMatch(new RegExp(`<input id="${id}"[^>]*aria-describedby="[^"]*password-errors"[^>]*aria-invalid="true"`));
      // Passwords are never written back into the page.
      for (const value of Object.values(c.form)) expect(html).not.toContain(`value="${value}"`);
    }
    expect(await storedCredential(patron.id)).toEqual(before);
  });

  it("other sessions of the patron end when the password changes; this one stays", async () => {
    const patron = await freshPatron();
    const here = new TestClient();
    const elsewhere = new TestClient();
    await here.login(patron.cardNumber, patron.password!);
    await elsewhere.login(patron.cardNumber, patron.password!);
    await here.page("/account/password");
    const res = await here.request("/account/password", { form: { current: patron.password!, next: "Betsuno123", confirm: "Betsuno123" } });
    expect(res.status).toBe(303);
    expect(await (await elsewhere.request("/api/session")).json()).toEqual({ patron: null });
    expect(((await (await here.request("/api/session")).json()) as { patron: unknown }).patron).not.toBeNull();
  });

  it("without a session: GET goes to /login, POST is refused with 401", async () => {
    const client = new TestClient();
    const get = await client.request("/account/password", { html: true });
    expect(get.status).toBe(303);
    expect(get.headers.get("location")).toBe("/login?next=%2Faccount%2Fpassword");
    await client.page("/login");
    const post = await client.request("/account/password", { form: { current: "a", next: "b", confirm: "b" } });
    expect(post.status).toBe(401);
  });
});

describe("R05 a counter-issued temporary password opens only 「パスワード変更」", () => {
  it("2100000002 logs in with Kari0002: sent to 「パスワード変更」, refused everywhere else, free after changing", async () => {
    const card = "2100000002";
    const id = await patronIdOf(db, card);
    const client = new TestClient();
    const login = await client.loginWithForm(card, "Kari0002", "/account");
    expect(login.status).toBe(303);
    expect(login.headers.get("location")).toBe("/account/password");

    const { res, html } = await client.page("/account/password");
    expect(res.status).toBe(200);
    expect(textOf(mainOf(html))).toContain("仮パスワードでログインしています");
    expect(mainOf(html)).not.toContain('href="/account"'); // no way round: only the change form
    expect(headerOf(html)).toContain("門司 花子 さん");

    const account = await client.request("/account", { html: true });
    expect(account.status).toBe(303);
    expect(account.headers.get("location")).toBe("/account/password");
    const api = await client.request("/account");
    expect(api.status).toBe(403);
    expect(await api.json()).toMatchObject({ error: { code: "forbidden", message: MESSAGES.password_change_required } });
    expect(await (await client.request("/api/session")).json()).toMatchObject({ patron: { name: "門司 花子", temporary: true } });

    const change = await client.request("/account/password", { form: { current: "Kari0002", next: "Hanako1990x", confirm: "Hanako1990x" } });
    expect(change.status).toBe(303);
    expect(change.headers.get("location")).toBe("/account?notice=password_changed");
    expect((await storedCredential(id))?.temporary).toBe(0);
    const after = await client.page("/account?notice=password_changed");
    expect(after.res.status).toBe(200);
    expect(mainOf(after.html)).toContain("門司 花子");
  });

  it("the JSON login tells the island to go to 「パスワード変更」", async () => {
    const patron = await freshPatron({ password: "Kari5555", temporary: true });
    const client = new TestClient();
    const res = await client.request("/api/session", { json: { card: patron.cardNumber, password: "Kari5555", next: "/guide/" } });
    expect(await res.json()).toEqual({ patron: { name: expect.any(String), temporary: true }, location: "/account/password" });
  });
});

describe("R04, R08 「パスワード発行・申請」 → 「本パスワード申請」", () => {
  it("GET /password/apply explains the web issue, the counter's temporary password and the forgotten case, and links 「本パスワード申請」", async () => {
    const { res, html } = await new TestClient().page("/password/apply");
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toContain("no-store");
    expect(html).toContain('<meta name="robots" content="noindex">');
    const main = mainOf(html);
    expect(main).toContain("<h1>パスワード発行・申請</h1>");
    expect(main).toContain('<a href="/password/apply/form">本パスワード申請</a>');
    expect(textOf(main)).toContain("仮パスワード");
    expect(textOf(main)).toContain("パスワードを忘れた方");
  });

  it("GET /password/apply/form: the terms to agree to, labelled fields, autocomplete, the rules before the password", async () => {
    const { res, html } = await new TestClient().page("/password/apply/form");
    expect(res.status).toBe(200);
    const main = mainOf(html);
    expect(main).toContain("<h1>本パスワード申請</h1>");
    expect(main).toContain("利用条件");
    expect(main).toMatch(/<input id="apply-agreed" name="agreed" type="checkbox" value="1" required>\s*<label for="apply-agreed">利用条件に同意します<\/label>/);
    expect(main).toMatch(/<input id="apply-card" name="card" type="text" autocomplete="username" inputmode="numeric"/);
    expect(main).toMatch(/<input id="apply-birth" name="birthDate" type="date" autocomplete="bday"/);
    expect(main).toMatch(/<input id="apply-phone" name="phone" type="tel" autocomplete="tel" inputmode="tel"/);
    expect(main).toMatch(/<input id="apply-password" name="password" type="password" autocomplete="new-password"/);
    expect(main).toMatch(/<input id="apply-confirm" name="confirm" type="password" autocomplete="new-password"/);
    expect(main.indexOf('id="apply-rule"')).toBeLessThan(main.indexOf('id="apply-password"'));
    expect(main).toMatch(/<input type="hidden" name="_csrf"/);
    expect(main).toContain(">申請</button>");
  });

  it("2100000003 issues a password (phone in full-width digits and hyphens), then logs in with it", async () => {
    const client = new TestClient();
    await client.page("/password/apply/form");
    const res = await client.request("/password/apply", {
      form: { agreed: "1", card: "2100000003", birthDate: "1978-11-23", phone: "０９３－５５５－０００３", password: "Jiro1978w", confirm: "Jiro1978w" },
    });
    // 1978 is in the birth date, but not as the date: allowed.
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/login?notice=password_issued");
    const { html } = await client.page("/login?notice=password_issued");
    expect(mainOf(html)).toContain("パスワードを登録しました。");
    const login = await client.request("/login", { form: { card: "2100000003", password: "Jiro1978w", next: "" } });
    expect(login.status).toBe(303);
    expect(login.headers.get("location")).toBe("/account");
  });

  it("R04: a wrong card, birth date or phone — one message, the same answer, and nothing set", async () => {
    const patron = await freshPatron({ password: null, birthDate: "1980-02-03", phone: "093-111-2222" });
    const right = { agreed: "1", card: patron.cardNumber, birthDate: "1980-02-03", phone: "093-111-2222", password: "Yomu2030z", confirm: "Yomu2030z" };
    const alerts: string[] = [];
    for (const wrong of [{ card: "2199999998" }, { birthDate: "1980-02-04" }, { phone: "093-111-2223" }, { card: "2199999998", birthDate: "1999-12-31", phone: "0120-000-000" }]) {
      const client = new TestClient();
      await client.page("/password/apply/form");
      const res = await client.request("/password/apply", { form: { ...right, ...wrong } });
      expect(res.status).toBe(400);
      const html = await res.text();
      expect(html).not.toContain("Yomu2030z");
      alerts.push(alertOf(html));
    }
    expect(alerts[0]).toBe(MESSAGES.identity_not_confirmed);
    expect(new Set(alerts).size).toBe(1);
    expect(await storedCredential(patron.id)).toBeNull();
  });

  it("the form's own mistakes: every reason at once, fields marked, what was typed kept (passwords excepted)", async () => {
    const client = new TestClient();
    await client.page("/password/apply/form");
    const res = await client.request("/password/apply", {
      form: { card: "21-00", birthDate: "", phone: "093", password: "ﾊﾟｽ", confirm: "other" },
    });
    expect(res.status).toBe(400);
    const html = await res.text();
    const alert = alertOf(html);
    for (const m of [
      MESSAGES.terms_not_agreed,
      MESSAGES.card_number_invalid,
      MESSAGES.birth_date_invalid,
      MESSAGES.phone_invalid,
      MESSAGES.password_too_short,
      MESSAGES.password_half_width_katakana,
      MESSAGES.password_confirm_mismatch,
    ]) {
      expect(alert).toContain(m);
    }
    for (const id of ["apply-agreed", "apply-card", "apply-birth", "apply-phone", "apply-password", "apply-confirm"]) {
      expect(html).toMatch(new RegExp(`<input id="${id}"[^>]*aria-invalid="true"`));
    }
    expect(html).toContain('value="21-00"');
    expect(html).toContain('value="093"');
    expect(html).not.toContain("ﾊﾟｽ");
  });

  it("R08: a forgotten password is replaced through the same form; the old one stops working", async () => {
    const patron = await freshPatron({ birthDate: "1975-05-06", phone: "093-222-3333" });
    const client = new TestClient();
    await client.login(patron.cardNumber, patron.password!);
    await client.page("/password/apply/form");
    const res = await client.request("/password/apply", {
      form: { agreed: "1", card: patron.cardNumber, birthDate: "1975-05-06", phone: "0932223333", password: "Wasureta77", confirm: "Wasureta77" },
    });
    expect(res.status).toBe(303);
    expect((await new TestClient().request("/api/session", { json: { card: patron.cardNumber, password: patron.password } })).status).toBe(401);
    await new TestClient().login(patron.cardNumber, "Wasureta77");
    // R08: the sessions the old password opened have ended.
    expect(await (await client.request("/api/session")).json()).toEqual({ patron: null });
  });
});

describe("issue 6 item 2: the account menu — 「利用者情報メンテナンス」 on every page, never 「ログイン」 for a patron who is in", () => {
  const ACCOUNT_LINK = /<a class="account-link" href="\/account">利用者情報メンテナンス<\/a>/;

  it("every Worker page's header has the link, logged out and logged in", async () => {
    const client = new TestClient();
    for (const path of ["/login", "/cart", "/password/apply"]) expect(headerOf((await client.page(path)).html), path).toMatch(ACCOUNT_LINK);
    await client.login(TARO.card, TARO.password);
    for (const path of ["/account", "/cart", "/account/password"]) {
      const header = headerOf((await client.page(path)).html);
      expect(header, path).toMatch(ACCOUNT_LINK);
      expect(header, path).toContain(`${TARO.name} さん`);
      expect(header, path).not.toMatch(/>ログイン</);
    }
  });

  it("GET /login when logged in never shows the form: 303 to the menu (or to next)", async () => {
    const client = new TestClient();
    await client.login(TARO.card, TARO.password);
    const res = await client.request("/login", { html: true });
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/account");
    const next = await client.request("/login?next=%2Fcart", { html: true });
    expect(next.headers.get("location")).toBe("/cart");
  });

  it("without a session, the link leads to the login, which comes back to the menu", async () => {
    const client = new TestClient();
    const res = await client.request("/account", { html: true });
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/login?next=%2Faccount");
  });

  it("the menu has 「ログアウト」", async () => {
    const client = new TestClient();
    await client.login(TARO.card, TARO.password);
    const main = mainOf((await client.page("/account")).html);
    expect(main).toMatch(/<form method="post" action="\/logout">\s*<input type="hidden" name="_csrf"[^>]*>\s*<p><button type="submit">ログアウト<\/button>/);
  });

  it("a logged-in staff member's header says who they are and offers the staff logout", async () => {
    const client = new TestClient();
    await client.loginStaff("counter-chuo", "Counter-Chuo-2026");
    const header = headerOf((await client.page("/cart")).html);
    expect(textOf(header)).toContain("職員 counter-chuo（窓口）");
    expect(header).toMatch(/<form class="logout" method="post" action="\/staff\/logout"><input type="hidden" name="_csrf"[^>]*><button type="submit">職員ログアウト<\/button>/);
    expect(header).not.toMatch(/>ログイン</);
  });
});

describe("issue 6 items 3, 4: 「パスワード変更」 in a text browser, and its words", () => {
  it("the card number for password managers is a labelled read-only field, never an unlabelled one", async () => {
    const client = new TestClient();
    await client.login(TARO.card, TARO.password);
    const main = mainOf((await client.page("/account/password")).html);
    expect(main).toMatch(/<label for="password-card">図書館カード番号<\/label>\s*<input id="password-card" type="text" readonly autocomplete="username" value="2100000001">/);
    // Every input that shows the card number has a label (text browsers ignore `hidden` and CSS).
    const inputs = main.match(/<input[^>]*value="2100000001"[^>]*>/g) ?? [];
    expect(inputs).toHaveLength(1);
    expect(inputs[0]).not.toMatch(/\bhidden\b/);
  });

  it("a mismatch is said in the labels' words (「変更するパスワード」, 「確認用パスワード」)", () => {
    expect(MESSAGES.password_confirm_mismatch).toContain("「変更するパスワード」");
    expect(MESSAGES.password_confirm_mismatch).toContain("「確認用パスワード」");
  });
});
