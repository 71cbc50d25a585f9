// Issue 3 item 10: security headers on every response — API JSON, dynamic HTML (search, 404, the record
// fallback), and the static pages served from site/dist with its _headers file — and a CSP that lets exactly
// the build's own inline code run. Needs the site built (`npm run build`): the ASSETS binding serves site/dist.
import { env, exports } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { createDb } from "../../worker/src/data/db.ts";
import { branches, items, records } from "../../db/schema/index.ts";
import {
  CSP_MANIFEST_PATH,
  REFERRER_POLICY,
  REFERRER_POLICY_PRIVATE,
  contentSecurityPolicy,
  parseCspManifest,
  type CspHashes,
} from "../../worker/src/middleware/security-policy.ts";
import { BASE_SECURITY_HEADERS, DOCUMENT_ONLY_SECURITY_HEADERS, REQUIRED_SECURITY_HEADERS } from "../support/security-headers.ts";

const BASE = "https://shiori.test";
/** Past the static cap of the demo build, so the Worker's fallback renders it (see catalog.test.ts). */
const FALLBACK_ID = 900_000_101;

function get(path: string, accept = "text/html,application/xhtml+xml") {
  return exports.default.fetch(BASE + path, { headers: { accept }, redirect: "manual" });
}

/**
 * A static page as Workers static assets serve it: in production (and `wrangler dev`) the asset router answers
 * these paths before the Worker runs; here exports.default reaches the Worker only, so ask the ASSETS binding, which
 * applies site/dist/_headers exactly as the router does.
 */
function getStatic(path: string, accept = "text/html,application/xhtml+xml") {
  return env.ASSETS.fetch(new Request(BASE + path, { headers: { accept }, redirect: "manual" }));
}

/** The policy's directives by name, each a list of sources. */
function directives(csp: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const part of csp.split(";")) {
    const [name, ...sources] = part.trim().split(/\s+/);
    if (name) out.set(name.toLowerCase(), sources);
  }
  return out;
}

async function sha256Source(text: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)));
  let s = "";
  for (const b of digest) s += String.fromCharCode(b);
  return `sha256-${btoa(s)}`;
}

/** The inline code a browser would run or apply, found by workerd's own HTML parser (not the build's regexes). */
async function inlineCode(html: string): Promise<{ script: string[]; style: string[] }> {
  const out = { script: [] as string[], style: [] as string[] };
  let current: { kind: "script" | "style"; text: string } | null = null;
  const rewriter = new HTMLRewriter()
    .on("script", {
      element(el) {
        const type = el.getAttribute("type")?.toLowerCase();
        const executable = !el.hasAttribute("src") && type !== "application/ld+json" && type !== "application/json";
        current = executable ? { kind: "script", text: "" } : null;
      },
      text(t) {
        if (current?.kind === "script") {
          current.text += t.text;
          if (t.lastInTextNode) out.script.push(current.text);
        }
      },
    })
    .on("style", {
      element() {
        current = { kind: "style", text: "" };
      },
      text(t) {
        if (current?.kind === "style") {
          current.text += t.text;
          if (t.lastInTextNode) out.style.push(current.text);
        }
      },
    });
  await rewriter.transform(new Response(html)).text();
  return out;
}

const SECURITY_HEADERS = REQUIRED_SECURITY_HEADERS;

let hashes: CspHashes;
let expectedCsp: string;

beforeAll(async () => {
  const manifest = await env.ASSETS.fetch(new Request(`https://assets.invalid${CSP_MANIFEST_PATH}`));
  expect(manifest.status, "site/dist/_csp.json missing: run `npm run build` first").toBe(200);
  hashes = parseCspManifest(await manifest.json())!;
  expect(hashes).not.toBeNull();
  expectedCsp = contentSecurityPolicy(hashes);

  const db = createDb(env.DB);
  const now = Date.now();
  await db.insert(branches).values({ id: 1, code: "chuo", name: "中央図書館", inCity: true, isPickup: true, sortOrder: 1 });
  await db.insert(records).values({ id: FALLBACK_ID, source: "test", sourceId: "sec-1", title: "吾輩は猫である", createdAt: now, updatedAt: now });
  await db.insert(items).values({ barcode: "SEC1", recordId: FALLBACK_ID, branchId: 1, loanable: true, status: "on_shelf", createdAt: now });
});

