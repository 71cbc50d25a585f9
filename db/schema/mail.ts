// Mail addresses and the outbox (R40–R44, R20).
import { sql } from "drizzle-orm";
import { check, index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { MAIL_ATTEMPT_OUTCOMES, OUTBOX_KINDS, OUTBOX_STATUSES } from "../../worker/src/domain/vocabulary.ts";
import { holds, loans } from "./circulation.ts";
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
    // R41 (issue 9 item 3): the link is single use (the hash is cleared when it is used) and expires at this time.
    confirmExpiresAt: integer("confirm_expires_at"),
    confirmedAt: integer("confirmed_at"),
    createdAt: integer("created_at").notNull(),
    // 「変更する」 replaces the address in place (a new, unconfirmed address with a new link).
    updatedAt: integer("updated_at"),
  },
  (t) => [
    uniqueIndex("mail_addresses_unique").on(t.patronId, t.address),
    // R42: the library cannot send to '..' or '.@'.
    check("mail_addresses_shape", sql`instr(${t.address}, '..') = 0 AND instr(${t.address}, '.@') = 0 AND instr(${t.address}, '@') > 1`),
    uniqueIndex("mail_addresses_token").on(t.confirmTokenHash).where(sql`${t.confirmTokenHash} IS NOT NULL`),
  ],
);

// Issue 9 item 6: the opt-in reminders, per patron. No row: both off.
export const mailPreferences = sqliteTable("mail_preferences", {
  patronId: integer("patron_id").primaryKey().references(() => patrons.id, { onDelete: "cascade" }),
  // 「返却期限のお知らせ」: DUE_REMINDER_DAYS_BEFORE days before a loan's due date.
  dueReminder: integer("due_reminder", { mode: "boolean" }).notNull().default(false),
  // The day before a ready hold's last day on the hold shelf.
  shelfReminder: integer("shelf_reminder", { mode: "boolean" }).notNull().default(false),
  updatedAt: integer("updated_at").notNull(),
});

export const mailOutbox = sqliteTable(
  "mail_outbox",
  {
    id: integer("id").primaryKey(),
    patronId: integer("patron_id").references(() => patrons.id, { onDelete: "set null" }),
    toAddress: text("to_address").notNull(),
    // The address row it goes to (null once the address is deleted: a pending row is then cancelled, not sent).
    addressId: integer("address_id").references(() => mailAddresses.id, { onDelete: "set null" }),
    // What a notice is about; its text is written when it is sent, from the facts of that day (R20, R21).
    holdId: integer("hold_id").references(() => holds.id, { onDelete: "set null" }),
    loanId: integer("loan_id").references(() => loans.id, { onDelete: "set null" }),
    // A closed set (domain/vocabulary.ts OUTBOX_KINDS).
    kind: text("kind", { enum: OUTBOX_KINDS }).notNull(),
    // Null until composed: a notice is composed when its turn comes (services/mail-notices.ts); a sent row has both.
    subject: text("subject"),
    body: text("body"),
    // The event key (issue 9 item 4): one row per event, e.g. 'hold-ready:{holdId}:{addressId}', so a rerun never
    // writes a second one. The provider's idempotency key is derived from the row (services/mail-outbox.ts).
    dedupeKey: text("dedupe_key").notNull(),
    status: text("status", { enum: OUTBOX_STATUSES }).notNull().default("pending"),
    attempts: integer("attempts").notNull().default(0),
    lastError: text("last_error"),
    // A pending row is not tried before this time (ms): now for a new row, later after a failure (back-off), the
    // morning after the ready day for a ready notice (R20).
    nextAttemptAt: integer("next_attempt_at").notNull().default(0),
    // A sending row is leased to one job run until this time; a run that dies leaves it to be taken again
    // after the lease, so a mail is never lost — and a run that comes back late finds its lease id gone.
    leaseId: text("lease_id"),
    leasedUntil: integer("leased_until"),
    // The provider's answer when it accepted the mail.
    providerMessageId: text("provider_message_id"),
    createdAt: integer("created_at").notNull(),
    sentAt: integer("sent_at"),
    // When a dead or cancelled row ended.
    endedAt: integer("ended_at"),
  },
  (t) => [
    uniqueIndex("mail_outbox_dedupe").on(t.dedupeKey),
    index("mail_outbox_due").on(t.status, t.nextAttemptAt),
    index("mail_outbox_patron").on(t.patronId, t.createdAt),
    index("mail_outbox_address").on(t.addressId, t.createdAt),
    check("mail_outbox_status", sql`${t.status} IN ${inList(OUTBOX_STATUSES)}`),
    check("mail_outbox_kind", sql`${t.kind} IN ${inList(OUTBOX_KINDS)}`),
    check("mail_outbox_lease", sql`(${t.status} = 'sending') = (${t.leaseId} IS NOT NULL AND ${t.leasedUntil} IS NOT NULL)`),
    check("mail_outbox_sent", sql`${t.status} <> 'sent' OR (${t.sentAt} IS NOT NULL AND ${t.subject} IS NOT NULL AND ${t.body} IS NOT NULL)`),
    check("mail_outbox_ended", sql`${t.status} NOT IN ('dead', 'cancelled') OR ${t.endedAt} IS NOT NULL`),
  ],
);

// Issue 9 item 4: every attempt to hand a row to the provider, with what came of it.
export const mailAttempts = sqliteTable(
  "mail_attempts",
  {
    id: integer("id").primaryKey(),
    outboxId: integer("outbox_id").notNull().references(() => mailOutbox.id, { onDelete: "cascade" }),
    // 1, 2, …: the row's attempts count when it was claimed.
    attempt: integer("attempt").notNull(),
    leaseId: text("lease_id").notNull(),
    startedAt: integer("started_at").notNull(),
    finishedAt: integer("finished_at").notNull(),
    outcome: text("outcome", { enum: MAIL_ATTEMPT_OUTCOMES }).notNull(),
    providerMessageId: text("provider_message_id"),
    error: text("error"),
  },
  (t) => [
    uniqueIndex("mail_attempts_once").on(t.outboxId, t.attempt),
    check("mail_attempts_outcome", sql`${t.outcome} IN ${inList(MAIL_ATTEMPT_OUTCOMES)}`),
  ],
);
