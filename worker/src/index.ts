import { buildApp } from "./app.ts";
import type { Env } from "./env.ts";

const app = buildApp();

export default {
  fetch: app.fetch,
  // Cron jobs (hold expiry, mail) arrive with the circulation issues.
  async scheduled(_controller: ScheduledController, _env: Env, _ctx: ExecutionContext) {},
} satisfies ExportedHandler<Env>;
