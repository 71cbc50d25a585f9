// Issue 6 item 6, HTTP edges, on the whole Worker (exports.default) inside workerd: malformed bodies are 400 pages on every POST
// route (never 500); a response that sets a cookie is never publicly cacheable; a wrong method is 405 with Allow
// and a page; pages that must not be indexed say so with X-Robots-Tag (issue 6 item 4). Needs the site built
// (`npm run build`): error pages are rendered into the shell from the ASSETS binding.
import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { buildApp } from "../../worker/src/app.ts";
import { MESSAGES } from "../../worker/src/domain/messages.ts";
import { SESSION_COOKIE } from "../../worker/src/middleware/session.ts";
import { isPrivateCacheControl } from "../../worker/src/middleware/security-headers.ts";
import { isNoindexPath } from "../../worker/src/middleware/security-policy.ts";
import { freshAddress } from "../support/accounts.ts";

const BASE = "https://shiori.test";
const HTML = "text/html,application/xhtml+xml";

/** Every POST route the Worker has (read from the app itself, so a new route is covered without editing this). */
const POST_ROUTES = [...new Set(buildApp().routes.filter((r) => r.method === "POST").map((r) => r.path))];

/** Same-origin browser headers, so the CSRF layer's header checks pass and only the body is wrong. */
function post(path: string, contentType: string, body: BodyInit, accept = HTML) {
  return exports.default.fetch(BASE + path, {
    method: "POST",
    body,
    redirect: "manual",
    headers: { "content-type": contentType, origin: BASE, "sec-fetch-site": "same-origin", accept, "cf-connecting-ip": freshAddress() },
  });
}

const MALFORMED: [string, string, BodyInit][] = [
  ["multipart without a boundary", "multipart/form-data", "--x\r\nContent-Disposition: form-data; name=\"recordId\"\r\n\r\n1\r\n--x--\r\n"],
  ["broken multipart", "multipart/form-data; boundary=abc", "--abc\r\nContent-Disposition: form-data; name=\"recordId\"\r\n\r\n1\r\n"],
  ["multipart that is not multipart", "multipart/form-data; boundary=abc", "recordId=1"],
  ["urlencoded with charset=utf-16", "application/x-www-form-urlencoded; charset=utf-16", new Uint8Array([0xff, 0xfe, 0x72, 0x00, 0x3d, 0x00, 0x31, 0x00])],
  ["urlencoded far larger than any form", "application/x-www-form-urlencoded", `recordId=${"1".repeat(70 * 1024)}`],
];

describe("Issue 6 item 6: a malformed body is a 400 page on every POST route", () => {
  it("finds the POST routes", () => {
    expect(POST_ROUTES).toEqual(expect.arrayContaining(["/cart", "/cart/remove", "/login", "/logout", "/account/password", "/password/apply", "/staff/login", "/staff/logout", "/api/session"]));
  });

  for (const [what, type, body] of MALFORMED) {
    it(`${what}: 400 with the error page, on each route`, async () => {
      for (const path of POST_ROUTES) {
        const res = await post(path, type, body);
        expect(res.status, `${path}`).toBe(400);
        if (path.startsWith("/api/")) {
          expect(res.headers.get("content-type"), path).toMatch(/application\/json/);
          expect((await res.json()) as unknown, path).toEqual({ error: { code: "bad_request", message: MESSAGES.bad_body } });
        } else {
          expect(res.headers.get("content-type"), path).toMatch(/text\/html/);
          const page = await res.text();
          expect(page, path).toContain('<html lang="ja">');
          expect(page, path).toContain(MESSAGES.bad_body);
        }
      }
    });
  }

  it("a well-formed multipart body still reaches the route (POST /cart with a bad record id: the route's own 400)", async () => {
    const form = new FormData();
    form.set("recordId", "abc");
    const res = await exports.default.fetch(`${BASE}/cart`, { method: "POST", body: form, redirect: "manual", headers: { origin: BASE, "sec-fetch-site": "same-origin", accept: HTML } });
    expect(res.status).toBe(400);
    expect(await res.text()).toContain(MESSAGES.cart_record_invalid);
  });
});

describe("Issue 6 item 6: a malformed body from another site is the CSRF refusal, not a 400", () => {
  it("403 before the body is looked at", async () => {
    const res = await exports.default.fetch(`${BASE}/cart`, { method: "POST", body: "x", headers: { "content-type": "multipart/form-data", origin: "https://evil.example", accept: HTML } });
    expect(res.status).toBe(403);
  });
});

describe("Issue 6 item 6: a response that sets a cookie is never public", () => {
  it("/search and /api/search with a dead session cookie clear it and are not cacheable", async () => {
    for (const path of ["/search?q=%E7%8C%AB", "/api/search?q=%E7%8C%AB"]) {
      const res = await exports.default.fetch(BASE + path, { headers: { accept: path.startsWith("/api") ? "application/json" : HTML, cookie: `${SESSION_COOKIE}=dead-token` } });
      expect(res.status, path).toBe(200);
      expect(res.headers.getSetCookie().join("\n"), path).toContain(`${SESSION_COOKIE}=;`);
      const cc = res.headers.get("cache-control");
      expect(cc, path).not.toMatch(/public|s-maxage/);
      expect(cc, path).toMatch(/no-store|private/);
    }
  });

  it("without a cookie the same answers stay publicly cacheable for a minute", async () => {
    const res = await exports.default.fetch(`${BASE}/api/search?q=%E7%8C%AB`, { headers: { accept: "application/json" } });
    expect(res.headers.getSetCookie()).toEqual([]);
    expect(res.headers.get("cache-control")).toMatch(/public/);
  });

  it("the rule: only private or no-store, and nothing public, counts as private", () => {
    expect(isPrivateCacheControl("public, max-age=60")).toBe(false);
    expect(isPrivateCacheControl("private, max-age=60, s-maxage=60")).toBe(false);
    expect(isPrivateCacheControl(null)).toBe(false);
    expect(isPrivateCacheControl("private, no-store")).toBe(true);
    expect(isPrivateCacheControl("no-store")).toBe(true);
  });
});

