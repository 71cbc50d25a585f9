// Issue 3 "Tests: authorization sweep" (R01, R05, item 11): a table of EVERY route of the Worker, each marked public,
// patron or staff, checked against the app itself — a route the table does not list fails the first test, so a
// later issue cannot add a route without saying who may call it. Then, for every row:
//   - patron and staff routes without a session answer 401 (JSON) or send a browser to the login page (HTML);
//   - public routes never ask for a session;
//   - a patron session opens no staff route, and a staff session no patron route;
//   - R05: with a temporary password every patron route except 「パスワード変更」 answers that the password must be
//     changed first;
//   - patron routes on one object (a path parameter) called with patron A's session on patron B's object answer
//     404 and change nothing (each such row says how to make B's object and what of B's must stay the same).
// Needs the site built (pages render into /_shell/).
import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "../../worker/src/app.ts";
import type { Db } from "../../worker/src/data/db.ts";
import { demoDb, insertPatron, storedCredential, type TestPatron } from "../support/accounts.ts";
import { TestClient } from "../support/session-client.ts";

type Method = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
type Access = "public" | "patron" | "staff";

/** What a patron-scoped route on one object needs for the A-on-B check. */
interface ForeignObject {
  /** Make an object owned by `owner` (patron B); answer the concrete path to it and a snapshot of B's state. */
  setup(ctx: { db: Db; owner: TestPatron }): Promise<{ path: string; snapshot: () => Promise<unknown> }>;
  /** The body a state-changing call sends (a no-JS form), if any. */
  form?: Record<string, string>;
  json?: unknown;
}

interface RouteRow {
  method: Method;
  /** The path exactly as Hono lists it (buildApp().routes). */
  path: string;
  access: Access;
  /** R05: a patron route a temporary password may use (only 「パスワード変更」). */
  allowTemporary?: boolean;
  /** Required for a patron route with a path parameter: the A-on-B check. */
  foreign?: ForeignObject;
}

// Every route of the app. New routes go here, with who may call them.
const ROUTES: readonly RouteRow[] = [
  { method: "GET", path: "/health", access: "public" },
  // R10 search
  { method: "GET", path: "/api/search", access: "public" },
  { method: "GET", path: "/search/advanced", access: "public" },
  { method: "GET", path: "/search", access: "public" },
  // R10, R11 record pages and availability
  { method: "GET", path: "/catalog/:id/", access: "public" },
  { method: "GET", path: "/catalog/:id", access: "public" },
  { method: "GET", path: "/api/records/:id/availability", access: "public" },
  { method: "GET", path: "/availability/:id", access: "public" },
  { method: "GET", path: "/availability/:id/", access: "public" },
  // R01–R08 accounts
  { method: "GET", path: "/login", access: "public" },
  { method: "POST", path: "/login", access: "public" },
  { method: "POST", path: "/logout", access: "public" },
  { method: "GET", path: "/account", access: "patron" },
  { method: "GET", path: "/account/password", access: "patron", allowTemporary: true },
  { method: "POST", path: "/account/password", access: "patron", allowTemporary: true },
  { method: "GET", path: "/password/apply", access: "public" },
  { method: "GET", path: "/password/apply/form", access: "public" },
  { method: "POST", path: "/password/apply", access: "public" },
  { method: "GET", path: "/api/session", access: "public" },
  { method: "POST", path: "/api/session", access: "public" },
  { method: "DELETE", path: "/api/session", access: "public" },
  // Issue 3 item 11: staff login (the counter console comes with a later issue)
  { method: "GET", path: "/staff", access: "public" },
  { method: "GET", path: "/staff/login", access: "public" },
  { method: "POST", path: "/staff/login", access: "public" },
  { method: "POST", path: "/staff/logout", access: "public" },
  { method: "GET", path: "/staff/", access: "staff" },
  // R13 the reservation cart: public (no login is needed to collect candidates). A cart is keyed by its own
  // random cookie, not by a session: cart A's cookie can never list or remove cart B's lines
  // (tests/worker/cart.test.ts, "cross-cart isolation").
  { method: "POST", path: "/cart", access: "public" },
  { method: "GET", path: "/cart", access: "public" },
  { method: "POST", path: "/cart/remove", access: "public" },
];

const key = (method: string, path: string) => `${method} ${path}`;

/**
 * The app's routes as method + path. `app.use(mw)` and route-group middleware are listed by Hono as method ALL
 * on a wildcard path: those are not routes. A handler registered with its guard (`get(path, requirePatron(),
 * handler)`) is listed once per handler: one row.
 */
function appRoutes(): Set<string> {
  const out = new Set<string>();
  for (const r of buildApp().routes) {
    if (r.method === "ALL" && r.path.endsWith("*")) continue;
    out.add(key(r.method, r.path));
  }
  return out;
}

