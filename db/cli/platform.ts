// Opens the local D1 (the same SQLite file `wrangler dev` uses) from Node, through wrangler's getPlatformProxy().
import { getPlatformProxy } from "wrangler";
import { createDb, type Db } from "../../worker/src/data/db.ts";

export interface LocalPlatform {
  d1: D1Database;
  db: Db;
  dispose(): Promise<void>;
}

export async function openLocalPlatform(): Promise<LocalPlatform> {
  // SHIORI_PERSIST_TO points the scripts at another local state (the 100k-record benchmark library).
  const persistTo = process.env.SHIORI_PERSIST_TO;
  const proxy = await getPlatformProxy<{ DB: D1Database }>({
    configPath: "wrangler.toml",
    persist: persistTo ? { path: persistTo } : true,
  });
  return { d1: proxy.env.DB, db: createDb(proxy.env.DB), dispose: () => proxy.dispose() };
}
