// Test factories (issue 6 item 5), in the spirit of Koha's TestBuilder: each builds one VALID row that no other
// call collides with (unique codes, barcodes, card numbers), creating whatever it refers to unless the test
// passes it in, and takes overrides for what the test is about. A row that breaks an invariant is made by
// overriding it on purpose — the factory itself never does. tests/worker/factories.test.ts keeps them honest.
// (Patrons who must log in — a password hash — come from tests/support/accounts.ts insertPatron.)
import { eq } from "drizzle-orm";
import {
  branches,
  holdGroups,
  holds,
  items,
  loans,
  mailAddresses,
  mailOutbox,
  patrons,
  records,
  staffUsers,
} from "../../db/schema/index.ts";
import type { Db } from "../../worker/src/data/db.ts";
import { ALLOCATED_HOLD_STATUSES, type HoldStatus, type ItemStatus } from "../../worker/src/domain/vocabulary.ts";

export type Branch = typeof branches.$inferSelect;
export type Patron = typeof patrons.$inferSelect;
export type StaffUser = typeof staffUsers.$inferSelect;
export type RecordRow = typeof records.$inferSelect;
export type Item = typeof items.$inferSelect;
export type Hold = typeof holds.$inferSelect;
export type HoldGroup = typeof holdGroups.$inferSelect;
export type Loan = typeof loans.$inferSelect;
export type MailAddress = typeof mailAddresses.$inferSelect;
export type OutboxMail = typeof mailOutbox.$inferSelect;

/** A fixed instant, so rows never depend on the machine's clock: 2026-11-02 10:00 Asia/Tokyo. */
export const FACTORY_NOW = Date.UTC(2026, 10, 2, 1, 0, 0);

// Unique per module load (test files may share a database) and per call.
const RUN = crypto.getRandomValues(new Uint32Array(1))[0]!.toString(36).padStart(7, "0").slice(0, 7);
const RUN_DIGITS = String(crypto.getRandomValues(new Uint32Array(1))[0]! % 1_000_000).padStart(6, "0");
let serial = 0;
function next(): number {
  return ++serial;
}

export async function insertBranch(db: Db, overrides: Partial<typeof branches.$inferInsert> = {}): Promise<Branch> {
  const n = next();
  const inCity = overrides.inCity ?? true;
  const [row] = await db
    .insert(branches)
    .values({ code: `br-${RUN}-${n}`, name: `試験館 ${n}`, inCity, isPickup: inCity, sortOrder: 1000 + n, ...overrides })
    .returning();
  return row!;
}

async function branchId(db: Db, given: number | undefined): Promise<number> {
  return given ?? (await insertBranch(db)).id;
}

export async function insertPatron(db: Db, overrides: Partial<typeof patrons.$inferInsert> = {}): Promise<Patron> {
  const n = next();
  const phone = overrides.phone ?? `093-${String(n).padStart(3, "0").slice(-3)}-${RUN_DIGITS.slice(0, 4)}`;
  const [row] = await db
    .insert(patrons)
    .values({
      cardNumber: `4${RUN_DIGITS}${String(n).padStart(5, "0")}`,
      name: `試験 利用者${n}`,
      birthDate: "1990-01-02",
      phone,
      phoneDigits: phone.replace(/\D/g, ""),
      createdAt: FACTORY_NOW,
      ...overrides,
      homeBranchId: await branchId(db, overrides.homeBranchId),
    })
    .returning();
  return row!;
}

export async function insertStaff(db: Db, overrides: Partial<typeof staffUsers.$inferInsert> = {}): Promise<StaffUser> {
  const n = next();
  const [row] = await db
    .insert(staffUsers)
    // Not a usable password hash: a factory's staff member never logs in (accounts.ts makes those who do).
    .values({ login: `staff-${RUN}-${n}`, hash: "test$unusable", role: "counter", createdAt: FACTORY_NOW, ...overrides, branchId: await branchId(db, overrides.branchId) })
    .returning();
  return row!;
}

export async function insertRecord(db: Db, overrides: Partial<typeof records.$inferInsert> = {}): Promise<RecordRow> {
  const n = next();
  const [row] = await db
    .insert(records)
    .values({ source: "test", sourceId: `${RUN}-${n}`, title: `試験の本 ${n}`, createdAt: FACTORY_NOW, updatedAt: FACTORY_NOW, ...overrides })
    .returning();
  return row!;
}

export async function insertItem(db: Db, overrides: Partial<typeof items.$inferInsert> = {}): Promise<Item> {
  const n = next();
  const home = await branchId(db, overrides.branchId);
  const status: ItemStatus = overrides.status ?? "on_shelf";
  const [row] = await db
    .insert(items)
    .values({
      barcode: `T${RUN}${String(n).padStart(6, "0")}`,
      loanable: true,
      shelfMark: "913.6",
      createdAt: FACTORY_NOW,
      // Where the copy is: at home, nowhere while it travels.
      currentBranchId: status === "in_transit" ? null : home,
      ...overrides,
      status,
      branchId: home,
      recordId: overrides.recordId ?? (await insertRecord(db)).id,
    })
    .returning();
  return row!;
}

