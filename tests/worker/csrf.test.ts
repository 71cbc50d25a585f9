// Issue 3 item 10: the CSRF matrix against the real app. Every state-changing request is refused (403,
// 'forbidden') unless it comes from this origin, says so in its fetch metadata, carries a form or JSON body,
// and — for a form the Worker rendered — the token bound to this browser's __Host-shiori_csrf cookie. The
// middleware runs before routing: a refused request reaches no handler and changes nothing in D1.
import { env, exports } from "cloudflare:workers";
import { Hono } from "hono";
import { beforeAll, describe, expect, it } from "vitest";
import fixtureText from "@data/fixtures/demo.json?raw";
import type { AppEnv, Env } from "../../worker/src/env.ts";
import { createDb } from "../../worker/src/data/db.ts";
import { seedDemo, type DemoFixture } from "../../db/seed/demo.ts";
import {
  CSRF_COOKIE,
  CSRF_FIELD,
  CSRF_MESSAGE,
  TOKENLESS_FORM_POSTS,
  checkRequestHeaders,
  csrfField,
  csrfProtection,
  csrfToken,
} from "../../worker/src/middleware/csrf.ts";

const ORIGIN = "https://shiori.test";
const FORM = "application/x-www-form-urlencoded";
/** A demo patron (db/seed/data/fixtures/demo.json): a forged login with the right password must still fail. */
const CARD = "2100000001";
const PASSWORD = "Tosho2026";

/**
 * A browser's CSRF cookie and the token for it, minted by the real middleware and csrfField() in a scratch app
 * over the same bindings (the token depends only on the cookie and the Worker secret, so exports.default accepts it).
 */
async function mintToken(cookie?: string): Promise<{ cookie: string; token: string; setCookie: string | null; cacheControl: string | null; field: string }> {
  const app = new Hono<AppEnv>();
  app.use(csrfProtection());
  app.get("/form", (c) => c.html(`<form method="post">${csrfField(c)}</form>`));
  const res = await app.request(`${ORIGIN}/form`, { headers: cookie ? { cookie: `${CSRF_COOKIE}=${cookie}` } : {} }, env as unknown as Env);
  const field = await res.text();
  const token = /name="_csrf" value="([^"]+)"/.exec(field)?.[1];
  const setCookie = res.headers.get("set-cookie");
  const minted = setCookie ? new RegExp(`${CSRF_COOKIE}=([^;]+)`).exec(setCookie)?.[1] : undefined;
  if (!token || !(cookie ?? minted)) throw new Error(`no token minted: ${field} / ${setCookie}`);
  return { cookie: (cookie ?? minted)!, token, setCookie, cacheControl: res.headers.get("cache-control"), field };
}

let browser: { cookie: string; token: string };

interface Attempt {
  method?: string;
  path?: string;
  headers?: Record<string, string | null>;
  /** Form fields (urlencoded unless the content-type says otherwise); `null` sends no body at all. */
  form?: Record<string, string> | null;
  body?: BodyInit | null;
  accept?: string;
}

/** A same-origin form post from a page this Worker rendered; each test removes or spoils one thing. */
function send(a: Attempt = {}): Promise<Response> {
  const headers: Record<string, string | null> = {
    origin: ORIGIN,
    "sec-fetch-site": "same-origin",
    "content-type": FORM,
    cookie: `${CSRF_COOKIE}=${browser.cookie}`,
    accept: a.accept ?? "application/json",
    ...a.headers,
  };
  const h = new Headers();
  for (const [k, v] of Object.entries(headers)) if (v !== null) h.set(k, v);
  let body: BodyInit | null | undefined = a.body;
  if (body === undefined && a.form !== null) {
    const fields = a.form ?? { [CSRF_FIELD]: browser.token, card: CARD, password: PASSWORD };
    // Bytes, not a string: a string body would make fetch add its own text/plain content-type.
    body = new TextEncoder().encode(new URLSearchParams(fields).toString());
  }
  return exports.default.fetch(ORIGIN + (a.path ?? "/login"), { method: a.method ?? "POST", headers: h, body: body ?? null, redirect: "manual" });
}

