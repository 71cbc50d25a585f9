// Issue 6 §5 "one D1 toolkit": data/db.ts — batches, hand-written statements and their 100-parameter limit, and the
// translation of every listed constraint (R14's trigger, the one-active-hold index, …) into its reason code. Each
// constraint is provoked for real on the migrated D1, through drizzle, through a batch and through D1 directly.
import { env } from "cloudflare:workers";
import { sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { holds } from "../../db/schema/index.ts";
import { CONSTRAINT_REASONS, D1_MAX_PARAMS, boundParams, constraintReason, d1Client, d1Statement, runBatch, type Db } from "../../worker/src/data/db.ts";
import { MESSAGES } from "../../worker/src/domain/messages.ts";
import { HOLD_LIMIT } from "../../worker/src/domain/policy.ts";
import { AppError, constraintRefusal } from "../../worker/src/errors.ts";
import { demoDb, insertPatron } from "../support/accounts.ts";

let db: Db;
let pickup: number;
let notPickup: number;
let serial = 0;

beforeAll(async () => {
  db = await demoDb();
  pickup = (await env.DB.prepare("SELECT id FROM branches WHERE is_pickup = 1 ORDER BY id LIMIT 1").first<{ id: number }>())!.id;
  await env.DB.prepare("INSERT OR IGNORE INTO branches (code, name, in_city, is_pickup) VALUES ('toolkit-outside', '市外の図書館', 0, 0)").run();
  notPickup = (await env.DB.prepare("SELECT id FROM branches WHERE code = 'toolkit-outside'").first<{ id: number }>())!.id;
});

async function newRecord(): Promise<number> {
  serial++;
  const row = await env.DB.prepare("INSERT INTO records (source, source_id, title, created_at, updated_at) VALUES ('test', ?, ?, 0, 0) RETURNING id")
    .bind(`toolkit-${serial}-${crypto.randomUUID()}`, `試験書誌 ${serial}`)
    .first<{ id: number }>();
  return row!.id;
}

async function newItem(recordId: number): Promise<number> {
  const row = await env.DB.prepare("INSERT INTO items (barcode, record_id, branch_id, loanable, created_at) VALUES (?, ?, ?, 1, 0) RETURNING id")
    .bind(`T${crypto.randomUUID()}`, recordId, pickup)
    .first<{ id: number }>();
  return row!.id;
}

function holdSql(h: { patronId: number; recordId: number; branchId?: number; status?: string; itemId?: number | null }) {
  return sql`INSERT INTO holds (patron_id, record_id, channel, pickup_branch_id, contact, status, placed_at, item_id, created_at, updated_at)
    VALUES (${h.patronId}, ${h.recordId}, 'web', ${h.branchId ?? pickup}, 'none', ${h.status ?? "waiting"}, 0, ${h.itemId ?? null}, 0, 0)`;
}

/** The error a statement ends with (it must end with one). */
async function failure(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (e) {
    return e;
  }
  throw new Error("expected the database to refuse");
}

describe("constraintReason: every listed constraint, provoked on the real schema", () => {
  it("R14 trigger holds_limit_insert → hold_limit_reached (through drizzle)", async () => {
    const p = await insertPatron(db);
    for (let i = 0; i < HOLD_LIMIT; i++) await db.run(holdSql({ patronId: p.id, recordId: await newRecord() }));
    const err = await failure(db.run(holdSql({ patronId: p.id, recordId: await newRecord() })));
    expect(constraintReason(err)).toEqual({ reason: "hold_limit_reached", constraint: "hold_limit_reached" });
  });

  it("R14 trigger holds_limit_reactivate → hold_limit_reached (a cancelled hold made active again)", async () => {
    const p = await insertPatron(db);
    const cancelled = await newRecord();
    await db.run(sql`INSERT INTO holds (patron_id, record_id, channel, pickup_branch_id, contact, status, cancel_reason, placed_at, created_at, updated_at)
      VALUES (${p.id}, ${cancelled}, 'web', ${pickup}, 'none', 'cancelled', 'patron', 0, 0, 0)`);
    for (let i = 0; i < HOLD_LIMIT; i++) await db.run(holdSql({ patronId: p.id, recordId: await newRecord() }));
    const err = await failure(
      db.run(sql`UPDATE holds SET status = 'waiting', cancel_reason = NULL WHERE patron_id = ${p.id} AND record_id = ${cancelled}`),
    );
    expect(constraintReason(err)?.reason).toBe("hold_limit_reached");
  });

  it("holds_one_active → already_held (inside a batch, which then changes nothing)", async () => {
    const p = await insertPatron(db);
    const record = await newRecord();
    await db.run(holdSql({ patronId: p.id, recordId: record }));
    const other = await newRecord();
    const err = await failure(
      d1Client(db).batch([d1Statement(db, holdSql({ patronId: p.id, recordId: other })), d1Statement(db, holdSql({ patronId: p.id, recordId: record }))]),
    );
    expect(constraintReason(err)).toEqual({ reason: "already_held", constraint: "holds(patron_id,record_id)" });
    // One batch, one transaction: the first insert went with the second.
    expect((await env.DB.prepare("SELECT count(*) AS n FROM holds WHERE patron_id = ?").bind(p.id).first<{ n: number }>())!.n).toBe(1);
  });

  it("holds_pickup_in_city → pickup_not_allowed", async () => {
    const p = await insertPatron(db);
    const err = await failure(db.run(holdSql({ patronId: p.id, recordId: await newRecord(), branchId: notPickup })));
    expect(constraintReason(err)?.reason).toBe("pickup_not_allowed");
  });

  it("holds_item_active → item_already_allocated", async () => {
    const record = await newRecord();
    const item = await newItem(record);
    const a = await insertPatron(db);
    const b = await insertPatron(db);
    await db.run(holdSql({ patronId: a.id, recordId: record, status: "in_transit", itemId: item }));
    const err = await failure(db.run(holdSql({ patronId: b.id, recordId: record, status: "in_transit", itemId: item })));
    expect(constraintReason(err)).toEqual({ reason: "item_already_allocated", constraint: "holds(item_id)" });
  });

  it("cart_lines_unique → already_in_cart (D1 directly, no drizzle around it)", async () => {
    const record = await newRecord();
    const add = () => env.DB.prepare("INSERT INTO cart_lines (cart_key, record_id, added_at) VALUES ('toolkit-cart', ?, 0)").bind(record).run();
    await add();
    expect(constraintReason(await failure(add()))?.reason).toBe("already_in_cart");
  });

  it("loans_item_open → item_already_on_loan; loans_renewals → renewal_limit_reached; loans_ill_no_renewal → renewal_not_allowed_inter_library", async () => {
    const p = await insertPatron(db);
    const item = await newItem(await newRecord());
    // Loans name the lending branch and staff member once the schema has those columns (issue 6 §5 migration).
    const columns = (await env.DB.prepare("SELECT name FROM pragma_table_info('loans')").all<{ name: string }>()).results.map((c) => c.name);
    const staffId = (await env.DB.prepare("SELECT id FROM staff_users ORDER BY id LIMIT 1").first<{ id: number }>())!.id;
    const who = columns.includes("staff_id") ? sql`, checkout_branch_id, staff_id` : sql``;
    const whoValues = columns.includes("staff_id") ? sql`, ${pickup}, ${staffId}` : sql``;
    const lend = (opts: { renewals?: number; ill?: number; item?: number } = {}) =>
      db.run(sql`INSERT INTO loans (item_id, patron_id, loaned_at, due_date, renewals, inter_library${who})
        VALUES (${opts.item ?? item}, ${p.id}, 0, '2026-12-14', ${opts.renewals ?? 0}, ${opts.ill ?? 0}${whoValues})`);
    await lend();
    expect(constraintReason(await failure(lend()))?.reason).toBe("item_already_on_loan");
    const second = await newItem(await newRecord());
    await lend({ item: second });
    expect(constraintReason(await failure(db.run(sql`UPDATE loans SET renewals = 2, renewed_at = 1 WHERE item_id = ${second}`)))).toEqual({
      reason: "renewal_limit_reached",
      constraint: "loans_renewals",
    });
    const ill = await newItem(await newRecord());
    expect(constraintReason(await failure(lend({ item: ill, ill: 1, renewals: 1 })))?.reason).toBe("renewal_not_allowed_inter_library");
  });

  it("mail_addresses: the R40 trigger → mail_address_limit_reached, the unique index → mail_address_duplicate, the shape CHECK → mail_address_invalid", async () => {
    const p = await insertPatron(db);
    const add = (address: string) => db.run(sql`INSERT INTO mail_addresses (patron_id, address, created_at) VALUES (${p.id}, ${address}, 0)`);
    await add("one@example.jp");
    expect(constraintReason(await failure(add("one@example.jp")))?.reason).toBe("mail_address_duplicate");
    expect(constraintReason(await failure(add("a..b@example.jp")))?.reason).toBe("mail_address_invalid");
    await add("two@example.jp");
    await add("three@example.jp");
    expect(constraintReason(await failure(add("four@example.jp")))?.reason).toBe("mail_address_limit_reached");
  });

  it("a constraint that is not a refusal (a closed vocabulary, a foreign key) stays unknown: a bug, not an answer", async () => {
    const p = await insertPatron(db);
    expect(constraintReason(await failure(db.run(holdSql({ patronId: p.id, recordId: await newRecord(), status: "lost" }))))).toBeNull();
    expect(constraintReason(await failure(db.run(sql`INSERT INTO nothing_here VALUES (1)`)))).toBeNull();
    expect(constraintReason(new Error("hold_limit_reached"))).toBeNull();
    expect(constraintReason("UNIQUE constraint failed: holds.patron_id, holds.record_id")).toEqual({ reason: "already_held", constraint: "holds(patron_id,record_id)" });
  });

  it("every reason the table names has its Japanese message, and constraintRefusal answers it (409 by default)", async () => {
    const reasons = Object.values(CONSTRAINT_REASONS).flatMap((group) => Object.values(group));
    for (const r of reasons) expect(MESSAGES[r]).toMatch(/。$/);
    const p = await insertPatron(db);
    const record = await newRecord();
    await db.run(holdSql({ patronId: p.id, recordId: record }));
    const refusal = constraintRefusal(await failure(db.run(holdSql({ patronId: p.id, recordId: record }))));
    expect(refusal).toBeInstanceOf(AppError);
    expect(refusal!.toJSON()).toEqual({ error: { code: "conflict", message: MESSAGES.already_held, reasons: [{ code: "already_held", message: MESSAGES.already_held }] } });
    expect(refusal!.status).toBe(409);
    expect(constraintRefusal(new Error("other"))).toBeNull();
  });
});

describe("statements and batches", () => {
  it("runBatch runs drizzle statements as one transaction, and an empty batch is nothing", async () => {
    expect(await runBatch(db, [])).toEqual([]);
    const p = await insertPatron(db);
    const record = await newRecord();
    const hold = () => db.insert(holds).values({ patronId: p.id, recordId: record, channel: "web", pickupBranchId: pickup, contact: "none", placedAt: 0, createdAt: 0, updatedAt: 0 });
    const err = await failure(runBatch(db, [hold(), hold()]));
    expect(constraintReason(err)?.reason).toBe("already_held");
    expect((await env.DB.prepare("SELECT count(*) AS n FROM holds WHERE patron_id = ?").bind(p.id).first<{ n: number }>())!.n).toBe(0);
    expect(await runBatch(db, [hold()])).toHaveLength(1);
  });

  it("d1Statement refuses more than 100 bound parameters; boundParams counts them", () => {
    const values = Array.from({ length: D1_MAX_PARAMS + 1 }, (_, i) => sql`${i}`);
    const q = sql`SELECT ${sql.join(values, sql`, `)}`;
    expect(boundParams(q)).toBe(101);
    expect(() => d1Statement(db, q)).toThrow(/101 parameters/);
    expect(boundParams(sql`SELECT ${1}, ${"a"}`)).toBe(2);
  });
});
