// Issue 9 item 4: the outbox. Every mail is a row written in the same D1 batch as the state change that causes it,
// keyed by its event (mail_outbox.dedupe_key, unique): a rerun of the same change writes nothing more.
// This file starts with the shared enqueue builders (lead); the sender's claims and attempts follow (outbox helper).
import { sql, type SQL } from "drizzle-orm";
import type { OutboxKind } from "../domain/vocabulary.ts";
import { d1Statement, type Db } from "./db.ts";

export interface OutboxRow {
  kind: OutboxKind;
  /** The event key, e.g. `hold-ready:${holdId}:${addressId}`; one row per key, ever. */
  eventKey: string;
  patronId: number | null;
  toAddress: string;
  addressId?: number | null;
  holdId?: number | null;
  loanId?: number | null;
  /** Composed now (a confirmation carries its one-time link), or null: composed when sent (services/mail-notices.ts). */
  subject: string | null;
  body: string | null;
  /** Not tried before this time (ms). */
  notBefore: number;
  now: number;
}

/**
 * One outbox row as a batch statement: INSERT … SELECT … WHERE `guard` ON CONFLICT (event key) DO NOTHING. `guard`
 * re-checks the state change it belongs to (e.g. "the hold is ready with this copy"), so a batch whose change did
 * not happen writes no mail. Put it after the change in the batch; it does not use changes(), and later statements
 * must not chain on its changes() (it may write 0 rows when the key exists).
 */
export function enqueueMailStatement(db: Db, row: OutboxRow, guard: SQL = sql`1`): D1PreparedStatement {
  return d1Statement(
    db,
    sql`INSERT INTO mail_outbox (patron_id, to_address, address_id, hold_id, loan_id, kind, subject, body, dedupe_key, status, next_attempt_at, created_at)
      SELECT ${row.patronId}, ${row.toAddress}, ${row.addressId ?? null}, ${row.holdId ?? null}, ${row.loanId ?? null}, ${row.kind},
        ${row.subject}, ${row.body}, ${row.eventKey}, 'pending', ${row.notBefore}, ${row.now}
      WHERE ${guard}
      ON CONFLICT (dedupe_key) DO NOTHING`,
  );
}

/**
 * R20/R41: one row per CONFIRMED address of the patron, in one statement (the addresses are read inside it, so an
 * address confirmed or removed a moment before is seen as it is). The event key is `${eventPrefix}:${addressId}`.
 */
export function enqueueToConfirmedAddressesStatement(
  db: Db,
  row: Omit<OutboxRow, "toAddress" | "addressId" | "eventKey" | "patronId"> & { patronId: number; eventPrefix: string },
  guard: SQL = sql`1`,
): D1PreparedStatement {
  return d1Statement(
    db,
    sql`INSERT INTO mail_outbox (patron_id, to_address, address_id, hold_id, loan_id, kind, subject, body, dedupe_key, status, next_attempt_at, created_at)
      SELECT ${row.patronId}, m.address, m.id, ${row.holdId ?? null}, ${row.loanId ?? null}, ${row.kind},
        ${row.subject}, ${row.body}, ${row.eventPrefix} || ':' || m.id, 'pending', ${row.notBefore}, ${row.now}
      FROM mail_addresses m
      WHERE m.patron_id = ${row.patronId} AND ${confirmedAddressSql(sql`m`)} AND ${guard}
      ORDER BY m.id
      ON CONFLICT (dedupe_key) DO NOTHING`,
  );
}

/** R41: an address gets notices only once confirmed. The one SQL spelling of "confirmed" (alias `m`). */
export function confirmedAddressSql(alias: SQL): SQL {
  return sql`${alias}.confirmed_at IS NOT NULL`;
}

// ---- the sender's statements (issue 9 item 4; services/mail-outbox.ts) ---------------------------------------------
// A row is claimed by ONE statement that moves it to 'sending' under a fresh lease id, so two runs at once never
// hold the same row (D1 runs one write at a time; the second UPDATE no longer finds it due). Every later write about
// the row is guarded by that lease id: a run that comes back after its lease expired and another run took the row
// changes nothing.
import type { MailAttemptOutcome } from "../domain/vocabulary.ts";
import { d1Client } from "./db.ts";

