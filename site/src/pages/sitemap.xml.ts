// /sitemap.xml — the sitemap index (see site/src/lib/sitemap.ts).
import type { APIRoute } from "astro";
import { originOf } from "../lib/config.ts";
import { sitemapIndex, xmlResponse } from "../lib/sitemap.ts";

export const GET: APIRoute = async ({ site }) => xmlResponse(await sitemapIndex(originOf(site)));
