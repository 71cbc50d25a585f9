// Issue 6 item 5: the test factories (tests/support/factories.ts) build valid, unique rows — every hold state
// with what it needs — on the real migrated D1, so a test that uses them fails for its own reason only.
import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { items } from "../../db/schema/index.ts";
import { createDb } from "../../worker/src/data/db.ts";
import { HOLD_STATUSES } from "../../worker/src/domain/vocabulary.ts";
import {
  insertBranch,
  insertHold,
  insertHoldGroup,
  insertItem,
  insertLoan,
  insertMailAddress,
  insertOutboxMail,
  insertPatron,
  insertRecord,
  insertStaff,
} from "../support/factories.ts";

const db = createDb(env.DB);

describe("factories build valid, unique rows", () => {
  it("each factory, called twice with no overrides, inserts two distinct rows", async () => {
    const factories = { insertBranch, insertPatron, insertStaff, insertRecord, insertItem, insertHoldGroup, insertHold, insertLoan, insertMailAddress, insertOutboxMail };
    for (const [name, make] of Object.entries(factories)) {
      const a = (await make(db)) as { id: number };
      const b = (await make(db)) as { id: number };
      expect(a.id, name).toBeGreaterThan(0);
      expect(b.id, name).not.toBe(a.id);
    }
    expect((await env.DB.prepare("PRAGMA foreign_key_check").all()).results).toEqual([]);
  });

  it("a hold in every state carries what that state needs", async () => {
    for (const status of HOLD_STATUSES) {
      const hold = await insertHold(db, { status });
      expect(hold.status).toBe(status);
      if (status === "in_transit" || status === "ready") {
        const [item] = await db.select().from(items).where(eq(items.id, hold.itemId!));
        expect(item!.recordId).toBe(hold.recordId);
        expect(item!.status).toBe(status === "ready" ? "on_hold_shelf" : "in_transit");
      }
      if (status === "ready") expect(hold.shelfUntil).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      if (status === "cancelled") expect(hold.cancelReason).not.toBeNull();
    }
  });

  it("overrides win, and the rows they name are used rather than new ones", async () => {
    const branch = await insertBranch(db, { name: "戸畑図書館" });
    const record = await insertRecord(db, { title: "こころ" });
    const item = await insertItem(db, { branchId: branch.id, recordId: record.id, loanable: false });
    expect(item).toMatchObject({ branchId: branch.id, currentBranchId: branch.id, recordId: record.id, loanable: false });
    const travelling = await insertItem(db, { status: "in_transit" });
    expect(travelling.currentBranchId).toBeNull();
    const loan = await insertLoan(db, { checkoutBranchId: branch.id });
    expect(loan.checkoutBranchId).toBe(branch.id);
  });
});
