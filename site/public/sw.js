// 栞 Shiori service worker (issue 10 items 1, 2, 5; R50). Hand-written, no library: registered by
// site/src/components/Pwa.astro through workbox-window. What it does:
//   /_astro/*                      cache-first (hashed, immutable names)
//   /, /catalog/*, /guide/*, …     network-first, ~3 s timeout → cached copy → /offline/
//   /loans, /holds, /account/card  personal: network; offline the last copy of THIS session, with
//                                  「○月○日 ○時○分 時点の情報です」 (Asia/Tokyo) at the top of <main>
//   POST /cart offline             kept in IndexedDB with an idempotency key, sent by Background Sync or at the next start
// Personal copies live in one cache named after the session's tag (the Worker's X-Session-Tag header,
// worker/src/middleware/session-tag.ts): another tag, "none", or POST /logout deletes them. A page that carries a
// session's tag, or says private/no-store, never enters the shared page cache.
// Save-Data / prefers-reduced-data (the page tells us): nothing is precached beyond the offline page.
const VERSION = "v1";
const ASSETS = "shiori-assets-" + VERSION;
const PAGES = "shiori-pages-" + VERSION;
const PERSONAL = "shiori-personal-"; // + session tag
const OFFLINE = "/offline/";
const TAG_HEADER = "x-session-tag";
const FETCHED_HEADER = "x-sw-fetched";
const LIMITS = { [ASSETS]: { entries: 80, maxAge: 30 * 864e5 }, [PAGES]: { entries: 60, maxAge: 7 * 864e5 } };
const PERSONAL_MAX_AGE = 30 * 864e5;
const TIMEOUT_MS = 3000;
const PERSONAL_PATHS = /^\/(loans|holds|account\/card)\/?$/;
const PAGE_PATHS = /^\/($|catalog\/|guide\/|offline\/$|search\/advanced\/?$)/;
const SYNC_TAG = "cart-replay";

/** A cache that cannot be written (storage full, evicted) never costs the patron the page itself. */
function quietly(promise) {
  return promise.catch(() => {});
}

function saveData() {
  return !!(self.navigator.connection && self.navigator.connection.saveData);
}

self.addEventListener("install", (event) => {
  const urls = saveData() ? [OFFLINE] : [OFFLINE, "/", "/guide/app/"];
  event.waitUntil(
    caches.open(PAGES).then((cache) =>
      Promise.all(urls.map((u) => fetch(u, { cache: "no-cache" }).then((r) => (r.ok ? cache.put(u, stamped(r)) : undefined)).catch(() => {}))),
    ),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    (async () => {
      const keep = [ASSETS, PAGES];
      for (const name of await caches.keys()) {
        if (name.startsWith("shiori-") && !name.startsWith(PERSONAL) && !keep.includes(name)) await caches.delete(name);
      }
      await self.clients.claim();
      await replayCart();
    })(),
  );
});

self.addEventListener("message", (event) => {
  const data = event.data || {};
  if (data.type === "SKIP_WAITING") self.skipWaiting();
  else if (data.type === "REPLAY") event.waitUntil(replayCart());
  else if (data.type === "CACHE_URLS" && Array.isArray(data.urls)) event.waitUntil(warm(data.urls));
});

self.addEventListener("sync", (event) => {
  if (event.tag === SYNC_TAG) event.waitUntil(replayCart(true));
});

self.addEventListener("fetch", (event) => {
  const req = event.request;
  const url = new URL(req.url);
  if (url.origin !== self.location.origin) return;
  if (req.method === "POST") {
    if (req.mode !== "navigate") return;
    if (url.pathname === "/logout") event.respondWith(quietly(dropPersonal()).then(() => fetch(req)).catch(() => offlinePage()));
    else if (url.pathname === "/cart") event.respondWith(cartPost(req));
    else event.respondWith(fetch(req).catch(() => offlinePage()));
    return;
  }
  if (req.method !== "GET") return;
  if (url.pathname.startsWith("/_astro/")) event.respondWith(cacheFirst(req));
  else if (req.mode !== "navigate") return;
  else if (PERSONAL_PATHS.test(url.pathname)) event.respondWith(personal(req, url));
  else if (PAGE_PATHS.test(url.pathname)) event.respondWith(networkFirst(req, url));
  else event.respondWith(network(req).catch(() => offlinePage()));
});

