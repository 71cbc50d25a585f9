// Issue 3 item 11: the staff login routes through the whole Worker (CSRF, session middleware, shell), inside
// workerd on the migrated D1 seeded from db/seed/data/fixtures/demo.json, the way a browser without JavaScript uses
// them. Staff and patrons are separate: neither's password opens the other's pages.
// Needs the site built (the ASSETS binding serves /_shell/).
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { MESSAGES } from "../../worker/src/domain/messages.ts";
import { staffNext } from "../../worker/src/routes/staff.ts";
import { demoDb, fixture } from "../support/accounts.ts";
import { TestClient, mainOf, textOf } from "../support/session-client.ts";
import { expectLoginWall, reasonCodes } from "../support/refusals.ts";

const COUNTER = { login: "counter-chuo", password: "Counter-Chuo-2026" };
const ADMIN = { login: "admin", password: "Admin-Demo-2026" };
const TARO = { card: "2100000001", password: "Tosho2026" };

beforeAll(async () => {
  await demoDb();
});

function alertOf(html: string): string {
  return textOf(/<div id="staff-login-errors" role="alert"[^>]*>([\s\S]*?)<\/div>/.exec(html)?.[1] ?? "").trim();
}

async function staffSessionCount(login: string): Promise<number> {
  const row = await env.DB.prepare("SELECT count(*) AS n FROM sessions s JOIN staff_users u ON u.id = s.staff_id WHERE u.login = ?")
    .bind(login)
    .first<{ n: number }>();
  return row!.n;
}

