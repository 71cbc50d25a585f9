// Setup file: applies the real migrations (db/migrations) to the test D1; safe to run more than once.
import { env } from "cloudflare:workers";
import { applyD1Migrations } from "cloudflare:test";

declare global {
  namespace Cloudflare {
    interface Env {
      DB: D1Database;
      ASSETS: Fetcher;
      TEST_MIGRATIONS: import("cloudflare:test").D1Migration[];
      MIGRATION_DB: D1Database;
    }
  }
}

await applyD1Migrations(env.DB, env.TEST_MIGRATIONS);
