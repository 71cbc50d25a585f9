import { buildApp } from "./app.ts";
import type { Env } from "./env.ts";
import { runScheduledJobs } from "./jobs/schedule.ts";
import { jobNow } from "./middleware/clock.ts";

const app = buildApp();

export default {
  fetch: app.fetch,
  // Cron triggers (wrangler.toml [triggers]): the jobs of controller.cron, at the trigger's scheduled time. The
  // work is handed to waitUntil so the invocation lasts as long as the jobs do, and fails if one of them does.
  async scheduled(controller: ScheduledController, env: Env, ctx: ExecutionContext) {
    // Issue 8 item 6: in local development a set local clock moves the library's jobs to its day (middleware/clock.ts
    // jobNow); the real-time ones (sessions, throttles: Job.realTime) keep the trigger's own time.
    const realNow = controller.scheduledTime;
    ctx.waitUntil(jobNow(env, realNow).then((now) => runScheduledJobs(controller.cron, env, now, realNow)));
  },
} satisfies ExportedHandler<Env>;
