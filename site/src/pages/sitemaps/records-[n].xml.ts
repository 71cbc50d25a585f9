// /sitemaps/records-N.xml — every record URL, ≤ 50,000 per file.
import type { APIRoute, GetStaticPaths } from "astro";
import { originOf } from "../../lib/config.ts";
import { recordSitemapCount, recordsSitemap, xmlResponse } from "../../lib/sitemap.ts";

export const getStaticPaths = (async () => {
  const n = await recordSitemapCount();
  return Array.from({ length: n }, (_, i) => ({ params: { n: String(i + 1) } }));
}) satisfies GetStaticPaths;

export const GET: APIRoute = async ({ site, params }) => xmlResponse(await recordsSitemap(originOf(site), Number(params.n)));