async function expectRefused(res: Response, what: string): Promise<void> {
  expect(res.status, what).toBe(403);
  const body = (await res.json()) as { error: { code: string; message: string } };
  expect(body.error.code, what).toBe("forbidden");
  expect(body.error.message, what).toBe(CSRF_MESSAGE);
  // Refusals are Worker responses like any other: the base security headers are on them too; a JSON answer is no
  // document, so the document-only ones (CSP, frame options) are not (issue 10 item 6).
  expect(res.headers.get("x-content-type-options"), what).toBe("nosniff");
  expect(res.headers.get("content-security-policy"), what).toBeNull();
  expect(res.headers.get("set-cookie") ?? "", what).not.toMatch(/shiori_session/);
}

async function expectAccepted(res: Response, what: string): Promise<void> {
  const text = await res.text();
  expect(res.status, `${what}: ${text.slice(0, 200)}`).not.toBe(403);
  expect(text, what).not.toContain(CSRF_MESSAGE);
}

/** Every table's row count: a refused request must leave all of them as they were. */
async function snapshot(): Promise<Record<string, number>> {
  const tables = await env.DB.prepare(
    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%' AND name NOT LIKE '%_fts%' AND name NOT LIKE 'd1_%'",
  ).all<{ name: string }>();
  const out: Record<string, number> = {};
  for (const { name } of tables.results) {
    const row = await env.DB.prepare(`SELECT count(*) AS n FROM "${name}"`).first<{ n: number }>();
    out[name] = row!.n;
  }
  return out;
}

beforeAll(async () => {
  const fixture = JSON.parse(fixtureText) as DemoFixture;
  await seedDemo(createDb(env.DB), fixture, (env as unknown as { PASSWORD_PEPPER: string }).PASSWORD_PEPPER, Date.now());
  browser = await mintToken();
});

describe("issue 3 item 10: CSRF — the token", () => {
  it("a page with a form sets the __Host- cookie (HttpOnly, Secure, SameSite=Strict, Path=/) and is never cached", async () => {
    const fresh = await mintToken();
    expect(fresh.setCookie).toMatch(new RegExp(`^${CSRF_COOKIE}=[A-Za-z0-9_-]{22,}; Secure; HttpOnly; SameSite=Strict; Path=/$`));
    expect(fresh.cacheControl).toBe("private, no-store");
    expect(fresh.field).toMatch(/<input type="hidden" name="_csrf" value="[A-Za-z0-9_-]{43}">/);
  });

  it("a browser that already has the cookie keeps it and gets the same token; another browser gets another", async () => {
    const again = await mintToken(browser.cookie);
    expect(again.setCookie).toBeNull();
    expect(again.token).toBe(browser.token);
    const other = await mintToken();
    expect(other.cookie).not.toBe(browser.cookie);
    expect(other.token).not.toBe(browser.token);
  });

  it("checking the token leaves the body whole for the handler, however it reads it", async () => {
    const app = new Hono<AppEnv>();
    app.use(csrfProtection());
    app.post("/parsed", async (c) => c.json(await c.req.parseBody()));
    app.post("/raw", async (c) => c.text(await c.req.raw.text()));
    const body = new URLSearchParams({ [CSRF_FIELD]: browser.token, card: CARD, note: "栞 & しおり" }).toString();
    const init = () => ({
      method: "POST",
      headers: { origin: ORIGIN, "content-type": FORM, cookie: `${CSRF_COOKIE}=${browser.cookie}` },
      body: new TextEncoder().encode(body),
    });
    const parsed = await app.request(`${ORIGIN}/parsed`, init(), env as unknown as Env);
    expect(parsed.status).toBe(200);
    expect(await parsed.json()).toEqual({ [CSRF_FIELD]: browser.token, card: CARD, note: "栞 & しおり" });
    const raw = await app.request(`${ORIGIN}/raw`, init(), env as unknown as Env);
    expect(await raw.text()).toBe(body);
  });
});

