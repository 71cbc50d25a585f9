// `npm run seed`: loads db/seed/data/fixtures/demo.json into the local D1 (safe to repeat).
import { readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { seedDemo, type DemoFixture } from "../seed/demo.ts";
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

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  await seedLocal();
}
