// `npm run seed`: loads db/seed/data/fixtures/demo.json into the local D1 (safe to repeat), then, once the catalogue
// is there, the demo's circulation (issue 8 item 7: db/seed/circulation.ts; `npm run build` runs it after the import).
import { readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { seedDemo, type DemoFixture } from "../seed/demo.ts";
import { DEMO_CIRCULATION, seedDemoCirculation } from "../seed/circulation.ts";
import { ensureDevVars } from "./dev-vars.ts";
import { DEMO_FIXTURE } from "./paths.ts";
import { openLocalPlatform } from "./platform.ts";
import { log } from "./run.ts";

export function readDemoFixture(): DemoFixture {
  return JSON.parse(readFileSync(DEMO_FIXTURE, "utf8")) as DemoFixture;
}

export async function seedLocal(): Promise<void> {
  const { PASSWORD_PEPPER } = ensureDevVars();
  const platform = await openLocalPlatform();
  try {
    const summary = await seedDemo(platform.db, readDemoFixture(), PASSWORD_PEPPER!, Date.now());
    log(`demo library: ${summary.branches} branches, ${summary.patrons} patrons, ${summary.staff} staff, ${summary.terminals} OPAC terminals`);
  } finally {
    await platform.dispose();
  }
}

/** Issue 8 item 7: 2100000001's loans and holds, through the counter's and the patron's services (safe to repeat). */
export async function seedCirculationLocal(): Promise<void> {
  const platform = await openLocalPlatform();
  try {
    const row = await platform.d1.prepare("SELECT count(*) AS n FROM records").first<{ n: number }>();
    if (!row?.n) {
      log("demo circulation: no catalogue yet (npm run build imports it first)");
      return;
    }
    const summary = await seedDemoCirculation(platform.db, Date.now());
    log(
      summary.done.length
        ? `demo circulation for ${DEMO_CIRCULATION.patron}: ${summary.done.join(", ")}`
        : `demo circulation for ${DEMO_CIRCULATION.patron}: already there, nothing added`,
    );
  } finally {
    await platform.dispose();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  await seedLocal();
  await seedCirculationLocal();
}
