// Issue 9 item 4: the outbox sender. Claims due rows with a guarded UPDATE (a lease), composes what is composed at
// send time (services/mail-notices.ts), hands each to the transport with the row's idempotency key, records every
// attempt, and retries temporary failures with back-off; permanent refusals and rows past MAIL_MAX_ATTEMPTS are dead.
//
//   sendDueMail(db, transport, { now, compose })   one bounded run (the send-mail cron, kickOutbox)
//   kickOutbox(c)                                   after a request wrote mail a patron waits for: a run in waitUntil
//
// The guarantees, and where each lives:
// - never sent twice by two runs: the claim is one UPDATE under a fresh lease id (data/mail-outbox.ts claimDueMail);
//   every later write about the row is guarded by that lease id.
// - never lost: a run that dies leaves its rows 'sending'; once the lease (MAIL_LEASE_MS) expires the next run takes
//   them again (and writes the lost attempt down).
// - a crash after the provider accepted: the next attempt carries the SAME idempotency key (idempotencyKeyOf: the row's
//   id and event key). The dev mailbox honours it (one mail); Cloudflare Email Service has no such key, so there a
//   second copy can go (docs/mail.md, mail/cloudflare-transport.ts).
// - one bad row never holds the others back: each row is its own decision (domain/mail-outbox.ts afterAttempt), a
//   throw while handling one is logged and leaves it to its lease; the run goes on with the next.
// - before the hand-off the row must still be deliverable (domain/mail-outbox.ts deliverability: the address row
//   exists, still says this address, and — but for the confirmation itself — is confirmed, R41), else cancelled.
// - a row composed at send time (subject/body null) is written by prepareOutboxMail (H-notice); the text that went
//   and its statements (R21: the hold's contact day becomes the send day) are written in the batch that marks it sent.
// Times are the run's `now` (the library's time: the job's trigger time, moved by a local clock in development).
import type { Context } from "hono";
import { d1Client, type Db } from "../data/db.ts";
import {
  claimDueMail,
  markCancelledStatement,
  markDeadStatement,
  markRetryStatement,
  markSentStatement,
  readOutboxAddress,
  recordAttemptStatement,
  type ClaimedRow,
} from "../data/mail-outbox.ts";
import { afterAttempt, deliverability } from "../domain/mail-outbox.ts";
import { MAIL_BATCH_SIZE, MAIL_LEASE_MS, MAIL_MAX_ATTEMPTS } from "../domain/policy.ts";
import type { AppEnv, Env } from "../env.ts";
import { transportFor } from "../mail/index.ts";
import { oneLine, plainBody } from "../mail/text.ts";
import type { MailTransport, OutgoingMail, SendResult } from "../mail/transport.ts";
import { libraryNow } from "../middleware/clock.ts";
import { prepareOutboxMail, type ComposeContext } from "./mail-notices.ts";

export interface SendCounts {
  sent: number;
  retried: number;
  dead: number;
  cancelled: number;
}

export interface SendOptions {
  /** The run's time (the library's): what is due, the back-off, the recorded times. */
  now: number;
  compose: ComposeContext;
  /** At most this many rows handed to the provider in this run (default MAIL_BATCH_SIZE). */
  limit?: number;
  /** Only these rows (still only when due), e.g. the ones a request just wrote. */
  ids?: readonly number[];
}

/** What a composer needs from the configuration (R44: the site's URL, the sender and its domain). */
export function composeContextFor(env: Env, now: number): ComposeContext {
  return { now, siteOrigin: env.SITE_ORIGIN.replace(/\/+$/, ""), libraryName: env.LIBRARY_NAME, mailFrom: env.MAIL_FROM, mailDomain: env.MAIL_DOMAIN };
}

/**
 * The provider's idempotency key of a row: the same on every attempt (it is made of the row, not of the attempt), and
 * never the same for two rows (the event key is unique; the id tells apart a row written after an old one was
 * deleted with the same key).
 */
export function idempotencyKeyOf(row: { id: number; eventKey: string }): string {
  return `shiori-outbox-${row.id}-${row.eventKey}`;
}

/** The headers every mail carries; values are single lines (mail/text.ts oneLine). */
function headersOf(row: ClaimedRow): Record<string, string> {
  return {
    // RFC 3834: an automatic mail — out-of-office replies stay away.
    "Auto-Submitted": "auto-generated",
    "X-Shiori-Event": oneLine(row.eventKey, 200),
  };
}

type Outcome = keyof SendCounts;

