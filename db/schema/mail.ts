// Mail addresses and the outbox (R40–R44, R20).
import { sql } from "drizzle-orm";
import { check, index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { patrons } from "./patrons.ts";

// R40: at most 3 per patron (a trigger in a custom migration backs the limit).
export const mailAddresses = sqliteTable(
  "mail_addresses",
  {
    id: integer("id").primaryKey(),
    patronId: integer("patron_id").notNull().references(() => patrons.id, { onDelete: "cascade" }),
    address: text("address").notNull(),
    // R41: a confirmation mail; the address is usable once confirmed.
    confirmTokenHash: text("confirm_token_hash"),
    confirmedAt: integer("confirmed_at"),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [
    uniqueIndex("mail_addresses_unique").on(t.patronId, t.address),
    // R42: the library cannot send to '..' or '.@'.
    check("mail_addresses_shape", sql`instr(${t.address}, '..') = 0 AND instr(${t.address}, '.@') = 0 AND instr(${t.address}, '@') > 1`),
  ],
);

export const mailOutbox = sqliteTable(
  "mail_outbox",
  {
    id: integer("id").primaryKey(),
    patronId: integer("patron_id").references(() => patrons.id, { onDelete: "set null" }),
    toAddress: text("to_address").notNull(),
    kind: text("kind").notNull(),
    subject: text("subject").notNull(),
    body: text("body").notNull(),
    // A job that runs twice must not send twice: e.g. 'hold-ready:123'.
    dedupeKey: text("dedupe_key").notNull(),
    status: text("status", { enum: ["pending", "sending", "sent", "failed"] }).notNull().default("pending"),
    attempts: integer("attempts").notNull().default(0),
    lastError: text("last_error"),
    createdAt: integer("created_at").notNull(),
    sentAt: integer("sent_at"),
  },
  (t) => [
    uniqueIndex("mail_outbox_dedupe").on(t.dedupeKey),
    index("mail_outbox_pending").on(t.status, t.createdAt),
    check("mail_outbox_status", sql`${t.status} IN ('pending','sending','sent','failed')`),
  ],
);
