// Issue 3 item 10: security headers on every Worker response (API JSON, dynamic HTML, errors, redirects).
// Issue 10 item 6 (R50): the document-only ones (CSP, X-Frame-Options, Permissions-Policy, COOP) on HTML only.
// Static pages get the same values from site/dist/_headers; both come from middleware/security-policy.ts, and
// the CSP hashes from the build's /_csp.json, read once per isolate like the page shell (views/shell.ts).
import type { MiddlewareHandler } from "hono";
import type { AppEnv, Env } from "../env.ts";
import {
  CSP_MANIFEST_PATH,
  DOCUMENT_ONLY_HEADERS,
  NOINDEX,
  baseHeaderList,
  documentHeaderList,
  isDocumentType,
  isNoindexPath,
  isPrivatePath,
  parseCspManifest,
  type CspHashes,
} from "./security-policy.ts";
import { applyLowBandwidth } from "./low-bandwidth.ts";

/** Without a manifest no inline script or style is allowed: a broken build loses its islands, not its safety. */
const NO_HASHES: CspHashes = { script: [], style: [] };

let hashesCache: Promise<CspHashes> | undefined;

async function fetchHashes(env: Env): Promise<CspHashes> {
  const res = await env.ASSETS.fetch(new Request(`https://assets.invalid${CSP_MANIFEST_PATH}`));
  if (!res.ok) throw new Error(`${CSP_MANIFEST_PATH} missing from the static assets (status ${res.status}); run the site build`);
  const hashes = parseCspManifest(await res.json());
  if (!hashes) throw new Error(`${CSP_MANIFEST_PATH} is malformed; run the site build`);
  return hashes;
}

function loadHashes(env: Env): Promise<CspHashes> {
  hashesCache ??= fetchHashes(env).catch((err: unknown) => {
    // Fail closed for this request, and try again on the next one (the assets may appear after a rebuild).
    console.error("security headers:", err instanceof Error ? err.message : err);
    hashesCache = undefined;
    return NO_HASHES;
  });
  return hashesCache;
}

/** Cache-Control that keeps a response out of shared caches: no-store or private, and nothing public. */
export function isPrivateCacheControl(value: string | null): boolean {
  const directives = (value ?? "").toLowerCase().split(",").map((d) => d.trim().split("=")[0]);
  return !directives.includes("public") && !directives.includes("s-maxage") && (directives.includes("no-store") || directives.includes("private"));
}

export function securityHeaders(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    await next();
    const document = isDocumentType(c.res.headers.get("Content-Type"));
    const list = baseHeaderList({ privatePage: isPrivatePath(c.req.path) });
    if (document) list.push(...documentHeaderList(await loadHashes(c.env)));
    let headers = c.res.headers;
    try {
      headers.set(list[0]![0], list[0]![1]);
    } catch {
      // A response passed through from fetch() has immutable headers: copy it once.
      c.res = new Response(c.res.body, c.res);
      headers = c.res.headers;
    }
    for (const [name, value] of list) headers.set(name, value);
    // A route's own copy of a document header on a non-document (e.g. passed through from the assets) goes too.
    if (!document) for (const name of DOCUMENT_ONLY_HEADERS) headers.delete(name);
    // Worker answers are per request unless a route says otherwise (record pages: a minute, public).
    if (!headers.has("Cache-Control")) headers.set("Cache-Control", "no-store");
    // Issue 6 item 6: a response that sets a cookie belongs to one browser: never public, never stored by a shared
    // cache (a dead session cookie being cleared on /search made a public, cacheable answer carry Set-Cookie).
    if (headers.has("Set-Cookie") && !isPrivateCacheControl(headers.get("Cache-Control"))) headers.set("Cache-Control", "private, no-store");
    // Issue 6 item 4: pages for one visitor, endless query pages and JSON are crawlable but not indexed
    // (robots.txt does not Disallow them, so crawlers can read this; docs/security.md "Crawlers").
    if (isNoindexPath(c.req.path)) headers.set("X-Robots-Tag", NOINDEX);
    // Issue 10 item 5: Save-Data pages lose their islands (done here, the outermost layer, on the final answer).
    if (document) c.res = applyLowBandwidth(c.req.raw.headers, c.res);
  };
}
