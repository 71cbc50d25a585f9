// Where things are, for the Node scripts (start, build, reset, seed, import, tests, bench).
import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

/** The checkout: the nearest folder above this module holding wrangler.toml. (Astro bundles this module into
 *  site/dist/.prerender/ at build time, so a fixed "../.." from here would be wrong there.) */
function findRoot(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, "wrangler.toml")) && existsSync(path.join(dir, "package.json"))) return dir;
    if (path.dirname(dir) === dir) return process.cwd();
  }
}

export const ROOT = findRoot(path.dirname(fileURLToPath(import.meta.url)));
/** The real data the repository carries (db/seed/data/README.md gives each file's source and licence). */
export const DATA_DIR = path.join(ROOT, "db/seed/data");
export const DEMO_FIXTURE = path.join(DATA_DIR, "fixtures/demo.json");
export const DEMO_CATALOG_FILES = [
  path.join(DATA_DIR, "aozora/list_person_all_extended_utf8.partial-2022-02.csv"),
  path.join(DATA_DIR, "ndl/opensearch-title-clean-architecture.xml"),
  path.join(DATA_DIR, "ndl/opensearch-title-meitantei-conan.xml"),
  path.join(DATA_DIR, "ndl/opensearch-title-one-piece.xml"),
];
export const STATE_DIR = path.join(ROOT, ".wrangler/state");
export const DEV_VARS = path.join(ROOT, ".dev.vars");
export const SITE_DIST = path.join(ROOT, "site/dist");
export const BIN = path.join(ROOT, "node_modules/.bin");

/** Issue 6 item 1 ("any port"): the origin a local server on this port is reached at. */
export function localOrigin(port: string | number): string {
  return `http://localhost:${port}`;
}

/**
 * The origin the site build writes into canonical URLs, JSON-LD, sitemaps and robots.txt: SITE_ORIGIN when set
 * (production: the public origin), else the local server's for PORT, else undefined (wrangler.toml's [vars]).
 */
export function buildOrigin(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.SITE_ORIGIN) return env.SITE_ORIGIN.replace(/\/+$/, "");
  if (env.PORT) return localOrigin(env.PORT);
  return undefined;
}

/** `wrangler dev` on this port, naming this origin to the Worker (SITE_ORIGIN overrides wrangler.toml's [vars]). */
export function devServerArgs(port: string | number, origin: string): string[] {
  return ["dev", "--port", String(port), "--ip", "127.0.0.1", "--var", `SITE_ORIGIN:${origin}`];
}
