// R10 search routes: GET /search (HTML, no JavaScript needed), GET /search/advanced (詳細検索, the form opened) and
// GET /api/search (JSON for islands; refusals in the one error envelope).
import { Hono, type Context } from "hono";
import type { AppEnv } from "../env.ts";
import { AppError } from "../errors.ts";
import { SEARCH_PARAMS, cleanSearchParams } from "../domain/search-query.ts";
import { searchCatalog, type SearchResult } from "../services/search.ts";
import { renderInShell } from "../views/shell.ts";
import { cappedNotice, searchRefusedMain, searchResultsMain, searchStartMain, searchTitle, searchUrl, textValue } from "../views/search.ts";

export const searchRoutes = new Hono<AppEnv>();

/** Search answers change only when the catalogue or a copy's status does: a minute of shared caching is fine. */
const SEARCH_CACHE = "public, max-age=60";
/** Result pages are for patrons, not for search engines (the record pages are). */
const NOINDEX = '<meta name="robots" content="noindex">';

function toJson(r: SearchResult) {
  return {
    total: r.total,
    // Issue 2: past the bounds, `total` is a floor and hits, pages and facets cover the first `considered` hits.
    totalExact: r.totalExact,
    capped: r.capped,
    considered: r.considered,
    notice: cappedNotice(r),
    page: r.page,
    pageSize: r.pageSize,
    pageCount: r.pageCount,
    sort: r.sort,
    params: r.params,
    hits: r.hits.map((h) => ({ ...h, url: `/catalog/${h.id}/` })),
    facets: r.facets,
    // Issue 6 §2: `url` narrows the search to the person, or (active) lifts that refinement.
    authors: r.authors.map((a) => ({ ...a, url: searchUrl(r.params, { person: a.active ? null : String(a.personId), page: null }) })),
  };
}

searchRoutes.get("/api/search", async (c) => {
  // A refusal is thrown as a bad_request AppError: app.onError answers it in the error envelope (400).
  const result = await searchCatalog(c.var.db, c.req.query());
  c.header("Cache-Control", SEARCH_CACHE);
  return c.json(toJson(result));
});

async function startPage(c: Context<AppEnv>, advanced: boolean): Promise<Response> {
  const res = await renderInShell(c.env, {
    testDay: c.var.testDay,
    title: advanced ? "詳細検索" : "蔵書検索",
    head: NOINDEX,
    main: searchStartMain({ advanced }).toString(),
  });
  res.headers.set("Cache-Control", SEARCH_CACHE);
  return res;
}

searchRoutes.get("/search/advanced", (c) => startPage(c, true));

searchRoutes.get("/search", async (c) => {
  const query = c.req.query();
  // /search with no field at all is the empty search page, not an error; a submitted empty form is refused.
  if (!SEARCH_PARAMS.some((name) => name in query)) return startPage(c, false);
  let result: SearchResult;
  try {
    result = await searchCatalog(c.var.db, query);
  } catch (err) {
    if (!(err instanceof AppError) || err.code !== "bad_request") throw err;
    const params = cleanSearchParams(query);
    return renderInShell(c.env, {
      testDay: c.var.testDay,
      title: "検索できませんでした",
      status: 400,
      head: NOINDEX,
      query: textValue(params, "q"),
      main: searchRefusedMain(params, err.reasons).toString(),
    });
  }
  const res = await renderInShell(c.env, {
    testDay: c.var.testDay,
    title: searchTitle(result.params),
    head: NOINDEX,
    query: result.params.q,
    main: searchResultsMain(result).toString(),
  });
  res.headers.set("Cache-Control", SEARCH_CACHE);
  return res;
});
