// `npm test`: every test. Checks for Chromium first (a clear failure, never a skip), builds the local
// library (migrations, demo data, catalogue, static site), runs the workerd tests, then the browser tests.
import { spawnSync } from "node:child_process";
import path from "node:path";
import { buildAll } from "../../db/cli/build.ts";
import { BIN, ROOT, localOrigin } from "../../db/cli/paths.ts";
import { findChromium } from "./chromium.ts";
import { runE2e } from "./run-e2e.ts";

if (!findChromium()) {
  process.stderr.write(
    "npm test: no Chromium found (looked at $CHROMIUM_PATH and /usr/bin/chromium); the browser tests cannot run.\n" +
      "Install Debian's package first: apt-get update && apt-get install -y chromium   (.ci/run does this).\n",
  );
  process.exit(1);
}

// The pages name the origin the browser tests serve them at (runE2e's port), as `npm start` does for PORT.
await buildAll({ origin: localOrigin(process.env.E2E_PORT ?? 8799) });

const unit = spawnSync(path.join(BIN, "vitest"), ["run", "--config", "tests/vitest.config.ts"], {
  cwd: ROOT,
  stdio: "inherit",
  env: { ...process.env, PATH: `${BIN}${path.delimiter}${process.env.PATH ?? ""}` },
});
const e2e = await runE2e();
// Types are checked too: a type error is a defect even where no test reaches it.
const types = spawnSync(path.join(BIN, "tsc"), ["--noEmit", "-p", "tsconfig.json"], { cwd: ROOT, stdio: "inherit" });
const failed = [
  unit.status !== 0 && "workerd tests (vitest)",
  e2e !== 0 && "browser tests",
  types.status !== 0 && "typecheck (tsc)",
].filter(Boolean);
if (failed.length) {
  process.stderr.write(`npm test: failed — ${failed.join(", ")}\n`);
  process.exit(1);
}
process.stdout.write("npm test: all suites passed\n");
