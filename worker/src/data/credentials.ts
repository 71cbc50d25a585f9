// R03: the one stored password of a patron (credentials), and the statements that replace it. Writes are built as
// statements for one db.batch(); the guarded ones re-check the hash they replace (D1 has no transactions).
import { and, eq, sql } from "drizzle-orm";
import { credentials, patrons } from "../../../db/schema/index.ts";
import type { Db } from "./db.ts";

/** A patron with the stored password, if any (2100000003 has none until R04). */
export interface PatronLogin {
  patronId: number;
  cardNumber: string;
  name: string;
  birthDate: string;
  status: "active" | "suspended";
  hash: string | null;
  temporary: boolean | null;
}

const loginColumns = {
  patronId: patrons.id,
  cardNumber: patrons.cardNumber,
  name: patrons.name,
  birthDate: patrons.birthDate,
  status: patrons.status,
  hash: credentials.hash,
  temporary: credentials.temporary,
};

export async function findLoginByCard(db: Db, cardNumber: string): Promise<PatronLogin | null> {
  const [row] = await db
    .select(loginColumns)
    .from(patrons)
    .leftJoin(credentials, eq(credentials.patronId, patrons.id))
    .where(eq(patrons.cardNumber, cardNumber))
    .limit(1);
  return row ?? null;
}

export async function findLoginByPatronId(db: Db, patronId: number): Promise<PatronLogin | null> {
  const [row] = await db
    .select(loginColumns)
    .from(patrons)
    .leftJoin(credentials, eq(credentials.patronId, patrons.id))
    .where(eq(patrons.id, patronId))
    .limit(1);
  return row ?? null;
}

/** R04, R05: set the patron's password whatever was there (insert or replace). */
export function setPasswordStatement(db: Db, p: { patronId: number; hash: string; temporary: boolean; now: number }) {
  return db
    .insert(credentials)
    .values({ patronId: p.patronId, hash: p.hash, temporary: p.temporary, changedAt: p.now })
    .onConflictDoUpdate({
      target: credentials.patronId,
      set: { hash: p.hash, temporary: p.temporary, changedAt: p.now },
    })
    .returning({ patronId: credentials.patronId });
}

/**
 * R06: replace the password the patron proved, only if it is still the one stored (a concurrent change wins
 * and this one changes nothing). The new one is never temporary (R05 ends here).
 */
export function changePasswordStatement(db: Db, p: { patronId: number; oldHash: string; newHash: string; now: number }) {
  return db
    .update(credentials)
    .set({ hash: p.newHash, temporary: false, changedAt: p.now })
    .where(and(eq(credentials.patronId, p.patronId), eq(credentials.hash, p.oldHash)))
    .returning({ patronId: credentials.patronId });
}

/** Upgrade the stored hash's parameters after a good login; the password itself (and changed_at) stay the same. */
export function upgradeHashStatement(db: Db, p: { patronId: number; oldHash: string; newHash: string }) {
  return db
    .update(credentials)
    .set({ hash: p.newHash })
    .where(and(eq(credentials.patronId, p.patronId), eq(credentials.hash, p.oldHash)));
}

/** A condition true only while the patron's stored hash is `hash`: guards the rest of a batch. */
export function hashIsStill(patronId: number, hash: string) {
  return sql`EXISTS (SELECT 1 FROM ${credentials} WHERE ${credentials.patronId} = ${patronId} AND ${credentials.hash} = ${hash})`;
}
