// Issue 7 "Tests: concurrency" (R14) over the real worker (exports.default.fetch, logged-in sessions, real D1):
// 20 concurrent 「予約申込」 for a patron with 9 active holds → exactly 1 placed; 20 concurrent identical
// submissions (one idempotency key) → 1 hold and one answer; a replayed key returns the first answer; a raw INSERT
// past 10 is refused by the trigger holds_limit_insert; 3 lines with 2 slots → 2 placed and 1 refused with its reason.
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { constraintReason, type Db } from "../../worker/src/data/db.ts";
import { MESSAGES } from "../../worker/src/domain/messages.ts";
import { HOLD_LIMIT } from "../../worker/src/domain/policy.ts";
import { newFormKey } from "../../worker/src/services/hold-placement.ts";
import { demoDb, insertPatron } from "../support/accounts.ts";
import { insertBranch, insertHold, insertItem, insertRecord } from "../support/factories.ts";
import { TestClient, mainOf, textOf } from "../support/session-client.ts";

let db: Db;
let pickup: number;

beforeAll(async () => {
  db = await demoDb();
  pickup = (await insertBranch(db)).id;
});

async function holdable(): Promise<number> {
  const record = await insertRecord(db);
  await insertItem(db, { recordId: record.id, branchId: pickup });
  return record.id;
}

async function patronWith(active: number, cartLines: number) {
  const patron = await insertPatron(db);
  const client = new TestClient();
  await client.login(patron.cardNumber, patron.password!);
  for (let i = 0; i < active; i++) await insertHold(db, { patronId: patron.id, recordId: await holdable(), pickupBranchId: pickup });
  const records: number[] = [];
  for (let i = 0; i < cartLines; i++) {
    const id = await holdable();
    records.push(id);
    const res = await client.request("/cart", { form: { recordId: String(id) } });
    expect(res.status).toBe(303);
  }
  await client.page("/holds/apply"); // the CSRF token
  return { patron, client, records };
}

function post(client: TestClient, key: string, recordIds: number[]): Promise<Response> {
  return client.request("/holds/apply", {
    form: [["idempotencyKey", key], ["pickupBranchId", String(pickup)], ["contact", "phone"], ...recordIds.map((id): [string, string] => ["recordId", String(id)])],
  });
}

async function active(patronId: number): Promise<number> {
  const row = await env.DB.prepare("SELECT count(*) AS n FROM holds WHERE patron_id = ? AND status IN ('waiting','in_transit','ready')").bind(patronId).first<{ n: number }>();
  return row!.n;
}

describe("R14 under concurrency, over the real worker", () => {
  it("R14: 20 concurrent place-hold requests for a patron with 9 active holds → exactly 1 placed, the rest refused with hold_limit_reached", async () => {
    const { patron, client, records } = await patronWith(9, 20);
    const keys = records.map(() => newFormKey());
    const responses = await Promise.all(records.map((id, i) => post(client, keys[i]!, [id])));
    expect(responses.map((r) => r.status)).toEqual(records.map(() => 303));
    expect(await active(patron.id)).toBe(HOLD_LIMIT);
    const answers = await Promise.all(responses.map(async (r) => textOf(mainOf((await client.page(r.headers.get("location")!)).html))));
    expect(answers.filter((t) => t.includes("1件を予約しました。"))).toHaveLength(1);
    expect(answers.filter((t) => t.includes(MESSAGES.hold_limit_reached))).toHaveLength(19);
  });

  it("R14: 20 concurrent identical submissions (one key) → 1 hold, one answer page, the same answer for each", async () => {
    const { patron, client, records } = await patronWith(0, 1);
    const key = newFormKey();
    const responses = await Promise.all(Array.from({ length: 20 }, () => post(client, key, records)));
    expect(new Set(responses.map((r) => r.status))).toEqual(new Set([303]));
    expect(new Set(responses.map((r) => r.headers.get("location")))).toEqual(new Set([`/holds/apply/answer?key=${key}`]));
    const rows = await env.DB.prepare("SELECT count(*) AS n FROM holds WHERE patron_id = ?").bind(patron.id).first<{ n: number }>();
    expect(rows!.n).toBe(1);
    const texts = await Promise.all(responses.map(async (r) => textOf(mainOf((await client.page(r.headers.get("location")!)).html))));
    expect(new Set(texts).size).toBe(1);
    expect(texts[0]).toContain("1件を予約しました。");
  });

  it("a replayed key returns the first answer (even after the cart and the holds changed)", async () => {
    const { patron, client, records } = await patronWith(0, 2);
    const key = newFormKey();
    const first = await post(client, key, [records[0]!]);
    const firstText = textOf(mainOf((await client.page(first.headers.get("location")!)).html));
    expect(firstText).toContain("1件を予約しました。");
    const replay = await post(client, key, records);
    expect(replay.headers.get("location")).toBe(first.headers.get("location"));
    expect(textOf(mainOf((await client.page(replay.headers.get("location")!)).html))).toBe(firstText);
    expect(await active(patron.id)).toBe(1);
  });

  it("R14: a raw INSERT past 10 is refused by the trigger holds_limit_insert (reason hold_limit_reached)", async () => {
    const { patron } = await patronWith(10, 0);
    const record = await holdable();
    const now = Date.now();
    let error: unknown;
    try {
      await env.DB.prepare(
        "INSERT INTO holds (patron_id, record_id, channel, pickup_branch_id, contact, status, placed_at, created_at, updated_at) VALUES (?, ?, 'web', ?, 'none', 'waiting', ?, ?, ?)",
      )
        .bind(patron.id, record, pickup, now, now, now)
        .run();
    } catch (err) {
      error = err;
    }
    expect(constraintReason(error)?.reason).toBe("hold_limit_reached");
    expect(await active(patron.id)).toBe(HOLD_LIMIT);
  });

  it("R14: a batch with 3 lines and 2 slots places 2 and refuses 1 with its reason", async () => {
    const { patron, client, records } = await patronWith(8, 3);
    const res = await post(client, newFormKey(), records);
    const text = textOf(mainOf((await client.page(res.headers.get("location")!)).html));
    expect(text).toContain("2件を予約しました。1件は予約できませんでした。");
    expect(text).toContain(MESSAGES.hold_limit_reached);
    expect(await active(patron.id)).toBe(HOLD_LIMIT);
  });
});
