// /opensearch.xml — lets browsers add the catalogue as a search engine (linked from the layout's <head>).
import type { APIRoute } from "astro";
import { LIBRARY_NAME, SITE_NAME, originOf } from "../lib/config.ts";

function escapeXml(s: string): string {
  return s.replace(/[<>&"]/g, (c) => ({ "<": "&lt;", ">": "&gt;", "&": "&amp;", '"': "&quot;" })[c]!);
}

export const GET: APIRoute = ({ site }) => {
  const origin = originOf(site);
  const body = `<?xml version="1.0" encoding="UTF-8"?>
<OpenSearchDescription xmlns="http://a9.com/-/spec/opensearch/1.1/">
<ShortName>${escapeXml(SITE_NAME)}</ShortName>
<Description>${escapeXml(`${LIBRARY_NAME}の蔵書検索`)}</Description>
<InputEncoding>UTF-8</InputEncoding>
<Language>ja</Language>
<Image width="32" height="32" type="image/svg+xml">${escapeXml(origin)}/favicon.svg</Image>
<Url type="text/html" method="get" template="${escapeXml(origin)}/search?q={searchTerms}"/>
</OpenSearchDescription>
`;
  return new Response(body, { headers: { "Content-Type": "application/opensearchdescription+xml; charset=utf-8" } });
};
