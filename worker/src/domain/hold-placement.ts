// R01, R05, R11, R13, R14, R36 at placement (issue 7 items 2, 3, 8): which of the requested lines become holds.
// Pure: facts in, a decision per line out, EVERY reason for each refusal. No D1, no Hono, no clock.
//
// Exported API (stable; h-series reuses decideLine for ordered holds):
//   decideHoldPlacement(facts: PlacementFacts): PlacementDecision
//     - facts.patron: { temporaryPassword, activeHolds }          (R05, R14)
//     - facts.terminalBranchId: the OPAC terminal's branch, or null off a terminal          (R36)
//     - facts.cartRequired: true on 「予約申込」 (a line must be in the patron's cart, R13); false for a paper form
//     - facts.lines: PlacementLineFacts[] in cart order (the order slots are given out in)
//     → { patronReasons, remaining, lines: LineDecision[] (same order), wouldNotFit: recordIds }
//   decideLine(line, ctx): the reasons a single line is refused for on its own (everything but the limit),
//     and the on-shelf copies at the terminal's branch (R36) — [] reasons means the line may take a slot.
//   remainingSlots(activeHolds): HOLD_LIMIT - active, never below 0                       (R14)
//   shelfCopiesAtBranch(items, branchId): available loanable copies at a branch (holdability.isAvailable)
//
// Slots (R14): the lines that are not refused for reasons of their own take the remaining slots in cart order; the
// eligible lines beyond them are refused with hold_limit_reached ("would not fit"). A line refused for its own
// reasons takes no slot, and also carries hold_limit_reached when no slot would be left for it even if it were
// eligible (every reason). The database re-checks all of this in its guarded INSERTs; this decision is what the
// screen says before submitting and what the answer says after.
import { isAvailable, type HoldabilityDecision, type HoldabilityItem, type HoldabilityReason } from "./holdability.ts";
import { HOLD_LIMIT } from "./policy.ts";

export type PlacementReason =
  | HoldabilityReason // R11: not_held_in_city, not_loanable
  | "password_change_required" // R05: a temporary-password patron places nothing
  | "already_held" // R14 / holds_one_active: this patron already has an active hold on the record
  | "not_in_cart" // R13: 「予約申込」 places only lines of the patron's cart
  | "hold_limit_reached" // R14: no slot left
  | "on_shelf_at_terminal"; // R36: on an OPAC terminal, a loanable copy stands on this branch's shelf

export interface PlacementItem extends HoldabilityItem {
  /** The copy's call number / shelf mark (items.shelf_mark), when known. */
  shelfMark: string | null;
}

export interface PlacementLineFacts {
  recordId: number;
  /** R11: domain/holdability.ts decideHoldable over the record's copies. */
  holdable: HoldabilityDecision;
  /** The patron already has an active (waiting / in_transit / ready) hold on this record. */
  alreadyHeld: boolean;
  /** The record is a line of the patron's cart (only asked when cartRequired). */
  inCart: boolean;
  /** The record's copies (for R36: which stand on the terminal branch's shelf). */
  items: readonly PlacementItem[];
}

export interface PlacementPatronFacts {
  /** R05: logged in with a counter-issued temporary password. */
  temporaryPassword: boolean;
  /** R14: the patron's active holds across every channel. */
  activeHolds: number;
}

export interface PlacementFacts {
  patron: PlacementPatronFacts;
  /** R36: the branch of the OPAC terminal the session runs on; null on the web or the staff counter. */
  terminalBranchId: number | null;
  cartRequired: boolean;
  lines: readonly PlacementLineFacts[];
}

/** A copy on the shelf at the terminal's own branch (R36): where to take it from. */
export interface ShelfCopy {
  branchId: number;
  shelfMark: string | null;
}

export type LineDecision =
  | { recordId: number; ok: true }
  | { recordId: number; ok: false; reasons: PlacementReason[]; shelf: ShelfCopy[] };

export interface PlacementDecision {
  /** Refusals of the whole request (R05): every line carries them too. */
  patronReasons: PlacementReason[];
  /** R14: HOLD_LIMIT - active holds (never below 0), before this request. */
  remaining: number;
  lines: LineDecision[];
  /** Lines that would be placed but for the limit: beyond the remaining slots, in cart order. */
  wouldNotFit: number[];
}

export function remainingSlots(activeHolds: number): number {
  return Math.max(0, HOLD_LIMIT - activeHolds);
}

/** R36: the loanable copies on the shelf now (holdability.isAvailable) at `branchId`. */
export function shelfCopiesAtBranch(items: readonly PlacementItem[], branchId: number): ShelfCopy[] {
  return items.filter((i) => i.branchId === branchId && isAvailable(i)).map((i) => ({ branchId: i.branchId, shelfMark: i.shelfMark }));
}

/** The reasons one line is refused for on its own (not the limit); [] when it may take a slot. */
export function decideLine(
  line: PlacementLineFacts,
  ctx: { terminalBranchId: number | null; cartRequired: boolean; temporaryPassword: boolean },
): { reasons: PlacementReason[]; shelf: ShelfCopy[] } {
  const reasons: PlacementReason[] = [];
  if (ctx.temporaryPassword) reasons.push("password_change_required");
  if (!line.holdable.ok) reasons.push(...line.holdable.reasons);
  if (ctx.cartRequired && !line.inCart) reasons.push("not_in_cart");
  if (line.alreadyHeld) reasons.push("already_held");
  const shelf = ctx.terminalBranchId === null ? [] : shelfCopiesAtBranch(line.items, ctx.terminalBranchId);
  if (shelf.length > 0) reasons.push("on_shelf_at_terminal");
  return { reasons, shelf };
}

export function decideHoldPlacement(facts: PlacementFacts): PlacementDecision {
  const remaining = remainingSlots(facts.patron.activeHolds);
  const patronReasons: PlacementReason[] = facts.patron.temporaryPassword ? ["password_change_required"] : [];
  const ctx = { terminalBranchId: facts.terminalBranchId, cartRequired: facts.cartRequired, temporaryPassword: facts.patron.temporaryPassword };
  let taken = 0;
  const wouldNotFit: number[] = [];
  const lines: LineDecision[] = [];
  const seen = new Set<number>();
  for (const line of facts.lines) {
    const own = decideLine(line, ctx);
    // The same record twice in one request: the second is a second hold on one record.
    if (seen.has(line.recordId) && !own.reasons.includes("already_held")) own.reasons.push("already_held");
    seen.add(line.recordId);
    const fits = taken < remaining;
    if (own.reasons.length === 0) {
      if (fits) {
        taken++;
        lines.push({ recordId: line.recordId, ok: true });
      } else {
        wouldNotFit.push(line.recordId);
        lines.push({ recordId: line.recordId, ok: false, reasons: ["hold_limit_reached"], shelf: [] });
      }
    } else {
      if (!fits) own.reasons.push("hold_limit_reached");
      lines.push({ recordId: line.recordId, ok: false, reasons: own.reasons, shelf: own.shelf });
    }
  }
  return { patronReasons, remaining, lines, wouldNotFit };
}
