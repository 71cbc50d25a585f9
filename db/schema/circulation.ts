// Cart, holds, ordered holds, loans (R13–R16, R20–R22, R30–R36).
import { sql } from "drizzle-orm";
import { check, index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { branches } from "./branches.ts";
import { records } from "./catalog.ts";
import { items } from "./items.ts";
import { patrons, opacTerminals, staffUsers } from "./patrons.ts";
import { mailAddresses } from "./mail.ts";
import {
  ACTIVE_HOLD_STATUSES,
  ALLOCATED_HOLD_STATUSES,
  CANCEL_REASONS,
  CONTACT_METHODS,
  HOLD_CHANNELS,
  HOLD_STATUSES,
} from "../../worker/src/domain/vocabulary.ts";
import { inList } from "./vocabulary-sql.ts";

export { ACTIVE_HOLD_STATUSES, HOLD_STATUSES, type HoldStatus } from "../../worker/src/domain/vocabulary.ts";

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
  (t) => [
    uniqueIndex("cart_lines_unique").on(t.cartKey, t.recordId),
    index("cart_lines_patron").on(t.patronId),
    // Issue 7 item 1: a patron's cart is the same on every device: one line per patron and record, whatever the key.
    uniqueIndex("cart_lines_patron_record").on(t.patronId, t.recordId).where(sql`patron_id IS NOT NULL`),
  ],
);

// R15: an ordered (順番予約) group; its holds carry their position. Deleting a group first takes its holds out
// of it, position included (trigger hold_groups_release, 0004), so holds_group_position still holds.
export const holdGroups = sqliteTable("hold_groups", {
  id: integer("id").primaryKey(),
  patronId: integer("patron_id").notNull().references(() => patrons.id, { onDelete: "cascade" }),
  createdAt: integer("created_at").notNull(),
});

