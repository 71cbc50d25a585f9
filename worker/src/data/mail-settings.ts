// R40, R41, R44 (issue 9 items 1, 3, 8): the reads and guarded writes of 「メールアドレスの登録・変更・削除」.
// Every statement names the patron: a request can never read or touch another patron's addresses or mail log,
// whatever id it carries. Every write is ONE batch whose WHEREs re-check the facts the decision was made on; the
// outbox rows it causes (the confirmation, the notices to the other addresses) are in the same batch, keyed by
// their event (COMMON event keys), so a retried request writes no second mail.
//
//   loadMailSettings(db, patronId, now)    the patron's addresses with each one's last mail and its fate, the last
//                                          test mail per address, and the reminder preferences (one batch of reads)
//   addAddressStatements / changeAddressStatements / deleteAddressStatements / resendStatements / testMailStatement
//   / confirmStatements / preferencesStatement   the writes (run with runWrite: the first statement's changes)
import { sql, type SQL } from "drizzle-orm";
import { MAIL_ADDRESS_LIMIT, MAIL_CONFIRM_TTL_MS, TEST_MAIL_INTERVAL_MS, RESEND_GAP_MS } from "../domain/policy.ts";
import { ACTIVE_HOLD_STATUSES, type OutboxKind, type OutboxStatus } from "../domain/vocabulary.ts";
import { d1Client, d1Statement, type Db } from "./db.ts";
import { confirmedAddressSql } from "./mail-outbox.ts";

export interface MailAddressRow {
  id: number;
  address: string;
  confirmed: boolean;
  confirmedAt: number | null;
  /** R41: the link still works until this time (null once used, or for a confirmed address). */
  confirmExpiresAt: number | null;
  createdAt: number;
  /** The newest mail to this address (any kind), and what became of it. */
  last: {
    kind: OutboxKind;
    status: OutboxStatus;
    createdAt: number;
    sentAt: number | null;
    endedAt: number | null;
    /** The row's last error, or the last attempt's. */
    error: string | null;
  } | null;
  /** The newest test mail's creation time (the throttle, TEST_MAIL_INTERVAL_MS). */
  lastTestAt: number | null;
}

export interface MailPreferencesRow {
  dueReminder: boolean;
  shelfReminder: boolean;
}

interface RawAddress {
  id: number;
  address: string;
  confirmed_at: number | null;
  confirm_expires_at: number | null;
  created_at: number;
  last_kind: OutboxKind | null;
  last_status: OutboxStatus | null;
  last_created_at: number | null;
  last_sent_at: number | null;
  last_ended_at: number | null;
  last_error: string | null;
  last_test_at: number | null;
}

const num = (v: number | null): number | null => (v === null ? null : Number(v));