/** A claimed row, as the claim's RETURNING gives it. */
export interface ClaimedRow {
  id: number;
  kind: OutboxKind;
  patronId: number | null;
  toAddress: string;
  addressId: number | null;
  holdId: number | null;
  loanId: number | null;
  subject: string | null;
  body: string | null;
  eventKey: string;
  /** The attempt this claim starts (the row's attempts after the claim: 1 for the first). */
  attempt: number;
}

interface ClaimedSqlRow {
  id: number;
  kind: OutboxKind;
  patron_id: number | null;
  to_address: string;
  address_id: number | null;
  hold_id: number | null;
  loan_id: number | null;
  subject: string | null;
  body: string | null;
  dedupe_key: string;
  attempts: number;
  next_attempt_at: number;
}

export interface ClaimOptions {
  leaseId: string;
  now: number;
  leaseMs: number;
  maxAttempts: number;
  limit: number;
  /** Only these rows (still only when due). */
  ids?: readonly number[];
}

const LOST_ANSWER = "the run ended before the provider's answer was recorded (lease expired)";

/**
 * Claims up to `limit` due rows — pending and due, or sending under an expired lease — oldest due first (a missed
 * day is caught up in order), in one batch:
 *   1. an attempt whose run died (sending, lease expired) is recorded as it stands: temporary, answer lost;
 *   2. such a row with no attempts left is dead;
 *   3. the claim: status sending, the new lease, attempts + 1, RETURNING the rows.
 */
export async function claimDueMail(db: Db, o: ClaimOptions): Promise<ClaimedRow[]> {
  const only = o.ids ? sql` AND id IN (${sql.join(o.ids.map((id) => sql`${id}`), sql`, `)})` : sql``;
  if (o.ids && o.ids.length === 0) return [];
  if (o.ids && o.ids.length > 80) throw new Error("claimDueMail: at most 80 ids at once (D1's bound-parameter limit)");
  const expired = sql`status = 'sending' AND leased_until < ${o.now}`;
  const [, , claimed] = await d1Client(db).batch<ClaimedSqlRow>([
    d1Statement(
      db,
      sql`INSERT INTO mail_attempts (outbox_id, attempt, lease_id, started_at, finished_at, outcome, error)
        SELECT id, attempts, lease_id, leased_until - ${o.leaseMs}, ${o.now}, 'temporary', ${LOST_ANSWER}
        FROM mail_outbox WHERE ${expired} AND attempts >= 1
        ON CONFLICT (outbox_id, attempt) DO NOTHING`,
    ),
    d1Statement(
      db,
      sql`UPDATE mail_outbox SET status = 'dead', lease_id = NULL, leased_until = NULL, ended_at = ${o.now},
          last_error = ${`${LOST_ANSWER}; no attempts left`}
        WHERE ${expired} AND attempts >= ${o.maxAttempts}`,
    ),
    d1Statement(
      db,
      sql`UPDATE mail_outbox SET status = 'sending', lease_id = ${o.leaseId}, leased_until = ${o.now + o.leaseMs}, attempts = attempts + 1
        WHERE id IN (
          SELECT id FROM mail_outbox
          WHERE ((status = 'pending' AND next_attempt_at <= ${o.now}) OR (${expired}))${only}
          ORDER BY next_attempt_at, id
          LIMIT ${o.limit}
        )
        RETURNING id, kind, patron_id, to_address, address_id, hold_id, loan_id, subject, body, dedupe_key, attempts, next_attempt_at`,
    ),
  ]);
  // RETURNING has no order: sent oldest due first, as claimed.
  return claimed!.results
    .sort((a, b) => a.next_attempt_at - b.next_attempt_at || a.id - b.id)
    .map((r) => ({
      id: r.id,
      kind: r.kind,
      patronId: r.patron_id,
      toAddress: r.to_address,
      addressId: r.address_id,
      holdId: r.hold_id,
      loanId: r.loan_id,
      subject: r.subject,
      body: r.body,
      eventKey: r.dedupe_key,
      attempt: r.attempts,
    }));
}

