// Sitemaps: an index at /sitemap.xml, /sitemaps/pages.xml (home, guide) and /sitemaps/records-N.xml
// (≤ 50,000 URLs each, every record, including those past the static cap: the Worker serves them).
import { allRecordStamps, type RecordStamp } from "./catalog.ts";
import { GUIDE_PAGES } from "./guide.ts";
import { SITEMAP_URLS_PER_FILE } from "./config.ts";

const xmlHeader = '<?xml version="1.0" encoding="UTF-8"?>\n';

function escapeXml(s: string): string {
  return s.replace(/[<>&'"]/g, (c) => ({ "<": "&lt;", ">": "&gt;", "&": "&amp;", "'": "&apos;", '"': "&quot;" })[c]!);
}

export function xmlResponse(body: string, type = "application/xml"): Response {
  return new Response(body, { headers: { "Content-Type": `${type}; charset=utf-8` } });
}

export async function recordSitemapCount(): Promise<number> {
  return Math.max(1, Math.ceil((await allRecordStamps()).length / SITEMAP_URLS_PER_FILE));
}

/** Issue 6 item 4: <lastmod> in W3C Datetime (UTC, seconds), from records.updated_at — the same on every build
 *  of unchanged data, so a crawler re-reads only what changed. */
export function lastmod(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
}

function recordFile(stamps: RecordStamp[], n: number): RecordStamp[] {
  return stamps.slice((n - 1) * SITEMAP_URLS_PER_FILE, n * SITEMAP_URLS_PER_FILE);
}

export async function sitemapIndex(origin: string): Promise<string> {
  const stamps = await allRecordStamps();
  const files: { loc: string; lastmod?: string }[] = [{ loc: "/sitemaps/pages.xml" }];
  const n = await recordSitemapCount();
  for (let i = 1; i <= n; i++) {
    const part = recordFile(stamps, i);
    const newest = part.reduce((m, s) => Math.max(m, s.updatedAt), 0);
    files.push({ loc: `/sitemaps/records-${i}.xml`, ...(newest ? { lastmod: lastmod(newest) } : {}) });
  }
  return `${xmlHeader}<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n${files
    .map((f) => `<sitemap><loc>${escapeXml(origin + f.loc)}</loc>${f.lastmod ? `<lastmod>${f.lastmod}</lastmod>` : ""}</sitemap>`)
    .join("\n")}\n</sitemapindex>\n`;
}

function urlset(urls: { loc: string; lastmod?: string }[]): string {
  return `${xmlHeader}<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n${urls
    .map((u) => `<url><loc>${escapeXml(u.loc)}</loc>${u.lastmod ? `<lastmod>${u.lastmod}</lastmod>` : ""}</url>`)
    .join("\n")}\n</urlset>\n`;
}

/** The home page and the guide: no <lastmod> (optional in the protocol), as nothing records when they changed. */
export function pagesSitemap(origin: string): string {
  return urlset([`${origin}/`, `${origin}/guide/`, ...GUIDE_PAGES.map((g) => origin + g.href)].map((loc) => ({ loc })));
}

/** File n (1-based) of the record sitemaps. */
export async function recordsSitemap(origin: string, n: number): Promise<string> {
  const part = recordFile(await allRecordStamps(), n);
  return urlset(part.map((s) => ({ loc: `${origin}/catalog/${s.id}/`, lastmod: lastmod(s.updatedAt) })));
}
