// Bibliographic records, people, series (R10, R11, R15).
import { sql } from "drizzle-orm";
import { check, index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { MATERIAL_TYPES } from "../../worker/src/domain/vocabulary.ts";
import { inList } from "./vocabulary-sql.ts";

export { MATERIAL_TYPES, type MaterialType } from "../../worker/src/domain/vocabulary.ts";

export const series = sqliteTable(
  "series",
  {
    id: integer("id").primaryKey(),
    // Stable key from the source so re-imports update, never duplicate.
    sourceKey: text("source_key").notNull().unique(),
    title: text("title").notNull(),
    titleReading: text("title_reading"),
  },
);

export const records = sqliteTable(
  "records",
  {
    id: integer("id").primaryKey(),
    // 'aozora' | 'ndl' | 'local' (entered by staff, e.g. a paper request for a record not held, R12).
    source: text("source").notNull(),
    sourceId: text("source_id").notNull(),
    title: text("title").notNull(),
    titleReading: text("title_reading"),
    subtitle: text("subtitle"),
    subtitleReading: text("subtitle_reading"),
    responsibility: text("responsibility"),
    seriesId: integer("series_id").references(() => series.id),
    // The volume as printed (第一部上, 11, 上) and its order within the series (R15).
    volumeLabel: text("volume_label"),
    volumeOrder: integer("volume_order"),
    materialType: text("material_type", { enum: MATERIAL_TYPES }).notNull().default("book"),
    ndc: text("ndc"),
    publisher: text("publisher"),
    pubYear: integer("pub_year"),
    isbn13: text("isbn13"),
    isbn10: text("isbn10"),
    extent: text("extent"),
    note: text("note"),
    sourceUrl: text("source_url"),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [
    uniqueIndex("records_source").on(t.source, t.sourceId),
    index("records_isbn13").on(t.isbn13),
    index("records_isbn10").on(t.isbn10),
    index("records_series").on(t.seriesId, t.volumeOrder),
    index("records_ndc").on(t.ndc),
    index("records_year").on(t.pubYear),
    check("records_material_type", sql`${t.materialType} IN ${inList(MATERIAL_TYPES)}`),
    check("records_isbn13_shape", sql`${t.isbn13} IS NULL OR (length(${t.isbn13}) = 13 AND ${t.isbn13} NOT GLOB '*[^0-9]*')`),
    check("records_isbn10_shape", sql`${t.isbn10} IS NULL OR (length(${t.isbn10}) = 10 AND ${t.isbn10} NOT GLOB '*[^0-9X]*')`),
  ],
);

export const people = sqliteTable(
  "people",
  {
    id: integer("id").primaryKey(),
    sourceKey: text("source_key").notNull().unique(),
    name: text("name").notNull(),
    nameReading: text("name_reading"),
    birth: text("birth"),
    death: text("death"),
  },
);

export const recordPeople = sqliteTable(
  "record_people",
  {
    recordId: integer("record_id").notNull().references(() => records.id, { onDelete: "cascade" }),
    personId: integer("person_id").notNull().references(() => people.id),
    // As the source says it: 著者, 翻訳者, 編者, 校訂者, 作, 絵 …
    role: text("role").notNull(),
    position: integer("position").notNull(),
  },
  (t) => [primaryKey({ columns: [t.recordId, t.personId, t.role] }), index("record_people_person").on(t.personId)],
);
