// Issue 8 item 1 inside workerd on the migrated D1: the counter's services by rule — 「貸出」 (R35 walk-ins, R22 the
// holder collecting a ready hold in one batch, the loan limit of 10 and its race, every refusal), 「返却」 (the trap:
// ready here, in transit with a slip, back on the shelf, home; 「貸出中ではありませんでした」; R15 ordered holds; ILL
// copies; two counters scanning one copy at once), 「到着」 (ready at the pickup library; another branch's transit
// refused; a cancelled hold's copy trapped again).
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { holds, items, itemTransits, loans } from "../../db/schema/index.ts";
import type { Db } from "../../worker/src/data/db.ts";
import { loadCalendar } from "../../worker/src/data/calendar.ts";
import { holdShelfUntil } from "../../worker/src/domain/hold-shelf.ts";
import { LOAN_LIMIT } from "../../worker/src/domain/policy.ts";
import type { AppError } from "../../worker/src/errors.ts";
import { checkIn, checkOut, receiveTransit, type CounterActor } from "../../worker/src/services/circulation.ts";
import { demoDb, insertPatron as insertLoginPatron } from "../support/accounts.ts";
import { auditCount, refusalOf } from "../support/refusals.ts";
import { insertBranch, insertHold, insertHoldGroup, insertItem, insertLoan, insertPatron, insertRecord, insertStaff, type Branch } from "../support/factories.ts";

/** 2026-12-02 (Wednesday) 10:00 Asia/Tokyo. */
const NOW = Date.UTC(2026, 11, 2, 1, 0, 0);
const TODAY = "2026-12-02";

let db: Db;
let a: Branch;
let b: Branch;
let atA: CounterActor;
let atB: CounterActor;

beforeAll(async () => {
  db = await demoDb();
  a = await insertBranch(db, { name: "試験A館" });
  b = await insertBranch(db, { name: "試験B館" });
  atA = { staffId: (await insertStaff(db, { branchId: a.id })).id, role: "counter", branchId: a.id, clientAddress: "203.0.113.10" };
  atB = { staffId: (await insertStaff(db, { branchId: b.id })).id, role: "counter", branchId: b.id, clientAddress: "203.0.113.11" };
});

const holdOf = async (id: number) => (await db.select().from(holds).where(eq(holds.id, id)))[0]!;
const itemOf = async (id: number) => (await db.select().from(items).where(eq(items.id, id)))[0]!;
const loansOf = async (itemId: number) => db.select().from(loans).where(eq(loans.itemId, itemId));
const openTransits = async (itemId: number) => (await db.select().from(itemTransits).where(eq(itemTransits.itemId, itemId))).filter((t) => t.receivedAt === null);

const codes = (e: AppError) => e.reasons.map((r) => r.code);

async function expectedShelfUntil(branch: Branch, from: string): Promise<string> {
  return holdShelfUntil(await loadCalendar(db, { from: "2026-12-01" }), branch.code, from)!;
}

