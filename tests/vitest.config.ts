// Tests run inside workerd (@cloudflare/vitest-plugin) with the real migrations applied to an isolated D1.
import path from "node:path";
import { fileURLToPath } from "node:url";
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const dataDir = path.resolve(root, "db/seed/data");

export default defineConfig(async () => {
  const migrations = await readD1Migrations(path.join(root, "db/migrations"));
  return {
    root,
    // The real data the repository carries (db/seed/data, see its README) reaches tests inside workerd as
    // `import text from "@data/…?raw"`.
    resolve: { alias: { "@data": dataDir } },
    server: { fs: { allow: [root] } },
    plugins: [
      cloudflareTest({
        wrangler: { configPath: path.join(root, "wrangler.toml") },
        miniflare: {
          bindings: { TEST_MIGRATIONS: migrations, PASSWORD_PEPPER: "test-pepper" },
          // An empty D1 of its own for tests/worker/migration-data.test.ts: old migrations, old rows, then the new one.
          d1Databases: { MIGRATION_DB: "migration-test-db" },
        },
      }),
    ],
    test: {
      include: ["tests/domain/**/*.test.ts", "tests/worker/**/*.test.ts", "tests/jobs/**/*.test.ts"],
      setupFiles: ["tests/support/apply-migrations.ts"],
      testTimeout: 30_000,
    },
  };
});