describe("職員ログイン (issue 3 item 11)", () => {
  it("the demo staff come from the shared fixture", () => {
    expect(fixture.staff).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ ...COUNTER, branch: "chuo", role: "counter" }),
        expect.objectContaining({ ...ADMIN, role: "admin" }),
      ]),
    );
  });

  it("GET /staff/login: 職員ID and パスワード labelled, autocomplete, CSRF field, role=alert, noindex, no-store", async () => {
    const client = new TestClient();
    const { res, html } = await client.page("/staff/login");
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toContain("no-store");
    expect(html).toContain('<meta name="robots" content="noindex">');
    const main = mainOf(html);
    expect(main).toContain("<h1>職員ログイン</h1>");
    expect(main).toMatch(/<form id="staff-login-form"[^>]*method="post" action="\/staff\/login"/);
    expect(main).toMatch(/<input type="hidden" name="_csrf" value="[A-Za-z0-9_-]+">/);
    expect(main).toMatch(/<label for="staff-login">職員ID<\/label>/);
    expect(main).toMatch(/<input id="staff-login" name="login" type="text" autocomplete="username" value="" required/);
    expect(main).toMatch(/<label for="staff-password">パスワード<\/label>/);
    expect(main).toMatch(/<input id="staff-password" name="password" type="password" autocomplete="current-password" required/);
    expect(main).toContain('<div id="staff-login-errors" role="alert"></div>');
    expect(main).toContain('<button type="submit">ログイン</button>');
    // A plain form: no island, no script of its own.
    expect(main).not.toContain("<script");
    expect(main).not.toContain("astro-island");
  });

  it("GET /staff is sent to /staff/", async () => {
    const res = await new TestClient().request("/staff", { html: true });
    expect(res.status).toBe(301);
    expect(res.headers.get("location")).toBe("/staff/");
  });

  it("counter-chuo logs in: 303 to /staff/, a __Host- session cookie, a new CSRF cookie; 「職員メニュー」 names login, 窓口, 中央図書館", async () => {
    const client = new TestClient();
    await client.page("/staff/login");
    const csrfBefore = client.cookies.get("__Host-shiori_csrf");
    const res = await client.request("/staff/login", { form: { login: COUNTER.login, password: COUNTER.password } });
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/staff/");
    expect(res.headers.get("cache-control")).toContain("no-store");
    expect(res.headers.getSetCookie().find((c) => c.startsWith("__Host-shiori_session="))).toMatch(/; Secure; HttpOnly; SameSite=Lax; Path=\//);
    expect(client.cookies.get("__Host-shiori_csrf")).toBeDefined();
    expect(client.cookies.get("__Host-shiori_csrf")).not.toBe(csrfBefore);

    const { res: menu, html } = await client.page("/staff/");
    expect(menu.status).toBe(200);
    expect(menu.headers.get("cache-control")).toContain("no-store");
    expect(html).toContain('<meta name="robots" content="noindex">');
    const main = mainOf(html);
    const text = textOf(main);
    expect(main).toContain("<h1>職員メニュー</h1>");
    expect(text).toContain("職員ID counter-chuo");
    expect(text).toContain("権限 窓口");
    expect(text).toContain("所属館 中央図書館");
    // Only what works today (issue 6 §3): no console parts promised, no dead links.
    expect(text).not.toMatch(/準備中|今後の更新/);
    // Issue 8: the counter console's menu (a counter sees no admin page).
    expect(main.match(/<a\s[^>]*>/g) ?? []).toEqual(
      ["/staff/checkout", "/staff/checkin", "/staff/arrival", "/staff/picklist", "/staff/shelf", "/staff/holds/paper", "/staff/ill", "/staff/patrons"].map((p) => `<a href="${p}">`),
    );
    expect(main).toMatch(/<form method="post" action="\/staff\/logout">\s*<input type="hidden" name="_csrf"[^>]*>\s*<p><button type="submit">ログアウト<\/button>/);
  });

  it("admin logs in and is shown as 管理者 of 中央図書館", async () => {
    const client = new TestClient();
    const res = await client.loginStaffWithForm(ADMIN.login, ADMIN.password);
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/staff/");
    const text = textOf(mainOf((await client.page("/staff/")).html));
    expect(text).toContain("職員ID admin");
    expect(text).toContain("権限 管理者");
    expect(text).toContain("所属館 中央図書館");
  });

  it("a wrong password and an unknown login: the same Japanese message, 400, the login kept, the password never echoed", async () => {
    const alerts: string[] = [];
    for (const [login, password] of [
      [COUNTER.login, "Wrong-Pass-2026"],
      ["nobody-here", "Wrong-Pass-2026"],
    ] as const) {
      const client = new TestClient();
      const res = await client.loginStaffWithForm(login, password);
      expect(res.status).toBe(400);
      expect(res.headers.get("cache-control")).toContain("no-store");
      expect(client.hasSession()).toBe(false);
      const html = await res.text();
      expect(html).not.toContain(password);
      expect(html).toContain(`value="${login}"`);
      expect(html).toMatch(/<input id="staff-password" name="password" type="password" autocomplete="current-password"( aria-describedby="[^"]*")? required/);
      alerts.push(alertOf(html));
    }
    expect(alerts[0]).toBe(MESSAGES.staff_login_failed);
    expect(alerts[1]).toBe(alerts[0]);
  });

  it("a patron's card number and password do not log in as staff", async () => {
    const client = new TestClient();
    const res = await client.loginStaffWithForm(TARO.card, TARO.password);
    expect(res.status).toBe(400);
    expect(client.hasSession()).toBe(false);
    expect(alertOf(await res.text())).toBe(MESSAGES.staff_login_failed);
    const menu = await client.request("/staff/", { html: true });
    expect(menu.status).toBe(303);
    expect(menu.headers.get("location")).toBe("/staff/login?next=%2Fstaff%2F");
  });

  it("the form escapes what was typed", async () => {
    const client = new TestClient();
    const res = await client.loginStaffWithForm('"><script>alert(1)</script>', "Abc12345");
    const html = await res.text();
    expect(html).not.toContain("<script>alert(1)</script>");
    expect(html).toContain("&quot;&gt;&lt;script&gt;");
  });

  it("after repeated failures: 429 with Retry-After, and the message says when to retry", async () => {
    const client = new TestClient();
    await client.page("/staff/login");
    let last: Response | undefined;
    for (let i = 0; i < 8; i++) {
      last = await client.request("/staff/login", { form: { login: "throttled-staff", password: `Wrong-${i}` } });
      if (last.status === 429) break;
      expect(last.status).toBe(400);
      await last.arrayBuffer();
    }
    expect(last!.status).toBe(429);
    expect(Number(last!.headers.get("retry-after"))).toBeGreaterThan(0);
    const html = await last!.text();
    expect(alertOf(html)).toContain(MESSAGES.too_many_attempts);
    expect(html).toContain('value="throttled-staff"');
  });

  it("`next` is kept when it is a staff path, and anything else gives /staff/", async () => {
    const client = new TestClient();
    const { html } = await client.page("/staff/login?next=%2Fstaff%2F%3Fx%3D1");
    expect(html).toContain('<input type="hidden" name="next" value="/staff/?x=1">');
    const res = await client.request("/staff/login", { form: { login: COUNTER.login, password: COUNTER.password, next: "/staff/?x=1" } });
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/staff/?x=1");
    for (const hostile of ["//evil.example/", "https://evil.example/staff/", "/account", "/staff/login", "/staff/logout", "/staff", "/\\evil.example", "/.//evil.example"]) {
      expect(staffNext(hostile), hostile).toBe("/staff/");
    }
    expect(staffNext("/staff/counter/checkin")).toBe("/staff/counter/checkin");
  });

  it("a member of staff already logged in is sent on from /staff/login", async () => {
    const client = new TestClient();
    await client.loginStaff(COUNTER.login, COUNTER.password);
    const res = await client.request("/staff/login", { html: true });
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/staff/");
  });
});