function expectBaseline(res: Response, what: string) {
  for (const name of SECURITY_HEADERS) expect(res.headers.get(name), `${what}: ${name}`).toBeTruthy();
  expect(res.headers.get("x-content-type-options")).toBe("nosniff");
  expect(res.headers.get("x-frame-options")).toBe("DENY");
  expect(res.headers.get("cross-origin-opener-policy")).toBe("same-origin");
  expect(res.headers.get("permissions-policy")).toMatch(/camera=\(\)/);
  const hsts = res.headers.get("strict-transport-security")!;
  expect(Number(/max-age=(\d+)/.exec(hsts)?.[1])).toBeGreaterThanOrEqual(31_536_000);
  expect(hsts).toMatch(/includeSubDomains/i);
  const csp = directives(res.headers.get("content-security-policy")!);
  expect(csp.get("script-src"), `${what}: script-src`).not.toContain("'unsafe-inline'");
  expect(csp.get("script-src")).not.toContain("'unsafe-eval'");
  expect(csp.get("style-src")).not.toContain("'unsafe-inline'");
  expect(csp.get("frame-ancestors")).toEqual(["'none'"]);
  expect(csp.get("default-src")).toEqual(["'self'"]);
  expect(csp.get("object-src")).toEqual(["'none'"]);
  expect(csp.get("base-uri")).toEqual(["'none'"]);
  expect(csp.get("form-action")).toEqual(["'self'"]);
  expect(csp.get("connect-src")).toEqual(["'self'"]);
  expect(csp.get("img-src")).toEqual(["'self'", "data:"]);
}

/** R50 (issue 10 item 6): a response that is not a document keeps the base headers and none of the document-only ones. */
function expectNonDocument(res: Response, what: string) {
  for (const name of BASE_SECURITY_HEADERS) expect(res.headers.get(name), `${what}: ${name}`).toBeTruthy();
  expect(res.headers.get("x-content-type-options")).toBe("nosniff");
  const hsts = res.headers.get("strict-transport-security")!;
  expect(Number(/max-age=(\d+)/.exec(hsts)?.[1])).toBeGreaterThanOrEqual(31_536_000);
  for (const name of DOCUMENT_ONLY_SECURITY_HEADERS) expect(res.headers.get(name), `${what}: ${name} is for documents only`).toBeNull();
}

describe("issue 3 item 10: headers on Worker responses", () => {
  it("R50: API JSON (/api/search?q=猫) carries the base headers and no document-only ones (no CSP on JSON)", async () => {
    const res = await get(`/api/search?q=${encodeURIComponent("猫")}`, "application/json");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/application\/json/);
    expectNonDocument(res, "api");
    expect(res.headers.get("referrer-policy")).toBe("strict-origin-when-cross-origin");
  });

  it("API JSON a route does not cache is no-store (availability)", async () => {
    const res = await get(`/api/records/${FALLBACK_ID}/availability`, "application/json");
    expect(res.status).toBe(200);
    expectNonDocument(res, "availability");
    expect(res.headers.get("cache-control")).toBe("no-store");
  });

  it("dynamic HTML (/search?q=猫) carries every header", async () => {
    const res = await get(`/search?q=${encodeURIComponent("猫")}`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/text\/html/);
    expectBaseline(res, "search");
    expect(res.headers.get("content-security-policy")).toBe(expectedCsp);
  });

  it("a 404 page and a JSON 404 carry every header", async () => {
    const html = await get("/no-such-page-anywhere");
    expect(html.status).toBe(404);
    expect(html.headers.get("content-type")).toMatch(/text\/html/);
    expect(await html.text()).toContain("ページが見つかりません");
    expectBaseline(html, "404 html");
    const json = await get("/api/no-such-endpoint", "application/json");
    expect(json.status).toBe(404);
    expectNonDocument(json, "404 json");
  });

  it("the record fallback (a record past the static cap) carries every header and keeps its own caching", async () => {
    const res = await get(`/catalog/${FALLBACK_ID}/`);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain("吾輩は猫である");
    expectBaseline(res, "record fallback");
    expect(res.headers.get("content-security-policy")).toBe(expectedCsp);
    expect(res.headers.get("cache-control")).toBe("public, max-age=60");
  });

  it("R50: a redirect (no document) carries the base headers only", async () => {
    const res = await get(`/catalog/${FALLBACK_ID}`);
    expect(res.status).toBe(301);
    expectNonDocument(res, "redirect");
  });

  it("account pages send no referrer; public pages send the origin only", async () => {
    for (const path of ["/account/no-such-page", "/login/unknown", "/password/apply/unknown", "/staff/unknown"]) {
      const res = await get(path);
      expect(res.headers.get("referrer-policy"), path).toBe("same-origin");
    }
    for (const path of ["/accounting", "/search?q=a"]) {
      const res = await get(path);
      expect(res.headers.get("referrer-policy"), path).toBe("strict-origin-when-cross-origin");
    }
  });

  it("every inline script and style of a dynamic page has its hash in the CSP", async () => {
    const res = await get(`/search?q=${encodeURIComponent("猫")}`);
    expect(res.status).toBe(200);
    const csp = directives(res.headers.get("content-security-policy")!);
    const code = await inlineCode(await res.text());
    expect(code.style.length).toBeGreaterThan(0);
    for (const body of code.script) expect(csp.get("script-src"), body.slice(0, 80)).toContain(`'${await sha256Source(body)}'`);
    for (const body of code.style) expect(csp.get("style-src"), body.slice(0, 80)).toContain(`'${await sha256Source(body)}'`);
  });
});