describe("issue 3 item 10: CSRF matrix (refused: 403 forbidden, nothing changed)", () => {
  const refusals: [string, Attempt][] = [
    ["foreign Origin", { headers: { origin: "https://evil.example" } }],
    ["a sibling subdomain's Origin", { headers: { origin: "https://evil.shiori.test" } }],
    ["the same host over plain http", { headers: { origin: "http://shiori.test" } }],
    ["Origin: null (sandboxed frame, data: URL)", { headers: { origin: "null" } }],
    ["Sec-Fetch-Site: cross-site", { headers: { "sec-fetch-site": "cross-site" } }],
    ["Sec-Fetch-Site: same-site", { headers: { "sec-fetch-site": "same-site" } }],
    ["Sec-Fetch-Site: none (typed or bookmarked, not a page of ours)", { headers: { "sec-fetch-site": "none" } }],
    ["cross-site fetch metadata even with our Origin", { headers: { "sec-fetch-site": "cross-site", origin: ORIGIN } }],
    ["missing Origin and Referer", { headers: { origin: null } }],
    ["missing Origin, foreign Referer", { headers: { origin: null, referer: "https://evil.example/page" } }],
    ["missing Origin, unparseable Referer", { headers: { origin: null, referer: "not a url" } }],
    ["missing Content-Type", { headers: { "content-type": null } }],
    ["text/plain body", { headers: { "content-type": "text/plain" } }],
    ["text/plain;charset=UTF-8 body", { headers: { "content-type": "text/plain;charset=UTF-8" } }],
    ["an unlisted body type (application/xml)", { headers: { "content-type": "application/xml" } }],
    ["form post without the token", { form: { card: CARD, password: PASSWORD } }],
    ["form post with an empty token", { form: { [CSRF_FIELD]: "", card: CARD, password: PASSWORD } }],
    ["form post with a wrong token", { form: { [CSRF_FIELD]: "A".repeat(43), card: CARD, password: PASSWORD } }],
    ["form post with the token but no cookie", { headers: { cookie: null } }],
    ["form post with the token and another browser's cookie", { headers: { cookie: `${CSRF_COOKIE}=${"B".repeat(24)}` } }],
    ["form post with the token in the cookie's place (plain double submit)", { headers: { cookie: `${CSRF_COOKIE}=TOKEN` } }],
  ];

  it.each(refusals)("refuses %s", async (what, attempt) => {
    const before = await snapshot();
    if (attempt.headers?.cookie === `${CSRF_COOKIE}=TOKEN`) attempt.headers.cookie = `${CSRF_COOKIE}=${browser.token}`;
    await expectRefused(await send(attempt), what);
    expect(await snapshot(), what).toEqual(before);
  });

  it.each(["/login", "/logout", "/account/password", "/password/apply", "/cart", "/api/session", "/no-such-path"])(
    "refuses a cross-site post to %s before routing (403, not 404 or 401)",
    async (path) => {
      const before = await snapshot();
      await expectRefused(await send({ path, headers: { origin: "https://evil.example", "sec-fetch-site": "cross-site" } }), path);
      expect(await snapshot()).toEqual(before);
    },
  );

  // Issue 6 item 6: a same-origin form whose body cannot be read is a bad request (400, middleware/body-guard.ts),
  // refused before the token check like the rest, and changes nothing either.
  it("refuses a body that is not a form: 400, nothing changed", async () => {
    const before = await snapshot();
    const res = await send({ body: new TextEncoder().encode("%%%\u0000"), headers: { "content-type": "multipart/form-data; boundary=x" } });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("bad_request");
    expect(await snapshot()).toEqual(before);
  });

  it.each(["PUT", "PATCH", "DELETE"])("refuses a cross-site %s like a POST", async (method) => {
    await expectRefused(
      await send({ method, path: "/api/session", headers: { origin: "https://evil.example", "content-type": "application/json" }, body: "{}" }),
      method,
    );
    await expectRefused(await send({ method, path: "/api/session", headers: { "content-type": "text/plain" }, body: "{}" }), method);
  });

  it("refuses cross-site JSON (a page elsewhere that got past CORS would still be refused)", async () => {
    await expectRefused(
      await send({ path: "/api/session", headers: { "content-type": "application/json", origin: "https://evil.example" }, body: JSON.stringify({ card: CARD, password: PASSWORD }) }),
      "json",
    );
  });

  it("answers a refused no-JS form post with an HTML error page (403), headers included", async () => {
    const res = await send({ headers: { origin: "https://evil.example" }, accept: "text/html,application/xhtml+xml" });
    expect(res.status).toBe(403);
    expect(res.headers.get("content-type")).toMatch(/text\/html/);
    expect(res.headers.get("x-frame-options")).toBe("DENY");
    const page = await res.text();
    expect(page).toContain(CSRF_MESSAGE);
    expect(page).toMatch(/role="alert"/);
  });
});

