// R22, R35 (issue 8 item 1): the counter's pure rules — every reason a checkout is refused, which hold a loan fills,
// and where a copy goes after the trap (shelf, home, the lending library).
import { describe, expect, it } from "vitest";
import { checkoutHold, checkoutRefusals, dueDateOf, placeCopy, type CheckoutFacts } from "../../worker/src/domain/circulation.ts";
import { MESSAGES } from "../../worker/src/domain/messages.ts";

const base: CheckoutFacts = {
  patron: { id: 1, status: "active", openLoans: 0 },
  item: { id: 10, recordId: 100, status: "on_shelf", loanable: true, illHoldId: null },
  allocatedHold: null,
  ownHold: null,
};

describe("R35, R22 checkout", () => {
  it("R35: an on-shelf copy is lent to a walk-in whatever holds wait (the walk-in has none on it)", () => {
    expect(checkoutRefusals(base)).toEqual([]);
    expect(checkoutHold(base)).toBeNull();
  });

  it("every reason at once, each with a message", () => {
    const reasons = checkoutRefusals({
      patron: { id: 1, status: "suspended", openLoans: 10 },
      item: { id: 10, recordId: 100, status: "on_hold_shelf", loanable: false, illHoldId: 77 },
      allocatedHold: { id: 5, patronId: 2, status: "ready" },
      ownHold: { id: 6, status: "ready", itemId: 11 },
    });
    expect(reasons).toEqual(["checkout_patron_suspended", "item_reference_only", "item_held_for_other", "ill_copy_for_other", "own_hold_copy_on_shelf", "loan_limit_reached"]);
    for (const r of reasons) expect(MESSAGES[r]).toBeTruthy();
    expect(checkoutRefusals({ ...base, patron: null, item: null })).toEqual(["patron_not_found", "item_not_found"]);
    for (const [status, reason] of [["on_loan", "item_already_on_loan"], ["in_transit", "item_in_transit"], ["missing", "item_missing"], ["withdrawn", "item_withdrawn"]] as const) {
      expect(checkoutRefusals({ ...base, item: { ...base.item!, status } })).toEqual([reason]);
    }
  });

  it("R22: the holder's ready hold on this copy is filled; their waiting or in-transit hold on the record too; not a ready hold on another copy", () => {
    const mine = { ...base, item: { ...base.item!, status: "on_hold_shelf" as const }, allocatedHold: { id: 5, patronId: 1, status: "ready" as const }, ownHold: { id: 5, status: "ready" as const, itemId: 10 } };
    expect(checkoutRefusals(mine)).toEqual([]);
    expect(checkoutHold(mine)).toEqual({ id: 5, status: "ready" });
    expect(checkoutHold({ ...base, ownHold: { id: 6, status: "waiting", itemId: null } })).toEqual({ id: 6, status: "waiting" });
    expect(checkoutHold({ ...base, ownHold: { id: 6, status: "in_transit", itemId: 12 } })).toEqual({ id: 6, status: "in_transit" });
    expect(checkoutRefusals({ ...base, ownHold: { id: 6, status: "ready", itemId: 12 } })).toEqual(["own_hold_copy_on_shelf"]);
  });

  it("ILL: the copy is lent only to the patron whose hold it was fetched for", () => {
    const ill = { ...base, item: { ...base.item!, illHoldId: 6 } };
    expect(checkoutRefusals(ill)).toEqual(["ill_copy_for_other"]);
    expect(checkoutRefusals({ ...ill, ownHold: { id: 6, status: "waiting", itemId: null } })).toEqual([]);
  });

  it("R31: the due date is 14 days on (not moved off closed days)", () => {
    expect(dueDateOf("2026-12-02")).toBe("2026-12-16");
    expect(dueDateOf("2026-12-20")).toBe("2027-01-03");
  });
});

describe("where a copy goes", () => {
  it("a hold: ready or in transit as the trap says; none: its shelf here, home from elsewhere, an ILL copy to its lender", () => {
    const copy = { atBranchId: 1, homeBranchId: 1, illHoldId: null };
    expect(placeCopy(copy, { kind: "ready", holdId: 3 })).toEqual({ kind: "ready", holdId: 3 });
    expect(placeCopy(copy, { kind: "transit", holdId: 3, toBranchId: 2 })).toEqual({ kind: "transit", holdId: 3, toBranchId: 2 });
    expect(placeCopy(copy, { kind: "shelf" })).toEqual({ kind: "shelf" });
    expect(placeCopy({ ...copy, atBranchId: 2 }, { kind: "shelf" })).toEqual({ kind: "home", toBranchId: 1 });
    expect(placeCopy({ ...copy, illHoldId: 9 }, { kind: "shelf" })).toEqual({ kind: "lender" });
  });
});