describe("R35, R22 「貸出」", () => {
  it("R35: a walk-in borrows an on-shelf copy a hold waits for; the hold stays waiting; due in 14 days; audited", async () => {
    const record = await insertRecord(db);
    const copy = await insertItem(db, { recordId: record.id, branchId: a.id });
    const waiting = await insertHold(db, { recordId: record.id, pickupBranchId: a.id });
    const walkIn = await insertPatron(db, { homeBranchId: a.id });
    const answer = await checkOut(db, atA, { cardNumber: walkIn.cardNumber, barcode: copy.barcode, now: NOW });
    expect(answer.dueDate).toBe("2026-12-16");
    expect(answer.fulfilledHoldId).toBeNull();
    expect(answer.patron.openLoans).toBe(1);
    expect((await holdOf(waiting.id)).status).toBe("waiting");
    expect((await itemOf(copy.id)).status).toBe("on_loan");
    const [loan] = await loansOf(copy.id);
    expect(loan).toMatchObject({ patronId: walkIn.id, checkoutBranchId: a.id, staffId: atA.staffId, holdId: null, dueDate: "2026-12-16", returnedAt: null, interLibrary: false });
    expect(await auditCount("item_checked_out", copy.id)).toBe(1);
  });

  it("R22: the holder collects their ready hold — the hold fulfilled and the loan made with hold_id, in one batch; another patron is refused", async () => {
    const record = await insertRecord(db);
    const holder = await insertPatron(db, { homeBranchId: a.id });
    const ready = await insertHold(db, { recordId: record.id, patronId: holder.id, pickupBranchId: a.id, status: "ready" });
    const copy = await itemOf(ready.itemId!);
    const other = await insertPatron(db, { homeBranchId: a.id });
    const refused = await refusalOf(checkOut(db, atA, { cardNumber: other.cardNumber, barcode: copy.barcode, now: NOW }));
    expect(codes(refused)).toEqual(["item_held_for_other"]);
    expect(refused.message).toContain("ほかの利用者の予約の取置中");
    const answer = await checkOut(db, atA, { cardNumber: holder.cardNumber, barcode: copy.barcode, now: NOW });
    expect(answer.fulfilledHoldId).toBe(ready.id);
    const h = await holdOf(ready.id);
    expect(h).toMatchObject({ status: "fulfilled", fulfilledAt: NOW, itemId: copy.id });
    const [loan] = await loansOf(copy.id);
    expect(loan!.holdId).toBe(ready.id);
    expect((await itemOf(copy.id)).status).toBe("on_loan");
  });

  it("R22: the patron's own waiting hold is filled when they borrow an on-shelf copy; a different copy while theirs is on the hold shelf is refused", async () => {
    const record = await insertRecord(db);
    const patron = await insertPatron(db, { homeBranchId: a.id });
    const waiting = await insertHold(db, { recordId: record.id, patronId: patron.id, pickupBranchId: a.id });
    const onShelf = await insertItem(db, { recordId: record.id, branchId: a.id });
    await checkOut(db, atA, { cardNumber: patron.cardNumber, barcode: onShelf.barcode, now: NOW });
    expect(await holdOf(waiting.id)).toMatchObject({ status: "fulfilled", itemId: onShelf.id });

    const record2 = await insertRecord(db);
    const ready = await insertHold(db, { recordId: record2.id, patronId: patron.id, pickupBranchId: a.id, status: "ready" });
    const another = await insertItem(db, { recordId: record2.id, branchId: a.id });
    const refused = await refusalOf(checkOut(db, atA, { cardNumber: patron.cardNumber, barcode: another.barcode, now: NOW }));
    expect(codes(refused)).toEqual(["own_hold_copy_on_shelf"]);
    expect((await holdOf(ready.id)).status).toBe("ready");
    expect(await loansOf(another.id)).toHaveLength(0);
  });

  it("refusals: unknown card and barcode, suspended patron, reference-only, on loan, in transit, withdrawn — state unchanged", async () => {
    const patron = await insertPatron(db, { homeBranchId: a.id });
    const suspended = await insertPatron(db, { homeBranchId: a.id, status: "suspended" });
    const shelf = await insertItem(db, { branchId: a.id });
    expect(codes(await refusalOf(checkOut(db, atA, { cardNumber: "999999999", barcode: shelf.barcode, now: NOW })))).toEqual(["patron_not_found"]);
    expect(codes(await refusalOf(checkOut(db, atA, { cardNumber: patron.cardNumber, barcode: "NO-SUCH", now: NOW })))).toEqual(["item_not_found"]);
    expect(codes(await refusalOf(checkOut(db, atA, { cardNumber: suspended.cardNumber, barcode: shelf.barcode, now: NOW })))).toEqual(["checkout_patron_suspended"]);
    expect(codes(await refusalOf(checkOut(db, atA, { cardNumber: "", barcode: "", now: NOW })))).toEqual(["checkout_card_required", "barcode_required"]);
    const reference = await insertItem(db, { branchId: a.id, loanable: false });
    expect(codes(await refusalOf(checkOut(db, atA, { cardNumber: patron.cardNumber, barcode: reference.barcode, now: NOW })))).toEqual(["item_reference_only"]);
    const lent = await insertLoan(db, { itemId: (await insertItem(db, { branchId: a.id, status: "on_loan" })).id });
    const lentItem = await itemOf(lent.itemId);
    expect(codes(await refusalOf(checkOut(db, atA, { cardNumber: patron.cardNumber, barcode: lentItem.barcode, now: NOW })))).toEqual(["item_already_on_loan"]);
    const travelling = await insertItem(db, { branchId: a.id, status: "in_transit" });
    expect(codes(await refusalOf(checkOut(db, atA, { cardNumber: patron.cardNumber, barcode: travelling.barcode, now: NOW })))).toEqual(["item_in_transit"]);
    const gone = await insertItem(db, { branchId: a.id, status: "withdrawn" });
    expect(codes(await refusalOf(checkOut(db, atA, { cardNumber: patron.cardNumber, barcode: gone.barcode, now: NOW })))).toEqual(["item_withdrawn"]);
    expect((await itemOf(shelf.id)).status).toBe("on_shelf");
    // A scanner's full-width digits are folded.
    const wide = shelf.barcode.replace(/[0-9]/g, (d) => String.fromCharCode(d.charCodeAt(0) + 0xfee0));
    expect((await checkOut(db, atA, { cardNumber: patron.cardNumber, barcode: wide, now: NOW })).copy.id).toBe(shelf.id);
  });

  it("a patron with a temporary password may still borrow; two counters lending one copy at once make one loan", async () => {
    const temp = await insertLoginPatron(db, { temporary: true });
    const copy = await insertItem(db, { branchId: a.id });
    expect((await checkOut(db, atA, { cardNumber: temp.cardNumber, barcode: copy.barcode, now: NOW })).copy.id).toBe(copy.id);
    const shared = await insertItem(db, { branchId: a.id });
    const [p1, p2] = [await insertPatron(db, { homeBranchId: a.id }), await insertPatron(db, { homeBranchId: b.id })];
    const results = await Promise.allSettled([
      checkOut(db, atA, { cardNumber: p1.cardNumber, barcode: shared.barcode, now: NOW + 1 }),
      checkOut(db, atB, { cardNumber: p2.cardNumber, barcode: shared.barcode, now: NOW + 2 }),
    ]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const refused = results.find((r) => r.status === "rejected") as PromiseRejectedResult;
    expect(codes(refused.reason as AppError)).toEqual(["item_already_on_loan"]);
    expect(await loansOf(shared.id)).toHaveLength(1);
    expect(await auditCount("item_checked_out", shared.id)).toBe(1);
  });

  it(`loan limit ${LOAN_LIMIT}: the 11th is refused; at 9 open loans, 5 concurrent checkouts make exactly one`, async () => {
    const patron = await insertPatron(db, { homeBranchId: a.id });
    for (let i = 0; i < LOAN_LIMIT; i++) {
      const copy = await insertItem(db, { branchId: a.id });
      await checkOut(db, atA, { cardNumber: patron.cardNumber, barcode: copy.barcode, now: NOW + i });
    }
    const eleventh = await insertItem(db, { branchId: a.id });
    const refused = await refusalOf(checkOut(db, atA, { cardNumber: patron.cardNumber, barcode: eleventh.barcode, now: NOW + 100 }));
    expect(codes(refused)).toEqual(["loan_limit_reached"]);
    expect((await itemOf(eleventh.id)).status).toBe("on_shelf");

    const racer = await insertPatron(db, { homeBranchId: a.id });
    for (let i = 0; i < LOAN_LIMIT - 1; i++) await insertLoan(db, { patronId: racer.id, itemId: (await insertItem(db, { branchId: a.id, status: "on_loan" })).id });
    const copies = await Promise.all(Array.from({ length: 5 }, () => insertItem(db, { branchId: a.id })));
    const results = await Promise.allSettled(copies.map((c, i) => checkOut(db, i % 2 ? atA : atB, { cardNumber: racer.cardNumber, barcode: c.barcode, now: NOW + 200 + i })));
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    for (const r of results) if (r.status === "rejected") expect(codes(r.reason as AppError)).toEqual(["loan_limit_reached"]);
    const open = await env.DB.prepare("SELECT count(*) AS n FROM loans WHERE patron_id = ? AND returned_at IS NULL").bind(racer.id).first<{ n: number }>();
    expect(Number(open!.n)).toBe(LOAN_LIMIT);
  });
});

describe("R15, R16 「返却」: the trap", () => {
  it("R16: checked in at the pickup library → ready here (R21 shelf day, 連絡不要 contact day), the loan ended, audited", async () => {
    const record = await insertRecord(db);
    const loan = await insertLoan(db, { itemId: (await insertItem(db, { recordId: record.id, branchId: a.id, status: "on_loan" })).id });
    const first = await insertHold(db, { recordId: record.id, pickupBranchId: a.id, contact: "none", placedAt: NOW - 2000 });
    const second = await insertHold(db, { recordId: record.id, pickupBranchId: a.id, placedAt: NOW - 1000 });
    const answer = await checkIn(db, atA, { barcode: (await itemOf(loan.itemId)).barcode, now: NOW });
    expect(answer.wasOnLoan).toBe(true);
    expect(answer.loan?.id).toBe(loan.id);
    expect(answer.outcome.kind).toBe("ready");
    const until = await expectedShelfUntil(a, TODAY);
    expect(answer.outcome).toMatchObject({ holdId: first.id, shelfUntil: until, pickupBranch: { id: a.id } });
    expect(await holdOf(first.id)).toMatchObject({ status: "ready", itemId: loan.itemId, readyAt: NOW, shelfUntil: until, contactDate: TODAY });
    expect((await holdOf(second.id)).status).toBe("waiting");
    expect(await itemOf(loan.itemId)).toMatchObject({ status: "on_hold_shelf", currentBranchId: a.id });
    expect((await loansOf(loan.itemId))[0]).toMatchObject({ returnedAt: NOW, returnBranchId: a.id, returnStaffId: atA.staffId });
    expect(await auditCount("item_checked_in", loan.itemId)).toBe(1);
  });

  it("R21: contact 電話 keeps contact_date NULL until the call is recorded (shelf day counted from the ready day)", async () => {
    const record = await insertRecord(db);
    const copy = await insertItem(db, { recordId: record.id, branchId: a.id });
    const phoned = await insertHold(db, { recordId: record.id, pickupBranchId: a.id, contact: "phone" });
    await checkIn(db, atA, { barcode: copy.barcode, now: NOW });
    expect(await holdOf(phoned.id)).toMatchObject({ status: "ready", contactDate: null, shelfUntil: await expectedShelfUntil(a, TODAY) });
  });

  it("「貸出中ではありませんでした」: an on-shelf copy (pick list) is said not to have been on loan, and is still trapped — in transit to another pickup library with a slip", async () => {
    const record = await insertRecord(db);
    const copy = await insertItem(db, { recordId: record.id, branchId: a.id });
    const hold = await insertHold(db, { recordId: record.id, pickupBranchId: b.id });
    const answer = await checkIn(db, atA, { barcode: copy.barcode, now: NOW });
    expect(answer.wasOnLoan).toBe(false);
    expect(answer.outcome.kind).toBe("transit");
    if (answer.outcome.kind !== "transit") return;
    expect(answer.outcome.toBranch.id).toBe(b.id);
    const [t] = await openTransits(copy.id);
    expect(t).toMatchObject({ id: answer.outcome.transitId, fromBranchId: a.id, toBranchId: b.id, holdId: hold.id, sentAt: NOW });
    expect(await holdOf(hold.id)).toMatchObject({ status: "in_transit", itemId: copy.id });
    expect(await itemOf(copy.id)).toMatchObject({ status: "in_transit", currentBranchId: null });
  });

  it("no hold: back to its own shelf; checked in at another branch: in transit home (hold_id NULL)", async () => {
    const own = await insertLoan(db, { itemId: (await insertItem(db, { branchId: a.id, status: "on_loan" })).id });
    const shelf = await checkIn(db, atA, { barcode: (await itemOf(own.itemId)).barcode, now: NOW });
    expect(shelf.outcome).toMatchObject({ kind: "shelf", branch: { id: a.id } });
    expect(await itemOf(own.itemId)).toMatchObject({ status: "on_shelf", currentBranchId: a.id });

    const away = await insertLoan(db, { itemId: (await insertItem(db, { branchId: a.id, status: "on_loan" })).id });
    const home = await checkIn(db, atB, { barcode: (await itemOf(away.itemId)).barcode, now: NOW });
    expect(home.outcome).toMatchObject({ kind: "home", toBranch: { id: a.id } });
    const [t] = await openTransits(away.itemId);
    expect(t).toMatchObject({ fromBranchId: b.id, toBranchId: a.id, holdId: null });
    // Home again: 「到着」 at A shelves it.
    const arrived = await receiveTransit(db, atA, { barcode: (await itemOf(away.itemId)).barcode, now: NOW + 1000 });
    expect(arrived.outcome).toMatchObject({ kind: "shelf" });
    expect(await itemOf(away.itemId)).toMatchObject({ status: "on_shelf", currentBranchId: a.id });
  });

  it("R15: volume 2 is not trapped while volume 1 waits, even when a volume-2 copy is checked in; the next patron's hold takes it", async () => {
    const v1 = await insertRecord(db, { title: "順番の本", volumeLabel: "第1巻" });
    const v2 = await insertRecord(db, { title: "順番の本", volumeLabel: "第2巻" });
    await insertItem(db, { recordId: v1.id, branchId: a.id, status: "on_loan" });
    const patron = await insertPatron(db, { homeBranchId: a.id });
    const group = await insertHoldGroup(db, { patronId: patron.id });
    const h1 = await insertHold(db, { patronId: patron.id, recordId: v1.id, pickupBranchId: a.id, groupId: group.id, groupPosition: 1, placedAt: NOW - 5000 });
    const h2 = await insertHold(db, { patronId: patron.id, recordId: v2.id, pickupBranchId: a.id, groupId: group.id, groupPosition: 2, placedAt: NOW - 5000 });
    const later = await insertHold(db, { recordId: v2.id, pickupBranchId: a.id, placedAt: NOW - 1000 });
    const v2copy = await insertItem(db, { recordId: v2.id, branchId: a.id });
    const answer = await checkIn(db, atA, { barcode: v2copy.barcode, now: NOW });
    expect(answer.outcome).toMatchObject({ kind: "ready", holdId: later.id });
    expect((await holdOf(h2.id)).status).toBe("waiting");
    expect((await holdOf(h1.id)).status).toBe("waiting");
    // With only the chain waiting, the copy goes to the shelf rather than to volume 2.
    const v2again = await insertItem(db, { recordId: v2.id, branchId: a.id, status: "on_loan" });
    expect((await checkIn(db, atA, { barcode: v2again.barcode, now: NOW })).outcome.kind).toBe("shelf");
    expect((await holdOf(h2.id)).status).toBe("waiting");
  });

  it("ILL: an ILL copy serves only its own hold; returned after its loan it goes back to the lender (withdrawn); its loan is inter-library", async () => {
    const record = await insertRecord(db);
    const earlier = await insertHold(db, { recordId: record.id, pickupBranchId: a.id, placedAt: NOW - 9000 });
    const illHold = await insertHold(db, { recordId: record.id, pickupBranchId: a.id, placedAt: NOW - 1000, external: true });
    const ill = await insertItem(db, { recordId: record.id, branchId: a.id, illHoldId: illHold.id });
    const trapped = await checkIn(db, atA, { barcode: ill.barcode, now: NOW });
    expect(trapped.outcome).toMatchObject({ kind: "ready", holdId: illHold.id });
    expect((await holdOf(earlier.id)).status).toBe("waiting");
    const holder = await holdOf(illHold.id);
    const card = (await env.DB.prepare("SELECT card_number FROM patrons WHERE id = ?").bind(holder.patronId).first<{ card_number: string }>())!.card_number;
    const lent = await checkOut(db, atA, { cardNumber: card, barcode: ill.barcode, now: NOW + 1000 });
    expect(lent.interLibrary).toBe(true);
    expect((await loansOf(ill.id))[0]!.interLibrary).toBe(true);
    const back = await checkIn(db, atA, { barcode: ill.barcode, now: NOW + 2000 });
    expect(back.outcome.kind).toBe("lender");
    expect((await itemOf(ill.id)).status).toBe("withdrawn");
    expect((await holdOf(earlier.id)).status).toBe("waiting");
  });

  it("two counters scanning one copy at once trap it once; the second scan says where it is", async () => {
    const record = await insertRecord(db);
    const loan = await insertLoan(db, { itemId: (await insertItem(db, { recordId: record.id, branchId: a.id, status: "on_loan" })).id });
    const h1 = await insertHold(db, { recordId: record.id, pickupBranchId: a.id, placedAt: NOW - 3000 });
    const h2 = await insertHold(db, { recordId: record.id, pickupBranchId: a.id, placedAt: NOW - 2000 });
    const barcode = (await itemOf(loan.itemId)).barcode;
    const answers = await Promise.all(Array.from({ length: 6 }, (_, i) => checkIn(db, atA, { barcode, now: NOW + i })));
    expect(answers.filter((x) => x.outcome.kind === "ready")).toHaveLength(1);
    expect(answers.filter((x) => x.outcome.kind === "on_hold_shelf")).toHaveLength(5);
    expect((await holdOf(h1.id)).status).toBe("ready");
    expect((await holdOf(h2.id)).status).toBe("waiting");
    expect(await auditCount("item_checked_in", loan.itemId)).toBe(1);
    expect((await loansOf(loan.itemId)).filter((l) => l.returnedAt === null)).toHaveLength(0);
  });

  it("refusals: unknown barcode, withdrawn, in transit to another branch", async () => {
    expect(codes(await refusalOf(checkIn(db, atA, { barcode: "NOPE", now: NOW })))).toEqual(["item_not_found"]);
    expect(codes(await refusalOf(checkIn(db, atA, { barcode: "  ", now: NOW })))).toEqual(["barcode_required"]);
    const gone = await insertItem(db, { branchId: a.id, status: "withdrawn" });
    expect(codes(await refusalOf(checkIn(db, atA, { barcode: gone.barcode, now: NOW })))).toEqual(["item_withdrawn"]);
  });
});

describe("「到着」 receiveTransit", () => {
  it("R21: the copy arrives at the pickup library → ready with its shelf day; a counter of another branch cannot receive it", async () => {
    const record = await insertRecord(db);
    const copy = await insertItem(db, { recordId: record.id, branchId: a.id });
    const hold = await insertHold(db, { recordId: record.id, pickupBranchId: b.id, contact: "none" });
    await checkIn(db, atA, { barcode: copy.barcode, now: NOW });
    const wrong = await refusalOf(receiveTransit(db, atA, { barcode: copy.barcode, now: NOW + 1000 }));
    expect(codes(wrong)).toEqual(["transit_other_branch"]);
    expect((await holdOf(hold.id)).status).toBe("in_transit");
    const later = NOW + 24 * 60 * 60_000; // the next day
    const arrived = await receiveTransit(db, atB, { barcode: copy.barcode, now: later });
    expect(arrived.outcome).toMatchObject({ kind: "ready", holdId: hold.id, shelfUntil: await expectedShelfUntil(b, "2026-12-03") });
    expect(await holdOf(hold.id)).toMatchObject({ status: "ready", readyAt: later, contactDate: "2026-12-03" });
    expect(await itemOf(copy.id)).toMatchObject({ status: "on_hold_shelf", currentBranchId: b.id });
    expect(await openTransits(copy.id)).toHaveLength(0);
    expect(codes(await refusalOf(receiveTransit(db, atB, { barcode: copy.barcode, now: later })))).toEqual(["transit_not_open"]);
  });

  it("the hold it travelled for was cancelled meanwhile: the copy is trapped again at the arrival branch (next hold ready there)", async () => {
    const record = await insertRecord(db);
    const copy = await insertItem(db, { recordId: record.id, branchId: a.id });
    const first = await insertHold(db, { recordId: record.id, pickupBranchId: b.id, placedAt: NOW - 3000 });
    await checkIn(db, atA, { barcode: copy.barcode, now: NOW });
    const next = await insertHold(db, { recordId: record.id, pickupBranchId: b.id, placedAt: NOW - 1000 });
    await db.update(holds).set({ status: "cancelled", cancelReason: "staff", cancelledAt: NOW + 10 }).where(eq(holds.id, first.id));
    const arrived = await receiveTransit(db, atB, { barcode: copy.barcode, now: NOW + 1000 });
    expect(arrived.outcome).toMatchObject({ kind: "ready", holdId: next.id });
    expect(await holdOf(next.id)).toMatchObject({ status: "ready", itemId: copy.id });
  });

  it("「返却」 of a copy addressed to this branch is its arrival", async () => {
    const record = await insertRecord(db);
    const copy = await insertItem(db, { recordId: record.id, branchId: a.id });
    const hold = await insertHold(db, { recordId: record.id, pickupBranchId: b.id });
    await checkIn(db, atA, { barcode: copy.barcode, now: NOW });
    const answer = await checkIn(db, atB, { barcode: copy.barcode, now: NOW + 1000 });
    expect(answer.received).toBe(true);
    expect(answer.outcome).toMatchObject({ kind: "ready", holdId: hold.id });
  });
});
