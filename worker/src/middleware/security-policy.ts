// Issue 3 item 10: the security headers, defined once. The Worker sets them on its own responses
// (middleware/security-headers.ts); the site build writes the same values into site/dist/_headers for the
// static pages (site/integrations/security-headers.ts). Only the CSP's script/style hashes vary: the build
// collects them from the pages it wrote and publishes them as /_csp.json, which both channels feed through
// contentSecurityPolicy() below. See docs/security.md.

/** The hashes of the inline <script> and <style> bodies the built pages carry ("sha256-…", unquoted). */
export interface CspHashes {
  script: string[];
  style: string[];
}

/** Where the build publishes the hashes (a static asset the Worker reads through its ASSETS binding). */
export const CSP_MANIFEST_PATH = "/_csp.json";

export interface CspManifest extends CspHashes {
  version: 1;
}

const HASH_SOURCE = /^sha(256|384|512)-[A-Za-z0-9+/]+={0,2}$/;

/** Only well-formed hash sources may enter the policy: a manifest can never smuggle in a directive or a host. */
export function isHashSource(value: unknown): value is string {
  return typeof value === "string" && HASH_SOURCE.test(value);
}

/** Reads a manifest, refusing anything that is not a list of hash sources. */
export function parseCspManifest(value: unknown): CspHashes | null {
  if (!value || typeof value !== "object") return null;
  const { version, script, style } = value as Partial<CspManifest>;
  if (version !== 1 || !Array.isArray(script) || !Array.isArray(style)) return null;
  if (!script.every(isHashSource) || !style.every(isHashSource)) return null;
  return { script: [...script], style: [...style] };
}

/**
 * The Content-Security-Policy. Scripts: same-origin files and the hashed inline scripts Astro and Solid emit
 * (island loader, Solid's hydration bootstrap) — never 'unsafe-inline', so injected markup cannot run code.
 * Styles: same-origin files and the hashed inline stylesheet (build.inlineStylesheets: "always").
 */
export function contentSecurityPolicy(hashes: CspHashes): string {
  const quoted = (list: string[]) => list.filter(isHashSource).map((h) => `'${h}'`);
  return [
    "default-src 'self'",
    ["script-src 'self'", ...quoted(hashes.script)].join(" "),
    ["style-src 'self'", ...quoted(hashes.style)].join(" "),
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "form-action 'self'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
    "object-src 'none'",
  ].join("; ");
}

/** Two years: well past the one year HSTS preload lists and the issue ask for. */
export const HSTS = "max-age=63072000; includeSubDomains";
export const REFERRER_POLICY = "strict-origin-when-cross-origin";
/** Account pages may carry a card number or a one-time state in the URL: never send it to another site.
 *  Not `no-referrer`: under it Chromium posts forms with `Origin: null`, which the CSRF check refuses. */
export const REFERRER_POLICY_PRIVATE = "same-origin";
/** Nothing on the site needs these features; deny them to the page and to anything it might embed. */
export const PERMISSIONS_POLICY =
  "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), payment=(), usb=()";

/** Worker paths for one patron or staff member: login, account, 「パスワード発行・申請」, staff, 「予約状況一覧」 (issue 7) (no referrer). */
export function isPrivatePath(path: string): boolean {
  return /^\/(account|login|logout|password|staff|holds)(\/|$)/.test(path);
}

/** Issue 6 item 4: what X-Robots-Tag says on pages that must not be indexed (links on them may still be followed). */
export const NOINDEX = "noindex";

/**
 * Paths that are crawlable but never indexed: one visitor's pages (cart, account, login, password, staff), the
 * endless search and availability pages, the JSON API, and the page shells the Worker fills. robots.txt
 * Disallows none of them, so a crawler can read this header (docs/security.md "Crawlers").
 */
export function isNoindexPath(path: string): boolean {
  return /^\/(api|search|availability|cart|account|login|logout|password|staff|holds|_shell)(\/|$)/.test(path);
}

/**
 * Issue 10 item 6 (R50): the headers that only mean something on a document a browser renders — the policy of the
 * page, what may frame it, its features, its browsing-context group. A script, stylesheet, image or JSON answer
 * carrying them paid ~1.1 KB a response for nothing, so they go on documents (HTML) only.
 */
export const DOCUMENT_ONLY_HEADERS = ["Content-Security-Policy", "X-Frame-Options", "Permissions-Policy", "Cross-Origin-Opener-Policy"] as const;

/** A response a browser renders as a page: HTML (the Worker's pages, errors, the static pages). */
export function isDocumentType(contentType: string | null): boolean {
  return /^\s*(text\/html|application\/xhtml\+xml)\b/i.test(contentType ?? "");
}

/** Issue 10 item 6: hashed build output (/_astro/*) never changes under its name: a year, immutable. */
export const IMMUTABLE_CACHE_CONTROL = "public, max-age=31536000, immutable";

/** The headers every response carries, document or not (transport and sniffing; the referrer of its own fetches). */
export function baseHeaderList(opts: { privatePage?: boolean } = {}): [string, string][] {
  return [
    ["Strict-Transport-Security", HSTS],
    ["X-Content-Type-Options", "nosniff"],
    ["Referrer-Policy", opts.privatePage ? REFERRER_POLICY_PRIVATE : REFERRER_POLICY],
  ];
}

/** The document-only headers (DOCUMENT_ONLY_HEADERS, in that order) with their values. */
export function documentHeaderList(hashes: CspHashes): [string, string][] {
  return [
    ["Content-Security-Policy", contentSecurityPolicy(hashes)],
    ["X-Frame-Options", "DENY"],
    ["Permissions-Policy", PERMISSIONS_POLICY],
    ["Cross-Origin-Opener-Policy", "same-origin"],
  ];
}

/** Every security header a document carries (the _headers file's catch-all rule). */
export function securityHeaderList(hashes: CspHashes, opts: { privatePage?: boolean } = {}): [string, string][] {
  return [...documentHeaderList(hashes), ...baseHeaderList(opts)];
}
