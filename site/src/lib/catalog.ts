// Build-time access to the local D1 (wrangler's getPlatformProxy) for the record pages and the sitemaps.
// The build renders up to ~100k pages, so per-page work is a Map lookup: pages are loaded in chunks of
// consecutive ids (one D1 batch each, read by id range), the next chunk is fetched while the current one
// renders, and used chunks are dropped so memory stays flat.
import { openLocalPlatform, type LocalPlatform } from "../../../db/cli/platform.ts";
import { getRecordPages, listRecordIds, type RecordPage } from "../../../worker/src/data/catalog-read.ts";
import { MAX_STATIC_RECORD_PAGES } from "./config.ts";

const CHUNK = 1000;

let platform: Promise<LocalPlatform> | undefined;
let disposeTimer: ReturnType<typeof setTimeout> | undefined;

/** The local D1, opened once per build and closed shortly after the last use (so `astro build` can exit). */
async function db() {
  platform ??= openLocalPlatform();
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

let allIds: Promise<number[]> | undefined;

/** Every record id, ascending (for the sitemaps: records past the static cap are served by the Worker). */
export function allRecordIds(): Promise<number[]> {
  allIds ??= (async () => {
    const ids: number[] = [];
    for (;;) {
      const page = await listRecordIds(await db(), { afterId: ids.at(-1) ?? 0, limit: 20_000 });
      ids.push(...page);
      if (page.length < 20_000) return ids;
    }
  })();
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
    c = (async () => new Map((await getRecordPages(await db(), part)).map((p) => [p.record.id, p])))();
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
