// R10 search index. The normalised text is computed in TypeScript (worker/src/domain/normalize.ts) so the query
// and the index agree. `record_search_fts` (FTS5, trigram) lives in a custom migration; this table is the
// 1–2 character index the trigram tokenizer cannot serve.
import { index, integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { records } from "./catalog.ts";

// One row per distinct bigram (and final unigram, terminated by U+E000) of a record's searchable fields.
// `fields` is a bitmask of SEARCH_FIELDS (worker/src/domain/search-fields.ts).
export const recordGrams = sqliteTable(
  "record_grams",
  {
    gram: text("gram").notNull(),
    recordId: integer("record_id").notNull().references(() => records.id, { onDelete: "cascade" }),
    fields: integer("fields").notNull(),
  },
  (t) => [primaryKey({ columns: [t.gram, t.recordId] }), index("record_grams_record").on(t.recordId)],
);
