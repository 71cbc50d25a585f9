// Issue 3 item 5: failed attempts, counted for the throttle (domain/throttle.ts) per card, per address, overall.
import { and, eq, lt, sql } from "drizzle-orm";
import { authFailures, type AuthFailureKind } from "../../../db/schema/index.ts";
import type { FailureCount } from "../domain/throttle.ts";
import type { Db } from "./db.ts";

export interface FailureCounts {
  perCard: FailureCount;
  perAddress: FailureCount;
  overall: FailureCount;
}

/**
 * One statement, three index range scans (auth_failures_subject, _address, _at), each over (since, now]: a row
 * from a clock ahead of this one does not count yet. `address` null leaves the per-address count out (a caller
 * that has no client address).
 */
export async function countFailures(
  db: Db,
  q: { kind: AuthFailureKind; subject: string; address: string | null; since: { card: number; address: number; overall: number }; now: number },
): Promise<FailureCounts> {
  const rows = await db.all<{ dim: string; n: number; last: number | null }>(sql`
    SELECT 'card' AS dim, count(*) AS n, max(at) AS last FROM ${authFailures}
      WHERE kind = ${q.kind} AND subject = ${q.subject} AND at > ${q.since.card} AND at <= ${q.now}
    UNION ALL
    SELECT 'address', count(*), max(at) FROM ${authFailures}
      WHERE kind = ${q.kind} AND client_address = ${q.address ?? ""} AND ${q.address !== null ? 1 : 0} = 1 AND at > ${q.since.address} AND at <= ${q.now}
    UNION ALL
    SELECT 'overall', count(*), max(at) FROM ${authFailures}
      WHERE kind = ${q.kind} AND at > ${q.since.overall} AND at <= ${q.now}`);
  const get = (dim: string): FailureCount => {
    const r = rows.find((x) => x.dim === dim);
    return { count: Number(r?.n ?? 0), lastAt: r?.last ?? null };
  };
  return { perCard: get("card"), perAddress: get("address"), overall: get("overall") };
}

export function recordFailureStatement(db: Db, f: { kind: AuthFailureKind; subject: string; address: string; at: number }) {
  return db.insert(authFailures).values({ kind: f.kind, subject: f.subject, clientAddress: f.address, at: f.at });
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
