// Issue 3 items 2 and 5 (R03 sessions, R02/R04 throttle), scheduled by issue 6 item 5: forget what has ended —
// sessions past their expiry and failed attempts older than the longest throttle window. Safe to run twice or
// at once: each run only deletes rows by time, so a second run finds nothing left to do.
import { createDb } from "../data/db.ts";
import { pruneAuthRecords } from "../services/sessions.ts";
import type { Job } from "./schedule.ts";

export const pruneAuthRecordsJob: Job = {
  name: "prune-auth-records",
  // Sessions and throttles live on the real clock: never moved by the local clock (issue 8 item 6).
  realTime: true,
  run: (env, now) => pruneAuthRecords(createDb(env.DB), now),
};
