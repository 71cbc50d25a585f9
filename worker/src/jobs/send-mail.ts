// Issue 9 item 4: the outbox sender on its own frequent cron (jobs/schedule.ts CRON_MAIL). It sends the due rows —
// new mail, retries whose back-off has passed, ready notices from READY_NOTICE_HOUR on the day after the ready day
// (R20), rows whose run died (expired lease) — selected by state and time, never "since the last run": a missed day
// is caught up, and two runs at once never send a row twice (services/mail-outbox.ts). It runs on the library's time
// (not realTime): in local development a local clock moved a day makes the next day's notice due.
import { createDb } from "../data/db.ts";
import { transportFor } from "../mail/index.ts";
import { composeContextFor, NO_TRANSPORT, sendDueMail, type SendCounts } from "../services/mail-outbox.ts";
import type { Env } from "../env.ts";
import type { Job } from "./schedule.ts";

export async function sendMail(env: Env, now: number): Promise<SendCounts | null> {
  const transport = transportFor(env, now);
  if (!transport) {
    console.warn(NO_TRANSPORT);
    return null;
  }
  return sendDueMail(createDb(env.DB), transport, { now, compose: composeContextFor(env, now) });
}

export const sendMailJob: Job = {
  name: "send-mail",
  run: sendMail,
};
