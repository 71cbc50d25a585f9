// Issue 8 item 6: the local clock's one row (db/schema/dev.ts). Only ever read where domain/local-clock.ts
// localClockAllowed says so (middleware/clock.ts, jobs/schedule.ts); written by `npm run clock`.
import { eq, sql } from "drizzle-orm";
import { localClock } from "../../../db/schema/index.ts";
import type { Day } from "../domain/calendar.ts";
import type { Db } from "./db.ts";

export async function readLocalClock(db: Db): Promise<Day | null> {
  const row = await db.select({ today: localClock.today }).from(localClock).where(eq(localClock.id, 1)).get();
  return row?.today ?? null;
}

export async function setLocalClock(db: Db, today: Day, now: number): Promise<void> {
  await db
    .insert(localClock)
    .values({ id: 1, today, setAt: now })
    .onConflictDoUpdate({ target: localClock.id, set: { today: sql`excluded.today`, setAt: sql`excluded.set_at` } });
}

export async function clearLocalClock(db: Db): Promise<void> {
  await db.delete(localClock).where(eq(localClock.id, 1));
}