describe("issue 3 item 10: CSRF matrix (accepted)", () => {
  it("a same-origin form post with the token", async () => {
    await expectAccepted(await send(), "same-origin form");
  });

  it("a same-origin form post from a browser that sends no fetch metadata", async () => {
    await expectAccepted(await send({ headers: { "sec-fetch-site": null } }), "no Sec-Fetch-Site");
  });

  it("a same-origin form post whose Origin was stripped but whose Referer is ours", async () => {
    await expectAccepted(await send({ headers: { origin: null, referer: `${ORIGIN}/login` } }), "referer");
  });

  it("a multipart form post with the token", async () => {
    const form = new FormData();
    form.set(CSRF_FIELD, browser.token);
    form.set("card", CARD);
    form.set("password", PASSWORD);
    const probe = new Request(ORIGIN, { method: "POST", body: form });
    await expectAccepted(
      await send({ headers: { "content-type": probe.headers.get("content-type") }, body: await probe.arrayBuffer() }),
      "multipart",
    );
  });

  it("same-origin JSON needs no token (a cross-site page cannot send application/json)", async () => {
    await expectAccepted(
      await send({ path: "/api/session", headers: { "content-type": "application/json; charset=utf-8", cookie: null }, body: JSON.stringify({ card: CARD, password: "wrong" }) }),
      "json",
    );
  });

  it("the static pages' tokenless forms (POST /cart) pass on origin and fetch metadata alone", async () => {
    expect(TOKENLESS_FORM_POSTS).toEqual([{ method: "POST", path: "/cart" }]);
    await expectAccepted(await send({ path: "/cart", form: { recordId: "1" }, headers: { cookie: null } }), "cart");
    // …and are still refused from anywhere else.
    await expectRefused(await send({ path: "/cart", form: { recordId: "1" }, headers: { cookie: null, origin: "https://evil.example" } }), "cart cross-site");
    await expectRefused(await send({ path: "/cart", form: { recordId: "1" }, headers: { cookie: null, "content-type": "text/plain" } }), "cart text/plain");
  });

  it("safe methods are never refused, whatever their origin", async () => {
    const res = await send({ method: "GET", path: "/health", form: null, headers: { origin: "https://evil.example", "sec-fetch-site": "cross-site", "content-type": null } });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe("ok");
  });
});

