// /sitemaps/pages.xml — the home page and the usage guide.
import type { APIRoute } from "astro";
import { originOf } from "../../lib/config.ts";
import { pagesSitemap, xmlResponse } from "../../lib/sitemap.ts";

export const GET: APIRoute = ({ site }) => xmlResponse(pagesSitemap(originOf(site)));
