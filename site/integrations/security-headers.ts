// Issue 3 item 10: the static pages' security headers and the CSP hashes, taken from the build itself.
//
// Astro's own CSP support (security.csp) hashes the inline scripts and styles Astro emits and writes them into
// a <meta http-equiv="content-security-policy"> on every page. It does not hash the inline script a renderer
// adds — Solid's hydration bootstrap (`window._$HY||…`), without which the islands fail — so cspConfig() adds
// that hash, computed from solid-js/web's generateHydrationScript(), the function the renderer calls.
//
// After the build, securityHeadersIntegration() reads every page: each inline executable <script> and each
// <style> must be one its page's meta policy vouches for (anything else — markup that slipped into a page
// unescaped — fails the build), and the union of their hashes becomes
//   site/dist/_csp.json   read by the Worker for its own responses (worker/src/middleware/security-headers.ts)
//   site/dist/_headers    the same headers for the static pages (Workers static assets apply this file)
// Both go through worker/src/middleware/security-policy.ts, the one definition of the policy.
import { createHash } from "node:crypto";
import { readdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { AstroIntegration } from "astro";
import { generateHydrationScript } from "solid-js/web";
import {
  CSP_MANIFEST_PATH,
  DOCUMENT_ONLY_HEADERS,
  IMMUTABLE_CACHE_CONTROL,
  NOINDEX,
  contentSecurityPolicy,
  securityHeaderList,
  type CspHashes,
  type CspManifest,
} from "../../worker/src/middleware/security-policy.ts";

/** Each line of _headers may be at most 2,000 characters (Workers static assets). */
const HEADERS_LINE_LIMIT = 2000;
/**
 * The site emits a handful of inline scripts (island loaders, Solid's bootstrap), the same on every page. Far
 * more distinct bodies means per-page inline code, which a hash list cannot and should not cover.
 */
const MAX_INLINE_BODIES = 16;

export function sha256Source(text: string): string {
  return `sha256-${createHash("sha256").update(text, "utf8").digest("base64")}`;
}

/** The hash of Solid's hydration bootstrap, exactly as @astrojs/solid-js writes it into a page. */
export function solidHydrationScriptHash(): string {
  const body = /<script[^>]*>([\s\S]*?)<\/script>/.exec(generateHydrationScript())?.[1];
  if (body === undefined) throw new Error("solid-js/web generateHydrationScript() returned no <script>");
  return sha256Source(body);
}

/** For astro.config.mjs `security.csp`: Astro's per-page meta policy, plus the renderer script Astro misses. */
export function cspConfig() {
  return { algorithm: "SHA-256" as const, scriptDirective: { hashes: [solidHydrationScriptHash() as `sha256-${string}`] } };
}

/** JSON-LD and other data blocks are never executed, so the CSP does not govern them. */
const DATA_BLOCK_TYPES = new Set(["application/ld+json", "application/json"]);

export interface InlineCode {
  script: string[];
  style: string[];
}

/** An attribute's value: "" when present without one, undefined when absent. */
function attr(attrs: string, name: string): string | undefined {
  const m = new RegExp(`(?:^|\\s)${name}(?:\\s*=\\s*(?:"([^"]*)"|'([^']*)'|([^\\s>]+)))?(?=[\\s/>]|$)`, "i").exec(attrs);
  return m ? (m[1] ?? m[2] ?? m[3] ?? "") : undefined;
}

/** The bodies of the inline code a browser would run (scripts) or apply (styles) in one built page. */
export function inlineCode(page: string): InlineCode {
  const out: InlineCode = { script: [], style: [] };
  for (const m of page.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script\s*>/gi)) {
    const attrs = m[1] ?? "";
    if (attr(attrs, "src") !== undefined) continue;
    const type = attr(attrs, "type")?.trim().toLowerCase();
    if (type && DATA_BLOCK_TYPES.has(type)) continue;
    out.script.push(m[2] ?? "");
  }
  for (const m of page.matchAll(/<style\b[^>]*>([\s\S]*?)<\/style\s*>/gi)) out.style.push(m[1] ?? "");
  return out;
}

/** The hash sources of one directive in a page's <meta http-equiv="content-security-policy">. */
export function metaPolicyHashes(page: string): CspHashes | null {
  const meta = /<meta\b[^>]*http-equiv\s*=\s*["']?content-security-policy["']?[^>]*>/i.exec(page)?.[0];
  if (!meta) return null;
  const content = attr(meta, "content")?.replace(/&#39;|&#x27;|&apos;/g, "'").replace(/&amp;/g, "&");
  if (content === undefined) return null;
  const sources = (directive: string) =>
    (new RegExp(`(?:^|;)\\s*${directive}\\s+([^;]*)`).exec(content)?.[1] ?? "")
      .split(/\s+/)
      .filter((s) => s.startsWith("'sha"))
      .map((s) => s.slice(1, -1));
  return { script: sources("script-src"), style: sources("style-src") };
}

async function htmlFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile() && e.name.endsWith(".html")).map((e) => path.join(e.parentPath, e.name));
}

