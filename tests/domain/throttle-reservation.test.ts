// Issue 6 §6 "the throttle races" (issue 3 item 5): the guard a reservation is written under. Pure.
import { describe, expect, it } from "vitest";
import { THROTTLE_ADDRESS, THROTTLE_CARD, THROTTLE_OVERALL } from "../../worker/src/domain/policy.ts";
import { decideThrottle, reservationLimits } from "../../worker/src/domain/throttle.ts";

const NOW = Date.UTC(2026, 11, 1, 3, 0, 0);
const seen = (count: number, lastAt: number | null = count ? NOW - 1 : null) => ({ count, lastAt });

describe("reservationLimits: how many failures a window may hold when one more attempt goes in", () => {
  it("while the free allowance lasts: the allowance itself, so parallel tries share it (5 per card, 20 per address, 1,000 overall)", () => {
    expect(reservationLimits({ perCard: seen(0), perAddress: seen(3), overall: seen(999) })).toEqual({
      card: THROTTLE_CARD.free,
      address: THROTTLE_ADDRESS.free,
      overall: THROTTLE_OVERALL.free,
    });
  });

  it("past it, once the wait is over: exactly one more (the count seen + 1), not one per parallel request", () => {
    const facts = { perCard: seen(7, NOW - 3 * 60_000), perAddress: seen(25, NOW - 20 * 60_000), overall: seen(1500, NOW - 60_000) };
    expect(decideThrottle({ ...facts, now: NOW })).toEqual({ ok: true });
    expect(reservationLimits(facts)).toEqual({ card: 8, address: 26, overall: 1501 });
  });

  it("a dimension not counted (a browser the device cookie vouches for) has no limit", () => {
    expect(reservationLimits({ perCard: seen(2), perAddress: null, overall: null })).toEqual({ card: THROTTLE_CARD.free, address: null, overall: null });
  });
});
