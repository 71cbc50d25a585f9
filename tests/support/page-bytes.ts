// Issue 10 item 6 (R50): what a cold first visit of a built page downloads, found from the page itself — its
// scripts (<script src>, module preloads, each island's component and renderer), the modules those import
// statically, its icons and manifest — each body counted brotli-compressed (quality 11, what Cloudflare serves).
// Shared by the byte-budget tests (tests/worker/budgets.test.ts) and the bench (tests/bench/bytes.ts).
import { brotliCompressSync, constants } from "node:zlib";

export function brotliBytes(body: Uint8Array | string): number {
  const buf = typeof body === "string" ? Buffer.from(body) : Buffer.from(body);
  return brotliCompressSync(buf, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
}

function attr(tag: string, name: string): string | undefined {
  const m = new RegExp(`\\s${name}\\s*=\\s*(?:"([^"]*)"|'([^']*)'|([^\\s>]+))`, "i").exec(tag);
  return m ? (m[1] ?? m[2] ?? m[3]) : undefined;
}

/** Rel values a browser fetches on load (the rest — canonical, search, alternate — are only links). */
const LOADED_RELS = new Set(["stylesheet", "modulepreload", "preload", "prefetch", "icon", "manifest", "apple-touch-icon"]);

export interface PageRefs {
  scripts: string[];
  styles: string[];
  other: string[];
  /** Load-bearing URLs that point at another origin (must stay empty: 0 third-party origins). */
  foreign: string[];
}

/** The URLs a page makes the browser fetch at load, as written in its HTML. */
export function pageRefs(html: string): PageRefs {
  const out: PageRefs = { scripts: [], styles: [], other: [], foreign: [] };
  const add = (list: string[], url: string | undefined) => {
    if (!url) return;
    if (/^(https?:)?\/\//i.test(url)) out.foreign.push(url);
    else if (!list.includes(url)) list.push(url);
  };
  for (const [tag] of html.matchAll(/<script\b[^>]*>/gi)) add(out.scripts, attr(tag, "src"));
  for (const [tag] of html.matchAll(/<astro-island\b[^>]*>/gi)) {
    for (const name of ["component-url", "renderer-url", "before-hydration-url"]) add(out.scripts, attr(tag, name) || undefined);
  }
  for (const [tag] of html.matchAll(/<link\b[^>]*>/gi)) {
    const rels = (attr(tag, "rel") ?? "").toLowerCase().split(/\s+/);
    if (!rels.some((r) => LOADED_RELS.has(r))) continue;
    const href = attr(tag, "href");
    if (rels.includes("modulepreload")) add(out.scripts, href);
    else if (rels.includes("stylesheet")) add(out.styles, href);
    else add(out.other, href);
  }
  for (const [tag] of html.matchAll(/<(?:img|iframe|source|video|audio)\b[^>]*>/gi)) add(out.other, attr(tag, "src"));
  return out;
}

/** The modules a built module imports statically ("./x.js", "/_astro/x.js"), resolved against its own URL. */
export function staticImports(js: string, from: string): string[] {
  const out = new Set<string>();
  for (const m of js.matchAll(/(?:\bimport|\bexport)\s*(?:[\w$*{}\s,]*?\bfrom\s*)?["']([^"']+\.m?js)["']/g)) {
    out.add(new URL(m[1]!, `https://x.invalid${from}`).pathname);
  }
  return [...out];
}

/** Absolute http(s) URLs a script or stylesheet would load (imports, url(), @import): must stay empty. */
export function foreignLoads(code: string): string[] {
  const out: string[] = [];
  for (const m of code.matchAll(/(?:\bimport\s*\(?\s*|\bfrom\s*|url\(\s*|@import\s+)["']?((?:https?:)?\/\/[^"')\s]+)/gi)) out.push(m[1]!);
  return out;
}

/** Brotli bytes of a visit by kind, and how many responses (also the bench's browser-measured visit, bench/bytes.ts). */
export interface ByteCounts {
  html: number;
  css: number;
  js: number;
  other: number;
  total: number;
  requests: number;
}

export interface VisitBytes extends ByteCounts {
  files: string[];
  foreign: string[];
}

/** A cold first visit of one page: `fetchText` reads a same-origin path (the built site, or a running server). */
export async function visitBytes(html: string, fetchBody: (path: string) => Promise<Uint8Array>): Promise<VisitBytes> {
  const refs = pageRefs(html);
  const out: VisitBytes = { html: brotliBytes(html), css: 0, js: 0, other: 0, total: 0, requests: 1, files: [], foreign: [...refs.foreign] };
  // Inline <style> blocks are in the HTML already; a page without a stylesheet link costs no CSS request.
  const queue = [...refs.scripts];
  const seen = new Set<string>();
  while (queue.length) {
    const path = queue.shift()!;
    if (seen.has(path)) continue;
    seen.add(path);
    const body = await fetchBody(path);
    const text = new TextDecoder().decode(body);
    out.js += brotliBytes(body);
    out.requests++;
    out.files.push(path);
    out.foreign.push(...foreignLoads(text));
    queue.push(...staticImports(text, path));
  }
  for (const path of refs.styles) {
    const body = await fetchBody(path);
    out.css += brotliBytes(body);
    out.requests++;
    out.files.push(path);
    out.foreign.push(...foreignLoads(new TextDecoder().decode(body)));
  }
  for (const path of refs.other) {
    out.other += brotliBytes(await fetchBody(path));
    out.requests++;
    out.files.push(path);
  }
  out.total = out.html + out.css + out.js + out.other;
  return out;
}
