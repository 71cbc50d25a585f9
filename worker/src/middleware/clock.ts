// Issue 8 item 6: the service's "now" for the library's business (holds, loans, due dates, the hold shelf).
//
//   app.use(clockContext)     c.var.now (ms) and c.var.testDay (the local clock's day, or null) on every request
//   libraryNow(c)             what routes pass as `now` to circulation and hold services
//
// Under the local clock (domain/local-clock.ts: local development only) c.var.now is that day at the real time of
// day. Sessions, CSRF, throttles and cookies stay on the real clock (Date.now()): moving the demo's day must not
// log anybody out or lift a throttle.
import type { Context, MiddlewareHandler } from "hono";
import type { AppEnv, Env } from "../env.ts";
import { readLocalClock } from "../data/local-clock.ts";
import { createDb, type Db } from "../data/db.ts";
import { clockNow, localClockAllowed } from "../domain/local-clock.ts";
import type { Day } from "../domain/calendar.ts";

/** The local clock's day when this configuration allows one and it is set; never reads D1 otherwise. */
export async function localClockDay(env: Env, db: Db): Promise<Day | null> {
  if (!localClockAllowed(env)) return null;
  return readLocalClock(db);
}

export const clockContext: MiddlewareHandler<AppEnv> = async (c, next) => {
  const real = Date.now();
  const testDay = await localClockDay(c.env, c.var.db);
  c.set("testDay", testDay);
  c.set("now", clockNow(real, testDay));
  await next();
};

export function libraryNow<E extends AppEnv>(c: Context<E>): number {
  return c.var.now ?? Date.now();
}

/** A scheduled run's now: the trigger's time, moved to the local clock's day when one is set (local only). */
export async function jobNow(env: Env, scheduledTime: number): Promise<number> {
  if (!localClockAllowed(env)) return scheduledTime;
  return clockNow(scheduledTime, await readLocalClock(createDb(env.DB)));
}
