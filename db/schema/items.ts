// Copies (所蔵): R11 loanable vs reference-only (禁帯出), R35 on-shelf status.
import { sql } from "drizzle-orm";
import { check, index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { branches } from "./branches.ts";
import { records } from "./catalog.ts";

export const ITEM_STATUSES = ["on_shelf", "on_loan", "in_transit", "on_hold_shelf", "missing", "withdrawn"] as const;
export type ItemStatus = (typeof ITEM_STATUSES)[number];

export const items = sqliteTable(
  "items",
  {
    id: integer("id").primaryKey(),
    barcode: text("barcode").notNull().unique(),
    recordId: integer("record_id").notNull().references(() => records.id, { onDelete: "cascade" }),
    branchId: integer("branch_id").notNull().references(() => branches.id),
    // R11: false for reference books, dictionaries, rare books (禁帯出): never lent, never holdable.
    loanable: integer("loanable", { mode: "boolean" }).notNull(),
    status: text("status", { enum: ITEM_STATUSES }).notNull().default("on_shelf"),
    shelfMark: text("shelf_mark"),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [
    index("items_record").on(t.recordId, t.branchId),
    index("items_branch_status").on(t.branchId, t.status),
    check("items_status", sql`${t.status} IN ('on_shelf','on_loan','in_transit','on_hold_shelf','missing','withdrawn')`),
    // A reference-only copy is never on loan or on the hold shelf.
    check("items_reference_stays", sql`${t.loanable} = 1 OR ${t.status} NOT IN ('on_loan','on_hold_shelf')`),
  ],
);
