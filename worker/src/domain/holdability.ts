// R11 (and R12 by exclusion): may a record be put in the reservation cart and held online?
// Holdable = at least one copy held by an in-city library (the city libraries, ムーブ図書・情報室,
// 学術情報センター一般図書室) that is loanable. A record held only outside the city is a paper request (R12).

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

// A withdrawn copy is no longer held; a missing one cannot be allocated to anybody. Neither makes a record
// holdable (our reading: a hold that can never be filled would only wait forever on the patron's list).
const NOT_HELD_STATUSES: ReadonlySet<string> = new Set(["withdrawn", "missing"]);

export function decideHoldable(facts: {
  items: readonly HoldabilityItem[];
  branches: readonly HoldabilityBranch[];
}): HoldabilityDecision {
  const inCity = new Map(facts.branches.map((b) => [b.id, b.inCity]));
  const held = facts.items.filter((i) => !NOT_HELD_STATUSES.has(i.status));
  const heldInCity = held.filter((i) => inCity.get(i.branchId) === true);
  if (heldInCity.some((i) => i.loanable)) return { ok: true };

  const reasons: HoldabilityReason[] = [];
  if (heldInCity.length === 0) reasons.push("not_held_in_city");
  // Reference-only (禁帯出) everywhere it is held: not for loan, whatever the branch.
  const candidates = heldInCity.length > 0 ? heldInCity : held;
  if (candidates.length > 0 && !candidates.some((i) => i.loanable)) reasons.push("not_loanable");
  return { ok: false, reasons };
}
