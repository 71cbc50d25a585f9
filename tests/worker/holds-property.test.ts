// Issue 7 "Tests: property" (R14, R16): fast-check runs random sequences of add-to-cart / 「予約申込」 / cancel /
// change / paper-form entry against a small reference model, on real D1 through the placing service
// (services/hold-placement.ts submitApply, enterPaperHold). After every step:
//   - no patron has more than 10 active holds (R14), never two active holds on one record (holds_one_active);
//   - the database's active holds are exactly the model's (the service placed what the rules allow, no more, no less);
//   - each record's queue positions (data/hold-placement.ts placedByKeys) are 1..n in reception order
//     (placed_at, then id), paper forms entering with their reception time (R16).
// Cancel and change go through services/hold-status.ts (cancelHold, changeHold), as the routes do. R15: each
// patron's earlier holds are the volumes of one ordered hold; random steps try to secure a volume the way
// circulation will (mayAllocate, then a guarded UPDATE that the trigger holds_series_order backs) or cancel a
// volume, and after every step no chain is out of order.
import { cancelHold, changeHold } from "../../worker/src/services/hold-status.ts";
import { env } from "cloudflare:workers";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import type { Db } from "../../worker/src/data/db.ts";
import { placedByKeys } from "../../worker/src/data/hold-placement.ts";
import { HOLD_LIMIT } from "../../worker/src/domain/policy.ts";
import { enterPaperHold, formatTokyoDateTime, newFormKey, submitApply } from "../../worker/src/services/hold-placement.ts";
import { demoDb } from "../support/accounts.ts";
import { insertBranch, insertHold, insertHoldGroup, insertItem, insertPatron, insertRecord, insertStaff } from "../support/factories.ts";
import { constraintReason } from "../../worker/src/data/db.ts";
import { mayAllocate } from "../../worker/src/domain/ordered-holds.ts";
import type { HoldStatus } from "../../worker/src/domain/vocabulary.ts";

const RECORDS = 12;
const PATRONS = 2;

type Command =
  | { kind: "add"; patron: number; record: number }
  | { kind: "place"; patron: number; records: number[] }
  | { kind: "cancel"; patron: number; nth: number }
  | { kind: "change"; patron: number; nth: number }
  | { kind: "paper"; patron: number; record: number; minutesAgo: number }
  // R15: the counter tries to secure a copy for the nth volume of the patron's ordered hold (asking mayAllocate),
  // or the patron cancels the nth volume.
  | { kind: "allocate"; patron: number; nth: number }
  | { kind: "cancelVolume"; patron: number; nth: number };

const patronIx = fc.integer({ min: 0, max: PATRONS - 1 });
const recordIx = fc.integer({ min: 0, max: RECORDS - 1 });
const command: fc.Arbitrary<Command> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant("add" as const), patron: patronIx, record: recordIx }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant("place" as const), patron: patronIx, records: fc.uniqueArray(recordIx, { minLength: 1, maxLength: 5 }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("cancel" as const), patron: patronIx, nth: fc.nat(12) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("change" as const), patron: patronIx, nth: fc.nat(12) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("allocate" as const), patron: patronIx, nth: fc.nat(8) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("cancelVolume" as const), patron: patronIx, nth: fc.nat(8) }) },
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
  /** preActive: the holds the patron had before the run — one ordered hold (順番予約) of that many volumes (R15). */
  patrons: { id: number; cardNumber: string; cartKey: string; preActive: number; groupId: number }[];
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
    // Holds of other records the patron has already (R14 counts them too): the volumes of one ordered hold, in order.
    const group = await insertHoldGroup(db, { patronId: patron.id });
    for (let i = 0; i < preActive[p]!; i++) {
      await insertHold(db, { patronId: patron.id, pickupBranchId: pickups[0], idempotencyKey: `pre-${newFormKey()}`, groupId: group.id, groupPosition: i + 1 });
    }
    patrons.push({ id: patron.id, cardNumber: patron.cardNumber, cartKey: `prop-${newFormKey()}${newFormKey().slice(0, 8)}`, preActive: preActive[p]!, groupId: group.id });
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
    case "allocate":
    case "cancelVolume": {
      const volumes = (
        await env.DB.prepare("SELECT id, record_id, group_position AS position, status FROM holds WHERE group_id = ? ORDER BY group_position, id").bind(p.groupId).all<{ id: number; record_id: number; position: number; status: HoldStatus }>()
      ).results;
      if (volumes.length === 0) return;
      const v = volumes[c.nth % volumes.length]!;
      const members = volumes.map((m) => ({ position: m.position, status: m.status, volumeLabel: null }));
      if (c.kind === "cancelVolume") {
        if (v.status !== "waiting") return;
        await cancelHold(db, { patronId: p.id, holdId: v.id, now, clientAddress: null });
        p.preActive--;
        return;
      }
      // What circulation will do: ask mayAllocate, then one guarded UPDATE; the trigger refuses what it must not.
      const decision = mayAllocate(members.find((m) => m.position === v.position)!, members);
      const item = await insertItem(db, { recordId: v.record_id, branchId: pickups[0], status: "in_transit" });
      let refused: string | null = null;
      try {
        await env.DB.prepare("UPDATE holds SET status = 'in_transit', item_id = ?, updated_at = ? WHERE id = ? AND status = 'waiting'").bind(item.id, now, v.id).run();
      } catch (e) {
        refused = constraintReason(e)?.reason ?? String(e);
      }
      if (v.status === "waiting") expect(refused === null).toBe(decision.ok);
      if (refused !== null) expect(refused).toBe("series_order_pending");
      return;
    }
    case "cancel":
    case "change": {
      const held = [...active].sort((a, b) => a - b);
      if (held.length === 0) return;
      const record = held[c.nth % held.length]!;
      // The patron's own 「取消」 / 「変更」 (services/hold-status.ts): the guarded statements the routes run.
      const [{ id: holdId }] = (
        await env.DB.prepare("SELECT id FROM holds WHERE patron_id = ? AND record_id = ? AND status = 'waiting'").bind(p.id, record).all<{ id: number }>()
      ).results as [{ id: number }];
      if (c.kind === "cancel") {
        const after = await cancelHold(db, { patronId: p.id, holdId, now, clientAddress: null });
        expect(after.status).toBe("cancelled");
        active.delete(record);
      } else {
        const after = await changeHold(db, { patronId: p.id, holdId, now, clientAddress: null, pickupBranchId: pickups[1]!, contact: null });
        expect(after.status).toBe("waiting");
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
  // R15: a chain is never out of order — no volume is secured (in transit or ready) while an earlier one waits.
  for (const p of w.patrons) {
    const volumes = (
      await env.DB.prepare("SELECT group_position AS position, status FROM holds WHERE group_id = ? ORDER BY group_position").bind(p.groupId).all<{ position: number; status: string }>()
    ).results;
    for (const v of volumes) {
      if (v.status !== "in_transit" && v.status !== "ready") continue;
      expect(volumes.filter((e) => e.position < v.position && e.status === "waiting")).toEqual([]);
    }
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

describe("R14, R15, R16: random sequences of add / place / cancel / change / paper-form entry / securing and cancelling volumes against a reference model", () => {
  it("R14/R15/R16: never more than 10 active, never two active on one record, the model's holds exactly, positions 1..n in reception order, chains never out of order", async () => {
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
