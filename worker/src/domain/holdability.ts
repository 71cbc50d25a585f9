// R11 (and R12 by exclusion): may a record be put in the reservation cart and held online?
// Holdable = at least one copy held by an in-city library (the city libraries, ムーブ図書・情報室,
// 学術情報センター一般図書室) that is loanable. A record held only outside the city is a paper request (R12).
// Also the one definition of a copy that is "held", "obtainable" and "available" (issue 6 item 5): the record
// page, the availability API and the search counts all ask these (data/catalog-read.ts has their SQL forms).
import { AVAILABLE_ITEM_STATUS, HELD_ITEM_STATUSES, OBTAINABLE_ITEM_STATUSES } from "./vocabulary.ts";

export type HoldabilityReason = "not_held_in_city" | "not_loanable";

export type HoldabilityDecision = { ok: true } | { ok: false; reasons: HoldabilityReason[] };

export interface HoldabilityItem {
  branchId: number;
  loanable: boolean;
  status: string;
}

export interface HoldabilityBranch {
  id: number;
  inCity: boolean;
}

/** Held (所蔵): the library still has the copy (not withdrawn). It is listed and counted as a copy. */
export function isHeld(item: Pick<HoldabilityItem, "status">): boolean {
  return (HELD_ITEM_STATUSES as readonly string[]).includes(item.status);
}

/**
 * Held and able to reach a patron: a missing copy cannot be allocated to anybody, so — our reading of R11 — it
 * makes no record holdable (a hold that can never be filled would only wait forever on the patron's list).
 */
export function isObtainable(item: Pick<HoldabilityItem, "status">): boolean {
  return (OBTAINABLE_ITEM_STATUSES as readonly string[]).includes(item.status);
}

/** Available (貸出可): a loanable copy on the shelf now. */
export function isAvailable(item: Pick<HoldabilityItem, "status" | "loanable">): boolean {
  return item.loanable && item.status === AVAILABLE_ITEM_STATUS;
}

export function decideHoldable(facts: {
  items: readonly HoldabilityItem[];
  branches: readonly HoldabilityBranch[];
}): HoldabilityDecision {
  const inCity = new Map(facts.branches.map((b) => [b.id, b.inCity]));
  const held = facts.items.filter(isObtainable);
  const heldInCity = held.filter((i) => inCity.get(i.branchId) === true);
  if (heldInCity.some((i) => i.loanable)) return { ok: true };

  const reasons: HoldabilityReason[] = [];
  if (heldInCity.length === 0) reasons.push("not_held_in_city");
  // Reference-only (禁帯出) everywhere it is held: not for loan, whatever the branch.
  const candidates = heldInCity.length > 0 ? heldInCity : held;
  if (candidates.length > 0 && !candidates.some((i) => i.loanable)) reasons.push("not_loanable");
  return { ok: false, reasons };
}
