// Issue 6 item 5: which job runs on which cron. `scheduled()` (worker/src/index.ts) hands controller.cron and
// controller.scheduledTime here; wrangler.toml's [triggers] crons list exactly these keys
// (tests/jobs/schedule.test.ts checks both ways). Cloudflare's crons are UTC; the library's days are
// Asia/Tokyo (UTC+9, no summer time): a Tokyo hour h is UTC hour (h + 15) % 24 of the day before (docs/jobs.md).
// Each job calls services only and is safe to run twice or at once (a retried or overlapping trigger).
import type { Env } from "../env.ts";
import { expireHoldsJob } from "./expire-holds.ts";
import { pruneAuthRecordsJob } from "./prune-auth-records.ts";
import { pruneIdempotencyKeysJob } from "./prune-idempotency-keys.ts";
import { sendMailJob } from "./send-mail.ts";

export interface Job {
  name: string;
  /**
   * `now`: the trigger's scheduled time (ms), never the wall clock, so a late or repeated run does the same. The
   * library's business (holds, loans) runs on the library's time: in local development a set local clock moves it
   * (issue 8 item 6, middleware/clock.ts jobNow).
   */
  run(env: Env, now: number): Promise<unknown>;
  /**
   * Issue 8 item 6: true for bookkeeping that lives on the real clock (sessions, throttles, idempotency keys, as
   * their requests do): such a job always gets the trigger's own time, so moving the demo's day never logs anybody
   * out or lifts a throttle.
   */
  realTime?: boolean;
}

/** 03:00 Asia/Tokyo every day (18:00 UTC the day before): housekeeping, when the library is closed; and (issue 8,
 *  R21) the hold-shelf expiry, before any branch opens, so the day's hold shelf is right when the doors open. */
export const CRON_NIGHTLY = "0 18 * * *";

/** Issue 9 item 4: every 5 minutes, the outbox sender (jobs/send-mail.ts); the kick after a request is the fast path. */
export const CRON_MAIL = "*/5 * * * *";

export const SCHEDULE: Readonly<Record<string, readonly Job[]>> = {
  [CRON_NIGHTLY]: [pruneAuthRecordsJob, pruneIdempotencyKeysJob, expireHoldsJob],
  [CRON_MAIL]: [sendMailJob],
};

export class UnknownCronError extends Error {
  constructor(cron: string) {
    super(`no job is scheduled on cron "${cron}" (worker/src/jobs/schedule.ts SCHEDULE)`);
    this.name = "UnknownCronError";
  }
}

/**
 * Runs every job of `cron`: at `now` (the library's time), a realTime job at `realNow` (the trigger's own time;
 * the same unless a local clock is set). One job failing does not stop the others; the run then fails with every error, so
 * Cloudflare records the invocation as failed (and the log names the jobs).
 */
export async function runScheduledJobs(cron: string, env: Env, now: number, realNow: number = now): Promise<{ ran: string[] }> {
  const jobs = SCHEDULE[cron];
  if (!jobs) throw new UnknownCronError(cron);
  const results = await Promise.allSettled(jobs.map((job) => job.run(env, job.realTime ? realNow : now)));
  const failed = results.flatMap((r, i) => (r.status === "rejected" ? [{ job: jobs[i]!.name, error: r.reason as unknown }] : []));
  if (failed.length > 0) {
    for (const f of failed) console.error(`job ${f.job} failed (cron "${cron}")`, f.error);
    throw new AggregateError(failed.map((f) => f.error), `${failed.map((f) => f.job).join(", ")} failed`);
  }
  return { ran: jobs.map((j) => j.name) };
}