describe("Issue 6 item 6: a wrong method is 405 with Allow and a page", () => {
  const cases: [string, string, string][] = [
    ["PUT", "/cart", "GET, HEAD, POST"],
    ["DELETE", "/search", "GET, HEAD"],
    ["POST", "/search", "GET, HEAD"],
    ["GET", "/logout", "POST"],
    ["PATCH", "/account", "GET, HEAD"],
    ["POST", "/catalog/900000001/", "GET, HEAD"],
    ["OPTIONS", "/login", "GET, HEAD, POST"],
  ];
  for (const [method, path, allow] of cases) {
    it(`${method} ${path}: 405, Allow: ${allow}`, async () => {
      // A state-changing method comes with a body type the CSRF layer accepts, so only the method is wrong.
      const body: { body?: string; type: Record<string, string> } = ["PUT", "PATCH", "DELETE", "POST"].includes(method)
        ? { body: "{}", type: { "content-type": "application/json" } }
        : { type: {} };
      const res = await exports.default.fetch(BASE + path, { method, body: body.body, headers: { accept: HTML, origin: BASE, "sec-fetch-site": "same-origin", ...body.type }, redirect: "manual" });
      expect(res.status).toBe(405);
      expect(res.headers.get("allow")).toBe(allow);
      const page = await res.text();
      expect(page).toContain('<html lang="ja">');
      expect(page).toContain(MESSAGES.method_not_allowed);
    });
  }

  it("the API answers the JSON envelope", async () => {
    const res = await exports.default.fetch(`${BASE}/api/search?q=x`, { method: "DELETE", body: "{}", headers: { accept: "application/json", "content-type": "application/json", origin: BASE, "sec-fetch-site": "same-origin" } });
    expect(res.status).toBe(405);
    expect(res.headers.get("allow")).toBe("GET, HEAD");
    expect(await res.json()).toEqual({ error: { code: "method_not_allowed", message: MESSAGES.method_not_allowed } });
  });

  it("a cross-site request with the wrong method is still the CSRF refusal (403), revealing nothing of the routes", async () => {
    const res = await exports.default.fetch(`${BASE}/cart`, { method: "PUT", body: "{}", headers: { accept: HTML, "content-type": "application/json", origin: "https://evil.example" } });
    expect(res.status).toBe(403);
    expect(res.headers.get("allow")).toBeNull();
  });

  it("a path nobody serves stays 404", async () => {
    const res = await exports.default.fetch(`${BASE}/no-such-page`, { method: "POST", headers: { accept: HTML, origin: BASE, "sec-fetch-site": "same-origin", "content-type": "application/json" }, body: "{}" });
    expect(res.status).toBe(404);
    expect(res.headers.get("allow")).toBeNull();
  });

  it("static files carry Allow: GET, HEAD, so the platform's 405 for them names what is allowed", async () => {
    const res = await env.ASSETS.fetch(new Request(`${BASE}/guide/`, { method: "POST" }));
    expect(res.status).toBe(405);
    expect(res.headers.get("allow")).toBe("GET, HEAD");
  });
});

describe("Issue 6 item 4: what must not be indexed says so, and robots.txt lets crawlers read it", () => {
  it("X-Robots-Tag: noindex on the Worker's per-visitor, search and API pages; none on record pages", async () => {
    for (const path of ["/search?q=%E7%8C%AB", "/search/advanced", "/cart", "/login", "/account", "/password/apply", "/staff/login", "/api/search?q=x", "/availability/1"]) {
      const res = await exports.default.fetch(BASE + path, { headers: { accept: HTML }, redirect: "manual" });
      expect(res.headers.get("x-robots-tag"), path).toBe("noindex");
    }
    expect(isNoindexPath("/catalog/1/")).toBe(false);
    expect(isNoindexPath("/guide/")).toBe(false);
  });

  it("robots.txt disallows nothing, names the sitemap; the shells are noindex by header", async () => {
    const robots = await (await env.ASSETS.fetch(new Request(`${BASE}/robots.txt`))).text();
    expect(robots).not.toMatch(/^Disallow:\s*\S/m);
    expect(robots).toMatch(/^Sitemap: https?:\/\/\S+\/sitemap\.xml$/m);
    const shell = await env.ASSETS.fetch(new Request(`${BASE}/_shell/`));
    expect(shell.headers.get("x-robots-tag")).toBe("noindex");
  });

  it("/opensearch.xml is served as application/opensearchdescription+xml", async () => {
    const res = await env.ASSETS.fetch(new Request(`${BASE}/opensearch.xml`));
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/opensearchdescription+xml; charset=utf-8");
  });
});
