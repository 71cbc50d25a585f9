// R10: what a patron may ask the catalogue search, and the plan the data layer runs. Pure: text in, plan or
// every reason for a refusal out. What the patron typed is only ever text: it reaches SQL and FTS5 as bound
// values inside quoted phrases, never as syntax (so `"`, `*`, `NEAR(` or `'; DROP TABLE …` are just characters).
import * as v from "valibot";
import { isbnLookup, recordedIsbn, type IsbnLookup } from "./isbn.ts";
import type { ReasonCode } from "./messages.ts";
import { charLength, splitTerms } from "./normalize.ts";
import type { SearchScope } from "./search-fields.ts";
import { MATERIAL_TYPES, type MaterialType } from "./vocabulary.ts";

/** Longest text a search field takes, in characters. */
export const SEARCH_TEXT_MAX = 100;
/** Most terms one search may AND together (each 1–2 character term is one more index lookup). */
export const SEARCH_TERMS_MAX = 10;
/** Results per page. */
export const PAGE_SIZE = 20;
/** Deepest page a patron can ask for (10,000 results); past it, narrow the search. */
export const PAGE_MAX = 500;
/** Below this many characters FTS5's trigram tokenizer matches nothing: such terms use record_grams. */
export const FTS_MIN_CHARS = 3;

export const SORTS = ["relevance", "reading", "newest"] as const;
export type SearchSort = (typeof SORTS)[number];

// The vocabulary's list (domain/vocabulary.ts, which the schema builds on too): the valibot schemas shared with
// islands pull in no drizzle.
export const MATERIAL_TYPE_VALUES = MATERIAL_TYPES;

/** The fields of the search form: the one box `q`, the advanced form, sort, facets, page, and the author refinement
 *  (`person`: a person's id, the works they wrote). */
export const SEARCH_PARAMS = ["q", "title", "author", "publisher", "isbn", "ndc", "person", "sort", "page", "branch", "type", "year", "decade"] as const;
export type SearchParamName = (typeof SEARCH_PARAMS)[number];
export type SearchParams = Partial<Record<SearchParamName, string>>;

const TEXT_FIELDS = ["q", "title", "author", "publisher"] as const;
type TextField = (typeof TEXT_FIELDS)[number];
const TEXT_SCOPE: Record<TextField, SearchScope> = { q: "any", title: "title", author: "author", publisher: "publisher" };

// C0 and C1 control characters, DEL included. Nobody types them; they arrive from broken clients or probes.
const CONTROL_CHARS = /\p{Cc}/u;
const NDC_SHAPE = /^\d{1,3}(?:\.\d{1,6})?$/;

const code = (c: ReasonCode) => c;

const textField = v.pipe(
  v.string(code("bad_request")),
  v.check((s) => !CONTROL_CHARS.test(s), code("query_control_chars")),
  v.check((s) => charLength(s.trim()) <= SEARCH_TEXT_MAX, code("query_too_long")),
);

/** Per-field shape of the search input. Messages are reason codes (domain/messages.ts has their Japanese). */
export const SearchInputSchema = v.object({
  q: v.optional(textField),
  title: v.optional(textField),
  author: v.optional(textField),
  publisher: v.optional(textField),
  // As the record carries it (issue 6 §2): the shape of an ISBN is enough, a wrong check digit is looked up as typed.
  isbn: v.optional(v.pipe(v.string(code("bad_request")), v.check((s) => recordedIsbn(s) !== null, code("isbn_invalid")))),
  ndc: v.optional(v.pipe(v.string(code("bad_request")), v.check((s) => parseNdc(s) !== null, code("ndc_invalid")))),
  sort: v.optional(v.picklist(SORTS, code("sort_invalid"))),
  page: v.optional(
    v.pipe(
      v.string(code("bad_request")),
      v.regex(/^[1-9]\d{0,5}$/, code("page_invalid")),
      v.check((s) => Number(s) <= PAGE_MAX, code("page_invalid")),
    ),
  ),
  branch: v.optional(v.pipe(v.string(code("bad_request")), v.regex(/^[1-9]\d{0,8}$/, code("facet_invalid")))),
  person: v.optional(v.pipe(v.string(code("bad_request")), v.regex(/^[1-9]\d{0,8}$/, code("facet_invalid")))),
  type: v.optional(v.picklist(MATERIAL_TYPE_VALUES, code("facet_invalid"))),
  year: v.optional(v.pipe(v.string(code("bad_request")), v.regex(/^\d{4}$/, code("year_invalid")))),
  decade: v.optional(v.pipe(v.string(code("bad_request")), v.regex(/^\d{3}0$/, code("year_invalid")))),
});

export type SearchInput = v.InferOutput<typeof SearchInputSchema>;

/** A text term: normalised text looked up in a scope; `via` says which index can answer it. */
export interface TextTerm {
  text: string;
  scope: SearchScope;
  via: "fts" | "grams";
}

/** An ISBN to look up: a valid one's ISBN-13 and ISBN-10, and the forms a record may carry in its note (domain/isbn.ts). */
export type IsbnTerm = IsbnLookup;

export interface SearchFilters {
  branchId: number | null;
  type: MaterialType | null;
  year: number | null;
  decade: number | null;
}

