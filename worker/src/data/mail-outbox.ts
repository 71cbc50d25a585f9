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
