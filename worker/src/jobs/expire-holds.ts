// R21 (issue 8 item 3), with R33: the hold-shelf expiry. Every ready hold whose last shelf day (shelf_until) is before
// the Tokyo day of the run is cancelled (「取り消し」, reason 取置期限切れ 'expired') and its copy passed on through the
// trap at the pickup branch (services/circulation.ts expireHolds). Selected by state and deadline, never "since the
// last run": a retried or overlapping trigger changes nothing more, missed days are caught up.
// R33's "cancelled holds older than 2 weeks are hidden" is a read-time filter already (services/hold-status.ts
// listHolds lists cancelled holds with cancelled_at within CANCELLED_VISIBLE_DAYS): nothing to write here.
import { createDb } from "../data/db.ts";
import { expireHolds } from "../services/circulation.ts";
import type { Job } from "./schedule.ts";

export const expireHoldsJob: Job = {
  name: "expire-holds",
  run: (env, now) => expireHolds(createDb(env.DB), { now }),
};
