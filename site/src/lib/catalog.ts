// Build-time access to the local D1 for the record pages and the sitemaps: the SQLite file itself, read without a
// socket (db/cli/platform.ts openCatalogReader; issue 6 item 1), or, for the production D1, the platform proxy
// with every read retried on a transient network error.
// The build renders up to ~100k pages, so per-page work is a Map lookup: pages are loaded in chunks of
// consecutive ids (one D1 batch each, read by id range), the next chunk is fetched while the current one
// renders, and used chunks are dropped so memory stays flat.
import { openCatalogReader, withRetry, type LocalPlatform } from "../../../db/cli/platform.ts";
import { getRecordPages, listRecordStamps, type RecordPage } from "../../../worker/src/data/catalog-read.ts";
import { MAX_STATIC_RECORD_PAGES } from "./config.ts";

const CHUNK = 1000;

let platform: Promise<LocalPlatform> | undefined;
let disposeTimer: ReturnType<typeof setTimeout> | undefined;

/** The local D1, opened once per build and closed shortly after the last use (so `astro build` can exit). */
async function db() {
  platform ??= openCatalogReader();
  const p = await platform;
  if (disposeTimer) clearTimeout(disposeTimer);
  disposeTimer = setTimeout(() => {
    const closing = platform;
    platform = undefined;
    void closing?.then((pl) => pl.dispose());
  }, 2_000);
  disposeTimer.unref?.();
  return p.db;
}

export interface RecordStamp {
  id: number;
  /** records.updated_at (ms since the epoch): moves only when the import changed the record. */
  updatedAt: number;
}

let allStamps: Promise<RecordStamp[]> | undefined;

/** Every record with its last change, ascending by id (for the sitemaps: records past the static cap too). */
export function allRecordStamps(): Promise<RecordStamp[]> {
  allStamps ??= (async () => {
    const out: RecordStamp[] = [];
    for (;;) {
      const afterId = out.at(-1)?.id ?? 0;
      const page = await withRetry(async () => listRecordStamps(await db(), { afterId, limit: 20_000 }));
      out.push(...page);
      if (page.length < 20_000) return out;
    }
  })();
  return allStamps;
}

let allIds: Promise<number[]> | undefined;

/** Every record id, ascending (for the sitemaps: records past the static cap are served by the Worker). */
export function allRecordIds(): Promise<number[]> {
  allIds ??= allRecordStamps().then((stamps) => stamps.map((s) => s.id));
  return allIds;
}

/** The ids that get a static page: the lowest MAX_STATIC_RECORD_PAGES (Workers static assets cap files per version). */
export async function staticRecordIds(): Promise<number[]> {
  const ids = await allRecordIds();
  return ids.length > MAX_STATIC_RECORD_PAGES ? ids.slice(0, MAX_STATIC_RECORD_PAGES) : ids;
}

let positions: Promise<Map<number, number>> | undefined;
const chunks = new Map<number, Promise<Map<number, RecordPage>>>();

function loadChunk(ids: number[], k: number): Promise<Map<number, RecordPage>> {
  let c = chunks.get(k);
  if (!c) {
    const part = ids.slice(k * CHUNK, (k + 1) * CHUNK);
    c = withRetry(async () => new Map((await getRecordPages(await db(), part)).map((p) => [p.record.id, p])));
    chunks.set(k, c);
  }
  return c;
}

/** The page data for one static record page. */
export async function recordPageFor(id: number): Promise<RecordPage | undefined> {
  const ids = await staticRecordIds();
  positions ??= Promise.resolve(new Map(ids.map((v, i) => [v, i])));
  const index = (await positions).get(id);
  if (index === undefined) return undefined;
  const k = Math.floor(index / CHUNK);
  const current = loadChunk(ids, k);
  if ((k + 1) * CHUNK < ids.length) void loadChunk(ids, k + 1); // prefetch while this chunk renders
  for (const old of chunks.keys()) if (old < k - 1) chunks.delete(old);
  return (await current).get(id);
}

const dayFormat = new Intl.DateTimeFormat("ja-JP", { timeZone: "Asia/Tokyo", year: "numeric", month: "long", day: "numeric" });

/** When the static pages' status column was read. */
export const BUILT_AT_LABEL = dayFormat.format(new Date());