/** A concrete path for a route pattern: every parameter becomes 1. */
function concrete(path: string): string {
  return path.replace(/:[A-Za-z0-9_]+(\{[^}]*\})?/g, "1");
}

const STATE_CHANGING = new Set<Method>(["POST", "PUT", "PATCH", "DELETE"]);

/** A page that always carries a form, for a fresh _csrf token bound to the client's cookie. */
async function withToken(client: TestClient): Promise<TestClient> {
  await client.page("/password/apply/form");
  return client;
}

/** Calls a row the way an island (JSON) or a browser (HTML navigation, no-JS form) would. */
async function call(client: TestClient, row: RouteRow, as: "json" | "html", path = concrete(row.path)): Promise<Response> {
  if (!STATE_CHANGING.has(row.method)) return client.request(path, { method: row.method, html: as === "html" });
  await withToken(client);
  if (as === "html") return client.request(path, { method: row.method, form: {} });
  return client.request(path, { method: row.method, json: {} });
}

async function reasonCodes(res: Response): Promise<string[]> {
  const type = res.headers.get("content-type") ?? "";
  if (!type.includes("application/json")) {
    await res.arrayBuffer();
    return [];
  }
  const body = (await res.json()) as { error?: { code: string; reasons?: { code: string }[] } };
  return body.error?.reasons?.map((r) => r.code) ?? [];
}

let db: Db;
let patronA: TestPatron;
let patronB: TestPatron;
let temporaryPatron: TestPatron;

beforeAll(async () => {
  db = await demoDb();
  patronA = await insertPatron(db);
  patronB = await insertPatron(db);
  temporaryPatron = await insertPatron(db, { password: "Kari7777", temporary: true });
});

async function loggedIn(p: TestPatron): Promise<TestClient> {
  const client = new TestClient();
  await client.login(p.cardNumber, p.password!);
  return client;
}

describe("the route table", () => {
  it("lists every route of the app, and only those (a new route must be added with who may call it)", () => {
    const listed = new Set(ROUTES.map((r) => key(r.method, r.path)));
    expect(listed.size, "a row is listed twice").toBe(ROUTES.length);
    const actual = appRoutes();
    const unlisted = [...actual].filter((k) => !listed.has(k));
    const gone = [...listed].filter((k) => !actual.has(k));
    expect(unlisted, "routes of the app missing from ROUTES").toEqual([]);
    expect(gone, "ROUTES rows with no such route").toEqual([]);
  });

  it("every patron route on one object (a path parameter) says how to reach another patron's object", () => {
    const missing = ROUTES.filter((r) => r.access === "patron" && /:[A-Za-z]/.test(r.path) && !r.foreign).map((r) => key(r.method, r.path));
    expect(missing).toEqual([]);
  });

  it("the table has rows of each kind the checks below need", () => {
    expect(ROUTES.some((r) => r.access === "patron" && !r.allowTemporary)).toBe(true);
    expect(ROUTES.some((r) => r.access === "patron" && r.allowTemporary)).toBe(true);
    expect(ROUTES.some((r) => r.access === "public")).toBe(true);
    expect(ROUTES.some((r) => r.access === "staff")).toBe(true);
  });
});

describe("without a session", () => {
  for (const row of ROUTES.filter((r) => r.access !== "public")) {
    const login = row.access === "staff" ? "/staff/login" : "/login";
    const reason = row.access === "staff" ? "staff_login_required" : "login_required";

    it(`${key(row.method, row.path)} (${row.access}): JSON answers 401 ${reason}`, async () => {
      const res = await call(await withToken(new TestClient()), row, "json");
      expect(res.status).toBe(401);
      expect(await reasonCodes(res)).toEqual([reason]);
    });

    if (row.method === "GET" && !row.path.startsWith("/api/")) {
      it(`${key(row.method, row.path)} (${row.access}): a browser is sent to ${login} and back`, async () => {
        const path = concrete(row.path);
        const res = await call(new TestClient(), row, "html");
        expect(res.status).toBe(303);
        expect(res.headers.get("location")).toBe(`${login}?next=${encodeURIComponent(path)}`);
      });
    } else if (!row.path.startsWith("/api/")) {
      it(`${key(row.method, row.path)} (${row.access}): a no-JS form post is refused with 401 and changes nothing`, async () => {
        const res = await call(new TestClient(), row, "html");
        expect(res.status).toBe(401);
        await res.arrayBuffer();
      });
    }
  }

  for (const row of ROUTES.filter((r) => r.access === "public")) {
    it(`${key(row.method, row.path)} (public): never asks for a session`, async () => {
      for (const as of ["json", "html"] as const) {
        const res = await call(new TestClient(), row, as);
        expect(res.status, as).not.toBe(403);
        expect(res.headers.get("location") ?? "", as).not.toMatch(/^\/(staff\/)?login\?next=/);
        const codes = await reasonCodes(res);
        expect(codes, as).not.toContain("login_required");
        expect(codes, as).not.toContain("staff_login_required");
      }
    });
  }
});

