// Issue 9 item 6: the opt-in reminders — 「返却期限のお知らせ」 DUE_REMINDER_DAYS_BEFORE days before a loan's due date,
// and the day before a ready hold's last day on the hold shelf — enqueued on the nightly cron (03:00 Asia/Tokyo) to
// go at READY_NOTICE_HOUR; the send-mail job sends them and cancels the stale ones (services/mail-notices.ts). By
// state and date, never "since the last run": two runs (or two at once) write each event once, a missed night is
// caught up.
import { createDb } from "../data/db.ts";
import { enqueueReminders } from "../services/mail-notices.ts";
import type { Job } from "./schedule.ts";

export const enqueueRemindersJob: Job = {
  name: "enqueue-reminders",
  run: (env, now) => enqueueReminders(createDb(env.DB), { now }),
};
