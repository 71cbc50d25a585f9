// Sitemaps: an index at /sitemap.xml, /sitemaps/pages.xml (home, guide) and /sitemaps/records-N.xml
// (≤ 50,000 URLs each, every record, including those past the static cap: the Worker serves them).
import { allRecordIds } from "./catalog.ts";
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
  return Math.max(1, Math.ceil((await allRecordIds()).length / SITEMAP_URLS_PER_FILE));
}

export async function sitemapIndex(origin: string): Promise<string> {
  const files = ["/sitemaps/pages.xml"];
  const n = await recordSitemapCount();
  for (let i = 1; i <= n; i++) files.push(`/sitemaps/records-${i}.xml`);
  return `${xmlHeader}<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n${files
    .map((f) => `<sitemap><loc>${escapeXml(origin + f)}</loc></sitemap>`)
    .join("\n")}\n</sitemapindex>\n`;
}

function urlset(urls: string[]): string {
  return `${xmlHeader}<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n${urls
    .map((u) => `<url><loc>${escapeXml(u)}</loc></url>`)
    .join("\n")}\n</urlset>\n`;
}

export function pagesSitemap(origin: string): string {
  return urlset([`${origin}/`, `${origin}/guide/`, ...GUIDE_PAGES.map((g) => origin + g.href)]);
}

/** File n (1-based) of the record sitemaps. */
export async function recordsSitemap(origin: string, n: number): Promise<string> {
  const ids = (await allRecordIds()).slice((n - 1) * SITEMAP_URLS_PER_FILE, n * SITEMAP_URLS_PER_FILE);
  return urlset(ids.map((id) => `${origin}/catalog/${id}/`));
}