/** The patron's addresses (in the order they were registered), each with its last mail; and the preferences. */
export async function loadMailSettings(
  db: Db,
  patronId: number,
): Promise<{ addresses: MailAddressRow[]; preferences: MailPreferencesRow; unannouncedMailHolds: number }> {
  const [listed, prefs, unannounced] = await d1Client(db).batch([
    d1Statement(
      db,
      sql`WITH last AS (
          SELECT o.address_id, o.id, o.kind, o.status, o.created_at, o.sent_at, o.ended_at,
            coalesce(o.last_error, (SELECT a.error FROM mail_attempts a WHERE a.outbox_id = o.id ORDER BY a.attempt DESC LIMIT 1)) AS error,
            row_number() OVER (PARTITION BY o.address_id ORDER BY o.created_at DESC, o.id DESC) AS n
          FROM mail_outbox o
          WHERE o.patron_id = ${patronId} AND o.address_id IN (SELECT id FROM mail_addresses WHERE patron_id = ${patronId})
        )
        SELECT m.id, m.address, m.confirmed_at, m.confirm_expires_at, m.created_at,
          l.kind AS last_kind, l.status AS last_status, l.created_at AS last_created_at, l.sent_at AS last_sent_at,
          l.ended_at AS last_ended_at, l.error AS last_error,
          (SELECT max(t.created_at) FROM mail_outbox t WHERE t.address_id = m.id AND t.patron_id = ${patronId} AND t.kind = 'test_mail') AS last_test_at
        FROM mail_addresses m LEFT JOIN last l ON l.address_id = m.id AND l.n = 1
        WHERE m.patron_id = ${patronId}
        ORDER BY m.created_at, m.id`,
    ),
    d1Statement(db, sql`SELECT due_reminder, shelf_reminder FROM mail_preferences WHERE patron_id = ${patronId}`),
    // R20, R41: active holds whose contact is メール while no address of the patron's is confirmed — nobody will be told.
    d1Statement(
      db,
      sql`SELECT count(*) AS n FROM holds
        WHERE patron_id = ${patronId} AND contact = 'mail' AND status IN (${sql.join(ACTIVE_HOLD_STATUSES.map((st) => sql`${st}`), sql`, `)})
          AND NOT EXISTS (SELECT 1 FROM mail_addresses m WHERE m.patron_id = ${patronId} AND ${confirmedAddressSql(sql`m`)})`,
    ),
  ]);
  const addresses = (listed!.results as unknown as RawAddress[]).map((r) => ({
    id: Number(r.id),
    address: r.address,
    confirmed: r.confirmed_at !== null,
    confirmedAt: num(r.confirmed_at),
    confirmExpiresAt: num(r.confirm_expires_at),
    createdAt: Number(r.created_at),
    last:
      r.last_kind && r.last_status
        ? { kind: r.last_kind, status: r.last_status, createdAt: Number(r.last_created_at), sentAt: num(r.last_sent_at), endedAt: num(r.last_ended_at), error: r.last_error }
        : null,
    lastTestAt: num(r.last_test_at),
  }));
  const p = (prefs!.results as { due_reminder: number; shelf_reminder: number }[])[0];
  return {
    addresses,
    preferences: { dueReminder: Number(p?.due_reminder ?? 0) === 1, shelfReminder: Number(p?.shelf_reminder ?? 0) === 1 },
    unannouncedMailHolds: Number((unannounced!.results[0] as { n: number } | undefined)?.n ?? 0),
  };
}

/** What a confirmation row and the notices to the other addresses say (composed by the service, plain text). */
export interface ComposedMail {
  subject: string;
  body: string;
}

export interface IssueLink {
  /** SHA-256 of the link's token (services/tokens.ts sha256Hex): only the hash is stored. */
  tokenHash: string;
  confirmation: ComposedMail;
}

/** R41: the confirmation row for the address whose token hash is `tokenHash` (the row this batch just wrote). */
function confirmationStatement(db: Db, patronId: number, link: IssueLink, now: number): D1PreparedStatement {
  return d1Statement(
    db,
    sql`INSERT INTO mail_outbox (patron_id, to_address, address_id, kind, subject, body, dedupe_key, status, next_attempt_at, created_at)
      SELECT m.patron_id, m.address, m.id, 'address_confirmation', ${link.confirmation.subject}, ${link.confirmation.body},
        'confirm:' || m.id || ':' || ${String(now)}, 'pending', ${now}, ${now}
      FROM mail_addresses m WHERE m.confirm_token_hash = ${link.tokenHash} AND m.patron_id = ${patronId} AND m.confirmed_at IS NULL
      ON CONFLICT (dedupe_key) DO NOTHING`,
  );
}

/**
 * R40: one notice to each OTHER confirmed address of the patron about the address `subject` (an SQL expression for
 * its id), event key `${prefix}:{addressId}:{atMs}:{toAddressId}`. `guard` re-checks that the change happened.
 */
function noticeStatement(db: Db, c: { patronId: number; prefix: string; subjectId: SQL; mail: ComposedMail; now: number; guard: SQL }): D1PreparedStatement {
  return d1Statement(
    db,
    sql`INSERT INTO mail_outbox (patron_id, to_address, address_id, kind, subject, body, dedupe_key, status, next_attempt_at, created_at)
      SELECT o.patron_id, o.address, o.id, 'address_notice', ${c.mail.subject}, ${c.mail.body},
        ${c.prefix} || ':' || (${c.subjectId}) || ':' || ${String(c.now)} || ':' || o.id, 'pending', ${c.now}, ${c.now}
      FROM mail_addresses o
      WHERE o.patron_id = ${c.patronId} AND ${confirmedAddressSql(sql`o`)} AND o.id <> CAST((${c.subjectId}) AS INTEGER) AND ${c.guard}
      ORDER BY o.id
      ON CONFLICT (dedupe_key) DO NOTHING`,
  );
}

