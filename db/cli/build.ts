// `npm run build`: migrate the local D1, load the demo library, import the demo catalogue (skipped when
// neither the data nor the importer changed), the demo's circulation (issue 8 item 7; safe to repeat), and
// pre-render the site from the database.
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { DEMO_CATALOG_FILES, ROOT, STATE_DIR, buildOrigin } from "./paths.ts";
import { openLocalPlatform } from "./platform.ts";
import { log, runTool } from "./run.ts";
import { seedCirculationLocal, seedLocal } from "./seed.ts";
import { importCatalogFiles } from "./catalog-import.ts";

const FINGERPRINT_FILE = path.join(STATE_DIR, "shiori-catalog-import.json");

/** Everything that decides what the import writes: the data files and the code that parses and indexes them. */
function importFingerprint(files: string[]): string {
  const h = createHash("sha256");
  const code = [
    ...readdirSync(path.join(ROOT, "db/import")).map((f) => path.join(ROOT, "db/import", f)),
    path.join(ROOT, "worker/src/data/catalog-write.ts"),
    path.join(ROOT, "worker/src/data/search-index.ts"),
    path.join(ROOT, "worker/src/domain/normalize.ts"),
    path.join(ROOT, "db/migrations/meta/_journal.json"),
  ];
  for (const f of [...files, ...code].sort()) {
    h.update(f);
    if (existsSync(f)) h.update(readFileSync(f));
  }
  return h.digest("hex");
}

export async function importDemoCatalog(force = false): Promise<void> {
  const fingerprint = importFingerprint(DEMO_CATALOG_FILES);
  const platform = await openLocalPlatform();
  try {
    const row = await platform.d1.prepare("SELECT count(*) AS n FROM records").first<{ n: number }>();
    const previous = existsSync(FINGERPRINT_FILE) ? JSON.parse(readFileSync(FINGERPRINT_FILE, "utf8")).fingerprint : null;
    if (!force && previous === fingerprint && (row?.n ?? 0) > 0) {
      log(`catalogue unchanged since the last import (${row?.n} records): import skipped`);
      return;
    }
    await importCatalogFiles(platform.db, DEMO_CATALOG_FILES, log);
    mkdirSync(STATE_DIR, { recursive: true });
    writeFileSync(FINGERPRINT_FILE, JSON.stringify({ fingerprint, at: new Date().toISOString() }));
  } finally {
    await platform.dispose();
  }
}

const SITE_BUILD_FILE = path.join(STATE_DIR, "shiori-site-build.json");

/** What the last site build was made for (its origin), or null. */
export function lastSiteBuild(): { origin: string | null } | null {
  try {
    return JSON.parse(readFileSync(SITE_BUILD_FILE, "utf8"));
  } catch {
    return null;
  }
}

/**
 * `origin`: what the pages name as their own (canonical, JSON-LD, sitemaps, robots.txt); by default
 * buildOrigin() — SITE_ORIGIN, or http://localhost:$PORT. The site is rendered on every call: the origin is in
 * every page, so a build for another port is never "unchanged" (only the catalogue import is skipped, and
 * only when its own inputs are unchanged: importFingerprint). The origin used is recorded in
 * .wrangler/state/shiori-site-build.json.
 */
export async function buildAll(opts: { origin?: string } = {}): Promise<void> {
  const t0 = Date.now();
  const origin = opts.origin ?? buildOrigin();
  log("applying migrations to the local D1");
  runTool("wrangler", ["d1", "migrations", "apply", "DB", "--local"], { CI: "true" });
  await seedLocal();
  await importDemoCatalog(process.env.SHIORI_FORCE_IMPORT === "1");
  await seedCirculationLocal();
  log(`building the site (Astro, pre-rendered from the local D1) for ${origin ?? "wrangler.toml's SITE_ORIGIN"}`);
  runTool("astro", ["build", "--silent"], { ASTRO_TELEMETRY_DISABLED: "1", ...(origin ? { SITE_ORIGIN: origin } : {}) });
  mkdirSync(STATE_DIR, { recursive: true });
  writeFileSync(SITE_BUILD_FILE, JSON.stringify({ origin: origin ?? null, at: new Date().toISOString() }));
  log(`build finished in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  await buildAll();
}
