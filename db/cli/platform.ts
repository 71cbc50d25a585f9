// Opens the local D1 (the same SQLite file `wrangler dev` uses) from Node, through wrangler's getPlatformProxy().
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { getPlatformProxy, unstable_readConfig } from "wrangler";
import { createDb, type Db } from "../../worker/src/data/db.ts";
import { localD1File, openSqliteD1 } from "./local-d1.ts";
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

/** SHIORI_PERSIST_TO points the scripts at another local state (the 100k-record benchmark library), the
 *  directory given to `wrangler --persist-to`; wrangler keeps its data in its v3/ subfolder. */
function persistV3Dir(): string {
  const persistTo = process.env.SHIORI_PERSIST_TO ? path.resolve(process.env.SHIORI_PERSIST_TO) : path.join(ROOT, ".wrangler/state");
  return path.join(persistTo, "v3");
}

export async function openLocalPlatform(): Promise<LocalPlatform> {
  const proxy = await getPlatformProxy<{ DB: D1Database }>({
    configPath: d1OnlyConfig(),
    persist: { path: persistV3Dir() },
    envFiles: [],
  });
  return { d1: proxy.env.DB, db: createDb(proxy.env.DB), dispose: () => proxy.dispose() };
}

/** The SQLite file behind the local D1 binding DB (the one `wrangler dev` serves from). */
export function localDatabaseFile(): string {
  const config = unstable_readConfig({ config: path.join(ROOT, "wrangler.toml") });
  const d = config.d1_databases.find((x: { binding: string }) => x.binding === "DB");
  if (!d?.database_id) throw new Error("wrangler.toml has no D1 binding DB with a database_id");
  return localD1File(persistV3Dir(), d.database_id);
}

/**
 * For the site build, which only reads: the local SQLite file itself, without a socket (issue 6 item 1). With
 * SHIORI_REMOTE=1 (the production D1) there is no local file, so it goes through the platform proxy, and each
 * read is retried on a transient network error (withRetry).
 */
export async function openCatalogReader(): Promise<LocalPlatform & { socketless: boolean }> {
  if (process.env.SHIORI_REMOTE === "1") return { ...(await withRetry(() => openLocalPlatform())), socketless: false };
  const local = openSqliteD1(localDatabaseFile(), { readOnly: true });
  return { d1: local.d1, db: createDb(local.d1), dispose: async () => local.close(), socketless: true };
}

/** Errors of the connection, not of the query: the same request may well succeed when sent again. */
export function isTransientError(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string" && /^(ECONNRESET|ECONNREFUSED|EPIPE|ETIMEDOUT|EAI_AGAIN|UND_ERR_SOCKET|UND_ERR_CLOSED|UND_ERR_CONNECT_TIMEOUT)$/.test(code)) return true;
    const message = e instanceof Error ? e.message : "";
    if (/fetch failed|other side closed|socket hang up|Network connection lost/i.test(message)) return true;
  }
  return false;
}

/**
 * Runs `fn` again after a transient error, waiting base·2ⁿ ms (n = 0, 1, …) in between; any other error, or the
 * last attempt's, is thrown as is.
 */
export async function withRetry<T>(
  fn: () => Promise<T>,
  opts: { attempts?: number; baseDelayMs?: number; onRetry?: (err: unknown, attempt: number) => void } = {},
): Promise<T> {
  const attempts = opts.attempts ?? 5;
  const base = opts.baseDelayMs ?? 200;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      if (attempt >= attempts || !isTransientError(err)) throw err;
      opts.onRetry?.(err, attempt);
      await new Promise((resolve) => setTimeout(resolve, base * 2 ** (attempt - 1)));
    }
  }
}
