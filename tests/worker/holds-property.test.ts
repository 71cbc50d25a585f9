// Issue 7 "Tests: property" (R14, R16): fast-check runs random sequences of add-to-cart / 「予約申込」 / cancel /
// change / paper-form entry against a small reference model, on real D1 through the placing service
// (services/hold-placement.ts submitApply, enterPaperHold). After every step:
//   - no patron has more than 10 active holds (R14), never two active holds on one record (holds_one_active);
//   - the database's active holds are exactly the model's (the service placed what the rules allow, no more, no less);
//   - each record's queue positions (data/hold-placement.ts placedByKeys) are 1..n in reception order
//     (placed_at, then id), paper forms entering with their reception time (R16).
// Cancel and change are done here with guarded SQL of the test's own (owner and state in the WHERE): the status
// service (h-status, services/hold-status.ts) is not on this branch. Ordered-hold chains are h-series' and not
// generated here.
import { env } from "cloudflare:workers";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import type { Db } from "../../worker/src/data/db.ts";
import { placedByKeys } from "../../worker/src/data/hold-placement.ts";
import { HOLD_LIMIT } from "../../worker/src/domain/policy.ts";
import { enterPaperHold, formatTokyoDateTime, newFormKey, submitApply } from "../../worker/src/services/hold-placement.ts";
import { demoDb } from "../support/accounts.ts";
import { insertBranch, insertHold, insertItem, insertPatron, insertRecord, insertStaff } from "../support/factories.ts";

const RECORDS = 12;
const PATRONS = 2;

type Command =
  | { kind: "add"; patron: number; record: number }
  | { kind: "place"; patron: number; records: number[] }
  | { kind: "cancel"; patron: number; nth: number }
  | { kind: "change"; patron: number; nth: number }
  | { kind: "paper"; patron: number; record: number; minutesAgo: number };

const patronIx = fc.integer({ min: 0, max: PATRONS - 1 });
const recordIx = fc.integer({ min: 0, max: RECORDS - 1 });
const command: fc.Arbitrary<Command> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant("add" as const), patron: patronIx, record: recordIx }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant("place" as const), patron: patronIx, records: fc.uniqueArray(recordIx, { minLength: 1, maxLength: 5 }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("cancel" as const), patron: patronIx, nth: fc.nat(12) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("change" as const), patron: patronIx, nth: fc.nat(12) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("paper" as const), patron: patronIx, record: recordIx, minutesAgo: fc.integer({ min: 0, max: 60 * 24 * 14 }) }) },
);

let db: Db;
let pickups: number[];
let staffId: number;

beforeAll(async () => {
  db = await demoDb();
  pickups = [(await insertBranch(db)).id, (await insertBranch(db)).id];
  staffId = (await insertStaff(db, { branchId: pickups[0] })).id;
});

interface World {
  patrons: { id: number; cardNumber: string; cartKey: string; preActive: number }[];
  records: number[];
  /** Model: per patron, the records of their active holds placed in this run. */
  active: Set<number>[];
  /** Model: per patron, the cart's records in cart order. */
  cart: number[][];
}

async function newWorld(preActive: number[]): Promise<World> {
  const records: number[] = [];
  for (let i = 0; i < RECORDS; i++) {
    const r = await insertRecord(db);
    await insertItem(db, { recordId: r.id, branchId: pickups[0] });
    records.push(r.id);
  }
  const patrons = [];
  for (let p = 0; p < PATRONS; p++) {
    const patron = await insertPatron(db, { homeBranchId: pickups[0] });
    // Holds of other records the patron has already (R14 counts them too).
    for (let i = 0; i < preActive[p]!; i++) await insertHold(db, { patronId: patron.id, pickupBranchId: pickups[0], idempotencyKey: `pre-${newFormKey()}` });
    patrons.push({ id: patron.id, cardNumber: patron.cardNumber, cartKey: `prop-${newFormKey()}${newFormKey().slice(0, 8)}`, preActive: preActive[p]! });
  }
  return { patrons, records, active: patrons.map(() => new Set()), cart: patrons.map(() => []) };
}

let clock = Date.UTC(2026, 10, 20, 0, 0, 0);

