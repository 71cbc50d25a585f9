// Copies (所蔵): R11 loanable vs reference-only (禁帯出), R35 on-shelf status.
import { sql } from "drizzle-orm";
import { check, index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { ITEM_STATUSES } from "../../worker/src/domain/vocabulary.ts";
import { branches } from "./branches.ts";
import { records } from "./catalog.ts";
import { inList } from "./vocabulary-sql.ts";

export { ITEM_STATUSES, type ItemStatus } from "../../worker/src/domain/vocabulary.ts";

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
    // Where the copy is now (branch_id is where it belongs). NULL only while it travels: its open item_transits
    // row says where to. A copy inserted without it is at its own branch (trigger items_current_branch_default,
    // 0004); an update can never leave a copy that is not in transit nowhere (trigger items_location).
    currentBranchId: integer("current_branch_id").references(() => branches.id),
    // R32, R34 (issue 8 item 1): a copy borrowed from outside the city (ILL) for one hold: the id of that hold
    // (holds.id; no FK here, holds already references items). It serves only that hold (domain/trap.ts), its loan
    // is never renewed, and once returned it goes back to the lending library (status 'withdrawn').
    illHoldId: integer("ill_hold_id"),
  },
  (t) => [
    index("items_record").on(t.recordId, t.branchId),
    index("items_branch_status").on(t.branchId, t.status),
    uniqueIndex("items_ill_hold").on(t.illHoldId).where(sql`ill_hold_id IS NOT NULL`),
    check("items_status", sql`${t.status} IN ${inList(ITEM_STATUSES)}`),
    // A reference-only copy is never on loan or on the hold shelf.
    check("items_reference_stays", sql`${t.loanable} = 1 OR ${t.status} NOT IN ('on_loan','on_hold_shelf')`),
  ],
);
