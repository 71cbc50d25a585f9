// Build-time settings. The Worker reads the same names from wrangler.toml [vars]; the build reads them from the
// environment first, then from wrangler.toml, so the static pages and the Worker agree without a second copy.
import { readFileSync } from "node:fs";
import path from "node:path";

function wranglerVars(): Record<string, string> {
  try {
    const text = readFileSync(path.join(process.cwd(), "wrangler.toml"), "utf8");
    const section = /^\[vars\]\s*$([\s\S]*?)(?=^\[|(?![\s\S]))/m.exec(text)?.[1] ?? "";
    const vars: Record<string, string> = {};
    for (const m of section.matchAll(/^\s*([A-Z_][A-Z0-9_]*)\s*=\s*"([^"]*)"/gm)) vars[m[1]!] = m[2]!;
    return vars;
  } catch {
    return {};
  }
}

const vars = wranglerVars();
const setting = (name: string, fallback: string): string => process.env[name] || vars[name] || fallback;

export const SITE_NAME = setting("SITE_NAME", "栞 Shiori");
export const LIBRARY_NAME = setting("LIBRARY_NAME", "北九州市立図書館");
/** R44: the sender and domain patrons must allow in their mail filters. */
export const MAIL_FROM = setting("MAIL_FROM", "web_master@toshokan.example.jp");
export const MAIL_DOMAIN = setting("MAIL_DOMAIN", "toshokan.example.jp");
/** Issue 6 item 1: the origin the pages name (astro.config.mjs `site`). `npm start` and `npm test` set
 *  SITE_ORIGIN to the local server's (http://localhost:$PORT); otherwise wrangler.toml's, the production one. */
export const SITE_ORIGIN = setting("SITE_ORIGIN", "http://localhost:8787").replace(/\/+$/, "");

/**
 * Workers static assets allow 100,000 files per version. Record pages past this many (lowest ids first) are
 * not written; the Worker renders them at the same URL from the same view (worker/src/routes/catalog.ts).
 */
export const MAX_STATIC_RECORD_PAGES = (() => {
  const n = Number(process.env.MAX_STATIC_RECORD_PAGES ?? 90_000);
  return Number.isSafeInteger(n) && n >= 0 ? n : 90_000;
})();

/** Sitemap protocol: at most 50,000 URLs per file. */
export const SITEMAP_URLS_PER_FILE = 50_000;

/** The site's origin without a trailing slash (astro `site`, from SITE_ORIGIN). */
export function originOf(site: URL | undefined): string {
  return (site?.href ?? SITE_ORIGIN).replace(/\/+$/, "");
}
