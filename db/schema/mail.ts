// Mail addresses and the outbox (R40–R44, R20).
import { sql } from "drizzle-orm";
import { check, index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { OUTBOX_KINDS, OUTBOX_STATUSES } from "../../worker/src/domain/vocabulary.ts";
import { patrons } from "./patrons.ts";
import { inList } from "./vocabulary-sql.ts";

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
    // R20 hold-ready notice, R41 address confirmation: a closed set (domain/vocabulary.ts OUTBOX_KINDS).
    kind: text("kind", { enum: OUTBOX_KINDS }).notNull(),
    subject: text("subject").notNull(),
    body: text("body").notNull(),
    // A job that runs twice must not send twice: e.g. 'hold-ready:123'.
    dedupeKey: text("dedupe_key").notNull(),
    status: text("status", { enum: OUTBOX_STATUSES }).notNull().default("pending"),
    attempts: integer("attempts").notNull().default(0),
    lastError: text("last_error"),
    // A pending row is not tried before this time (ms): now for a new row, later after a failure (back-off).
    nextAttemptAt: integer("next_attempt_at").notNull().default(0),
    // A sending row is leased to one job run until this time; a run that dies leaves it to be taken again
    // after the lease, so a mail is never lost — and a run that comes back late finds its lease id gone.
    leaseId: text("lease_id"),
    leasedUntil: integer("leased_until"),
    createdAt: integer("created_at").notNull(),
    sentAt: integer("sent_at"),
  },
  (t) => [
    uniqueIndex("mail_outbox_dedupe").on(t.dedupeKey),
    index("mail_outbox_due").on(t.status, t.nextAttemptAt),
    check("mail_outbox_status", sql`${t.status} IN ${inList(OUTBOX_STATUSES)}`),
    check("mail_outbox_kind", sql`${t.kind} IN ${inList(OUTBOX_KINDS)}`),
    check("mail_outbox_lease", sql`(${t.status} = 'sending') = (${t.leaseId} IS NOT NULL AND ${t.leasedUntil} IS NOT NULL)`),
    check("mail_outbox_sent", sql`${t.status} <> 'sent' OR ${t.sentAt} IS NOT NULL`),
  ],
);
