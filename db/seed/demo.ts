// Loads the demo library (db/seed/data/fixtures/demo.json): branches, patrons with their passwords and mail
// addresses, staff, OPAC terminals. Safe to run again: existing rows are kept as they are, so a password a
// patron changed, or a branch a librarian renamed, survives a restart (`npm run reset` starts afresh).
import { sql } from "drizzle-orm";
import { chunk, D1_MAX_PARAMS, type Db } from "../../worker/src/data/db.ts";
import { branches, credentials, mailAddresses, opacTerminals, patrons, staffUsers } from "../schema/index.ts";
import { hashPassword } from "../../worker/src/services/password-hash.ts";

export interface DemoFixture {
  library: { name: string; mailFrom: string; mailDomain: string; timeZone: string };
  branches: { code: string; name: string; inCity: boolean; phone?: string | null; note?: string }[];
  patrons: {
    card: string;
    name: string;
    nameKana?: string;
    birthDate: string;
    phone: string;
    homeBranch: string;
    password?: string;
    temporaryPassword?: string;
    emails: string[];
    note?: string;
  }[];
  staff: { login: string; password: string; branch: string; role: "counter" | "admin" }[];
  opacTerminals: { code: string; branch: string; label?: string }[];
}

export interface SeedSummary {
  branches: number;
  patrons: number;
  staff: number;
  terminals: number;
}

export async function seedBranches(db: Db, fixture: Pick<DemoFixture, "branches">, now: number): Promise<void> {
  void now;
  const rows = fixture.branches.map((b, i) => ({
    code: b.code,
    name: b.name,
    inCity: b.inCity,
    // R11/R12: every in-city library is a pickup library; an outside library only lends (ILL).
    isPickup: b.inCity,
    sortOrder: i + 1,
    // R34 (issue 7): the number 「予約状況一覧」 says to phone; null where no source gave one (db/seed/data/README.md).
    phone: b.phone ?? null,
    note: b.note ?? null,
  }));
  // Eight bound values a row (id included): stay under D1's 100 per statement. An existing branch keeps what it has;
  // only a phone it lacks (branches.phone arrived with migration 0006) is filled from the fixture.
  for (const part of chunk(rows, Math.floor(D1_MAX_PARAMS / 8))) {
    await db
      .insert(branches)
      .values(part)
      .onConflictDoUpdate({ target: branches.code, set: { phone: sql`coalesce(${branches.phone}, excluded.phone)` } });
  }
}

export async function seedDemo(db: Db, fixture: DemoFixture, pepper: string, now: number): Promise<SeedSummary> {
  await seedBranches(db, fixture, now);
  const branchRows = await db.select({ id: branches.id, code: branches.code }).from(branches);
  const branchId = new Map(branchRows.map((b) => [b.code, b.id]));
  const idOf = (code: string) => {
    const id = branchId.get(code);
    if (id === undefined) throw new Error(`demo fixture names an unknown branch: ${code}`);
    return id;
  };

  for (const p of fixture.patrons) {
    await db
      .insert(patrons)
      .values({
        cardNumber: p.card,
        name: p.name,
        nameKana: p.nameKana ?? null,
        birthDate: p.birthDate,
        phone: p.phone,
        phoneDigits: p.phone.replace(/\D/g, ""),
        homeBranchId: idOf(p.homeBranch),
        createdAt: now,
      })
      .onConflictDoNothing({ target: patrons.cardNumber });
    const [row] = await db.select({ id: patrons.id }).from(patrons).where(sql`${patrons.cardNumber} = ${p.card}`);
    if (!row) throw new Error(`patron ${p.card} missing after insert`);
    const existing = await db.select({ id: credentials.patronId }).from(credentials).where(sql`${credentials.patronId} = ${row.id}`);
    const secret = p.password ?? p.temporaryPassword;
    if (secret && existing.length === 0) {
      await db
        .insert(credentials)
        .values({ patronId: row.id, hash: await hashPassword(secret, pepper), temporary: !p.password, changedAt: now })
        .onConflictDoNothing();
    }
    for (const address of p.emails) {
      await db
        .insert(mailAddresses)
        .values({ patronId: row.id, address, confirmedAt: now, createdAt: now })
        .onConflictDoNothing();
    }
  }

  for (const s of fixture.staff) {
    const exists = await db.select({ id: staffUsers.id }).from(staffUsers).where(sql`${staffUsers.login} = ${s.login}`);
    if (exists.length) continue;
    await db
      .insert(staffUsers)
      .values({ login: s.login, hash: await hashPassword(s.password, pepper), role: s.role, branchId: idOf(s.branch), createdAt: now })
      .onConflictDoNothing({ target: staffUsers.login });
  }

  for (const t of fixture.opacTerminals) {
    // Issue 7 item 8: registered, not yet enrolled — `npm run staff -- enrol-terminal CODE` prints its enrolment code.
    await db
      .insert(opacTerminals)
      .values({ code: t.code, branchId: idOf(t.branch), label: t.label ?? null, active: true, createdAt: now })
      .onConflictDoNothing({ target: opacTerminals.code });
  }

  return {
    branches: fixture.branches.length,
    patrons: fixture.patrons.length,
    staff: fixture.staff.length,
    terminals: fixture.opacTerminals.length,
  };
}
