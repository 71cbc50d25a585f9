// R10 search index. The normalised text is computed in TypeScript (worker/src/domain/normalize.ts) so the query
// and the index agree. `record_search_fts` (FTS5, trigram) lives in a custom migration; these tables are the
// 1–2 character index the trigram tokenizer cannot serve, and the exact-title index that keeps a search bounded.
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

// Issue 2 (bounded search): a record's normalised main title and title reading, the first value of
// record_search_fts's title and reading columns. A search reads only its first candidates from the big indexes;
// exact and prefix title matches come from here by key, so they are ranked first however many hits there are.
// Filled by reindexRecords (worker/src/data/search-index.ts) and backfilled by 0003_search_keys.sql.
export const recordSearchKeys = sqliteTable(
  "record_search_keys",
  {
    key: text("key").notNull(),
    recordId: integer("record_id").notNull().references(() => records.id, { onDelete: "cascade" }),
    /** 0 the main title, 1 its reading (a key that is both is kept once, as 0). */
    kind: integer("kind").notNull(),
    /** 1 a book of its own; 0 a work printed in a collection (Aozora: its source book bears another title). */
    standalone: integer("standalone").notNull(),
  },
  (t) => [primaryKey({ columns: [t.key, t.recordId] }), index("record_search_keys_record").on(t.recordId)],
);
