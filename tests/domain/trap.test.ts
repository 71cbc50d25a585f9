// R15, R16: the copy scanned in at 「返却」 goes to the first waiting hold in reception order that may take it —
// never a later volume whose earlier volume waits, never another patron's hold for an ILL copy — ready here when
// this is the pickup library, else in transit; with no such hold, back to the shelf.
import { describe, expect, it } from "vitest";
import { chooseHoldForCopy, type TrapCandidate } from "../../worker/src/domain/trap.ts";

const HERE = 1;
const THERE = 2;
const hold = (id: number, placedAt: number, pickupBranchId = HERE, group: TrapCandidate["group"] = null): TrapCandidate => ({ id, placedAt, pickupBranchId, group });

describe("R16 the first in the queue takes the copy", () => {
  it("R16: by reception time, then id (a paper form's earlier reception time comes first)", () => {
    expect(chooseHoldForCopy({ atBranchId: HERE, fetchedForHoldId: null }, [hold(5, 300), hold(9, 100), hold(7, 100)])).toEqual({ kind: "ready", holdId: 7 });
  });

  it("R16: ready here at the pickup library, in transit to another, the shelf when nobody waits", () => {
    expect(chooseHoldForCopy({ atBranchId: HERE, fetchedForHoldId: null }, [hold(1, 10, THERE)])).toEqual({ kind: "transit", holdId: 1, toBranchId: THERE });
    expect(chooseHoldForCopy({ atBranchId: HERE, fetchedForHoldId: null }, [])).toEqual({ kind: "shelf" });
  });
});

describe("R15 ordered holds keep their order", () => {
  it("R15: a second volume whose first still waits is passed over for the next patron in the queue", () => {
    const members = [
      { position: 1, status: "waiting" as const, volumeLabel: "上" },
      { position: 2, status: "waiting" as const, volumeLabel: "下" },
    ];
    const candidates = [hold(1, 10, HERE, { position: 2, members }), hold(2, 20)];
    expect(chooseHoldForCopy({ atBranchId: HERE, fetchedForHoldId: null }, candidates)).toEqual({ kind: "ready", holdId: 2 });
    const firstReady = [{ ...members[0]!, status: "ready" as const }, members[1]!];
    expect(chooseHoldForCopy({ atBranchId: HERE, fetchedForHoldId: null }, [hold(1, 10, HERE, { position: 2, members: firstReady }), hold(2, 20)])).toEqual({ kind: "ready", holdId: 1 });
  });
});

describe("ILL copies serve the hold they were fetched for", () => {
  it("R32/R34: an ILL copy goes to its own hold, or to the shelf, never to the queue's first", () => {
    expect(chooseHoldForCopy({ atBranchId: HERE, fetchedForHoldId: 8 }, [hold(3, 1), hold(8, 50)])).toEqual({ kind: "ready", holdId: 8 });
    expect(chooseHoldForCopy({ atBranchId: HERE, fetchedForHoldId: 8 }, [hold(3, 1)])).toEqual({ kind: "shelf" });
  });
});
