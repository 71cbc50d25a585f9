// Cart, holds, ordered holds, loans (R13–R16, R20–R22, R30–R36).
import { sql } from "drizzle-orm";
import { check, index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { branches } from "./branches.ts";
import { records } from "./catalog.ts";
import { items } from "./items.ts";
import { patrons, opacTerminals } from "./patrons.ts";
import { mailAddresses } from "./mail.ts";

// R13: the cart only collects candidates. Anonymous carts are keyed by a random cart id (cookie);
// after login the lines belong to the patron.
export const cartLines = sqliteTable(
  "cart_lines",
  {
    id: integer("id").primaryKey(),
    cartKey: text("cart_key").notNull(),
    patronId: integer("patron_id").references(() => patrons.id, { onDelete: "cascade" }),
    recordId: integer("record_id").notNull().references(() => records.id, { onDelete: "cascade" }),
    addedAt: integer("added_at").notNull(),
  },
  (t) => [uniqueIndex("cart_lines_unique").on(t.cartKey, t.recordId), index("cart_lines_patron").on(t.patronId)],
);

// R15: an ordered (順番予約) group; its holds carry their position.
export const holdGroups = sqliteTable("hold_groups", {
  id: integer("id").primaryKey(),
  patronId: integer("patron_id").notNull().references(() => patrons.id, { onDelete: "cascade" }),
  createdAt: integer("created_at").notNull(),
});

export const HOLD_STATUSES = ["waiting", "in_transit", "ready", "cancelled", "fulfilled"] as const;
export type HoldStatus = (typeof HOLD_STATUSES)[number];

export const holds = sqliteTable(
  "holds",
  {
    id: integer("id").primaryKey(),
    patronId: integer("patron_id").notNull().references(() => patrons.id, { onDelete: "cascade" }),
    recordId: integer("record_id").notNull().references(() => records.id),
    // R14: every channel counts toward the limit.
    channel: text("channel", { enum: ["web", "opac", "paper"] }).notNull(),
    terminalId: integer("terminal_id").references(() => opacTerminals.id),
    pickupBranchId: integer("pickup_branch_id").notNull().references(() => branches.id),
    // R20, R43: contact chosen per hold.
    contact: text("contact", { enum: ["mail", "phone", "none"] }).notNull(),
    mailAddressId: integer("mail_address_id").references(() => mailAddresses.id, { onDelete: "set null" }),
    // R33: waiting 「予約中です」, in_transit 「取寄・準備中です」, ready 「ご用意できました」, cancelled 「取り消し」;
    // fulfilled = lent to the patron (no longer listed).
    status: text("status", { enum: HOLD_STATUSES }).notNull().default("waiting"),
    // R16: the queue is ordered by reception time (paper forms carry theirs), then id. Never store a position.
    placedAt: integer("placed_at").notNull(),
    groupId: integer("group_id").references(() => holdGroups.id, { onDelete: "set null" }),
    groupPosition: integer("group_position"),
    itemId: integer("item_id").references(() => items.id),
    // R34: fetched from outside the city: never cancelled or changed online.
    external: integer("external", { mode: "boolean" }).notNull().default(false),
    readyAt: integer("ready_at"),
    // R21: Asia/Tokyo days. contact_date: mail sent / call recorded / (none) the ready day.
    contactDate: text("contact_date"),
    shelfUntil: text("shelf_until"),
    cancelledAt: integer("cancelled_at"),
    cancelReason: text("cancel_reason", { enum: ["patron", "expired", "staff"] }),
    fulfilledAt: integer("fulfilled_at"),
    idempotencyKey: text("idempotency_key"),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [
    check("holds_status", sql`${t.status} IN ('waiting','in_transit','ready','cancelled','fulfilled')`),
    check("holds_channel", sql`${t.channel} IN ('web','opac','paper')`),
    check("holds_contact", sql`${t.contact} IN ('mail','phone','none')`),
    check("holds_cancel_reason", sql`(${t.status} = 'cancelled') = (${t.cancelReason} IS NOT NULL)`),
    check("holds_item_when_allocated", sql`${t.status} NOT IN ('in_transit','ready') OR ${t.itemId} IS NOT NULL`),
    check("holds_group_position", sql`(${t.groupId} IS NULL) = (${t.groupPosition} IS NULL)`),
    // One active hold per patron and record.
    uniqueIndex("holds_one_active").on(t.patronId, t.recordId).where(sql`status IN ('waiting','in_transit','ready')`),
    // A copy serves one hold at a time.
    uniqueIndex("holds_item_active").on(t.itemId).where(sql`status IN ('in_transit','ready')`),
    uniqueIndex("holds_group_slot").on(t.groupId, t.groupPosition),
    uniqueIndex("holds_idempotency").on(t.patronId, t.idempotencyKey).where(sql`idempotency_key IS NOT NULL`),
    index("holds_queue").on(t.recordId, t.status, t.placedAt, t.id),
    index("holds_patron").on(t.patronId, t.status),
    index("holds_shelf").on(t.status, t.shelfUntil),
  ],
);

export const loans = sqliteTable(
  "loans",
  {
    id: integer("id").primaryKey(),
    itemId: integer("item_id").notNull().references(() => items.id),
    patronId: integer("patron_id").notNull().references(() => patrons.id, { onDelete: "cascade" }),
    loanedAt: integer("loaned_at").notNull(),
    // Asia/Tokyo day, 'YYYY-MM-DD'.
    dueDate: text("due_date").notNull(),
    // R31: once.
    renewals: integer("renewals").notNull().default(0),
    // R32: inter-library loan from outside the city: never renewable.
    interLibrary: integer("inter_library", { mode: "boolean" }).notNull().default(false),
    returnedAt: integer("returned_at"),
  },
  (t) => [
    check("loans_renewals", sql`${t.renewals} BETWEEN 0 AND 1`),
    check("loans_ill_no_renewal", sql`${t.interLibrary} = 0 OR ${t.renewals} = 0`),
    uniqueIndex("loans_item_open").on(t.itemId).where(sql`returned_at IS NULL`),
    index("loans_patron").on(t.patronId, t.returnedAt),
  ],
);

// 「マイブックリスト」
export const bookLists = sqliteTable(
  "book_lists",
  {
    id: integer("id").primaryKey(),
    patronId: integer("patron_id").notNull().references(() => patrons.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [index("book_lists_patron").on(t.patronId), check("book_lists_name", sql`length(${t.name}) BETWEEN 1 AND 100`)],
);

export const bookListEntries = sqliteTable(
  "book_list_entries",
  {
    id: integer("id").primaryKey(),
    listId: integer("list_id").notNull().references(() => bookLists.id, { onDelete: "cascade" }),
    recordId: integer("record_id").notNull().references(() => records.id, { onDelete: "cascade" }),
    note: text("note"),
    addedAt: integer("added_at").notNull(),
  },
  (t) => [uniqueIndex("book_list_entries_unique").on(t.listId, t.recordId)],
);