describe("issue 3 item 10: headers on static pages (site/dist/_headers)", () => {
  const staticPaths = ["/", "/catalog/1/", "/guide/", "/_shell/"];

  it("every static page carries the same headers as the Worker's", async () => {
    for (const path of staticPaths) {
      const res = await getStatic(path);
      expect(res.status, path).toBe(200);
      expectBaseline(res, path);
      // One policy for both channels: the static CSP is the Worker's, byte for byte.
      expect(res.headers.get("content-security-policy"), path).toBe(expectedCsp);
      expect(res.headers.get("referrer-policy"), path).toBe("strict-origin-when-cross-origin");
    }
  });

  it("R50: the plain shell and the home page carry no island bootstrap (no inline script at all)", async () => {
    for (const path of ["/_shell/", "/"]) {
      const page = await (await getStatic(path)).text();
      expect((await inlineCode(page)).script, path).toEqual([]);
      expect(page, path).not.toContain("<astro-island");
    }
  });

  it("every inline script in an island shell (login) and on a record page (with its island) is hashed in the CSP", async () => {
    for (const path of ["/_shell/login/", "/catalog/1/"]) {
      const res = await getStatic(path);
      expect(res.status, path).toBe(200);
      const page = await res.text();
      const code = await inlineCode(page);
      expect(code.script.length, `${path} has island scripts`).toBeGreaterThan(0);
      const csp = directives(res.headers.get("content-security-policy")!);
      for (const body of code.script) expect(csp.get("script-src"), `${path}: ${body.slice(0, 80)}`).toContain(`'${await sha256Source(body)}'`);
      for (const body of code.style) expect(csp.get("style-src"), `${path}: ${body.slice(0, 80)}`).toContain(`'${await sha256Source(body)}'`);
    }
  });

  it("the record page's island bootstrap (Solid's _$HY script) is among the hashed scripts", async () => {
    const page = await (await getStatic("/catalog/1/")).text();
    expect(page).toContain("<astro-island");
    const hydration = (await inlineCode(page)).script.find((s) => s.includes("_$HY"));
    expect(hydration).toBeDefined();
    expect(hashes.script).toContain(await sha256Source(hydration!));
  });

  it("the pages' own CSP meta tag (Astro's) allows every inline script the page has, so it never blocks an island", async () => {
    const page = await (await getStatic("/catalog/1/")).text();
    const meta = /<meta http-equiv="content-security-policy" content="([^"]*)">/.exec(page)?.[1];
    expect(meta).toBeDefined();
    const scriptSrc = directives(meta!).get("script-src")!;
    expect(scriptSrc).not.toContain("'unsafe-inline'");
    for (const body of (await inlineCode(page)).script) expect(scriptSrc).toContain(`'${await sha256Source(body)}'`);
  });

  it("R50: island code carries the base headers (nosniff matters most there), no document-only ones, immutable for a year", async () => {
    const page = await (await getStatic("/catalog/1/")).text();
    const src = /component-url="([^"]+)"/.exec(page)?.[1];
    expect(src).toMatch(/^\/_astro\/.+\.js$/);
    const res = await getStatic(src!, "*/*");
    expect(res.status).toBe(200);
    expectNonDocument(res, src!);
    expect(res.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
  });

  it("R50: other static files (script, icon, data, XML) carry the base headers only; pages keep revalidating", async () => {
    for (const path of ["/cart-lines.js", "/favicon.svg", CSP_MANIFEST_PATH, "/robots.txt", "/sitemap.xml", "/opensearch.xml"]) {
      const res = await getStatic(path, "*/*");
      expect(res.status, path).toBe(200);
      expectNonDocument(res, path);
      expect(res.headers.get("cache-control") ?? "", path).not.toContain("immutable");
    }
    const home = await getStatic("/");
    expect(home.headers.get("cache-control") ?? "").not.toContain("immutable");
  });
});

describe("Issue 6 item 6: docs/security.md says what the code sends", () => {
  it("names the private pages' Referrer-Policy as sent (same-origin), and never claims no-referrer for them", async () => {
    const doc = (await import("../../docs/security.md?raw")).default as string;
    const row = doc.split("\n").find((l) => l.startsWith("| `Referrer-Policy` |"))!;
    expect(row).toContain(`\`${REFERRER_POLICY}\``);
    expect(row).toContain(`\`${REFERRER_POLICY_PRIVATE}\` on \`/login\``);
    expect(row).not.toMatch(/`no-referrer` on/);
    const res = await get("/login");
    expect(res.headers.get("referrer-policy")).toBe(REFERRER_POLICY_PRIVATE);
  });
});
