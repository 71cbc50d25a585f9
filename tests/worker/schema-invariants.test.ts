// Issue 6 item 5 (migration 0004): the invariants the holds, circulation and mail work rely on, checked on the
// real migrated D1 — each one both ways (the valid row passes, the broken one is refused). R11, R12, R14, R15,
// R20, R21, R34, R41.
import { env } from "cloudflare:workers";
import { eq, sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { holdGroups, holds, itemTransits, items, loans, mailOutbox } from "../../db/schema/index.ts";
import { createDb, type Db } from "../../worker/src/data/db.ts";
import { availableCopySql, heldCopySql, obtainableCopySql } from "../../worker/src/data/catalog-read.ts";
import { isAvailable, isHeld, isObtainable } from "../../worker/src/domain/holdability.ts";
import { HOLD_LIMIT } from "../../worker/src/domain/policy.ts";
import {
  ACTIVE_HOLD_STATUSES,
  HOLD_STATUSES,
  ITEM_STATUSES,
  MATERIAL_TYPES,
  OUTBOX_KINDS,
} from "../../worker/src/domain/vocabulary.ts";
import {
  FACTORY_NOW,
  insertBranch,
  insertHold,
  insertHoldGroup,
  insertItem,
  insertLoan,
  insertOutboxMail,
  insertPatron,
  insertRecord,
  insertStaff,
  type Branch,
} from "../support/factories.ts";

let db: Db;
let pickup: Branch;
let outside: Branch;

beforeAll(async () => {
  db = createDb(env.DB);
  pickup = await insertBranch(db);
  outside = await insertBranch(db, { inCity: false, isPickup: false });
});

/** The error a refused statement raises, as text (D1 wraps SQLite's message). */
async function refusal(run: () => Promise<unknown>): Promise<string> {
  try {
    await run();
  } catch (e) {
    const err = e as Error & { cause?: Error };
    return `${err.message} ${err.cause?.message ?? ""}`;
  }
  throw new Error("the statement was accepted");
}

async function tableSql(name: string): Promise<string> {
  const row = await env.DB.prepare("SELECT sql FROM sqlite_master WHERE name = ?").bind(name).first<{ sql: string }>();
  return row?.sql ?? "";
}

describe("R15 ordered holds: deleting a hold group", () => {
  it("takes its holds out of the group, position and all, and keeps the holds", async () => {
    const group = await insertHoldGroup(db);
    const first = await insertHold(db, { patronId: group.patronId, pickupBranchId: pickup.id, groupId: group.id, groupPosition: 1 });
    const second = await insertHold(db, { patronId: group.patronId, pickupBranchId: pickup.id, groupId: group.id, groupPosition: 2 });
    await db.delete(holdGroups).where(eq(holdGroups.id, group.id));
    const rows = await db.select({ id: holds.id, groupId: holds.groupId, pos: holds.groupPosition }).from(holds).where(sql`${holds.id} IN (${first.id}, ${second.id})`);
    expect(rows.sort((a, b) => a.id - b.id)).toEqual([
      { id: first.id, groupId: null, pos: null },
      { id: second.id, groupId: null, pos: null },
    ]);
  });

  it("still refuses a position without a group, or a group without a position", async () => {
    const group = await insertHoldGroup(db);
    expect(await refusal(() => insertHold(db, { pickupBranchId: pickup.id, groupPosition: 1 }))).toMatch(/holds_group_position|CHECK/);
    expect(await refusal(() => insertHold(db, { patronId: group.patronId, pickupBranchId: pickup.id, groupId: group.id }))).toMatch(/holds_group_position|CHECK/);
  });
});

describe("R15 holds_group_slot covers active holds only", () => {
  it("allows two cancelled holds in one slot, and a new active hold beside them", async () => {
    const group = await insertHoldGroup(db);
    const record = await insertRecord(db);
    const slot = { patronId: group.patronId, pickupBranchId: pickup.id, groupId: group.id, groupPosition: 1 };
    await insertHold(db, { ...slot, recordId: record.id, status: "cancelled" });
    await insertHold(db, { ...slot, recordId: record.id, status: "cancelled" });
    await insertHold(db, { ...slot, recordId: record.id, status: "waiting" });
  });

  it("refuses a second active hold in the same slot", async () => {
    const group = await insertHoldGroup(db);
    const slot = { patronId: group.patronId, pickupBranchId: pickup.id, groupId: group.id, groupPosition: 1 };
    await insertHold(db, slot);
    expect(await refusal(() => insertHold(db, slot))).toMatch(/UNIQUE/);
  });
});

describe("R11, R12, R34 the pickup library is in the city, on insert and on every change", () => {
  it("refuses a hold placed for pickup outside the city", async () => {
    expect(await refusal(() => insertHold(db, { pickupBranchId: outside.id }))).toContain("pickup_not_allowed");
  });

  it("refuses changing a hold's pickup to an out-of-city branch, and allows another in-city one", async () => {
    const hold = await insertHold(db, { pickupBranchId: pickup.id });
    expect(await refusal(() => db.update(holds).set({ pickupBranchId: outside.id }).where(eq(holds.id, hold.id)))).toContain("pickup_not_allowed");
    const other = await insertBranch(db);
    await db.update(holds).set({ pickupBranchId: other.id }).where(eq(holds.id, hold.id));
    const [row] = await db.select({ pickup: holds.pickupBranchId }).from(holds).where(eq(holds.id, hold.id));
    expect(row!.pickup).toBe(other.id);
  });
});

describe("R21 a ready hold has its shelf day", () => {
  it("refuses a ready hold without shelf_until (or without ready_at)", async () => {
    expect(await refusal(() => insertHold(db, { pickupBranchId: pickup.id, status: "ready", shelfUntil: null }))).toMatch(/holds_ready_shelf|CHECK/);
    expect(await refusal(() => insertHold(db, { pickupBranchId: pickup.id, status: "ready", readyAt: null }))).toMatch(/holds_ready_shelf|CHECK/);
  });

  it("refuses making a hold ready without setting shelf_until, and accepts it with one", async () => {
    const item = await insertItem(db, { branchId: pickup.id, status: "on_hold_shelf" });
    const hold = await insertHold(db, { pickupBranchId: pickup.id, recordId: item.recordId });
    const ready = { status: "ready" as const, itemId: item.id, readyAt: FACTORY_NOW };
    expect(await refusal(() => db.update(holds).set(ready).where(eq(holds.id, hold.id)))).toMatch(/holds_ready_shelf|CHECK/);
    await db.update(holds).set({ ...ready, shelfUntil: "2026-11-10" }).where(eq(holds.id, hold.id));
  });
});

describe("R14 the 10-hold backstop survives the rebuild of holds", () => {
  it(`refuses the ${HOLD_LIMIT + 1}th active hold, and counts cancelled ones out`, async () => {
    const patron = await insertPatron(db, { homeBranchId: pickup.id });
    await insertHold(db, { patronId: patron.id, pickupBranchId: pickup.id, status: "cancelled" });
    for (let i = 0; i < HOLD_LIMIT; i++) await insertHold(db, { patronId: patron.id, pickupBranchId: pickup.id });
    expect(await refusal(() => insertHold(db, { patronId: patron.id, pickupBranchId: pickup.id }))).toContain("hold_limit_reached");
  });

  it("refuses bringing a cancelled hold back past the limit", async () => {
    const patron = await insertPatron(db, { homeBranchId: pickup.id });
    const old = await insertHold(db, { patronId: patron.id, pickupBranchId: pickup.id, status: "cancelled" });
    for (let i = 0; i < HOLD_LIMIT; i++) await insertHold(db, { patronId: patron.id, pickupBranchId: pickup.id });
    expect(
      await refusal(() => db.update(holds).set({ status: "waiting", cancelReason: null, cancelledAt: null }).where(eq(holds.id, old.id))),
    ).toContain("hold_limit_reached");
  });

  it("keeps one active hold per patron and record", async () => {
    const hold = await insertHold(db, { pickupBranchId: pickup.id });
    expect(await refusal(() => insertHold(db, { patronId: hold.patronId, recordId: hold.recordId, pickupBranchId: pickup.id }))).toMatch(/UNIQUE/);
  });
});

describe("R22, R35 loans know where, by whom, and which hold they fill", () => {
  it("carries the checkout branch, the staff member and the hold", async () => {
    const hold = await insertHold(db, { pickupBranchId: pickup.id, status: "fulfilled" });
    const loan = await insertLoan(db, { itemId: hold.itemId!, patronId: hold.patronId, holdId: hold.id, checkoutBranchId: pickup.id });
    expect(loan).toMatchObject({ checkoutBranchId: pickup.id, holdId: hold.id });
    expect(loan.staffId).toBeGreaterThan(0);
  });

  it("refuses a loan without a checkout branch or a staff member", async () => {
    const item = await insertItem(db, { status: "on_loan" });
    const patron = await insertPatron(db);
    const staff = await insertStaff(db);
    const base = { itemId: item.id, patronId: patron.id, loanedAt: FACTORY_NOW, dueDate: "2026-11-16" };
    expect(await refusal(() => env.DB.prepare("INSERT INTO loans (item_id, patron_id, loaned_at, due_date, staff_id) VALUES (?, ?, ?, ?, ?)").bind(base.itemId, base.patronId, base.loanedAt, base.dueDate, staff.id).run())).toMatch(/NOT NULL/);
    expect(await refusal(() => env.DB.prepare("INSERT INTO loans (item_id, patron_id, loaned_at, due_date, checkout_branch_id) VALUES (?, ?, ?, ?, ?)").bind(base.itemId, base.patronId, base.loanedAt, base.dueDate, item.branchId).run())).toMatch(/NOT NULL/);
  });

  it("lets a hold be filled by one loan only", async () => {
    const hold = await insertHold(db, { pickupBranchId: pickup.id, status: "fulfilled" });
    await insertLoan(db, { itemId: hold.itemId!, holdId: hold.id, returnedAt: FACTORY_NOW });
    expect(await refusal(() => insertLoan(db, { holdId: hold.id }))).toMatch(/UNIQUE/);
  });

  it("keeps R31's renewal checks through the rebuild of loans", async () => {
    expect(await refusal(() => insertLoan(db, { renewals: 2 }))).toMatch(/loans_renewals|CHECK/);
    expect(await refusal(() => insertLoan(db, { interLibrary: true, renewals: 1 }))).toMatch(/loans_ill_no_renewal|CHECK/);
  });
});

describe("items have a current location; transits say where a travelling copy goes", () => {
  it("a copy inserted without a current branch is at its own branch", async () => {
    const branch = await insertBranch(db);
    const record = await insertRecord(db);
    await db.insert(items).values({ barcode: `LOC-${branch.id}`, recordId: record.id, branchId: branch.id, loanable: true, createdAt: FACTORY_NOW });
    const [row] = await db.select({ current: items.currentBranchId }).from(items).where(eq(items.barcode, `LOC-${branch.id}`));
    expect(row!.current).toBe(branch.id);
  });

  it("only a copy in transit may be nowhere", async () => {
    const item = await insertItem(db);
    expect(await refusal(() => db.update(items).set({ currentBranchId: null }).where(eq(items.id, item.id)))).toContain("item_location_missing");
    await db.update(items).set({ status: "in_transit", currentBranchId: null }).where(eq(items.id, item.id));
  });

  it("one open transit per copy, never to where it already is", async () => {
    const to = await insertBranch(db);
    const item = await insertItem(db, { status: "in_transit" });
    const hold = await insertHold(db, { pickupBranchId: to.id, recordId: item.recordId });
    const transit = { itemId: item.id, fromBranchId: item.branchId, toBranchId: to.id, holdId: hold.id, sentAt: FACTORY_NOW };
    await db.insert(itemTransits).values(transit);
    expect(await refusal(() => db.insert(itemTransits).values(transit))).toMatch(/UNIQUE/);
    expect(await refusal(() => db.insert(itemTransits).values({ ...transit, toBranchId: item.branchId }))).toMatch(/item_transits_moves|CHECK/);
    await db.update(itemTransits).set({ receivedAt: FACTORY_NOW + 1 }).where(eq(itemTransits.itemId, item.id));
    await db.insert(itemTransits).values({ ...transit, sentAt: FACTORY_NOW + 2 });
  });
});

describe("R20, R41 the outbox: a closed kind, a lease, a next attempt", () => {
  it("refuses a kind outside the vocabulary, accepts each one in it", async () => {
    expect(await refusal(() => insertOutboxMail(db, { kind: "newsletter" as never }))).toMatch(/mail_outbox_kind|CHECK/);
    for (const kind of OUTBOX_KINDS) await insertOutboxMail(db, { kind });
  });

  it("a sending row holds a lease; a pending one does not", async () => {
    const mail = await insertOutboxMail(db);
    expect(await refusal(() => db.update(mailOutbox).set({ status: "sending" }).where(eq(mailOutbox.id, mail.id)))).toMatch(/mail_outbox_lease|CHECK/);
    await db.update(mailOutbox).set({ status: "sending", leaseId: "run-1", leasedUntil: FACTORY_NOW + 60_000 }).where(eq(mailOutbox.id, mail.id));
    expect(await refusal(() => db.update(mailOutbox).set({ status: "sent" }).where(eq(mailOutbox.id, mail.id)))).toMatch(/CHECK/);
    await db.update(mailOutbox).set({ status: "sent", leaseId: null, leasedUntil: null, sentAt: FACTORY_NOW }).where(eq(mailOutbox.id, mail.id));
  });

  it("a new row is due at once (next_attempt_at defaults to 0)", async () => {
    const row = await env.DB.prepare(
      "INSERT INTO mail_outbox (to_address, kind, subject, body, dedupe_key, created_at) VALUES ('a@example.jp', 'hold_ready', 's', 'b', 'due-now', 1) RETURNING next_attempt_at",
    ).first<{ next_attempt_at: number }>();
    expect(row!.next_attempt_at).toBe(0);
  });
});

describe("the schema's CHECKs come from domain/vocabulary.ts", () => {
  const list = (values: readonly string[]) => `(${values.map((v) => `'${v}'`).join(",")})`;
  it("holds, items, records and the outbox name exactly the vocabulary's lists", async () => {
    expect(await tableSql("holds")).toContain(list(HOLD_STATUSES));
    expect(await tableSql("items")).toContain(list(ITEM_STATUSES));
    expect(await tableSql("records")).toContain(list(MATERIAL_TYPES));
    expect(await tableSql("mail_outbox")).toContain(list(OUTBOX_KINDS));
  });

  it("R14's triggers and the one-active-hold index count ACTIVE_HOLD_STATUSES", async () => {
    for (const name of ["holds_limit_insert", "holds_limit_reactivate", "holds_one_active", "holds_group_slot"]) {
      expect(await tableSql(name), name).toContain(list(ACTIVE_HOLD_STATUSES));
    }
  });

  it("every trigger 0001 made on the rebuilt tables is there again, and no foreign key dangles", async () => {
    const rows = await env.DB.prepare("SELECT name FROM sqlite_master WHERE type = 'trigger' ORDER BY name").all<{ name: string }>();
    expect(rows.results.map((r) => r.name)).toEqual(
      expect.arrayContaining(["holds_limit_insert", "holds_limit_reactivate", "holds_pickup_in_city", "holds_pickup_in_city_update", "hold_groups_release", "mail_addresses_limit", "items_current_branch_default", "items_location"]),
    );
    const dangling = await env.DB.prepare("PRAGMA foreign_key_check").all();
    expect(dangling.results).toEqual([]);
  });

  it("the loans and transits columns exist as the schema says", async () => {
    expect(await tableSql("loans")).toMatch(/checkout_branch_id.*NOT NULL/);
    expect(Object.keys(loans)).toEqual(expect.arrayContaining(["checkoutBranchId", "staffId", "holdId"]));
  });
});

describe("one definition of held, obtainable and available (domain and SQL agree)", () => {
  it("for every item status, loanable or not", async () => {
    const record = await insertRecord(db);
    const made: { id: number; status: string; loanable: boolean }[] = [];
    for (const status of ITEM_STATUSES) {
      for (const loanable of [true, false]) {
        if (!loanable && (status === "on_loan" || status === "on_hold_shelf")) continue; // items_reference_stays
        const item = await insertItem(db, { recordId: record.id, status, loanable });
        made.push({ id: item.id, status, loanable });
      }
    }
    const rows = await db.all<{ id: number; held: number; obtainable: number; available: number }>(
      sql`SELECT i.id, ${heldCopySql("i")} AS held, ${obtainableCopySql("i")} AS obtainable, (${availableCopySql("i")}) AS available
            FROM items i WHERE i.record_id = ${record.id} ORDER BY i.id`,
    );
    expect(rows.map((r) => [r.id, !!r.held, !!r.obtainable, !!r.available])).toEqual(made.map((m) => [m.id, isHeld(m), isObtainable(m), isAvailable(m)]));
    expect(made.filter(isHeld).map((m) => m.status)).not.toContain("withdrawn");
    expect(made.filter(isAvailable).every((m) => m.status === "on_shelf" && m.loanable)).toBe(true);
  });
});
