// R10: 「検索」 — the input becomes a plan (every reason for a refusal collected), the plan runs on D1.
import { findRecords, type SearchFacets, type SearchHit } from "../data/search.ts";
import type { Db } from "../data/db.ts";
import { planSearch, type SearchParams, type SearchSort } from "../domain/search-query.ts";
import { reason, refusal } from "../errors.ts";

export interface SearchResult {
  /** The input as understood: refills the form, builds sort, facet and page links. */
  params: SearchParams;
  sort: SearchSort;
  total: number;
  page: number;
  pageSize: number;
  pageCount: number;
  hits: SearchHit[];
  facets: SearchFacets;
}

/** Searches the catalogue. Throws a bad_request AppError carrying every reason when the input is refused. */
export async function searchCatalog(db: Db, input: Readonly<Record<string, unknown>>): Promise<SearchResult> {
  const decision = planSearch(input);
  if (!decision.ok) throw refusal("bad_request", decision.reasons.map((r) => reason(r.code, r.field)));
  const { plan } = decision;
  const found = await findRecords(db, plan);
  return {
    params: plan.params,
    sort: plan.sort,
    total: found.total,
    page: plan.page,
    pageSize: plan.pageSize,
    pageCount: Math.ceil(found.total / plan.pageSize),
    hits: found.hits,
    facets: found.facets,
  };
}