describe("issue 6 item 3: text browsers — no fetch metadata, no Origin, no Referer: the signed token is enough", () => {
  /** What Lynx sends on a POST from a page whose URL has a query string (/login?next=…, /cart?added=…). */
  const BARE = { origin: null, "sec-fetch-site": null } as const;

  it("accepts a form post with this browser's valid token (login from /login?next=…)", async () => {
    const res = await send({ headers: { ...BARE }, accept: "text/html" });
    expect(res.status).toBe(303);
    expect(res.headers.getSetCookie().some((c) => c.startsWith("__Host-shiori_session="))).toBe(true);
  });

  const refusals: [string, Attempt][] = [
    ["no token", { headers: { ...BARE }, form: { card: CARD, password: PASSWORD } }],
    ["a wrong token", { headers: { ...BARE }, form: { [CSRF_FIELD]: "A".repeat(43), card: CARD, password: PASSWORD } }],
    ["the token but no cookie", { headers: { ...BARE, cookie: null } }],
    ["the token and another browser's cookie", { headers: { ...BARE, cookie: `${CSRF_COOKIE}=${"B".repeat(24)}` } }],
    ["a valid token but a foreign Referer (a cross-site signal)", { headers: { ...BARE, referer: "https://evil.example/" } }],
    ["a valid token but Sec-Fetch-Site: cross-site", { headers: { origin: null, "sec-fetch-site": "cross-site" } }],
    ["a valid token but a foreign Origin", { headers: { "sec-fetch-site": null, origin: "https://evil.example" } }],
    ["a valid token but Sec-Fetch-Site: same-origin without Origin or Referer", { headers: { origin: null } }],
    ["a valid token but a text/plain body", { headers: { ...BARE, "content-type": "text/plain" } }],
    ["the static page's tokenless cart form (keeps its rule: origin or referer needed)", { path: "/cart", headers: { ...BARE, cookie: null }, form: { recordId: "1" } }],
    ["JSON, which carries no token", { path: "/api/session", headers: { ...BARE, "content-type": "application/json" }, body: JSON.stringify({ card: CARD, password: PASSWORD }) }],
  ];

  it.each(refusals)("refuses %s, and nothing changes", async (what, attempt) => {
    const before = await snapshot();
    await expectRefused(await send(attempt), what);
    expect(await snapshot(), what).toEqual(before);
  });

  it("accepts a Worker-rendered POST /cart (「元に戻す」 on /cart?removed=…) that carries a valid token", async () => {
    await expectAccepted(await send({ path: "/cart", headers: { ...BARE }, form: { [CSRF_FIELD]: browser.token, recordId: "1" } }), "undo");
  });
});

describe("issue 3 item 10: checkRequestHeaders names what failed", () => {
  const url = `${ORIGIN}/login`;
  const h = (o: Record<string, string>) => new Headers(o);
  it.each([
    ["GET", {}, null],
    ["POST", { origin: ORIGIN, "content-type": FORM }, null],
    ["POST", { origin: ORIGIN, "content-type": FORM, "sec-fetch-site": "cross-site" }, "cross_site_fetch"],
    ["POST", { origin: "https://evil.example", "content-type": FORM }, "foreign_origin"],
    ["POST", { referer: "https://evil.example/", "content-type": FORM }, "foreign_origin"],
    ["POST", { "content-type": FORM }, "no_signal"],
    ["POST", { "content-type": FORM, "sec-fetch-site": "same-origin" }, "no_origin"],
    ["POST", { "content-type": "text/plain" }, "bad_content_type"],
    ["POST", { origin: ORIGIN }, "bad_content_type"],
    ["DELETE", { origin: ORIGIN, "content-type": "text/plain" }, "bad_content_type"],
  ] as const)("%s %j → %s", (method, headers, expected) => {
    expect(checkRequestHeaders(method, url, h(headers))).toBe(expected);
  });

  it("csrfToken() outside the middleware is a programming error, not a silent empty token", async () => {
    const app = new Hono<AppEnv>();
    app.get("/", (c) => c.text(csrfToken(c)));
    const res = await app.request("/", {}, env as unknown as Env);
    expect(res.status).toBe(500);
  });
});
