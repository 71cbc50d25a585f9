// R10: the searchable fields. The bits mark, in record_grams.fields, which fields of a record contain a gram;
// the names are record_search_fts's columns (db/migrations/0001_search_and_invariants.sql), in its order.

export const SEARCH_FIELDS = {
  title: 1,
  reading: 2,
  author: 4,
  author_reading: 8,
  publisher: 16,
  series: 32,
  codes: 64,
} as const;

export type SearchField = keyof typeof SEARCH_FIELDS;

/** record_search_fts's columns in table order. */
export const FTS_COLUMNS: readonly SearchField[] = ["title", "reading", "author", "author_reading", "publisher", "series", "codes"];

export const ALL_FIELDS_MASK = Object.values(SEARCH_FIELDS).reduce((a, b) => a | b, 0);

/** What each field of the advanced form (資料名, 著者名, 出版者) looks in: a title is found by its reading and
 *  by its series' title too, a person by the reading of the name. */
export const SCOPES = {
  any: FTS_COLUMNS,
  title: ["title", "reading", "series"],
  author: ["author", "author_reading"],
  publisher: ["publisher"],
} as const satisfies Record<string, readonly SearchField[]>;

export type SearchScope = keyof typeof SCOPES;

export function fieldsMask(fields: readonly SearchField[]): number {
  return fields.reduce((m, f) => m | SEARCH_FIELDS[f], 0);
}

/** record_search_keys.kind: the main title, its reading (both ranked by key), an identifier as the record carries
 *  it (an ISBN in its note), the name or reading of one of its authors (著者). Keys of kinds 2 and 3 start with
 *  IDENTIFIER_KEY_MARK / AUTHOR_KEY_MARK (domain/normalize.ts), so no title key equals or starts like them. */
export const SEARCH_KEY_KINDS = { title: 0, reading: 1, identifier: 2, author: 3 } as const;

/** The role whose people a search by name puts first and offers as a refinement: the work's own authors. */
export const AUTHOR_ROLE = "著者";