describe("職員のログアウト", () => {
  it("POST /staff/logout: 303 to /staff/login, the cookie cleared, the session deleted on the server (the old cookie opens nothing)", async () => {
    const client = new TestClient();
    const before = await staffSessionCount(ADMIN.login);
    await client.loginStaff(ADMIN.login, ADMIN.password);
    expect(await staffSessionCount(ADMIN.login)).toBe(before + 1);
    const oldCookie = client.cookieHeader();
    await client.page("/staff/");
    const res = await client.request("/staff/logout", { form: {} });
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/staff/login");
    expect(res.headers.getSetCookie().some((c) => /^__Host-shiori_session=;.*Max-Age=0/.test(c))).toBe(true);
    expect(client.hasSession()).toBe(false);
    expect(await staffSessionCount(ADMIN.login)).toBe(before);
    // Replaying the cookie as it was before logout.
    const replay = new TestClient();
    for (const part of oldCookie.split("; ")) {
      const [k, v] = part.split("=") as [string, string];
      replay.cookies.set(k, v);
    }
    const again = await replay.request("/staff/", { html: true });
    expect(again.status).toBe(303);
    expect(again.headers.get("location")).toBe("/staff/login?next=%2Fstaff%2F");
  });

  it("POST /staff/logout needs the CSRF token like every form post", async () => {
    const client = new TestClient();
    await client.loginStaff(COUNTER.login, COUNTER.password);
    const res = await client.request("/staff/logout", { form: { _csrf: "forged" } });
    expect(res.status).toBe(403);
    await res.arrayBuffer();
    expect(client.hasSession()).toBe(true);
    expect((await client.request("/staff/", { html: true })).status).toBe(200);
  });
});

describe("staff and patrons are separate", () => {
  it("a patron session cannot open /staff/ (a browser is sent to the staff login, the API gets 401)", async () => {
    const client = new TestClient();
    await client.login(TARO.card, TARO.password);
    const html = await client.request("/staff/", { html: true });
    expect(html.status).toBe(303);
    expect(html.headers.get("location")).toBe("/staff/login?next=%2Fstaff%2F");
    const json = await client.request("/staff/");
    expect(json.status).toBe(401);
    expect(await reasonCodes(json)).toEqual(["staff_login_required"]);
    // …and the patron's own page still opens: nothing was ended.
    expect((await client.request("/account", { html: true })).status).toBe(200);
  });

  it("a staff session cannot open /account (a browser is sent to the patron login, the API gets 401)", async () => {
    const client = new TestClient();
    await client.loginStaff(COUNTER.login, COUNTER.password);
    await expectLoginWall(client, "/account");
    const who = (await (await client.request("/api/session")).json()) as { patron: unknown };
    expect(who.patron).toBeNull();
  });

  it("a staff login from a browser with a patron session replaces it", async () => {
    const client = new TestClient();
    await client.login(TARO.card, TARO.password);
    await client.loginStaff(COUNTER.login, COUNTER.password);
    expect((await client.request("/staff/", { html: true })).status).toBe(200);
    expect((await client.request("/account", { html: true })).status).toBe(303);
  });
});