function auditSql(db: Db, c: { patronId: number; action: string; now: number; clientAddress: string | null; detail: SQL; from: SQL }): D1PreparedStatement {
  return d1Statement(
    db,
    sql`INSERT INTO audit_log (at, actor_kind, actor_id, action, target_kind, target_id, detail, client_address)
      SELECT ${c.now}, 'patron', ${c.patronId}, ${c.action}, 'patron', ${c.patronId}, ${c.detail}, ${c.clientAddress?.slice(0, 64) ?? null} ${c.from}`,
  );
}

/** The throttle reservation of the password re-ask is released in the success batch (services/throttle.ts). */
function releaseStatement(db: Db, reservationId: number | null): D1PreparedStatement[] {
  return reservationId === null ? [] : [d1Statement(db, sql`DELETE FROM auth_failures WHERE id = ${reservationId}`)];
}

export interface AddAddress {
  patronId: number;
  address: string;
  link: IssueLink;
  /** The notice to the other confirmed addresses. */
  notice: ComposedMail;
  now: number;
  clientAddress: string | null;
  reservationId: number | null;
}

/**
 * R40, R41: a new, unconfirmed address with its link — guarded: fewer than MAIL_ADDRESS_LIMIT addresses, and not
 * the patron's already (the trigger mail_addresses_limit is only the backstop: this WHERE says no first). Then, in
 * the same batch and only if it was written: the confirmation, the notices to the other confirmed addresses, the
 * audit row, the throttle release.
 */
export function addAddressStatements(db: Db, c: AddAddress): D1PreparedStatement[] {
  const written = sql`EXISTS (SELECT 1 FROM mail_addresses WHERE confirm_token_hash = ${c.link.tokenHash} AND patron_id = ${c.patronId})`;
  return [
    d1Statement(
      db,
      sql`INSERT INTO mail_addresses (patron_id, address, confirm_token_hash, confirm_expires_at, created_at, updated_at)
        SELECT ${c.patronId}, ${c.address}, ${c.link.tokenHash}, ${c.now + MAIL_CONFIRM_TTL_MS}, ${c.now}, ${c.now}
        WHERE (SELECT count(*) FROM mail_addresses WHERE patron_id = ${c.patronId}) < ${MAIL_ADDRESS_LIMIT}
          AND NOT EXISTS (SELECT 1 FROM mail_addresses WHERE patron_id = ${c.patronId} AND address = ${c.address})`,
    ),
    confirmationStatement(db, c.patronId, c.link, c.now),
    noticeStatement(db, {
      patronId: c.patronId,
      prefix: "address-added",
      subjectId: sql`SELECT id FROM mail_addresses WHERE confirm_token_hash = ${c.link.tokenHash}`,
      mail: c.notice,
      now: c.now,
      guard: written,
    }),
    auditSql(db, {
      patronId: c.patronId,
      action: "mail_address_added",
      now: c.now,
      clientAddress: c.clientAddress,
      detail: sql`json_object('addressId', m.id)`,
      from: sql`FROM mail_addresses m WHERE m.confirm_token_hash = ${c.link.tokenHash} AND m.patron_id = ${c.patronId}`,
    }),
    ...releaseStatement(db, c.reservationId),
  ];
}

export interface ChangeAddress extends AddAddress {
  addressId: number;
  /** The address as it was read when the change was decided: the UPDATE changes nothing if it moved since. */
  previous: string;
}

/**
 * R40 「変更する」, R41: the address replaced in place by a new, unconfirmed one with a new link (the old link and
 * any confirmation are void: the sender cancels pending mail whose address text changed). Guarded by the owner, the
 * address as read, and no other row of the patron holding the new address.
 */
