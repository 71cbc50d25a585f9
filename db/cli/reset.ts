// `npm run reset`: forget the local state (D1, import fingerprint, local secrets, built site) for a fresh start.
import { rmSync } from "node:fs";
import { DEV_VARS, SITE_DIST, STATE_DIR } from "./paths.ts";
import { log } from "./run.ts";

for (const p of [STATE_DIR, DEV_VARS, SITE_DIST]) rmSync(p, { recursive: true, force: true });
log("local state removed; `npm start` builds a fresh demo library");