describe("a session of the other kind opens nothing (issue 3 item 11: staff and patrons are separate)", () => {
  for (const row of ROUTES.filter((r) => r.access !== "public")) {
    const other = row.access === "staff" ? "patron" : "staff";
    const reason = row.access === "staff" ? "staff_login_required" : "login_required";
    it(`${key(row.method, row.path)} (${row.access}) with a ${other} session: 401 ${reason}`, async () => {
      const client = new TestClient();
      if (other === "staff") await client.loginStaff("counter-chuo", "Counter-Chuo-2026");
      else await client.login(patronA.cardNumber, patronA.password!);
      const res = await call(client, row, "json");
      expect(res.status).toBe(401);
      expect(await reasonCodes(res)).toEqual([reason]);
    });
  }
});

describe("R05: a temporary password opens only 「パスワード変更」", () => {
  for (const row of ROUTES.filter((r) => r.access === "patron")) {
    if (row.allowTemporary) {
      it(`${key(row.method, row.path)} is open to it`, async () => {
        const client = await loggedIn(temporaryPatron);
        const res = await call(client, row, "html");
        expect(res.status).not.toBe(403);
        expect(res.status).not.toBe(401);
        expect(res.headers.get("location") ?? "").not.toBe("/account/password");
        await res.arrayBuffer();
      });
      continue;
    }
    it(`${key(row.method, row.path)} answers that the password must be changed first`, async () => {
      const client = await loggedIn(temporaryPatron);
      const json = await call(client, row, "json");
      expect(json.status).toBe(403);
      expect(await reasonCodes(json)).toEqual(["password_change_required"]);
      if (row.method === "GET" && !row.path.startsWith("/api/")) {
        const html = await call(client, row, "html");
        expect(html.status).toBe(303);
        expect(html.headers.get("location")).toBe("/account/password");
      }
    });
  }
});

describe("patron A on patron B's objects: 404, nothing changed", () => {
  for (const row of ROUTES.filter((r) => r.foreign)) {
    it(`${key(row.method, row.path)}`, async () => {
      const { path, snapshot } = await row.foreign!.setup({ db, owner: patronB });
      const before = await snapshot();
      const client = await loggedIn(patronA);
      if (STATE_CHANGING.has(row.method)) await withToken(client);
      const res = await client.request(path, {
        method: row.method,
        ...(row.foreign!.form ? { form: row.foreign!.form } : {}),
        ...(row.foreign!.json !== undefined ? { json: row.foreign!.json } : {}),
      });
      expect(res.status).toBe(404);
      await res.arrayBuffer();
      expect(await snapshot()).toEqual(before);
    });
  }

  // The one patron object today is the account itself: the routes take the patron from the session, never from
  // what the request names.
  it("「利用者情報メンテナンス」 shows A's account to A, whatever the request names", async () => {
    const client = await loggedIn(patronA);
    const { html } = await client.page(`/account?patronId=${patronB.id}&card=${patronB.cardNumber}`);
    const nameOf = async (p: TestPatron) =>
      (await env.DB.prepare("SELECT name FROM patrons WHERE id = ?").bind(p.id).first<{ name: string }>())!.name;
    expect(html).toContain(await nameOf(patronA));
    expect(html).not.toContain(await nameOf(patronB));
    const who = (await (await client.request(`/api/session?patronId=${patronB.id}`)).json()) as { patron: { name: string } };
    expect(who.patron.name).toBe(await nameOf(patronA));
  });

  it("「パスワード変更」 with A's session changes A's password only, even when the form names B", async () => {
    const a = await insertPatron(db, { password: "Asanno2026" });
    const b = await insertPatron(db, { password: "Bsanno2026" });
    const bBefore = await storedCredential(b.id);
    const client = await loggedIn(a);
    await client.page("/account/password");
    const res = await client.request("/account/password", {
      form: { current: b.password!, next: "Nottaku123", confirm: "Nottaku123", patronId: String(b.id), card: b.cardNumber },
    });
    // B's password is not A's current password: refused, and B untouched.
    expect(res.status).toBe(400);
    await res.arrayBuffer();
    expect(await storedCredential(b.id)).toEqual(bBefore);
    await client.page("/account/password");
    const own = await client.request("/account/password", {
      form: { current: a.password!, next: "Jibunno123", confirm: "Jibunno123", patronId: String(b.id), card: b.cardNumber },
    });
    expect(own.status).toBe(303);
    expect(await storedCredential(b.id)).toEqual(bBefore);
    await loggedIn({ ...a, password: "Jibunno123" });
    await loggedIn(b);
  });
});
