import { buildApp } from "./app.ts";
import type { Env } from "./env.ts";
import { runScheduledJobs } from "./jobs/schedule.ts";

const app = buildApp();

export default {
  fetch: app.fetch,
  // Cron triggers (wrangler.toml [triggers]): the jobs of controller.cron, at the trigger's scheduled time. The
  // work is handed to waitUntil so the invocation lasts as long as the jobs do, and fails if one of them does.
  async scheduled(controller: ScheduledController, env: Env, ctx: ExecutionContext) {
    ctx.waitUntil(runScheduledJobs(controller.cron, env, controller.scheduledTime));
  },
} satisfies ExportedHandler<Env>;