export interface SearchPlan {
  terms: TextTerm[];
  isbns: IsbnTerm[];
  /** NDC prefix: '9', '91', '913', '913.6'. */
  ndc: string | null;
  /** The author refinement: works whose 著者 is this person. */
  person: number | null;
  /** The normalised words a title could be typed as (one box and 資料名), for ranking exact title matches. */
  rankTerms: string[];
  filters: SearchFilters;
  sort: SearchSort;
  page: number;
  pageSize: number;
  /** The input as understood (empty fields dropped): for refilling the form and building links. */
  params: SearchParams;
}

export interface SearchReason {
  code: ReasonCode;
  field?: SearchParamName;
}

export type SearchPlanDecision = { ok: true; plan: SearchPlan } | { ok: false; reasons: SearchReason[]; params: SearchParams };

/** Keeps the known fields that carry a value; a submitted empty field (`isbn=`) is the same as none. */
export function cleanSearchParams(raw: Readonly<Record<string, unknown>>): SearchParams {
  const out: SearchParams = {};
  for (const name of SEARCH_PARAMS) {
    const value = raw[name];
    if (typeof value === "string") {
      if (value.trim() !== "") out[name] = value;
    } else if (value !== undefined && value !== null) {
      // Not text (a JSON client sent a number or a list): keep it, so the schema refuses it.
      out[name] = value as string;
    }
  }
  return out;
}

/** Validates the search input and plans the query, or answers every reason it cannot be run. */
export function planSearch(raw: Readonly<Record<string, unknown>>): SearchPlanDecision {
  const params = cleanSearchParams(raw);
  const reasons: SearchReason[] = [];
  const parsed = v.safeParse(SearchInputSchema, params, { abortEarly: false, abortPipeEarly: false });
  const invalid = new Set<string>();
  if (!parsed.success) {
    for (const issue of parsed.issues) {
      const field = v.getDotPath(issue) as SearchParamName | null;
      const c = issue.message as ReasonCode;
      if (field) invalid.add(field);
      if (!reasons.some((r) => r.code === c && r.field === (field ?? undefined))) {
        reasons.push(field ? { code: c, field } : { code: c });
      }
    }
  }

  const searchable = ["q", "title", "author", "publisher", "isbn", "ndc", "person"] as const;
  if (!searchable.some((f) => params[f] !== undefined)) reasons.unshift({ code: "query_empty", field: "q" });

  const terms: TextTerm[] = [];
  const isbns: IsbnTerm[] = [];
  const rankTerms: string[] = [];
  for (const field of TEXT_FIELDS) {
    const value = params[field];
    if (value === undefined || invalid.has(field)) continue;
    const scope = TEXT_SCOPE[field];
    let found = 0;
    for (const token of value.normalize("NFKC").trim().split(/\s+/u)) {
      // An ISBN typed in the one box (with or without hyphens, 'ISBN' prefix) is looked up as an ISBN, valid or as recorded.
      const isbn = field === "q" ? isbnLookup(token) : null;
      if (isbn) {
        if (!isbns.some((i) => i.recorded[0] === isbn.recorded[0])) isbns.push(isbn);
        found++;
        continue;
      }
      for (const text of splitTerms(token)) {
        found++;
        if (terms.some((t) => t.text === text && t.scope === scope)) continue;
        terms.push({ text, scope, via: charLength(text) >= FTS_MIN_CHARS ? "fts" : "grams" });
        if ((scope === "any" || scope === "title") && !rankTerms.includes(text)) rankTerms.push(text);
      }
    }
    if (found === 0) reasons.push({ code: "query_no_searchable_chars", field });
  }
  // 'ISBN 978-4-…': the word ISBN only introduced the number.
  if (isbns.length) {
    const i = terms.findIndex((t) => t.scope === "any" && t.text === "isbn");
    if (i >= 0) terms.splice(i, 1);
    const r = rankTerms.indexOf("isbn");
    if (r >= 0) rankTerms.splice(r, 1);
  }
  if (params.isbn !== undefined && !invalid.has("isbn")) {
    const isbn = isbnLookup(params.isbn);
    if (isbn && !isbns.some((i) => i.recorded[0] === isbn.recorded[0])) isbns.push(isbn);
  }
  if (terms.length + isbns.length > SEARCH_TERMS_MAX) reasons.push({ code: "query_too_many_terms" });

  if (reasons.length || !parsed.success) return { ok: false, reasons, params };

  const input = parsed.output;
  return {
    ok: true,
    plan: {
      terms,
      isbns,
      ndc: input.ndc === undefined ? null : parseNdc(input.ndc),
      person: input.person === undefined ? null : Number(input.person),
      rankTerms,
      filters: {
        branchId: input.branch === undefined ? null : Number(input.branch),
        type: input.type ?? null,
        year: input.year === undefined ? null : Number(input.year),
        decade: input.decade === undefined ? null : Number(input.decade),
      },
      sort: input.sort ?? "relevance",
      page: input.page === undefined ? 1 : Number(input.page),
      pageSize: PAGE_SIZE,
      params,
    },
  };
}

/** NDC as typed (913, ９１３, 913.6) → the prefix to look up, or null when it is not an NDC number. */
export function parseNdc(input: string): string | null {
  const s = input.normalize("NFKC").trim().replace(/\.$/u, "");
  return NDC_SHAPE.test(s) ? s : null;
}