export const holds = sqliteTable(
  "holds",
  {
    id: integer("id").primaryKey(),
    patronId: integer("patron_id").notNull().references(() => patrons.id, { onDelete: "cascade" }),
    recordId: integer("record_id").notNull().references(() => records.id),
    // R14: every channel counts toward the limit.
    channel: text("channel", { enum: HOLD_CHANNELS }).notNull(),
    terminalId: integer("terminal_id").references(() => opacTerminals.id),
    // R11, R12: an in-city pickup library, on insert and on every change (triggers holds_pickup_in_city*).
    pickupBranchId: integer("pickup_branch_id").notNull().references(() => branches.id),
    // R20, R43: contact chosen per hold.
    contact: text("contact", { enum: CONTACT_METHODS }).notNull(),
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
    // R21: Asia/Tokyo days. contact_date: mail sent / call recorded / (none) the ready day. shelf_until, the
    // last day on the hold shelf, is set whenever a hold is ready (the expiry job reads it): from the ready day
    // until the contact is known, then from the contact day.
    contactDate: text("contact_date"),
    shelfUntil: text("shelf_until"),
    cancelledAt: integer("cancelled_at"),
    cancelReason: text("cancel_reason", { enum: CANCEL_REASONS }),
    fulfilledAt: integer("fulfilled_at"),
    idempotencyKey: text("idempotency_key"),
    // R12, R16: the staff member who entered a paper-form hold (channel 'paper'), with its reception time as placed_at.
    enteredByStaffId: integer("entered_by_staff_id").references(() => staffUsers.id),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [
    check("holds_status", sql`${t.status} IN ${inList(HOLD_STATUSES)}`),
    check("holds_channel", sql`${t.channel} IN ${inList(HOLD_CHANNELS)}`),
    check("holds_contact", sql`${t.contact} IN ${inList(CONTACT_METHODS)}`),
    check("holds_cancel_reason_known", sql`${t.cancelReason} IS NULL OR ${t.cancelReason} IN ${inList(CANCEL_REASONS)}`),
    check("holds_cancel_reason", sql`(${t.status} = 'cancelled') = (${t.cancelReason} IS NOT NULL)`),
    check("holds_item_when_allocated", sql`${t.status} NOT IN ${inList(ALLOCATED_HOLD_STATUSES)} OR ${t.itemId} IS NOT NULL`),
    check("holds_group_position", sql`(${t.groupId} IS NULL) = (${t.groupPosition} IS NULL)`),
    // R21: a ready hold knows when it became ready and its last day on the shelf.
    check("holds_ready_shelf", sql`${t.status} <> 'ready' OR (${t.readyAt} IS NOT NULL AND ${t.shelfUntil} IS NOT NULL)`),
    check("holds_shelf_until_shape", sql`${t.shelfUntil} IS NULL OR length(${t.shelfUntil}) = 10`),
    // One active hold per patron and record.
    uniqueIndex("holds_one_active").on(t.patronId, t.recordId).where(sql`status IN ${inList(ACTIVE_HOLD_STATUSES)}`),
    // A copy serves one hold at a time.
    uniqueIndex("holds_item_active").on(t.itemId).where(sql`status IN ${inList(ALLOCATED_HOLD_STATUSES)}`),
    // R15: one active hold per volume slot of a group; a cancelled or fulfilled hold leaves its slot free.
    uniqueIndex("holds_group_slot").on(t.groupId, t.groupPosition).where(sql`status IN ${inList(ACTIVE_HOLD_STATUSES)}`),
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
    // R22, R35: the counter that lent it and who did; the hold it fills, if any (that hold is then fulfilled).
    checkoutBranchId: integer("checkout_branch_id").notNull().references(() => branches.id),
    staffId: integer("staff_id").notNull().references(() => staffUsers.id),
    holdId: integer("hold_id").references(() => holds.id),
    // Asia/Tokyo day, 'YYYY-MM-DD'.
    dueDate: text("due_date").notNull(),
    // R31: once.
    renewals: integer("renewals").notNull().default(0),
    // R32: inter-library loan from outside the city: never renewable.
    interLibrary: integer("inter_library", { mode: "boolean" }).notNull().default(false),
    returnedAt: integer("returned_at"),
    // R30, R31 (issue 8): when 「延長」 renewed it (ms), for 「延長済み」; null until then.
    renewedAt: integer("renewed_at"),
    // Issue 8 item 1: the counter and member of staff that took the copy back.
    returnBranchId: integer("return_branch_id").references(() => branches.id),
    returnStaffId: integer("return_staff_id").references(() => staffUsers.id),
  },
  (t) => [
    check("loans_renewals", sql`${t.renewals} BETWEEN 0 AND 1`),
    check("loans_ill_no_renewal", sql`${t.interLibrary} = 0 OR ${t.renewals} = 0`),
    uniqueIndex("loans_item_open").on(t.itemId).where(sql`returned_at IS NULL`),
    // A hold is filled by one loan.
    uniqueIndex("loans_hold").on(t.holdId).where(sql`hold_id IS NOT NULL`),
    index("loans_patron").on(t.patronId, t.returnedAt),
  ],
);

// R15, R33 「取寄・準備中です」: a copy on its way between branches — to a hold's pickup library, or home again.
// At most one open transit per copy; it is closed when the receiving branch scans the copy in.
export const itemTransits = sqliteTable(
  "item_transits",
  {
    id: integer("id").primaryKey(),
    itemId: integer("item_id").notNull().references(() => items.id, { onDelete: "cascade" }),
    fromBranchId: integer("from_branch_id").notNull().references(() => branches.id),
    toBranchId: integer("to_branch_id").notNull().references(() => branches.id),
    // The hold it travels for; NULL when it goes home.
    holdId: integer("hold_id").references(() => holds.id, { onDelete: "set null" }),
    sentAt: integer("sent_at").notNull(),
    receivedAt: integer("received_at"),
  },
  (t) => [
    check("item_transits_moves", sql`${t.fromBranchId} <> ${t.toBranchId}`),
    check("item_transits_order", sql`${t.receivedAt} IS NULL OR ${t.receivedAt} >= ${t.sentAt}`),
    uniqueIndex("item_transits_open").on(t.itemId).where(sql`received_at IS NULL`),
    index("item_transits_arriving").on(t.toBranchId, t.receivedAt),
    index("item_transits_hold").on(t.holdId),
  ],
);

// 「マイブックリスト」 (issue 7 item 9): named lists private to the patron. Limits (policy.ts BOOK_LIST_LIMIT,
// BOOK_LIST_ENTRY_LIMIT) are kept by the guarded inserts, with triggers book_lists_limit and
// book_list_entries_limit (0005) as the backstop.
export const bookLists = sqliteTable(
  "book_lists",
  {
    id: integer("id").primaryKey(),
    patronId: integer("patron_id").notNull().references(() => patrons.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [
    index("book_lists_patron").on(t.patronId),
    check("book_lists_name", sql`length(${t.name}) BETWEEN 1 AND 100`),
    uniqueIndex("book_lists_patron_name").on(t.patronId, t.name),
  ],
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
  (t) => [uniqueIndex("book_list_entries_unique").on(t.listId, t.recordId), index("book_list_entries_order").on(t.listId, t.addedAt)],
);