async function run(w: World, c: Command): Promise<void> {
  const p = w.patrons[c.patron]!;
  const active = w.active[c.patron]!;
  const cart = w.cart[c.patron]!;
  const now = (clock += 60_000);
  const room = () => HOLD_LIMIT - p.preActive - active.size;
  switch (c.kind) {
    case "add": {
      const record = w.records[c.record]!;
      await env.DB.prepare("INSERT INTO cart_lines (cart_key, patron_id, record_id, added_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING").bind(p.cartKey, p.id, record, now).run();
      if (!cart.includes(record)) cart.push(record);
      return;
    }
    case "place": {
      const ticked = c.records.map((i) => w.records[i]!);
      await submitApply(db, {
        patronId: p.id,
        temporary: false,
        terminalId: null,
        cartKey: p.cartKey,
        now,
        form: { formKey: newFormKey(), recordIds: ticked.map(String), pickupBranchId: String(pickups[0]), contact: "phone", mailRecordIds: [] },
      });
      // Model: in cart order, lines in the cart and not held take the free slots; placed lines leave the cart.
      for (const record of [...cart]) {
        if (!ticked.includes(record) || active.has(record)) continue;
        if (room() <= 0) break;
        active.add(record);
        cart.splice(cart.indexOf(record), 1);
      }
      return;
    }
    case "paper": {
      const record = w.records[c.record]!;
      await enterPaperHold(db, {
        staffId,
        clientAddress: null,
        now,
        form: {
          formKey: newFormKey(),
          cardNumber: p.cardNumber,
          recordId: String(record),
          pickupBranchId: String(pickups[1]),
          contact: "none",
          receivedAt: formatTokyoDateTime(now - c.minutesAgo * 60_000),
        },
      });
      if (!active.has(record) && room() > 0) active.add(record);
      return;
    }
    case "cancel":
    case "change": {
      const held = [...active].sort((a, b) => a - b);
      if (held.length === 0) return;
      const record = held[c.nth % held.length]!;
      if (c.kind === "cancel") {
        const res = await env.DB.prepare(
          "UPDATE holds SET status = 'cancelled', cancel_reason = 'patron', cancelled_at = ?, updated_at = ? WHERE patron_id = ? AND record_id = ? AND status = 'waiting'",
        )
          .bind(now, now, p.id, record)
          .run();
        expect(res.meta.changes).toBe(1);
        active.delete(record);
      } else {
        await env.DB.prepare("UPDATE holds SET pickup_branch_id = ?, updated_at = ? WHERE patron_id = ? AND record_id = ? AND status = 'waiting'")
          .bind(pickups[1], now, p.id, record)
          .run();
      }
      return;
    }
  }
}

async function checkInvariants(w: World): Promise<void> {
  for (let i = 0; i < w.patrons.length; i++) {
    const p = w.patrons[i]!;
    const rows = (
      await env.DB.prepare("SELECT record_id, idempotency_key FROM holds WHERE patron_id = ? AND status IN ('waiting','in_transit','ready')").bind(p.id).all<{ record_id: number; idempotency_key: string }>()
    ).results;
    expect(rows.length).toBeLessThanOrEqual(HOLD_LIMIT);
    const records = rows.map((r) => r.record_id);
    expect(new Set(records).size).toBe(records.length);
    const placedHere = rows.filter((r) => !r.idempotency_key.startsWith("pre-")).map((r) => r.record_id);
    expect(new Set(placedHere)).toEqual(w.active[i]);
  }
  // R16: per record, positions 1..n in (placed_at, id) order.
  const all = (
    await env.DB.prepare(
      `SELECT id, patron_id, record_id, placed_at, idempotency_key FROM holds WHERE status IN ('waiting','in_transit','ready') AND record_id IN (${w.records.join(",")})`,
    ).all<{ id: number; patron_id: number; record_id: number; placed_at: number; idempotency_key: string }>()
  ).results;
  const positions = new Map<number, number>();
  for (const p of w.patrons) {
    const keys = all.filter((h) => h.patron_id === p.id).map((h) => h.idempotency_key);
    for (const placed of await placedByKeys(db, p.id, keys)) positions.set(placed.holdId, placed.position);
  }
  for (const record of w.records) {
    const queue = all.filter((h) => h.record_id === record).sort((a, b) => a.placed_at - b.placed_at || a.id - b.id);
    expect(queue.map((h) => positions.get(h.id))).toEqual(queue.map((_, i) => i + 1));
  }
}

describe("R14, R16: random sequences of add / place / cancel / change / paper-form entry against a reference model", () => {
  it("R14/R16: never more than 10 active, never two active on one record, the model's holds exactly, positions 1..n in reception order", async () => {
    await fc.assert(
      fc.asyncProperty(fc.tuple(fc.integer({ min: 0, max: 9 }), fc.integer({ min: 0, max: 9 })), fc.array(command, { minLength: 5, maxLength: 30 }), async (pre, commands) => {
        const w = await newWorld(pre);
        for (const c of commands) {
          await run(w, c);
          await checkInvariants(w);
        }
      }),
      { numRuns: 12 },
    );
  });
});
