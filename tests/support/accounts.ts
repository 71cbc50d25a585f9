// Factories for the account tests (R01–R08): the demo library, and fresh patrons a test may change freely.
// R01: patrons are made here as the counter would register them, never through a web service.
import fixtureText from "@data/fixtures/demo.json?raw";
import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { seedDemo, type DemoFixture } from "../../db/seed/demo.ts";
import { branches, credentials, patrons } from "../../db/schema/index.ts";
import { createDb, type Db } from "../../worker/src/data/db.ts";
import { hashPassword } from "../../worker/src/services/password-hash.ts";

export const PEPPER = "test-pepper";
export const AUTH_ENV = { PASSWORD_PEPPER: PEPPER };
export const fixture = JSON.parse(fixtureText) as DemoFixture;

/** The demo library (idempotent): 2100000001 … 2100000005, staff, the OPAC terminal chuo-opac-1. */
export async function demoDb(now = Date.UTC(2026, 10, 1)): Promise<Db> {
  const db = createDb(env.DB);
  await seedDemo(db, fixture, PEPPER, now);
  return db;
}

let serial = 0;

export interface TestPatron {
  id: number;
  cardNumber: string;
  birthDate: string;
  phone: string;
  password: string | null;
}

/** A new patron with a unique card number (3…); with a password unless `password: null`. */
export async function insertPatron(
  db: Db,
  overrides: Partial<{ cardNumber: string; birthDate: string; phone: string; password: string | null; temporary: boolean; iterations: number; status: "active" | "suspended" }> = {},
): Promise<TestPatron> {
  serial++;
  const [branch] = await db.select({ id: branches.id }).from(branches).limit(1);
  if (!branch) throw new Error("seed the branches first (demoDb)");
  const cardNumber = overrides.cardNumber ?? `3${String(crypto.getRandomValues(new Uint32Array(1))[0]! % 1e5).padStart(5, "0")}${String(serial).padStart(4, "0")}`;
  const birthDate = overrides.birthDate ?? "1990-01-02";
  const phone = overrides.phone ?? `093-555-${String(1000 + serial).slice(-4)}`;
  const password = overrides.password === undefined ? "Honyomu2026" : overrides.password;
  const [row] = await db
    .insert(patrons)
    .values({
      cardNumber,
      name: `試験 ${serial}`,
      birthDate,
      phone,
      phoneDigits: phone.replace(/\D/g, ""),
      homeBranchId: branch.id,
      status: overrides.status ?? "active",
      createdAt: 0,
    })
    .returning({ id: patrons.id });
  if (password !== null) {
    await db.insert(credentials).values({
      patronId: row!.id,
      hash: await hashPassword(password, PEPPER, overrides.iterations),
      temporary: overrides.temporary ?? false,
      changedAt: 0,
    });
  }
  return { id: row!.id, cardNumber, birthDate, phone, password };
}

export async function patronIdOf(db: Db, cardNumber: string): Promise<number> {
  const [row] = await db.select({ id: patrons.id }).from(patrons).where(eq(patrons.cardNumber, cardNumber));
  if (!row) throw new Error(`no patron ${cardNumber}`);
  return row.id;
}

export async function storedCredential(patronId: number): Promise<{ hash: string; temporary: number; changed_at: number } | null> {
  return env.DB.prepare("SELECT hash, temporary, changed_at FROM credentials WHERE patron_id = ?").bind(patronId).first();
}

export async function sessionCount(patronId: number): Promise<number> {
  const row = await env.DB.prepare("SELECT count(*) AS n FROM sessions WHERE patron_id = ?").bind(patronId).first<{ n: number }>();
  return row!.n;
}

export async function auditActions(since: number, targetOrActor?: number): Promise<string[]> {
  const rows = await env.DB.prepare(
    "SELECT action FROM audit_log WHERE at >= ?1 AND (?2 IS NULL OR actor_id = ?2 OR target_id = ?2) ORDER BY id",
  )
    .bind(since, targetOrActor ?? null)
    .all<{ action: string }>();
  return rows.results.map((r) => r.action);
}

let addressSerial = 0;
/** A client address no other test uses (the throttle counts per address). */
export function freshAddress(): string {
  addressSerial++;
  return `198.51.${Math.floor(addressSerial / 250)}.${(addressSerial % 250) + 1}`;
}
