// Issue 7 (migration 0005): the backstops the holds, cart and 「マイブックリスト」 work relies on, checked on the real
// migrated D1, each both ways (the valid row passes, the broken one is refused). R13, R15.
import { env } from "cloudflare:workers";
import { eq, sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { bookListEntries, bookLists, cartLines, holds } from "../../db/schema/index.ts";
import { constraintReason, createDb, type Db } from "../../worker/src/data/db.ts";
import { BOOK_LIST_ENTRY_LIMIT, BOOK_LIST_LIMIT } from "../../worker/src/domain/policy.ts";
import { FACTORY_NOW, insertBranch, insertHold, insertHoldGroup, insertItem, insertPatron, insertRecord, type Branch } from "../support/factories.ts";

let db: Db;
let branch: Branch;

beforeAll(async () => {
  db = createDb(env.DB);
  branch = await insertBranch(db);
});

async function reasonOf(run: () => Promise<unknown>): Promise<string | null> {
  try {
    await run();
  } catch (e) {
    return constraintReason(e)?.reason ?? `unmapped: ${(e as Error).message}`;
  }
  return null;
}

describe("R13 issue 7 item 1: one cart line per patron and record, whatever the browser's key", () => {
  it("refuses a second line of the same record for one patron under another key, and allows it for anonymous carts", async () => {
    const patron = await insertPatron(db, { homeBranchId: branch.id });
    const record = await insertRecord(db);
    await db.insert(cartLines).values({ cartKey: "k-device-a", patronId: patron.id, recordId: record.id, addedAt: FACTORY_NOW });
    expect(await reasonOf(() => db.insert(cartLines).values({ cartKey: "k-device-b", patronId: patron.id, recordId: record.id, addedAt: FACTORY_NOW }))).toBe("already_in_cart");
    await db.insert(cartLines).values({ cartKey: "k-anon-1", patronId: null, recordId: record.id, addedAt: FACTORY_NOW });
    expect(await reasonOf(() => db.insert(cartLines).values({ cartKey: "k-anon-2", patronId: null, recordId: record.id, addedAt: FACTORY_NOW }))).toBeNull();
  });
});

describe("マイブックリスト limits (trigger backstops of BOOK_LIST_LIMIT and BOOK_LIST_ENTRY_LIMIT)", () => {
  it(`refuses the ${BOOK_LIST_LIMIT + 1}th list of a patron, not another patron's first`, async () => {
    const [a, b] = [await insertPatron(db, { homeBranchId: branch.id }), await insertPatron(db, { homeBranchId: branch.id })];
    for (let i = 0; i < BOOK_LIST_LIMIT; i++) await db.insert(bookLists).values({ patronId: a.id, name: `リスト${i}`, createdAt: FACTORY_NOW });
    expect(await reasonOf(() => db.insert(bookLists).values({ patronId: a.id, name: "もう1つ", createdAt: FACTORY_NOW }))).toBe("book_list_limit_reached");
    expect(await reasonOf(() => db.insert(bookLists).values({ patronId: b.id, name: "もう1つ", createdAt: FACTORY_NOW }))).toBeNull();
    expect(await reasonOf(() => db.insert(bookLists).values({ patronId: b.id, name: "もう1つ", createdAt: FACTORY_NOW }))).toBe("book_list_name_taken");
  });

  it(`refuses the ${BOOK_LIST_ENTRY_LIMIT + 1}th record of a list`, async () => {
    const patron = await insertPatron(db, { homeBranchId: branch.id });
    const [list] = await db.insert(bookLists).values({ patronId: patron.id, name: "いっぱい", createdAt: FACTORY_NOW }).returning();
    const first = await insertRecord(db);
    // Records to fill the list: one statement makes them (ids after the first), one fills the list.
    await db.run(sql`WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${BOOK_LIST_ENTRY_LIMIT})
      INSERT INTO records (source, source_id, title, material_type, created_at, updated_at)
      SELECT ${`fill-${list!.id}`}, i, '本' || i, 'book', ${FACTORY_NOW}, ${FACTORY_NOW} FROM n`);
    await db.run(sql`INSERT INTO book_list_entries (list_id, record_id, added_at)
      SELECT ${list!.id}, id, ${FACTORY_NOW} FROM records WHERE source = ${`fill-${list!.id}`}`);
    const [{ n }] = (await db.all<{ n: number }>(sql`SELECT count(*) AS n FROM book_list_entries WHERE list_id = ${list!.id}`)) as [{ n: number }];
    expect(n).toBe(BOOK_LIST_ENTRY_LIMIT);
    expect(await reasonOf(() => db.insert(bookListEntries).values({ listId: list!.id, recordId: first.id, addedAt: FACTORY_NOW }))).toBe("book_list_full");
  });

  it("refuses a record twice in one list", async () => {
    const patron = await insertPatron(db, { homeBranchId: branch.id });
    const [list] = await db.insert(bookLists).values({ patronId: patron.id, name: "二度", createdAt: FACTORY_NOW }).returning();
    const record = await insertRecord(db);
    await db.insert(bookListEntries).values({ listId: list!.id, recordId: record.id, addedAt: FACTORY_NOW });
    expect(await reasonOf(() => db.insert(bookListEntries).values({ listId: list!.id, recordId: record.id, addedAt: FACTORY_NOW }))).toBe("already_in_book_list");
  });
});

describe("R15: a later volume is never allocated while an earlier one waits (trigger holds_series_order)", () => {
  it("refuses volume 2 in transit while volume 1 waits, allows it once volume 1 is ready or cancelled", async () => {
    const patron = await insertPatron(db, { homeBranchId: branch.id });
    const group = await insertHoldGroup(db, { patronId: patron.id });
    const [r1, r2, r3] = [await insertRecord(db), await insertRecord(db), await insertRecord(db)];
    const v1 = await insertHold(db, { patronId: patron.id, recordId: r1.id, pickupBranchId: branch.id, groupId: group.id, groupPosition: 1 });
    const v2 = await insertHold(db, { patronId: patron.id, recordId: r2.id, pickupBranchId: branch.id, groupId: group.id, groupPosition: 2 });
    const v3 = await insertHold(db, { patronId: patron.id, recordId: r3.id, pickupBranchId: branch.id, groupId: group.id, groupPosition: 3 });
    const copy2 = await insertItem(db, { recordId: r2.id, branchId: branch.id });
    const allocate = (holdId: number, itemId: number) => db.update(holds).set({ status: "in_transit", itemId }).where(eq(holds.id, holdId));
    expect(await reasonOf(() => allocate(v2.id, copy2.id))).toBe("series_order_pending");
    const copy1 = await insertItem(db, { recordId: r1.id, branchId: branch.id });
    expect(await reasonOf(() => allocate(v1.id, copy1.id))).toBeNull();
    expect(await reasonOf(() => allocate(v2.id, copy2.id))).toBeNull();
    // Volume 3 waits behind nothing once volume 2 steps aside (cancelled): cancelled volumes release the next.
    await db.update(holds).set({ status: "waiting", itemId: null }).where(eq(holds.id, v2.id));
    const copy3 = await insertItem(db, { recordId: r3.id, branchId: branch.id });
    expect(await reasonOf(() => allocate(v3.id, copy3.id))).toBe("series_order_pending");
    await db.update(holds).set({ status: "cancelled", cancelReason: "patron", cancelledAt: FACTORY_NOW, itemId: null }).where(eq(holds.id, v2.id));
    expect(await reasonOf(() => allocate(v3.id, copy3.id))).toBeNull();
  });
});
