// Issue 8 item 6: a local clock for demos and tests. In local development only, `npm run clock -- 2026-12-10`
// makes that Asia/Tokyo day the service's "today" (the time of day keeps running), so a new user can watch a hold
// expire and a loan fall due. Pure: whether a configuration allows it, and what "now" is under it.
//
// Allowed only when BOTH hold: the variable LOCAL_CLOCK is "on" — it is written to .dev.vars by `npm start` and
// the test runner, a file `wrangler dev` reads and `wrangler deploy` never uploads, and wrangler.toml never sets
// it — and the site's own origin is a loopback http:// origin (localhost, 127.0.0.1, [::1]). A production
// configuration has neither; either one missing turns the clock off, whatever the local_clock table holds.
import { addDays, isDay, tokyoDay, tokyoDayStartMs, type Day } from "./calendar.ts";

export interface ClockConfig {
  LOCAL_CLOCK?: string;
  SITE_ORIGIN?: string;
}

const LOOPBACK_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]"]);

/** A plain http:// origin on this machine (localhost, 127.0.0.1, [::1]): what no deployment has. Local-only features
 *  (the local clock; the dev mailbox, worker/src/mail/dev-mailbox.ts) need it beside their own .dev.vars switch. */
export function isLoopbackHttpOrigin(siteOrigin: string | undefined): boolean {
  let origin: URL;
  try {
    origin = new URL(siteOrigin ?? "");
  } catch {
    return false;
  }
  return origin.protocol === "http:" && LOOPBACK_HOSTS.has(origin.hostname);
}

export function localClockAllowed(env: ClockConfig): boolean {
  return env.LOCAL_CLOCK === "on" && isLoopbackHttpOrigin(env.SITE_ORIGIN);
}

/**
 * The service's now under a local clock set to `testDay`: that Tokyo day at the real time of day. With no
 * clock (null), the real time itself.
 */
export function clockNow(realNow: number, testDay: Day | null): number {
  if (testDay === null) return realNow;
  return tokyoDayStartMs(testDay) + (realNow - tokyoDayStartMs(tokyoDay(realNow)));
}

/** A day `npm run clock` accepts: YYYY-MM-DD, a real calendar day, within 10 years of the real today. */
export function isClockDay(value: string, realNow: number): value is Day {
  if (!isDay(value)) return false;
  const today = tokyoDay(realNow);
  return value >= addDays(today, -3653) && value <= addDays(today, 3653);
}
