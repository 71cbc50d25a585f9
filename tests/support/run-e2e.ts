// `npm run test:e2e`: the browser tests (tests/e2e, node's test runner + playwright-core + Debian's Chromium)
// against the real server (`wrangler dev` over the built site and the local D1 that `npm run build` made).
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { ROOT, localOrigin } from "../../db/cli/paths.ts";
import { buildAll, lastSiteBuild } from "../../db/cli/build.ts";
import { findChromium } from "./chromium.ts";
import { startDevServer } from "./server.ts";

export async function runE2e(): Promise<number> {
  const chromium = findChromium();
  if (!chromium) {
    process.stderr.write(
      "Browser tests need Chromium and none was found (looked at $CHROMIUM_PATH, /usr/bin/chromium).\n" +
        "Install Debian's package: apt-get install -y chromium   (.ci/run does this).\n",
    );
    return 1;
  }
  const port = Number(process.env.E2E_PORT ?? 8799);
  // Issue 6 item 1: the pages must name the origin they are served at (tests/e2e/origin.test.ts); a site built
  // for another port (a plain `npm run build`, or another E2E_PORT) is built again for this one first.
  const origin = localOrigin(port);
  if (lastSiteBuild()?.origin !== origin) {
    process.stdout.write(`[shiori] the site was built for ${lastSiteBuild()?.origin ?? "wrangler.toml's SITE_ORIGIN"}; building it for ${origin}\n`);
    await buildAll({ origin });
  }
  const server = await startDevServer(port);
  try {
    const dir = path.join(ROOT, "tests/e2e");
    const files = readdirSync(dir).filter((f) => f.endsWith(".test.ts")).map((f) => path.join(dir, f));
    const res = spawnSync(process.execPath, ["--test", "--test-concurrency=1", ...files], {
      cwd: ROOT,
      stdio: "inherit",
      env: { ...process.env, SHIORI_URL: server.url, CHROMIUM_PATH: chromium },
    });
    return res.status ?? 1;
  } finally {
    await server.stop();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  process.exit(await runE2e());
}
