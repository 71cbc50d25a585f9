// Issue 3 item 5: failed attempts, counted for the throttle (domain/throttle.ts) per card, per address, overall.
// Issue 6 §6: an attempt is reserved (its failure row written, guarded by the counts) before the password check,
// and deleted again when the password was right: parallel tries cannot all pass one count.
//
// `subject` is the card number when what was typed has the shape of one, a device bucket (`<card>@<device id>`,
// only from a verified device cookie), the staff login of an existing account, or else a keyed hash ("#…"):
// a password typed into the card box by mistake is never stored.
import { and, eq, lt, sql } from "drizzle-orm";
import { authFailures, type AuthFailureKind } from "../../../db/schema/index.ts";
import type { FailureCount } from "../domain/throttle.ts";
import type { Db } from "./db.ts";

export interface FailureCounts {
  perCard: FailureCount;
  perAddress: FailureCount;
  overall: FailureCount;
}

export interface FailureWindows {
  card: number;
  address: number;
  overall: number;
}

/**
 * One statement, three index range scans (auth_failures_subject, _address, _at), each over (since, now]: a row
 * from a clock ahead of this one does not count yet. `address` null leaves the per-address count out (a caller
 * that has no client address, or a recognised device); `overall: false` the overall one (a recognised device).
 */
export async function countFailures(
  db: Db,
  q: { kind: AuthFailureKind; subject: string; address: string | null; overall?: boolean; since: FailureWindows; now: number },
): Promise<FailureCounts> {
  const overall = q.overall !== false;
  const rows = await db.all<{ dim: string; n: number; last: number | null }>(sql`
    SELECT 'card' AS dim, count(*) AS n, max(at) AS last FROM ${authFailures}
      WHERE kind = ${q.kind} AND subject = ${q.subject} AND at > ${q.since.card} AND at <= ${q.now}
    UNION ALL
    SELECT 'address', count(*), max(at) FROM ${authFailures}
      WHERE kind = ${q.kind} AND client_address = ${q.address ?? ""} AND ${q.address !== null ? 1 : 0} = 1 AND at > ${q.since.address} AND at <= ${q.now}
    UNION ALL
    SELECT 'overall', count(*), max(at) FROM ${authFailures}
      WHERE kind = ${q.kind} AND ${overall ? 1 : 0} = 1 AND at > ${q.since.overall} AND at <= ${q.now}`);
  const get = (dim: string): FailureCount => {
    const r = rows.find((x) => x.dim === dim);
    return { count: Number(r?.n ?? 0), lastAt: r?.last ?? null };
  };
  return { perCard: get("card"), perAddress: get("address"), overall: get("overall") };
}

/**
 * Reserve one attempt: its failure row goes in only if every counted dimension's window (since, until] still holds
 * fewer rows than its limit (domain/throttle.ts reservationLimits) — one statement, so D1 runs the count and the
 * insert together and N parallel reservations see each other. The new row's id, or null when a limit was reached.
 */
export async function reserveFailure(
  db: Db,
  r: {
    kind: AuthFailureKind;
    subject: string;
    address: string;
    at: number;
    since: FailureWindows;
    until: number;
    limits: { card: number; address: number | null; overall: number | null };
  },
): Promise<number | null> {
  const { limits } = r;
  const addressGuard =
    limits.address === null
      ? sql`1`
      : sql`(SELECT count(*) FROM ${authFailures} WHERE kind = ${r.kind} AND client_address = ${r.address} AND at > ${r.since.address} AND at <= ${r.until}) < ${limits.address}`;
  const overallGuard =
    limits.overall === null
      ? sql`1`
      : sql`(SELECT count(*) FROM ${authFailures} WHERE kind = ${r.kind} AND at > ${r.since.overall} AND at <= ${r.until}) < ${limits.overall}`;
  const rows = await db.all<{ id: number }>(sql`
    INSERT INTO ${authFailures} (kind, subject, client_address, at)
    SELECT ${r.kind}, ${r.subject}, ${r.address}, ${r.at}
    WHERE (SELECT count(*) FROM ${authFailures} WHERE kind = ${r.kind} AND subject = ${r.subject} AND at > ${r.since.card} AND at <= ${r.until}) < ${limits.card}
      AND ${addressGuard}
      AND ${overallGuard}
    RETURNING id`);
  return rows[0]?.id ?? null;
}

/** Release a reservation: the attempt it held was not a failure (the right password, or refused for another reason). */
export function deleteFailureStatement(db: Db, id: number) {
  return db.delete(authFailures).where(eq(authFailures.id, id));
}

/** A good login (or the counter's help) forgets the card's failures: the per-card wait starts again from zero. */
export function clearFailuresStatement(db: Db, kind: AuthFailureKind, subject: string) {
  return db.delete(authFailures).where(and(eq(authFailures.kind, kind), eq(authFailures.subject, subject)));
}

/** Forget failures older than `before` (nothing reads them: every throttle window is shorter). */
export async function pruneFailures(db: Db, before: number): Promise<void> {
  for (const kind of ["login", "apply", "staff_login"] as const) {
    await db.delete(authFailures).where(and(eq(authFailures.kind, kind), lt(authFailures.at, before)));
  }
}