/** A copy to keep, with the time it was fetched. */
function stamped(res, extra) {
  const headers = new Headers(res.headers);
  headers.set(FETCHED_HEADER, String(Date.now()));
  if (extra) for (const k in extra) headers.set(k, extra[k]);
  return new Response(res.body, { status: res.status, statusText: res.statusText, headers });
}

function fresh(res, maxAge) {
  const at = Number(res.headers.get(FETCHED_HEADER));
  return !at || Date.now() - at < maxAge;
}

/** Bounded caches: the oldest entries go past the count (keys come in insertion order). */
async function putBounded(name, key, res) {
  const cache = await caches.open(name);
  await cache.put(key, res);
  const keys = await cache.keys();
  const over = keys.length - LIMITS[name].entries;
  for (let i = 0; i < over; i++) await cache.delete(keys[i]);
}

async function matchFresh(name, key) {
  const cache = await caches.open(name);
  const hit = await cache.match(key, { ignoreVary: true, ignoreSearch: name === PAGES && new URL(typeof key === "string" ? key : key.url, self.location.href).pathname === OFFLINE });
  if (!hit) return undefined;
  if (fresh(hit, LIMITS[name].maxAge)) return hit;
  await cache.delete(key);
  return undefined;
}

async function cacheFirst(req) {
  const hit = await matchFresh(ASSETS, req);
  if (hit) return hit;
  const res = await fetch(req);
  if (res.ok && res.type === "basic") await quietly(putBounded(ASSETS, req, stamped(res.clone())));
  return res;
}

/** The network, watching the session tag on the way. */
async function network(req) {
  const res = await fetch(req);
  await quietly(noteTag(res));
  return res;
}

/** May a response be kept where any session could see it? Not if it names a session or says private. */
function shareable(res) {
  const tag = res.headers.get(TAG_HEADER);
  const cc = res.headers.get("cache-control") || "";
  return res.ok && res.type === "basic" && (!tag || tag === "none") && !/private|no-store/.test(cc) && (res.headers.get("content-type") || "").startsWith("text/html");
}

function withTimeout(promise, ms) {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error("timeout")), ms);
    promise.then((v) => (clearTimeout(t), resolve(v)), (e) => (clearTimeout(t), reject(e)));
  });
}

async function networkFirst(req, url) {
  const key = url.pathname === OFFLINE ? OFFLINE : url.href;
  const pending = network(req);
  try {
    const res = await withTimeout(pending, TIMEOUT_MS);
    if (shareable(res)) await quietly(putBounded(PAGES, key, stamped(res.clone())));
    return res;
  } catch {
    const hit = await matchFresh(PAGES, key);
    if (hit) return url.pathname === OFFLINE && url.searchParams.has("queued") ? withNote(hit, queuedNote()) : hit;
    // Slow, not offline: keep waiting for the network rather than show the offline page.
    return pending.catch(() => offlinePage());
  }
}

async function offlinePage() {
  return (await matchFresh(PAGES, OFFLINE)) || new Response("<!doctype html><html lang=ja><meta charset=utf-8><title>オフライン</title><h1>オフラインです</h1><p>接続が戻ってから、もう一度お試しください。</p>", { status: 503, headers: { "content-type": "text/html; charset=utf-8" } });
}

// ---- personal pages ------------------------------------------------------------------------------------------

async function personalCacheName() {
  return (await caches.keys()).find((n) => n.startsWith(PERSONAL));
}

async function dropPersonal(except) {
  for (const name of await caches.keys()) if (name.startsWith(PERSONAL) && name !== except) await caches.delete(name);
}

/** Another session (or none) than the one the personal copies were made for: they go. */
async function noteTag(res) {
  const tag = res.headers.get(TAG_HEADER);
  if (!tag) return;
  await dropPersonal(tag === "none" ? undefined : PERSONAL + tag);
}

async function personal(req, url) {
  const key = url.pathname.replace(/\/$/, "");
  let res;
  try {
    res = await network(req);
  } catch {
    const name = await personalCacheName().catch(() => undefined);
    const hit = name && (await caches.open(name).then((c) => c.match(key, { ignoreVary: true })).catch(() => undefined));
    if (hit && fresh(hit, PERSONAL_MAX_AGE)) return withNote(hit, fetchedNote(Number(hit.headers.get(FETCHED_HEADER))));
    return offlinePage();
  }
  const tag = res.headers.get(TAG_HEADER);
  if (res.ok && res.type === "basic" && !res.redirected && tag && tag !== "none") {
    await quietly(caches.open(PERSONAL + tag).then((c) => c.put(key, stamped(res.clone()))));
  }
  return res;
}