/** Reads every built page; returns the hashes in use, or throws naming the first page with unvouched inline code. */
export async function collectHashes(distDir: string): Promise<CspHashes & { pages: number }> {
  const files = await htmlFiles(distDir);
  const script = new Map<string, string>();
  const style = new Map<string, string>();
  const problems: string[] = [];
  const BATCH = 64;
  for (let i = 0; i < files.length && problems.length === 0; i += BATCH) {
    await Promise.all(
      files.slice(i, i + BATCH).map(async (file) => {
        const page = await readFile(file, "utf8");
        const code = inlineCode(page);
        if (code.script.length === 0 && code.style.length === 0) return;
        const vouched = metaPolicyHashes(page);
        const rel = path.relative(distDir, file);
        if (!vouched) {
          problems.push(`${rel}: inline code but no CSP meta tag (is security.csp on in astro.config.mjs?)`);
          return;
        }
        for (const [kind, bodies, seen] of [
          ["script", code.script, script],
          ["style", code.style, style],
        ] as const) {
          for (const body of bodies) {
            const h = sha256Source(body);
            if (!vouched[kind].includes(h)) {
              problems.push(`${rel}: inline <${kind}> ${h} is not in the page's own policy: ${JSON.stringify(body.slice(0, 120))}`);
            }
            seen.set(h, body);
          }
        }
      }),
    );
  }
  if (problems.length) throw new Error(`CSP: inline code the build did not emit itself:\n${problems.slice(0, 10).join("\n")}`);
  if (script.size > MAX_INLINE_BODIES || style.size > MAX_INLINE_BODIES) {
    throw new Error(`CSP: ${script.size} distinct inline scripts and ${style.size} inline styles across the site; expected a few shared ones`);
  }
  return { script: [...script.keys()].sort(), style: [...style.keys()].sort(), pages: files.length };
}

/** Issue 6 item 4: the media type of the OpenSearch description (Workers assets would say application/xml). */
export const OPENSEARCH_TYPE = "application/opensearchdescription+xml; charset=utf-8";

/**
 * Issue 10 item 6 (R50): static files that are not documents. _headers matches paths, not types, so these rules
 * detach ("! Name") the document-only headers the catch-all rule attaches: the pages keep them, scripts, styles,
 * images and data files do not pay for them.
 */
export const NON_DOCUMENT_PATTERNS = ["/_astro/*", "/*.js", "/*.css", "/*.svg", "/*.png", "/*.ico", "/*.json", "/*.webmanifest", "/*.xml", "/*.txt", "/sitemaps/*"] as const;

/** The _headers file: every security header on every static page, the base ones on other files, a few per-path ones. */
export function headersFile(hashes: CspHashes): string {
  const lines = [
    "# Written by site/integrations/security-headers.ts after each build (issue 3 item 10); do not edit.",
    "# The Worker sets the same headers on its own responses (worker/src/middleware/security-headers.ts).",
    "/*",
    ...securityHeaderList(hashes).map(([name, value]) => `  ${name}: ${value}`),
    // Issue 6 item 6: static files answer GET and HEAD only; the platform's 405 for any other method carries
    // this too (Workers assets add these headers to every response they give, errors included).
    "  Allow: GET, HEAD",
    // Issue 10 item 6: hashed names (Vite's content hash) never change content: cache for a year, never revalidate.
    ...NON_DOCUMENT_PATTERNS.flatMap((pattern) => [
      pattern,
      ...(pattern === "/_astro/*" ? [`  Cache-Control: ${IMMUTABLE_CACHE_CONTROL}`] : []),
      ...DOCUMENT_ONLY_HEADERS.map((name) => `  ! ${name}`),
    ]),
    "/opensearch.xml",
    `  Content-Type: ${OPENSEARCH_TYPE}`,
    // The page shells the Worker fills (/_shell/, /_shell/login/) are never pages of their own.
    "/_shell/*",
    `  X-Robots-Tag: ${NOINDEX}`,
  ];
  const long = lines.find((l) => l.length > HEADERS_LINE_LIMIT);
  if (long) throw new Error(`_headers line over ${HEADERS_LINE_LIMIT} characters: ${long.slice(0, 80)}…`);
  return `${lines.join("\n")}\n`;
}

export function securityHeadersIntegration(): AstroIntegration {
  return {
    name: "shiori-security-headers",
    hooks: {
      "astro:build:done": async ({ dir, logger }) => {
        const distDir = fileURLToPath(dir);
        const { pages, ...hashes } = await collectHashes(distDir);
        const manifest: CspManifest = { version: 1, ...hashes };
        await writeFile(path.join(distDir, CSP_MANIFEST_PATH.slice(1)), `${JSON.stringify(manifest)}\n`);
        await writeFile(path.join(distDir, "_headers"), headersFile(hashes));
        logger.info(`${pages} pages checked; CSP: ${contentSecurityPolicy(hashes).length} characters, ${hashes.script.length} script and ${hashes.style.length} style hashes`);
      },
    },
  };
}
