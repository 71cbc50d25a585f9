// R02 compensation, R04 (issue 3 item 5): how long a login or a self-service issue must wait after failures.
// Progressive delay, never a lock: a stranger who types wrong passwords against somebody's card can only make
// that card wait a bounded time (at most THROTTLE_CARD.maxMs after the stranger's last failure), and the
// failures are forgotten after the window; the patron can always log in once the wait is over, and the
// counter can always issue a temporary password (R05). Attempts refused here are not counted as failures.
//
// Issue 6 §6: every attempt the throttle lets through is reserved — written as a failure in one guarded statement
// before the password check, released if it turns out right — so N parallel tries count as N (reservationLimits).
// A browser that has logged in to the card before (a signed device cookie) is counted in its own bucket, apart
// from the card's, the address's and the overall counts: a stranger's failures slow strangers, not the owner.
import { THROTTLE_ADDRESS, THROTTLE_CARD, THROTTLE_OVERALL } from "./policy.ts";

/** Failures seen in one dimension's window: how many, and when the last one was (ms since epoch). */
export interface FailureCount {
  count: number;
  lastAt: number | null;
}

export interface ThrottleRule {
  /** Failures allowed before any wait. */
  free: number;
  /** The wait after the first failure past `free`; it doubles with each further failure. */
  baseMs: number;
  /** The longest wait. */
  maxMs: number;
  /** Failures older than this are forgotten. */
  windowMs: number;
}

export interface ThrottleRules {
  card: ThrottleRule;
  address: ThrottleRule;
  overall: ThrottleRule;
}

export const DEFAULT_THROTTLE: ThrottleRules = { card: THROTTLE_CARD, address: THROTTLE_ADDRESS, overall: THROTTLE_OVERALL };

export type ThrottleDimension = keyof ThrottleRules;

export interface ThrottleFacts {
  /** Failures against this card number (from any address). */
  perCard: FailureCount;
  /** Failures from this client address (any card): password spraying shows here. */
  perAddress: FailureCount;
  /** Failures everywhere. */
  overall: FailureCount;
  now: number;
}

export type ThrottleDecision = { ok: true } | { ok: false; retryAfterSeconds: number; limitedBy: ThrottleDimension[] };

/** The wait after `count` failures under `rule`: 0 up to `free`, then base, 2·base, 4·base … up to max. */
export function delayAfter(count: number, rule: ThrottleRule): number {
  if (count < rule.free) return 0;
  const doublings = count - rule.free;
  // 2^31 and more overflow nothing here but mean nothing either: the cap is reached long before.
  if (doublings >= 31) return rule.maxMs;
  return Math.min(rule.baseMs * 2 ** doublings, rule.maxMs);
}

/** The earliest time each dimension's window starts, for the data layer's count. */
export function throttleWindowStarts(now: number, rules: ThrottleRules = DEFAULT_THROTTLE): Record<ThrottleDimension, number> {
  return { card: now - rules.card.windowMs, address: now - rules.address.windowMs, overall: now - rules.overall.windowMs };
}

/** May one more attempt be checked now? If not, how many seconds until it may (the longest wait of all). */
export function decideThrottle(facts: ThrottleFacts, rules: ThrottleRules = DEFAULT_THROTTLE): ThrottleDecision {
  const dims: [ThrottleDimension, FailureCount][] = [
    ["card", facts.perCard],
    ["address", facts.perAddress],
    ["overall", facts.overall],
  ];
  let waitMs = 0;
  const limitedBy: ThrottleDimension[] = [];
  for (const [dim, seen] of dims) {
    if (seen.lastAt === null) continue;
    const until = seen.lastAt + delayAfter(seen.count, rules[dim]);
    if (until > facts.now) {
      limitedBy.push(dim);
      waitMs = Math.max(waitMs, until - facts.now);
    }
  }
  if (limitedBy.length === 0) return { ok: true };
  return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)), limitedBy };
}

/**
 * The guard of the reservation that lets one more attempt through: for each dimension, the count of failures
 * (reservations included) its window may hold when the new row goes in. `free` while the free allowance lasts;
 * past it, the count the decision saw (the wait since its last failure is over: one attempt, not one per
 * parallel request). Null: the dimension is not counted for this attempt.
 */
export function reservationLimits(
  facts: Pick<ThrottleFacts, "perCard"> & { perAddress: FailureCount | null; overall: FailureCount | null },
  rules: ThrottleRules = DEFAULT_THROTTLE,
): { card: number; address: number | null; overall: number | null } {
  const limit = (seen: FailureCount, rule: ThrottleRule) => Math.max(rule.free, seen.count + 1);
  return {
    card: limit(facts.perCard, rules.card),
    address: facts.perAddress === null ? null : limit(facts.perAddress, rules.address),
    overall: facts.overall === null ? null : limit(facts.overall, rules.overall),
  };
}

/** How far ahead of this request's clock another request's row still counts in the reservation's guard. */
export const RESERVATION_CLOCK_SKEW_MS = 60_000;

/** "30秒" / "2分" / "15分": the wait as the message tells it (whole minutes rounded up past one minute). */
export function formatWait(seconds: number): string {
  if (seconds < 60) return `${seconds}秒`;
  return `${Math.ceil(seconds / 60)}分`;
}

/** The eight 16-bit groups of an IPv6 address, or null when it is not one. */
function ipv6Groups(address: string): number[] | null {
  const halves = address.split("::");
  if (halves.length > 2) return null;
  const split = (s: string) => (s === "" ? [] : s.split(":"));
  const head = split(halves[0]!);
  const tail = halves.length === 2 ? split(halves[1]!) : [];
  // An embedded IPv4 ending (::ffff:192.0.2.1) is the last two groups.
  const ending = halves.length === 2 ? tail : head;
  const last = ending[ending.length - 1];
  if (last?.includes(".")) {
    const octets = last.split(".").map(Number);
    if (octets.length !== 4 || octets.some((o) => !Number.isInteger(o) || o < 0 || o > 255)) return null;
    ending.splice(-1, 1, ((octets[0]! << 8) | octets[1]!).toString(16), ((octets[2]! << 8) | octets[3]!).toString(16));
  }
  let groups: string[];
  if (halves.length === 2) {
    const missing = 8 - head.length - tail.length;
    if (missing < 1) return null;
    groups = [...head, ...Array<string>(missing).fill("0"), ...tail];
  } else {
    groups = head;
  }
  if (groups.length !== 8 || groups.some((g) => !/^[0-9a-f]{1,4}$/i.test(g))) return null;
  return groups.map((g) => parseInt(g, 16));
}

/**
 * The key a client address is throttled by. IPv4 as it is; IPv6 by its /64 (one subscriber holds a whole /64,
 * so counting single IPv6 addresses would let anyone step around the limit); an IPv4-mapped IPv6 address as
 * the IPv4 one. Anything unreadable falls into one shared bucket rather than escaping the limit.
 */
export function addressKey(clientAddress: string | null | undefined): string {
  const a = (clientAddress ?? "").trim().replace(/^\[|\]$/g, "").replace(/%.*$/, "");
  if (/^\d{1,3}(?:\.\d{1,3}){3}$/.test(a)) return a;
  const g = a.includes(":") ? ipv6Groups(a) : null;
  if (!g) return "unknown";
  if (g.slice(0, 5).every((x) => x === 0) && g[5] === 0xffff) {
    return [g[6]! >> 8, g[6]! & 255, g[7]! >> 8, g[7]! & 255].join(".");
  }
  return `${g.slice(0, 4).map((x) => x.toString(16)).join(":")}::/64`;
}
