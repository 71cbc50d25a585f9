// R10: 「検索」 — the input becomes a plan (every reason for a refusal collected), the plan runs on D1, its work
// bounded (issue 2): past SEARCH_BOUNDS the patron gets the best candidates and a hint to add a word.
import { findRecords, type AuthorRefinement, type SearchBounds, type SearchFacets, type SearchHit } from "../data/search.ts";
import type { Db } from "../data/db.ts";
import { SEARCH_BOUNDS } from "../domain/policy.ts";
import { planSearch, type SearchParams, type SearchSort } from "../domain/search-query.ts";
import { reason, refusal } from "../errors.ts";

export interface SearchResult {
  /** The input as understood: refills the form, builds sort, facet and page links. */
  params: SearchParams;
  sort: SearchSort;
  /** Hits found: exact when `totalExact`, else at least this many (「10,000件以上」). */
  total: number;
  totalExact: boolean;
  /** More hits than were ranked: the list, its pages and the facets cover the first `considered` only. */
  capped: boolean;
  considered: number;
  page: number;
  pageSize: number;
  pageCount: number;
  hits: SearchHit[];
  facets: SearchFacets;
  /** Issue 6 §2: the people the words name (「著者：芥川 竜之介（N件）」), or the one the search is narrowed to. */
  authors: AuthorRefinement[];
}

/** Searches the catalogue. Throws a bad_request AppError carrying every reason when the input is refused.
 *  `bounds`: production's by default; tests pass small ones to reach the cap with a small catalogue. */
export async function searchCatalog(db: Db, input: Readonly<Record<string, unknown>>, bounds: SearchBounds = SEARCH_BOUNDS): Promise<SearchResult> {
  const decision = planSearch(input);
  if (!decision.ok) throw refusal("bad_request", decision.reasons.map((r) => reason(r.code, r.field)));
  const { plan } = decision;
  const found = await findRecords(db, plan, bounds);
  return {
    params: plan.params,
    sort: plan.sort,
    total: found.total,
    totalExact: found.totalExact,
    capped: found.capped,
    considered: found.considered,
    page: plan.page,
    pageSize: plan.pageSize,
    // Pages cover the hits ranked: every hit, or the first `considered` when capped.
    pageCount: Math.ceil(found.considered / plan.pageSize),
    hits: found.hits,
    facets: found.facets,
    authors: found.authors,
  };
}
