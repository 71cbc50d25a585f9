// /robots.txt — everything may be crawled (issue 6 item 4). Pages that must not be indexed (cart, account, login,
// password, staff, search, availability, the JSON API, the page shells) say so themselves with
// `X-Robots-Tag: noindex` (worker/src/middleware/security-policy.ts isNoindexPath; site/dist/_headers for the
// shells) and <meta name="robots" content="noindex">: a Disallow here would stop crawlers from ever reading that,
// and a disallowed URL can still be indexed from links alone. docs/security.md "Crawlers".
import type { APIRoute } from "astro";
import { originOf } from "../lib/config.ts";

export const GET: APIRoute = ({ site }) =>
  new Response(["User-agent: *", "Allow: /", "", `Sitemap: ${originOf(site)}/sitemap.xml`, ""].join("\n"), {
    headers: { "Content-Type": "text/plain; charset=utf-8" },
  });
