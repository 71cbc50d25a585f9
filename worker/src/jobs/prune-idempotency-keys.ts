// Issue 7: forget the answers kept for retried submissions (idempotency_keys) once they are IDEMPOTENCY_KEEP_MS
// old. Safe to run twice or at once: it deletes by time only. What keeps a late replay from placing twice is not
// this row but each hold's own per-line key (holds_idempotency), which stays.
import { sql } from "drizzle-orm";
import { createDb, type Db } from "../data/db.ts";
import { IDEMPOTENCY_KEEP_MS } from "../domain/policy.ts";
import type { Job } from "./schedule.ts";

export async function pruneIdempotencyKeys(db: Db, now: number): Promise<number> {
  const result = await db.run(sql`DELETE FROM idempotency_keys WHERE created_at < ${now - IDEMPOTENCY_KEEP_MS}`);
  return result.meta.changes;
}

export const pruneIdempotencyKeysJob: Job = {
  name: "prune-idempotency-keys",
  // A day's worth of retry keys, by the real clock: a moved local clock never keeps or drops them (issue 8 item 6).
  realTime: true,
  run: (env, now) => pruneIdempotencyKeys(createDb(env.DB), now),
};
