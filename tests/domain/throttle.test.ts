// Throttling (issue 3 item 5, compensating R02's weak passwords; R04 uses the same): progressive delay per card,
// per address and overall; password spraying trips the per-address limit; never a permanent lock.
import { describe, expect, it } from "vitest";
import { THROTTLE_ADDRESS, THROTTLE_CARD, THROTTLE_OVERALL } from "../../worker/src/domain/policy.ts";
import { addressKey, decideThrottle, delayAfter, formatWait, type FailureCount, type ThrottleFacts } from "../../worker/src/domain/throttle.ts";

const NOW = Date.UTC(2026, 10, 30, 3, 0, 0);
const none: FailureCount = { count: 0, lastAt: null };
const facts = (f: Partial<ThrottleFacts>): ThrottleFacts => ({ perCard: none, perAddress: none, overall: none, now: NOW, ...f });

/** A simulated attacker and the throttle: failures are only recorded for attempts the throttle let through. */
function simulate(opts: { cards: (i: number) => string; attempts: number; everyMs: number }) {
  const failures: { card: string; at: number }[] = [];
  let allowed = 0;
  let refused = 0;
  for (let i = 0, t = NOW; i < opts.attempts; i++, t += opts.everyMs) {
    const card = opts.cards(i);
    const window = (since: number, pick: (f: { card: string }) => boolean): FailureCount => {
      const seen = failures.filter((f) => f.at > since && pick(f));
      return { count: seen.length, lastAt: seen.length ? Math.max(...seen.map((f) => f.at)) : null };
    };
    const d = decideThrottle({
      perCard: window(t - THROTTLE_CARD.windowMs, (f) => f.card === card),
      perAddress: window(t - THROTTLE_ADDRESS.windowMs, () => true),
      overall: window(t - THROTTLE_OVERALL.windowMs, () => true),
      now: t,
    });
    if (d.ok) {
      allowed++;
      failures.push({ card, at: t });
    } else refused++;
  }
  return { allowed, refused };
}

describe("throttle: progressive delay", () => {
  it("lets the first 5 failures on a card through without any wait", () => {
    expect(decideThrottle(facts({ perCard: { count: 4, lastAt: NOW - 1 } }))).toEqual({ ok: true });
  });

  it("after 5 failures on a card: 30 s, then doubling, capped at 15 minutes", () => {
    expect([5, 6, 7, 8, 9, 10, 11, 50, 10_000].map((n) => delayAfter(n, THROTTLE_CARD) / 1000)).toEqual([30, 60, 120, 240, 480, 900, 900, 900, 900]);
    expect(decideThrottle(facts({ perCard: { count: 5, lastAt: NOW - 10_000 } }))).toEqual({ ok: false, retryAfterSeconds: 20, limitedBy: ["card"] });
    expect(decideThrottle(facts({ perCard: { count: 5, lastAt: NOW - 30_000 } }))).toEqual({ ok: true });
  });

  it("answers the longest wait of all the limits that apply, rounded up to whole seconds", () => {
    const d = decideThrottle(facts({ perCard: { count: 5, lastAt: NOW - 29_500 }, perAddress: { count: 21, lastAt: NOW - 1_000 } }));
    expect(d).toEqual({ ok: false, retryAfterSeconds: 59, limitedBy: ["card", "address"] });
    expect(decideThrottle(facts({ perCard: { count: 5, lastAt: NOW - 29_999 } }))).toMatchObject({ retryAfterSeconds: 1 });
  });

  it("the overall ceiling slows everyone during a flood from many addresses, briefly", () => {
    expect(decideThrottle(facts({ overall: { count: 999, lastAt: NOW } }))).toEqual({ ok: true });
    expect(decideThrottle(facts({ overall: { count: 1000, lastAt: NOW } }))).toEqual({ ok: false, retryAfterSeconds: 1, limitedBy: ["overall"] });
    expect(delayAfter(1_000_000, THROTTLE_OVERALL)).toBe(30_000);
  });

  it("tells the wait in Japanese", () => {
    expect(formatWait(30)).toBe("30秒");
    expect(formatWait(61)).toBe("2分");
    expect(formatWait(900)).toBe("15分");
  });
});

describe("throttle: password spraying", () => {
  it("one password over many sequential card numbers from one address trips the per-address limit", () => {
    const d = decideThrottle(facts({ perCard: { count: 0, lastAt: null }, perAddress: { count: THROTTLE_ADDRESS.free, lastAt: NOW - 1000 } }));
    expect(d).toMatchObject({ ok: false, limitedBy: ["address"] });
  });

  it("a spraying run over sequential cards, a try a second all day, gets about a hundred tries instead of 86,400", () => {
    const run = simulate({ cards: (i) => String(2100000001 + i), attempts: 86_400, everyMs: 1000 });
    // 20 free, then 30 s … 15 min: about 4 an hour afterwards, never a card-level limit.
    expect(run.allowed).toBeGreaterThan(THROTTLE_ADDRESS.free);
    expect(run.allowed).toBeLessThan(THROTTLE_ADDRESS.free + 110);
  });
});

describe("throttle: never a permanent lock", () => {
  it("however many failures a stranger caused, the wait ends at most 15 minutes after the last one", () => {
    const huge = { count: 1_000_000, lastAt: NOW };
    const d = decideThrottle(facts({ perCard: huge, perAddress: huge, overall: huge }));
    expect(d).toMatchObject({ ok: false, retryAfterSeconds: 900 });
    expect(decideThrottle({ perCard: huge, perAddress: huge, overall: huge, now: NOW + 15 * 60_000 })).toEqual({ ok: true });
  });

  it("a stranger hammering one card for an hour gets a dozen tries; after the first few, one per 15 minutes", () => {
    const run = simulate({ cards: () => "2100000001", attempts: 3600, everyMs: 1000 });
    expect(run.allowed).toBeLessThanOrEqual(THROTTLE_CARD.free + 9);
  });

  it("failures older than the window are forgotten", () => {
    // The data layer counts only failures inside the window: a card last failed yesterday counts nothing.
    expect(decideThrottle(facts({ perCard: { count: 0, lastAt: null } }))).toEqual({ ok: true });
    expect(THROTTLE_CARD.windowMs).toBe(24 * 60 * 60_000);
  });
});

describe("throttle: client address keys", () => {
  it("keeps IPv4 as it is and maps IPv4-in-IPv6 to it", () => {
    expect(addressKey("203.0.113.7")).toBe("203.0.113.7");
    expect(addressKey("::ffff:203.0.113.7")).toBe("203.0.113.7");
  });

  it("groups IPv6 by its /64, however it is written", () => {
    expect(addressKey("2001:db8:1:2:aaaa::1")).toBe("2001:db8:1:2::/64");
    expect(addressKey("2001:0DB8:0001:0002:ffff:1:2:3")).toBe("2001:db8:1:2::/64");
    expect(addressKey("2001:db8::1")).toBe("2001:db8:0:0::/64");
    expect(addressKey("[2001:db8:1:2::5]")).toBe("2001:db8:1:2::/64");
  });

  it("puts anything unreadable into one shared bucket instead of letting it escape", () => {
    expect(addressKey("")).toBe("unknown");
    expect(addressKey(null)).toBe("unknown");
    expect(addressKey("not-an-address")).toBe("unknown");
    expect(addressKey("1:2:3:4:5:6:7:8:9")).toBe("unknown");
  });
});
