// Issue 3 item 2 (the session cookie), R05 (a temporary password opens only 「パスワード変更」), item 11 (staff roles):
// the session middleware and its guards on a small app, inside workerd on the migrated D1.
import { env } from "cloudflare:workers";
import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import type { AppEnv } from "../../worker/src/env.ts";
import { AppError } from "../../worker/src/errors.ts";
import {
  SESSION_COOKIE,
  clearSessionCookie,
  requirePatron,
  requireStaff,
  sessionCookie,
  dbContext,
  sessionMiddleware,
} from "../../worker/src/middleware/session.ts";
import { loginPatron, loginStaff } from "../../worker/src/services/login.ts";
import { AUTH_ENV, demoDb, freshAddress, insertPatron } from "../support/accounts.ts";

function testApp() {
  const app = new Hono<AppEnv>();
  app.use(dbContext);
  app.use(sessionMiddleware);
  app.get("/whoami", (c) => c.json(c.var.session));
  app.get("/account", requirePatron(), (c) => c.text("account"));
  app.get("/api/holds", requirePatron(), (c) => c.json({ holds: [] }));
  app.get("/api/me", requirePatron(), (c) => c.json({ patronId: c.var.patron.patronId, kind: c.var.patron.kind }));
  app.get("/api/staff/me", requireStaff(), (c) => c.json({ login: c.var.staff.login, role: c.var.staff.role }));
  app.post("/api/account/password", requirePatron({ allowTemporary: true }), (c) => c.json({ ok: true }));
  app.get("/account/password", requirePatron({ allowTemporary: true }), (c) => c.text("change"));
  app.get("/staff/desk", requireStaff(), (c) => c.text("desk"));
  app.get("/api/staff/admin", requireStaff("admin"), (c) => c.text("admin"));
  app.onError((e, c) => (e instanceof AppError ? c.json(e.toJSON(), e.status) : c.json({ error: String(e) }, 500)));
  return app;
}

function get(path: string, opts: { token?: string; html?: boolean; method?: string } = {}) {
  const headers: Record<string, string> = { accept: opts.html ? "text/html,application/xhtml+xml" : "application/json" };
  if (opts.token) headers.cookie = `${SESSION_COOKIE}=${opts.token}`;
  return testApp().request(`https://shiori.test${path}`, { method: opts.method ?? "GET", headers }, { ...env, ...AUTH_ENV });
}

async function patronToken(opts: { temporary?: boolean } = {}) {
  const db = await demoDb();
  const p = await insertPatron(db, { temporary: opts.temporary ?? false });
  const r = await loginPatron(db, AUTH_ENV, { card: p.cardNumber, password: p.password!, clientAddress: freshAddress(), now: Date.now() });
  return { token: r.token, patronId: p.id };
}

/** The session cookie's Set-Cookie values as a route on `url` would write them, with the Worker's real vars. */
async function cookiesAt(url: string, vars: Record<string, unknown> = env as unknown as Record<string, unknown>) {
  const app = new Hono<AppEnv>();
  app.get("*", (c) => c.json({ set: sessionCookie(c, "tok", 1_000_000 + 12 * 3600_000, 1_000_000), clear: clearSessionCookie(c) }));
  return (await (await app.request(url, {}, { ...vars, ...AUTH_ENV })).json()) as { set: string; clear: string };
}

const CLEARED = "__Host-shiori_session=; Secure; HttpOnly; SameSite=Lax; Path=/; Max-Age=0";

describe("session cookie (item 2; issue 6 item 1)", () => {
  it("is __Host-, Secure, HttpOnly, SameSite=Lax, Path=/ with the session's lifetime", async () => {
    expect(SESSION_COOKIE).toBe("__Host-shiori_session");
    expect(await cookiesAt("https://shiori.test/login")).toEqual({
      set: "__Host-shiori_session=tok; Secure; HttpOnly; SameSite=Lax; Path=/; Max-Age=43200",
      clear: CLEARED,
    });
  });

  it("local development only (LOCAL_COOKIES=1 from .dev.vars, plain http to a loopback host): a plain name without Secure", async () => {
    expect(await cookiesAt("http://localhost:8787/login", { ...env, LOCAL_COOKIES: "1" })).toEqual({
      set: "shiori_session=tok; HttpOnly; SameSite=Lax; Path=/; Max-Age=43200",
      clear: "shiori_session=; HttpOnly; SameSite=Lax; Path=/; Max-Age=0",
    });
    // The same request with the flag off, or the flag on over https or to a real host, stays __Host- + Secure.
    expect((await cookiesAt("http://localhost:8787/login", { ...env, LOCAL_COOKIES: undefined })).clear).toBe(CLEARED);
    expect((await cookiesAt("https://localhost:8787/login", { ...env, LOCAL_COOKIES: "1" })).clear).toBe(CLEARED);
    expect((await cookiesAt("http://shiori.example/login", { ...env, LOCAL_COOKIES: "1" })).clear).toBe(CLEARED);
  });

  it("sets c.var.session from the cookie, and null without one", async () => {
    const { token, patronId } = await patronToken();
    expect(await (await get("/whoami", { token })).json()).toMatchObject({ kind: "patron", patronId, temporary: false, terminalId: null });
    expect(await (await get("/whoami")).json()).toBeNull();
  });

  it("removes a cookie whose session has ended", async () => {
    const res = await get("/whoami", { token: "A".repeat(43) });
    expect(await res.json()).toBeNull();
    expect(res.headers.get("set-cookie")).toBe(CLEARED);
  });
});

