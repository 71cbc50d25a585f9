// Patrons as the account services read them (R01: the web only reads patrons; staff register them at the counter,
// so there is deliberately no insert here).
import { eq } from "drizzle-orm";
import { patrons } from "../../../db/schema/index.ts";
import type { Db } from "./db.ts";

export interface PatronIdentity {
  id: number;
  cardNumber: string;
  name: string;
  /** 'YYYY-MM-DD' */
  birthDate: string;
  /** R04: the registered phone number, digits only. */
  phoneDigits: string;
  status: "active" | "suspended";
}

const identityColumns = {
  id: patrons.id,
  cardNumber: patrons.cardNumber,
  name: patrons.name,
  birthDate: patrons.birthDate,
  phoneDigits: patrons.phoneDigits,
  status: patrons.status,
};

export async function findPatronByCard(db: Db, cardNumber: string): Promise<PatronIdentity | null> {
  const [row] = await db.select(identityColumns).from(patrons).where(eq(patrons.cardNumber, cardNumber)).limit(1);
  return row ?? null;
}

export async function findPatronById(db: Db, id: number): Promise<PatronIdentity | null> {
  const [row] = await db.select(identityColumns).from(patrons).where(eq(patrons.id, id)).limit(1);
  return row ?? null;
}
