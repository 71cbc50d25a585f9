// Issue 3 item 2: sessions. Only the SHA-256 of the random token is stored (a leaked table opens no session).
import { and, eq, lt, ne, type SQL } from "drizzle-orm";
import { credentials, patrons, sessions, staffUsers } from "../../../db/schema/index.ts";
import type { Db } from "./db.ts";

export interface SessionRow {
  tokenHash: string;
  patronId: number | null;
  staffId: number | null;
  terminalId: number | null;
  createdAt: number;
  lastSeenAt: number;
  expiresAt: number;
}

/** The session row with what the session view needs of its subject (null where there is no such subject). */
export interface SessionRecord extends SessionRow {
  patron: { cardNumber: string; name: string; status: "active" | "suspended"; temporary: boolean | null } | null;
  staff: { login: string; role: "counter" | "admin"; branchId: number; active: boolean } | null;
}

export function insertSessionStatement(db: Db, row: SessionRow) {
  return db.insert(sessions).values(row);
}

export async function findSessionRecord(db: Db, tokenHash: string): Promise<SessionRecord | null> {
  const [r] = await db
    .select({
      tokenHash: sessions.tokenHash,
      patronId: sessions.patronId,
      staffId: sessions.staffId,
      terminalId: sessions.terminalId,
      createdAt: sessions.createdAt,
      lastSeenAt: sessions.lastSeenAt,
      expiresAt: sessions.expiresAt,
      cardNumber: patrons.cardNumber,
      name: patrons.name,
      status: patrons.status,
      temporary: credentials.temporary,
      login: staffUsers.login,
      role: staffUsers.role,
      branchId: staffUsers.branchId,
      active: staffUsers.active,
    })
    .from(sessions)
    .leftJoin(patrons, eq(patrons.id, sessions.patronId))
    .leftJoin(credentials, eq(credentials.patronId, sessions.patronId))
    .leftJoin(staffUsers, eq(staffUsers.id, sessions.staffId))
    .where(eq(sessions.tokenHash, tokenHash))
    .limit(1);
  if (!r) return null;
  return {
    tokenHash: r.tokenHash,
    patronId: r.patronId,
    staffId: r.staffId,
    terminalId: r.terminalId,
    createdAt: r.createdAt,
    lastSeenAt: r.lastSeenAt,
    expiresAt: r.expiresAt,
    patron: r.cardNumber !== null && r.name !== null && r.status !== null ? { cardNumber: r.cardNumber, name: r.name, status: r.status, temporary: r.temporary } : null,
    staff: r.login !== null && r.role !== null && r.branchId !== null && r.active !== null ? { login: r.login, role: r.role, branchId: r.branchId, active: r.active } : null,
  };
}

/** Move last_seen_at (and the idle expiry) forward, unless another request already did. */
export async function touchSession(db: Db, t: { tokenHash: string; seenBefore: number; now: number; expiresAt: number }): Promise<void> {
  await db
    .update(sessions)
    .set({ lastSeenAt: t.now, expiresAt: t.expiresAt })
    .where(and(eq(sessions.tokenHash, t.tokenHash), eq(sessions.lastSeenAt, t.seenBefore)));
}

export function deleteSessionStatement(db: Db, tokenHash: string) {
  return db.delete(sessions).where(eq(sessions.tokenHash, tokenHash)).returning({ patronId: sessions.patronId, staffId: sessions.staffId });
}

/**
 * End a patron's sessions (R05, R06, R04), all of them or all but `exceptTokenHash` (the session that changed the
 * password), and only if `onlyIf` still holds when the batch reaches this statement.
 */
export function deletePatronSessionsStatement(db: Db, patronId: number, opts: { exceptTokenHash?: string | null; onlyIf?: SQL } = {}) {
  const conditions: SQL[] = [eq(sessions.patronId, patronId)];
  if (opts.exceptTokenHash) conditions.push(ne(sessions.tokenHash, opts.exceptTokenHash));
  if (opts.onlyIf) conditions.push(opts.onlyIf);
  return db.delete(sessions).where(and(...conditions));
}

export async function deleteExpiredSessions(db: Db, now: number): Promise<void> {
  await db.delete(sessions).where(lt(sessions.expiresAt, now));
}