async function sendOne(db: Db, transport: MailTransport, row: ClaimedRow, leaseId: string, o: SendOptions): Promise<Outcome> {
  const now = o.now;
  const client = d1Client(db);
  const cancel = async (reason: string): Promise<Outcome> => {
    await client.batch([markCancelledStatement(db, { id: row.id, leaseId, now, reason })]);
    return "cancelled";
  };

  const where = deliverability(row, await readOutboxAddress(db, row.addressId));
  if (!where.ok) return cancel(where.reason);

  let subject = row.subject;
  let text = row.body;
  let statements: D1PreparedStatement[] = [];
  if (subject === null || text === null) {
    const prepared = await prepareOutboxMail(db, row, o.compose);
    if (prepared.kind === "cancel") return cancel(oneLine(prepared.reason, 500));
    subject = prepared.subject;
    text = prepared.text;
    statements = prepared.statements;
  }
  const mail: OutgoingMail = {
    from: oneLine(o.compose.mailFrom, 320),
    to: oneLine(row.toAddress, 320),
    // Issue 9 item 5: a title in a subject is one line whatever the catalogue says — no header injection.
    subject: oneLine(subject, 200),
    text: plainBody(text),
    headers: headersOf(row),
    eventKey: row.eventKey,
    idempotencyKey: idempotencyKeyOf(row),
  };

  let result: SendResult;
  try {
    result = await transport.send(mail);
  } catch (err) {
    // The transport contract: a throw is temporary (a network failure, or an answer lost after acceptance).
    result = { ok: false, kind: "temporary", error: oneLine(`${transport.name} threw: ${err instanceof Error ? err.message : String(err)}`, 500) };
  }

  const attempt = { outboxId: row.id, attempt: row.attempt, leaseId, startedAt: now, finishedAt: now };
  if (result.ok) {
    await client.batch([
      markSentStatement(db, { id: row.id, leaseId, now, subject: mail.subject, body: mail.text, providerMessageId: result.messageId }),
      recordAttemptStatement(db, { ...attempt, outcome: "accepted", providerMessageId: result.messageId }),
      ...statements,
    ]);
    return "sent";
  }
  const error = oneLine(result.error, 500);
  const next = afterAttempt(result.kind, row.attempt, now);
  if (next.status === "pending") {
    await client.batch([markRetryStatement(db, { id: row.id, leaseId, nextAttemptAt: next.nextAttemptAt, error }), recordAttemptStatement(db, { ...attempt, outcome: result.kind, error })]);
    return "retried";
  }
  const why = next.status === "dead" && next.why === "attempts_exhausted" ? `${error} (attempt ${row.attempt} of ${MAIL_MAX_ATTEMPTS}: no attempts left)` : error;
  await client.batch([markDeadStatement(db, { id: row.id, leaseId, now, error: why }), recordAttemptStatement(db, { ...attempt, outcome: result.kind, error })]);
  return "dead";
}

/** One bounded run: claims the due rows and sends each; answers what became of them. Safe to run twice or at once. */
export async function sendDueMail(db: Db, transport: MailTransport, o: SendOptions): Promise<SendCounts> {
  const counts: SendCounts = { sent: 0, retried: 0, dead: 0, cancelled: 0 };
  const leaseId = crypto.randomUUID();
  const rows = await claimDueMail(db, { leaseId, now: o.now, leaseMs: MAIL_LEASE_MS, maxAttempts: MAIL_MAX_ATTEMPTS, limit: o.limit ?? MAIL_BATCH_SIZE, ids: o.ids });
  for (const row of rows) {
    try {
      counts[await sendOne(db, transport, row, leaseId, o)] += 1;
    } catch (err) {
      // A row we could not finish stays 'sending' under our lease; the next run takes it once the lease expires.
      console.error(`mail outbox: row ${row.id} (${row.eventKey}) left to its lease`, err);
    }
  }
  return counts;
}

/** Rows a request's kick sends at most (the cron does the rest). */
const KICK_LIMIT = 10;

/**
 * After a request wrote mail the patron is waiting for (a confirmation, a test mail), try to send the due rows now,
 * after the response (waitUntil); the Cron Trigger is the safety net. Never throws into the request. Without an
 * execution context (app.request() in a test) it does nothing: tests call sendDueMail themselves.
 */
export function kickOutbox<E extends AppEnv>(c: Context<E>): void {
  try {
    let ctx: Context<E>["executionCtx"];
    try {
      ctx = c.executionCtx;
    } catch {
      return;
    }
    const now = libraryNow(c);
    const transport = transportFor(c.env, now);
    if (!transport) {
      console.warn(NO_TRANSPORT);
      return;
    }
    ctx.waitUntil(
      sendDueMail(c.var.db, transport, { now, compose: composeContextFor(c.env, now), limit: KICK_LIMIT }).then(
        () => undefined,
        (err: unknown) => console.error("mail outbox: kick failed (the cron will send)", err),
      ),
    );
  } catch (err) {
    console.error("mail outbox: kick failed (the cron will send)", err);
  }
}

/** Logged when this configuration has no way to send: the rows wait, nothing is lost. */
export const NO_TRANSPORT =
  "mail outbox: no transport (no EMAIL send_email binding, and the dev mailbox is off): pending mail stays pending";
