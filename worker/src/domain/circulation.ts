// R22, R35, R15, R16, R21 (issue 8 item 1): the counter's rules, pure — what a checkout may do, and where a copy goes
// once domain/trap.ts has chosen (or not) a hold for it. Facts in, every reason out; the database re-checks the same
// facts in its guarded WHEREs (data/circulation.ts).
//
//   checkoutRefusals(facts)       every reason a scanned copy may not be lent to this patron now ([] = lend it)
//   checkoutHold(facts)           the patron's own hold the loan fills (fulfilled in the same batch), or null
//   placeCopy(copy, decision)     ready here / in transit to a pickup library / back on the shelf / home / back to
//                                 the lending library (an ILL copy with no hold of its own left)
//   dueDateOf(today)              the loan's due date: today + LOAN_DAYS (14). A due date that falls on a closed day
//                                 is NOT moved (kept simple, as the guide's 「2週間」 says; returns go in the book drop).
import { addDays, type Day } from "./calendar.ts";
import { LOAN_DAYS, LOAN_LIMIT } from "./policy.ts";
import type { TrapDecision } from "./trap.ts";
import type { HoldStatus, ItemStatus, PatronStatus } from "./vocabulary.ts";

export function dueDateOf(today: Day): Day {
  return addDays(today, LOAN_DAYS);
}

export interface CheckoutFacts {
  patron: { id: number; status: PatronStatus; openLoans: number } | null;
  item: { id: number; recordId: number; status: ItemStatus; loanable: boolean; illHoldId: number | null } | null;
  /** The hold the copy is set aside for (in transit / ready), if any, with its patron. */
  allocatedHold: { id: number; patronId: number; status: HoldStatus } | null;
  /** The patron's own active hold on the copy's record, if any (waiting, in transit or ready), and its copy. */
  ownHold: { id: number; status: HoldStatus; itemId: number | null } | null;
}

export type CheckoutReason =
  | "patron_not_found"
  | "checkout_patron_suspended"
  | "item_not_found"
  | "item_reference_only"
  | "item_withdrawn"
  | "item_missing"
  | "item_already_on_loan"
  | "item_in_transit"
  | "item_held_for_other"
  | "ill_copy_for_other"
  | "own_hold_copy_on_shelf"
  | "loan_limit_reached";

/**
 * Every reason the copy may not be lent to the patron. R35: an on-shelf copy goes to a walk-in even when holds wait
 * for the record (they keep waiting). A copy on the hold shelf is lent only to the patron it waits for. When the
 * patron's own hold has a copy on the hold shelf and staff scan another copy, we refuse and ask for the copy on the
 * hold shelf (lending the other would leave the shelved copy set aside for a hold already filled).
 */
export function checkoutRefusals(f: CheckoutFacts): CheckoutReason[] {
  const out: CheckoutReason[] = [];
  if (!f.patron) out.push("patron_not_found");
  else if (f.patron.status !== "active") out.push("checkout_patron_suspended");
  if (!f.item) out.push("item_not_found");
  else {
    const i = f.item;
    if (!i.loanable) out.push("item_reference_only");
    if (i.status === "withdrawn") out.push("item_withdrawn");
    else if (i.status === "missing") out.push("item_missing");
    else if (i.status === "on_loan") out.push("item_already_on_loan");
    else if (i.status === "in_transit") out.push("item_in_transit");
    else if (i.status === "on_hold_shelf" && f.patron && (!f.allocatedHold || f.allocatedHold.patronId !== f.patron.id)) out.push("item_held_for_other");
    if (i.illHoldId !== null && f.patron && (!f.ownHold || f.ownHold.id !== i.illHoldId)) out.push("ill_copy_for_other");
    if (f.ownHold && f.ownHold.status === "ready" && f.ownHold.itemId !== i.id) out.push("own_hold_copy_on_shelf");
  }
  if (f.patron && f.patron.openLoans >= LOAN_LIMIT) out.push("loan_limit_reached");
  return [...new Set(out)];
}

/**
 * The patron's own hold the loan fills (R22): their ready hold on this very copy; or their waiting / in-transit hold
 * on the record when they borrow another copy at the counter (the hold is then fulfilled by this loan; a copy already
 * travelling for it is re-trapped when it arrives, services/circulation.ts receiveTransit).
 */
export function checkoutHold(f: CheckoutFacts): { id: number; status: HoldStatus } | null {
  const own = f.ownHold;
  if (!own || !f.item) return null;
  if (own.status === "ready") return own.itemId === f.item.id ? { id: own.id, status: own.status } : null;
  if (own.status === "waiting" || own.status === "in_transit") return { id: own.id, status: own.status };
  return null;
}

export type Placement =
  | { kind: "ready"; holdId: number }
  | { kind: "transit"; holdId: number; toBranchId: number }
  | { kind: "shelf" }
  | { kind: "home"; toBranchId: number }
  | { kind: "lender" };

/** Where a copy goes after the trap's decision: no hold → its own shelf (here) or home (elsewhere); an ILL copy with
 *  no hold of its own left goes back to the library that lent it (items 'withdrawn'). */
export function placeCopy(copy: { atBranchId: number; homeBranchId: number; illHoldId: number | null }, decision: TrapDecision): Placement {
  if (decision.kind === "ready") return { kind: "ready", holdId: decision.holdId };
  if (decision.kind === "transit") return { kind: "transit", holdId: decision.holdId, toBranchId: decision.toBranchId };
  if (copy.illHoldId !== null) return { kind: "lender" };
  return copy.atBranchId === copy.homeBranchId ? { kind: "shelf" } : { kind: "home", toBranchId: copy.homeBranchId };
}

