// R15, R16 (issue 8 item 1, the rule of 「返却」): which waiting hold a copy scanned in at a branch goes to.
// Candidates are the record's waiting holds; they are taken in queue order (R16: reception time, then id —
// domain/hold-queue.ts comparePlacement), skipping a volume of an ordered hold whose earlier volume still waits
// (R15: domain/ordered-holds.ts mayAllocate, backed by trigger holds_series_order). A copy from outside the city
// (ILL) serves only the hold it was fetched for. The answer also says where the copy goes: ready at this branch
// when it is the hold's pickup library, else in transit to it; no hold → back to the shelf. Pure: facts in.
import { comparePlacement } from "./hold-queue.ts";
import { mayAllocate, type GroupMember } from "./ordered-holds.ts";

export interface TrapCandidate {
  id: number;
  placedAt: number;
  pickupBranchId: number;
  /** R15: the hold's group members (itself included) when it belongs to an ordered hold, else null. */
  group: { position: number; members: readonly GroupMember[] } | null;
}

export interface TrapCopy {
  /** The branch scanning the copy in. */
  atBranchId: number;
  /** An ILL copy: the id of the hold it was fetched for; null for the city's own copies. */
  fetchedForHoldId: number | null;
}

export type TrapDecision =
  | { kind: "ready"; holdId: number }
  | { kind: "transit"; holdId: number; toBranchId: number }
  | { kind: "shelf" };

export function chooseHoldForCopy(copy: TrapCopy, candidates: readonly TrapCandidate[]): TrapDecision {
  const queue = [...candidates].sort(comparePlacement);
  for (const c of queue) {
    if (copy.fetchedForHoldId !== null && c.id !== copy.fetchedForHoldId) continue;
    if (c.group) {
      const self = c.group.members.find((m) => m.position === c.group!.position);
      if (!self || !mayAllocate(self, c.group.members).ok) continue;
    }
    return c.pickupBranchId === copy.atBranchId ? { kind: "ready", holdId: c.id } : { kind: "transit", holdId: c.id, toBranchId: c.pickupBranchId };
  }
  return { kind: "shelf" };
}