/** The address a claimed row goes to, as it is now (null: removed). `confirmed` is confirmedAddressSql's answer. */
export async function readOutboxAddress(db: Db, addressId: number | null): Promise<{ address: string; confirmed: boolean } | null> {
  if (addressId === null) return null;
  const row = await d1Statement(db, sql`SELECT m.address AS address, (${confirmedAddressSql(sql`m`)}) AS confirmed FROM mail_addresses m WHERE m.id = ${addressId}`).first<{
    address: string;
    confirmed: number;
  }>();
  return row ? { address: row.address, confirmed: row.confirmed === 1 } : null;
}

export interface AttemptRecord {
  outboxId: number;
  attempt: number;
  leaseId: string;
  startedAt: number;
  finishedAt: number;
  outcome: MailAttemptOutcome;
  providerMessageId?: string | null;
  error?: string | null;
}

/**
 * One attempt in mail_attempts. If a later run already wrote this attempt down as lost (its lease expired while the
 * provider was still answering), the real answer of the same lease replaces that guess.
 */
export function recordAttemptStatement(db: Db, a: AttemptRecord): D1PreparedStatement {
  return d1Statement(
    db,
    sql`INSERT INTO mail_attempts (outbox_id, attempt, lease_id, started_at, finished_at, outcome, provider_message_id, error)
      VALUES (${a.outboxId}, ${a.attempt}, ${a.leaseId}, ${a.startedAt}, ${a.finishedAt}, ${a.outcome}, ${a.providerMessageId ?? null}, ${a.error ?? null})
      ON CONFLICT (outbox_id, attempt) DO UPDATE SET finished_at = excluded.finished_at, outcome = excluded.outcome,
        provider_message_id = excluded.provider_message_id, error = excluded.error
      WHERE mail_attempts.lease_id = excluded.lease_id`,
  );
}

const leased = (id: number, leaseId: string) => sql`id = ${id} AND status = 'sending' AND lease_id = ${leaseId}`;

/** Accepted: sent, with the text that went (a row composed at send time keeps it) and the provider's message id. */
export function markSentStatement(db: Db, r: { id: number; leaseId: string; now: number; subject: string; body: string; providerMessageId: string }): D1PreparedStatement {
  return d1Statement(
    db,
    sql`UPDATE mail_outbox SET status = 'sent', sent_at = ${r.now}, subject = ${r.subject}, body = ${r.body}, provider_message_id = ${r.providerMessageId},
        lease_id = NULL, leased_until = NULL, last_error = NULL
      WHERE ${leased(r.id, r.leaseId)}`,
  );
}

/** A temporary failure with attempts left: pending again, not before `nextAttemptAt`. */
export function markRetryStatement(db: Db, r: { id: number; leaseId: string; nextAttemptAt: number; error: string }): D1PreparedStatement {
  return d1Statement(
    db,
    sql`UPDATE mail_outbox SET status = 'pending', next_attempt_at = ${r.nextAttemptAt}, last_error = ${r.error}, lease_id = NULL, leased_until = NULL
      WHERE ${leased(r.id, r.leaseId)}`,
  );
}

/** A permanent refusal, or the last attempt failed: dead. */
export function markDeadStatement(db: Db, r: { id: number; leaseId: string; now: number; error: string }): D1PreparedStatement {
  return d1Statement(
    db,
    sql`UPDATE mail_outbox SET status = 'dead', ended_at = ${r.now}, last_error = ${r.error}, lease_id = NULL, leased_until = NULL
      WHERE ${leased(r.id, r.leaseId)}`,
  );
}

/**
 * Not sent after all: what it announced no longer holds, or its address went (removed, changed, unconfirmed). The
 * claim's count is given back: `attempts` counts hand-offs to the provider, and this row was never handed over.
 */
export function markCancelledStatement(db: Db, r: { id: number; leaseId: string; now: number; reason: string }): D1PreparedStatement {
  return d1Statement(
    db,
    sql`UPDATE mail_outbox SET status = 'cancelled', ended_at = ${r.now}, last_error = ${r.reason}, attempts = max(attempts - 1, 0), lease_id = NULL, leased_until = NULL
      WHERE ${leased(r.id, r.leaseId)}`,
  );
}
