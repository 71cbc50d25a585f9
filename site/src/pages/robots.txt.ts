// /robots.txt — crawl the catalogue and the guide; not the Worker's per-visitor or endless pages.
import type { APIRoute } from "astro";
import { originOf } from "../lib/config.ts";

export const GET: APIRoute = ({ site }) =>
  new Response(
    [
      "User-agent: *",
      "Allow: /",
      "Disallow: /api/",
      "Disallow: /search",
      "Disallow: /availability/",
      "Disallow: /cart",
      "Disallow: /account",
      "Disallow: /login",
      "Disallow: /staff/",
      "Disallow: /_shell/",
      "",
      `Sitemap: ${originOf(site)}/sitemap.xml`,
      "",
    ].join("\n"),
    { headers: { "Content-Type": "text/plain; charset=utf-8" } },
  );