export async function insertHoldGroup(db: Db, overrides: Partial<typeof holdGroups.$inferInsert> = {}): Promise<HoldGroup> {
  const [row] = await db
    .insert(holdGroups)
    .values({ createdAt: FACTORY_NOW, ...overrides, patronId: overrides.patronId ?? (await insertPatron(db)).id })
    .returning();
  return row!;
}

/** The item status a hold in `status` puts its copy in. */
const ITEM_FOR_HOLD: Partial<Record<HoldStatus, ItemStatus>> = { in_transit: "in_transit", ready: "on_hold_shelf", fulfilled: "on_loan" };

/**
 * A hold in any state, with what that state needs: an allocated copy of the record (in transit, on the hold
 * shelf, or lent when fulfilled), R21's ready time and shelf day, a cancel reason and time.
 */
export async function insertHold(db: Db, overrides: Partial<typeof holds.$inferInsert> = {}): Promise<Hold> {
  const status: HoldStatus = overrides.status ?? "waiting";
  const pickupBranchId = await branchId(db, overrides.pickupBranchId);
  const recordId = overrides.recordId ?? (await insertRecord(db)).id;
  const patronId = overrides.patronId ?? (await insertPatron(db, { homeBranchId: pickupBranchId })).id;
  const needsItem = (ALLOCATED_HOLD_STATUSES as readonly string[]).includes(status) || status === "fulfilled";
  const itemId =
    overrides.itemId !== undefined ? overrides.itemId : needsItem ? (await insertItem(db, { recordId, branchId: pickupBranchId, status: ITEM_FOR_HOLD[status]! })).id : null;
  const [row] = await db
    .insert(holds)
    .values({
      channel: "web",
      contact: "none",
      placedAt: FACTORY_NOW,
      createdAt: FACTORY_NOW,
      updatedAt: FACTORY_NOW,
      ...(status === "ready" ? { readyAt: FACTORY_NOW, contactDate: "2026-11-02", shelfUntil: "2026-11-10" } : {}),
      ...(status === "cancelled" ? { cancelledAt: FACTORY_NOW, cancelReason: "patron" as const } : {}),
      ...(status === "fulfilled" ? { fulfilledAt: FACTORY_NOW } : {}),
      ...overrides,
      status,
      pickupBranchId,
      recordId,
      patronId,
      itemId,
    })
    .returning();
  return row!;
}

/** An open loan of a copy (lent at the copy's branch by a staff member of it), due in two weeks. */
export async function insertLoan(db: Db, overrides: Partial<typeof loans.$inferInsert> = {}): Promise<Loan> {
  const itemId = overrides.itemId ?? (await insertItem(db, { status: "on_loan" })).id;
  const [item] = await db.select({ branchId: items.branchId }).from(items).where(eq(items.id, itemId));
  const checkoutBranchId = overrides.checkoutBranchId ?? item!.branchId;
  const [row] = await db
    .insert(loans)
    .values({
      loanedAt: FACTORY_NOW,
      dueDate: "2026-11-16",
      ...overrides,
      itemId,
      checkoutBranchId,
      patronId: overrides.patronId ?? (await insertPatron(db, { homeBranchId: checkoutBranchId })).id,
      staffId: overrides.staffId ?? (await insertStaff(db, { branchId: checkoutBranchId })).id,
    })
    .returning();
  return row!;
}

export async function insertMailAddress(db: Db, overrides: Partial<typeof mailAddresses.$inferInsert> = {}): Promise<MailAddress> {
  const n = next();
  const [row] = await db
    .insert(mailAddresses)
    .values({ address: `patron${n}.${RUN}@example.jp`, confirmedAt: FACTORY_NOW, createdAt: FACTORY_NOW, ...overrides, patronId: overrides.patronId ?? (await insertPatron(db)).id })
    .returning();
  return row!;
}

/** A pending outbox mail, due now. */
export async function insertOutboxMail(db: Db, overrides: Partial<typeof mailOutbox.$inferInsert> = {}): Promise<OutboxMail> {
  const n = next();
  const [row] = await db
    .insert(mailOutbox)
    .values({
      toAddress: `patron${n}.${RUN}@example.jp`,
      kind: "hold_ready",
      subject: "予約資料のご用意ができました",
      body: "本文",
      dedupeKey: `test:${RUN}:${n}`,
      nextAttemptAt: FACTORY_NOW,
      createdAt: FACTORY_NOW,
      ...overrides,
    })
    .returning();
  return row!;
}
