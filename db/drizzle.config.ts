import { defineConfig } from "drizzle-kit";

export default defineConfig({
  dialect: "sqlite",
  schema: "./db/schema/index.ts",
  out: "./db/migrations",
  // Flat migrations (NNNN_name.sql) that `wrangler d1 migrations apply` and the test plugin both read.
  migrations: { prefix: "index" },
});