export function changeAddressStatements(db: Db, c: ChangeAddress): D1PreparedStatement[] {
  const changed = sql`EXISTS (SELECT 1 FROM mail_addresses WHERE id = ${c.addressId} AND confirm_token_hash = ${c.link.tokenHash})`;
  return [
    d1Statement(
      db,
      sql`UPDATE mail_addresses SET address = ${c.address}, confirm_token_hash = ${c.link.tokenHash},
          confirm_expires_at = ${c.now + MAIL_CONFIRM_TTL_MS}, confirmed_at = NULL, updated_at = ${c.now}
        WHERE id = ${c.addressId} AND patron_id = ${c.patronId} AND address = ${c.previous}
          AND NOT EXISTS (SELECT 1 FROM mail_addresses o WHERE o.patron_id = ${c.patronId} AND o.address = ${c.address} AND o.id <> ${c.addressId})`,
    ),
    confirmationStatement(db, c.patronId, c.link, c.now),
    noticeStatement(db, { patronId: c.patronId, prefix: "address-changed", subjectId: sql`${String(c.addressId)}`, mail: c.notice, now: c.now, guard: changed }),
    auditSql(db, {
      patronId: c.patronId,
      action: "mail_address_changed",
      now: c.now,
      clientAddress: c.clientAddress,
      detail: sql`json_object('addressId', ${c.addressId})`,
      from: sql`WHERE ${changed}`,
    }),
    ...releaseStatement(db, c.reservationId),
  ];
}

/**
 * R40 「削除する」: the notices to the other confirmed addresses and the audit row first (they need the row to
 * exist: a retry after the delete finds none and writes nothing), then the guarded DELETE. The last statement's
 * changes say whether it was deleted.
 */
export function deleteAddressStatements(
  db: Db,
  c: { patronId: number; addressId: number; notice: ComposedMail; now: number; clientAddress: string | null },
): D1PreparedStatement[] {
  const exists = sql`EXISTS (SELECT 1 FROM mail_addresses WHERE id = ${c.addressId} AND patron_id = ${c.patronId})`;
  return [
    noticeStatement(db, { patronId: c.patronId, prefix: "address-removed", subjectId: sql`${String(c.addressId)}`, mail: c.notice, now: c.now, guard: exists }),
    auditSql(db, {
      patronId: c.patronId,
      action: "mail_address_deleted",
      now: c.now,
      clientAddress: c.clientAddress,
      detail: sql`json_object('addressId', ${c.addressId})`,
      from: sql`WHERE ${exists}`,
    }),
    d1Statement(db, sql`DELETE FROM mail_addresses WHERE id = ${c.addressId} AND patron_id = ${c.patronId}`),
  ];
}

/** R41 「確認メールを再送」: a new link for an unconfirmed address (the old one stops working), and its row. */
export function resendStatements(db: Db, c: { patronId: number; addressId: number; link: IssueLink; now: number }): D1PreparedStatement[] {
  return [
    d1Statement(
      db,
      sql`UPDATE mail_addresses SET confirm_token_hash = ${c.link.tokenHash}, confirm_expires_at = ${c.now + MAIL_CONFIRM_TTL_MS}, updated_at = ${c.now}
        WHERE id = ${c.addressId} AND patron_id = ${c.patronId} AND confirmed_at IS NULL
          AND (confirm_expires_at IS NULL OR confirm_expires_at <= ${c.now + MAIL_CONFIRM_TTL_MS - RESEND_GAP_MS})`,
    ),
    // The earlier link is void now: its confirmation, if still waiting, is cancelled rather than sent with a dead link.
    d1Statement(
      db,
      sql`UPDATE mail_outbox SET status = 'cancelled', ended_at = ${c.now}, last_error = 'superseded'
        WHERE address_id = ${c.addressId} AND kind = 'address_confirmation' AND status = 'pending'
          AND EXISTS (SELECT 1 FROM mail_addresses WHERE id = ${c.addressId} AND confirm_token_hash = ${c.link.tokenHash})`,
    ),
    confirmationStatement(db, c.patronId, c.link, c.now),
  ];
}

