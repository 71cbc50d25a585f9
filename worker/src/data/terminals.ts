// Issue 7 item 8 (R03, R36): the rows of in-library OPAC terminals. Every write is one guarded statement (the state
// it needs in its WHERE); an enrolment code is redeemed by one UPDATE, so of two parallel redemptions one wins.
import { and, asc, desc, eq, gt, isNotNull } from "drizzle-orm";
import { branches, opacTerminals, sessions } from "../../../db/schema/index.ts";
import type { Db } from "./db.ts";

export interface TerminalListRow {
  id: number;
  code: string;
  label: string | null;
  active: boolean;
  branchId: number;
  branchName: string;
  /** A device secret is set: a browser holds it (enrolled, not re-issued since). */
  enrolled: boolean;
  enrolledAt: number | null;
  /** A pending enrolment code's expiry (ms), or null: none pending. */
  enrolmentExpiresAt: number | null;
  createdAt: number | null;
}

/** Every terminal, the active ones first, for 「利用者端末の管理」. */
export async function listTerminals(db: Db): Promise<TerminalListRow[]> {
  const rows = await db
    .select({
      id: opacTerminals.id,
      code: opacTerminals.code,
      label: opacTerminals.label,
      active: opacTerminals.active,
      branchId: opacTerminals.branchId,
      branchName: branches.name,
      secretHash: opacTerminals.secretHash,
      enrolledAt: opacTerminals.enrolledAt,
      enrolmentExpiresAt: opacTerminals.enrolmentExpiresAt,
      createdAt: opacTerminals.createdAt,
    })
    .from(opacTerminals)
    .innerJoin(branches, eq(branches.id, opacTerminals.branchId))
    .orderBy(desc(opacTerminals.active), asc(branches.sortOrder), asc(opacTerminals.code));
  return rows.map(({ secretHash, ...r }) => ({ ...r, enrolled: secretHash !== null }));
}

/** The branches a terminal may stand in: the city's own libraries, in their order. */
export async function terminalBranches(db: Db): Promise<{ id: number; name: string }[]> {
  return db.select({ id: branches.id, name: branches.name }).from(branches).where(eq(branches.inCity, true)).orderBy(asc(branches.sortOrder));
}

/** A new terminal with its first enrolment code pending; null when the code is taken (one statement, no check first). */
export async function insertTerminal(
  db: Db,
  t: { code: string; branchId: number; label: string | null; enrolmentHash: string; enrolmentExpiresAt: number; now: number },
): Promise<number | null> {
  const [row] = await db
    .insert(opacTerminals)
    .values({ code: t.code, branchId: t.branchId, label: t.label, active: true, enrolmentHash: t.enrolmentHash, enrolmentExpiresAt: t.enrolmentExpiresAt, createdAt: t.now })
    .onConflictDoNothing({ target: opacTerminals.code })
    .returning({ id: opacTerminals.id });
  return row?.id ?? null;
}

/** 「登録コードを発行」: a new pending code for an active terminal; the old device secret (and any older code) stop working. */
export function reissueEnrolmentStatement(db: Db, t: { terminalId: number; enrolmentHash: string; enrolmentExpiresAt: number }) {
  return db
    .update(opacTerminals)
    .set({ enrolmentHash: t.enrolmentHash, enrolmentExpiresAt: t.enrolmentExpiresAt, secretHash: null })
    .where(and(eq(opacTerminals.id, t.terminalId), eq(opacTerminals.active, true)))
    .returning({ id: opacTerminals.id, code: opacTerminals.code });
}

/** 「廃止」: the terminal is recognised no more (its secret and any pending code are dropped). */
export function retireTerminalStatement(db: Db, terminalId: number) {
  return db
    .update(opacTerminals)
    .set({ active: false, secretHash: null, enrolmentHash: null, enrolmentExpiresAt: null })
    .where(and(eq(opacTerminals.id, terminalId), eq(opacTerminals.active, true)))
    .returning({ id: opacTerminals.id, code: opacTerminals.code });
}

/** The sessions opened on a terminal end with its secret (re-issue, retirement): the next patron inherits none. */
export function deleteTerminalSessionsStatement(db: Db, terminalId: number) {
  return db.delete(sessions).where(eq(sessions.terminalId, terminalId));
}

/**
 * Redeems an enrolment code in ONE statement: the hash matches, it has not expired, the terminal is active. The new
 * device secret's hash is set and the code is cleared in the same UPDATE, so a code works once.
 */
export async function redeemEnrolment(db: Db, r: { enrolmentHash: string; secretHash: string; now: number }): Promise<{ id: number; code: string } | null> {
  const [row] = await db
    .update(opacTerminals)
    .set({ secretHash: r.secretHash, enrolmentHash: null, enrolmentExpiresAt: null, enrolledAt: r.now })
    .where(and(eq(opacTerminals.enrolmentHash, r.enrolmentHash), gt(opacTerminals.enrolmentExpiresAt, r.now), eq(opacTerminals.active, true)))
    .returning({ id: opacTerminals.id, code: opacTerminals.code });
  return row ?? null;
}

export interface EnrolledTerminal {
  id: number;
  code: string;
  label: string | null;
  branchId: number;
  branchName: string;
}

/** The active terminal whose device secret has this hash, or null (retired, re-issued, never enrolled, forged). */
export async function findEnrolledTerminal(db: Db, terminalId: number, secretHash: string): Promise<EnrolledTerminal | null> {
  const [row] = await db
    .select({ id: opacTerminals.id, code: opacTerminals.code, label: opacTerminals.label, branchId: opacTerminals.branchId, branchName: branches.name })
    .from(opacTerminals)
    .innerJoin(branches, eq(branches.id, opacTerminals.branchId))
    .where(and(eq(opacTerminals.id, terminalId), eq(opacTerminals.active, true), isNotNull(opacTerminals.secretHash), eq(opacTerminals.secretHash, secretHash)))
    .limit(1);
  return row ?? null;
}

/** A terminal by its code (the staff command line), active or not. */
export async function findTerminalByCode(db: Db, code: string): Promise<{ id: number; code: string; active: boolean } | null> {
  const [row] = await db.select({ id: opacTerminals.id, code: opacTerminals.code, active: opacTerminals.active }).from(opacTerminals).where(eq(opacTerminals.code, code)).limit(1);
  return row ?? null;
}

/** The terminal a session was opened on (sessions.terminal_id), for the pages that say where the patron is. */
export async function findTerminalById(db: Db, terminalId: number): Promise<EnrolledTerminal | null> {
  const [row] = await db
    .select({ id: opacTerminals.id, code: opacTerminals.code, label: opacTerminals.label, branchId: opacTerminals.branchId, branchName: branches.name })
    .from(opacTerminals)
    .innerJoin(branches, eq(branches.id, opacTerminals.branchId))
    .where(eq(opacTerminals.id, terminalId))
    .limit(1);
  return row ?? null;
}