/** 「12月2日 14時30分 時点の情報です」 in Asia/Tokyo. */
function fetchedNote(at) {
  const parts = {};
  for (const p of new Intl.DateTimeFormat("ja-JP", { timeZone: "Asia/Tokyo", month: "numeric", day: "numeric", hour: "numeric", minute: "numeric", hourCycle: "h23" }).formatToParts(new Date(at))) parts[p.type] = p.value;
  return `${Number(parts.month)}月${Number(parts.day)}日 ${Number(parts.hour)}時${Number(parts.minute)}分 時点の情報です。オフラインのため、最新の状態ではないことがあります。`;
}

function queuedNote() {
  return "オフラインのため、予約カートへの追加を保存しました。接続が戻ったら自動で送ります。";
}

/** The page with a notice first in <main> (the text is ours: no markup from elsewhere goes in). */
async function withNote(res, text) {
  const html = (await res.clone().text()).replace(/<main\b[^>]*>/, (m) => `${m}<p class="sw-note" role="status">${text}</p>`);
  const headers = new Headers(res.headers);
  headers.delete("content-length");
  return new Response(html, { status: 200, headers });
}

// ---- offline cart adds (IndexedDB) -------------------------------------------------------------------------

function db() {
  return new Promise((resolve, reject) => {
    const open = indexedDB.open("shiori-sw", 1);
    open.onupgradeneeded = () => open.result.createObjectStore("cart", { keyPath: "key" });
    open.onsuccess = () => resolve(open.result);
    open.onerror = () => reject(open.error);
  });
}

function store(mode, fn) {
  return db().then(
    (d) =>
      new Promise((resolve, reject) => {
        const tx = d.transaction("cart", mode);
        const out = fn(tx.objectStore("cart"));
        tx.oncomplete = () => resolve(out && out.result);
        tx.onerror = () => reject(tx.error);
      }),
  );
}

async function cartPost(req) {
  const copy = req.clone();
  try {
    return await fetch(req);
  } catch {
    const form = await copy.formData();
    const recordId = String(form.get("recordId") || "");
    if (!/^[1-9][0-9]{0,15}$/.test(recordId)) return offlinePage();
    await store("readwrite", (s) => s.put({ key: crypto.randomUUID(), recordId, at: Date.now() }));
    try {
      await self.registration.sync.register(SYNC_TAG);
    } catch {
      // No Background Sync: the page asks for the replay at the next start (Pwa.astro posts REPLAY).
    }
    return Response.redirect(OFFLINE + "?queued=1", 303);
  }
}

let replaying;
/** Sends every kept add once; a network failure keeps the rest for later (a sync run rethrows so it is retried). */
function replayCart(fromSync) {
  replaying = replaying || (async () => {
    const items = await store("readonly", (s) => s.getAll());
    for (const item of items || []) {
      let res;
      try {
        res = await fetch("/cart", { method: "POST", body: new URLSearchParams({ recordId: item.recordId, idempotencyKey: item.key }), redirect: "manual", credentials: "same-origin" });
      } catch (err) {
        if (fromSync) throw err;
        return;
      }
      // 303 (opaque redirect): added or already there; 4xx: refused for good (the cart is full…). 5xx: keep.
      if (res.type === "opaqueredirect" || res.status < 500) await store("readwrite", (s) => s.delete(item.key));
    }
  })().finally(() => (replaying = undefined));
  return replaying;
}

/** The page that registered us loaded before we controlled it: keep it and its assets (not under Save-Data). */
async function warm(urls) {
  for (const u of urls.slice(0, 30)) {
    const url = new URL(u, self.location.href);
    if (url.origin !== self.location.origin) continue;
    try {
      if (url.pathname.startsWith("/_astro/")) {
        if (!(await matchFresh(ASSETS, url.href))) await cacheFirst(new Request(url.href));
      } else if (PAGE_PATHS.test(url.pathname)) {
        const res = await fetch(url.href);
        if (shareable(res)) await putBounded(PAGES, url.pathname === OFFLINE ? OFFLINE : url.href, stamped(res));
      }
    } catch {
      // offline again: nothing to keep
    }
  }
}
