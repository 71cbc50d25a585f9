// Opens the local D1 (the same SQLite file `wrangler dev` uses) from Node, through wrangler's getPlatformProxy().
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { getPlatformProxy, unstable_readConfig } from "wrangler";
import { createDb, type Db } from "../../worker/src/data/db.ts";
import { ROOT } from "./paths.ts";

export interface LocalPlatform {
  d1: D1Database;
  db: Db;
  dispose(): Promise<void>;
}

/**
 * The scripts only need D1. Handing getPlatformProxy the full wrangler.toml would make it index every file of
 * the built site ([assets]: 12k–100k files, seconds each time), so it gets a config with the D1 binding alone;
 * the database id is the same, so it is the same local database.
 */
function d1OnlyConfig(): string {
  const config = unstable_readConfig({ config: path.join(ROOT, "wrangler.toml") });
  const file = path.join(ROOT, ".wrangler/tmp/wrangler.d1-only.json");
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(
    file,
    JSON.stringify({
      name: config.name,
      compatibility_date: config.compatibility_date,
      // SHIORI_REMOTE=1: the production D1 through wrangler's remote bindings (needs `wrangler login`).
      d1_databases: config.d1_databases.map((d: { binding: string; database_name?: string; database_id?: string }) => ({
        binding: d.binding,
        database_name: d.database_name,
        database_id: d.database_id,
        ...(process.env.SHIORI_REMOTE === "1" ? { remote: true } : {}),
      })),
    }),
  );
  return file;
}

export async function openLocalPlatform(): Promise<LocalPlatform> {
  // SHIORI_PERSIST_TO points the scripts at another local state (the 100k-record benchmark library), the
  // directory given to `wrangler --persist-to`; wrangler keeps its data in its v3/ subfolder.
  const persistTo = process.env.SHIORI_PERSIST_TO ? path.resolve(process.env.SHIORI_PERSIST_TO) : path.join(ROOT, ".wrangler/state");
  const proxy = await getPlatformProxy<{ DB: D1Database }>({
    configPath: d1OnlyConfig(),
    persist: { path: path.join(persistTo, "v3") },
    envFiles: [],
  });
  return { d1: proxy.env.DB, db: createDb(proxy.env.DB), dispose: () => proxy.dispose() };
}