/**
 * Issue 9 item 8 「テストメールを送信」: one row to a confirmed address of the patron's, at most one per
 * TEST_MAIL_INTERVAL_MS — the event key `test:{addressId}:{address created_at}:{floor(now / interval)}` and a guard on
 * the last one. The address's created_at is in the key because SQLite gives a new address the id of one just deleted:
 * without it, the deleted address's test mail would throttle the new one.
 */
export function testMailStatement(db: Db, c: { patronId: number; addressId: number; mail: ComposedMail; now: number }): D1PreparedStatement {
  const slot = Math.floor(c.now / TEST_MAIL_INTERVAL_MS);
  return d1Statement(
    db,
    sql`INSERT INTO mail_outbox (patron_id, to_address, address_id, kind, subject, body, dedupe_key, status, next_attempt_at, created_at)
      SELECT m.patron_id, m.address, m.id, 'test_mail', ${c.mail.subject}, ${c.mail.body}, 'test:' || m.id || ':' || m.created_at || ':' || ${String(slot)}, 'pending', ${c.now}, ${c.now}
      FROM mail_addresses m
      WHERE m.id = ${c.addressId} AND m.patron_id = ${c.patronId} AND ${confirmedAddressSql(sql`m`)}
        AND NOT EXISTS (SELECT 1 FROM mail_outbox t WHERE t.address_id = m.id AND t.kind = 'test_mail' AND t.created_at > ${c.now - TEST_MAIL_INTERVAL_MS})
      ON CONFLICT (dedupe_key) DO NOTHING`,
  );
}

/**
 * R41 「確認する」: the link's address confirmed — ONE guarded UPDATE (the hash is cleared: single use; the expiry is
 * in the WHERE), its audit row first under the same guard. The last statement's changes say whether it worked.
 */
export function confirmStatements(db: Db, c: { tokenHash: string; now: number; clientAddress: string | null }): D1PreparedStatement[] {
  const usable = sql`m.confirm_token_hash = ${c.tokenHash} AND m.confirm_expires_at > ${c.now} AND m.confirmed_at IS NULL`;
  return [
    d1Statement(
      db,
      sql`INSERT INTO audit_log (at, actor_kind, actor_id, action, target_kind, target_id, detail, client_address)
        SELECT ${c.now}, 'patron', m.patron_id, 'mail_address_confirmed', 'patron', m.patron_id, json_object('addressId', m.id), ${c.clientAddress?.slice(0, 64) ?? null}
        FROM mail_addresses m WHERE ${usable}`,
    ),
    d1Statement(
      db,
      sql`UPDATE mail_addresses AS m SET confirmed_at = ${c.now}, confirm_token_hash = NULL, confirm_expires_at = NULL, updated_at = ${c.now}
        WHERE ${usable}`,
    ),
  ];
}

/** What a link's token finds when it did not work: an expired link (still stored), or nothing (used or unknown). */
export async function linkState(db: Db, tokenHash: string): Promise<"expired" | "unknown"> {
  const [row] = await db.all<{ id: number }>(sql`SELECT id FROM mail_addresses WHERE confirm_token_hash = ${tokenHash}`);
  return row ? "expired" : "unknown";
}

/** Issue 9 item 6: the opt-in reminders — one upsert. */
export function preferencesStatement(db: Db, c: { patronId: number; dueReminder: boolean; shelfReminder: boolean; now: number }): D1PreparedStatement {
  return d1Statement(
    db,
    sql`INSERT INTO mail_preferences (patron_id, due_reminder, shelf_reminder, updated_at)
      VALUES (${c.patronId}, ${c.dueReminder ? 1 : 0}, ${c.shelfReminder ? 1 : 0}, ${c.now})
      ON CONFLICT (patron_id) DO UPDATE SET due_reminder = excluded.due_reminder, shelf_reminder = excluded.shelf_reminder, updated_at = excluded.updated_at`,
  );
}

/** Runs a write's batch; answers the rows changed by the statement at `index` (default: the first). */
export async function runWrite(db: Db, statements: D1PreparedStatement[], index = 0): Promise<number> {
  const results = await d1Client(db).batch(statements);
  return results[index < 0 ? results.length + index : index]?.meta.changes ?? 0;
}