describe("typed request context (issue 6 §5)", () => {
  it("c.var.db is made once per request: every middleware and the route share it, the next request has its own", async () => {
    const seen: unknown[] = [];
    const app = new Hono<AppEnv>();
    app.use(dbContext);
    app.use(async (c, next) => {
      seen.push(c.var.db);
      await next();
    });
    app.use(sessionMiddleware);
    app.get("/db", (c) => c.json({ same: seen[seen.length - 1] === c.var.db, defined: c.var.db !== undefined }));
    const ask = async () => (await app.request("https://shiori.test/db", {}, { ...env, ...AUTH_ENV })).json();
    expect(await ask()).toEqual({ same: true, defined: true });
    expect(await ask()).toEqual({ same: true, defined: true });
    expect(seen).toHaveLength(2);
    expect(seen[0]).not.toBe(seen[1]);
  });

  it("requirePatron sets c.var.patron and requireStaff c.var.staff: the route reads them without checking the kind", async () => {
    const { token, patronId } = await patronToken();
    const me = await get("/api/me", { token });
    expect(await me.json()).toEqual({ patronId, kind: "patron" });
    const db = await demoDb();
    const staff = await loginStaff(db, AUTH_ENV, { login: "counter-chuo", password: "Counter-Chuo-2026", clientAddress: freshAddress(), now: Date.now() });
    expect(await (await get("/api/staff/me", { token: staff.token })).json()).toEqual({ login: "counter-chuo", role: "counter" });
    // Without the guard's session there is no c.var.patron: the guard answers first.
    expect((await get("/api/me")).status).toBe(401);
    expect((await get("/api/staff/me", { token })).status).toBe(401);
  });
});

describe("requirePatron", () => {
  it("without a session: 401 envelope for the API, a redirect to the login for a page", async () => {
    const api = await get("/api/holds");
    expect(api.status).toBe(401);
    expect(await api.json()).toEqual({
      error: { code: "unauthorized", message: "ログインしてください。", reasons: [{ code: "login_required", message: "ログインしてください。" }] },
    });
    const page = await get("/account?tab=holds", { html: true });
    expect(page.status).toBe(303);
    expect(page.headers.get("location")).toBe(`/login?next=${encodeURIComponent("/account?tab=holds")}`);
  });

  it("a no-JS form POST without a session is refused, not redirected", async () => {
    const res = await get("/api/account/password", { html: true, method: "POST" });
    expect(res.status).toBe(401);
  });

  it("lets a patron with a normal password through", async () => {
    const { token } = await patronToken();
    expect(await (await get("/api/holds", { token })).json()).toEqual({ holds: [] });
    expect(await (await get("/account", { token, html: true })).text()).toBe("account");
  });

  it("R05: with a temporary password every other patron route answers 403 password_change_required", async () => {
    const { token } = await patronToken({ temporary: true });
    const api = await get("/api/holds", { token });
    expect(api.status).toBe(403);
    expect(((await api.json()) as { error: { reasons: { code: string }[] } }).error.reasons[0]!.code).toBe("password_change_required");
    const page = await get("/account", { token, html: true });
    expect(page.status).toBe(303);
    expect(page.headers.get("location")).toBe("/account/password");
    // …and 「パスワード変更」 itself is open.
    expect((await get("/account/password", { token, html: true })).status).toBe(200);
    expect((await get("/api/account/password", { token, method: "POST" })).status).toBe(200);
  });

  it("a staff session is not a patron session", async () => {
    const db = await demoDb();
    const s = await loginStaff(db, AUTH_ENV, { login: "admin", password: "Admin-Demo-2026", clientAddress: freshAddress(), now: Date.now() });
    expect((await get("/api/holds", { token: s.token })).status).toBe(401);
  });
});

describe("requireStaff (item 11)", () => {
  it("refuses patrons and nobody (page: redirect to the staff login), admits counter staff, keeps admin routes for admins", async () => {
    const db = await demoDb();
    const { token: patron } = await patronToken();
    const counter = (await loginStaff(db, AUTH_ENV, { login: "counter-moji", password: "Counter-Moji-2026", clientAddress: freshAddress(), now: Date.now() })).token;
    const admin = (await loginStaff(db, AUTH_ENV, { login: "admin", password: "Admin-Demo-2026", clientAddress: freshAddress(), now: Date.now() })).token;

    expect((await get("/api/staff/admin")).status).toBe(401);
    expect((await get("/api/staff/admin", { token: patron })).status).toBe(401);
    const page = await get("/staff/desk", { html: true });
    expect(page.status).toBe(303);
    expect(page.headers.get("location")).toBe(`/staff/login?next=${encodeURIComponent("/staff/desk")}`);
    expect(await (await get("/staff/desk", { token: counter })).text()).toBe("desk");
    const forbidden = await get("/api/staff/admin", { token: counter });
    expect(forbidden.status).toBe(403);
    expect(((await forbidden.json()) as { error: { reasons: { code: string }[] } }).error.reasons[0]!.code).toBe("staff_role_required");
    expect(await (await get("/api/staff/admin", { token: admin })).text()).toBe("admin");
    expect(await (await get("/staff/desk", { token: admin })).text()).toBe("desk");
  });
});
