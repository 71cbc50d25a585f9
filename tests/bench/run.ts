// `npm run bench`: the figures, never timed tests. Writes tests/bench/results.json and the README's table.
//  1. Search latency p50/p95 through `wrangler dev`, at the demo size and at 100k records (synthesised from the
//     real ones), side by side with the trivial endpoint /health under the same load, as a ratio.
//  2. Static build time per 10,000 record pages and peak memory (astro build over the 100k library).
//  3. Bytes over the wire (brotli) of a record page, the search page and a guide page.
//  4. Issue 7: 200 concurrent 「予約申込」 from 50 patrons on 10 records (tests/bench/holds.ts): exact counts, no 5xx,
//     p95 as a ratio to /health in the same burst. BENCH_ONLY=holds runs this one alone (over the local D1 as built).
//  5. Issue 8: a day at the counter (tests/bench/counter.ts): 2,000 check-ins and checkouts across 16 branches with
//     staff sessions, p95 per action as a ratio to /health, 0 errors; and the expiry job over 10,000 ready holds via
//     /__scheduled (wrangler dev --test-scheduled). BENCH_ONLY=counter runs this one alone (port BENCH_COUNTER_PORT).
//  6. Issue 9: the outbox sender (tests/bench/mail.ts): 2,000 pending mails sent by two overlapping send-mail runs at a
//     time through /__scheduled, the dev mailbox as the provider: seconds, mails/s, duplicates (0). BENCH_ONLY=mail.
//  7. Issue 10 item 7: the catalogue at a large city library's size (tests/bench/scale.ts): 1,000,000 records in
//     .wrangler/bench-1m, import time and rate, database size, search p50/p95 per query kind (1 and 2 characters,
//     kana reading, author, ISBN) as a ratio to /health. BENCH_ONLY=scale (not part of the default run: it takes
//     about 20 minutes on 2 cores); BENCH_ONLY=scale-build then times the static build over it.
// Options (env): BENCH_RECORDS (default 100000), BENCH_SECONDS per load phase (default 15), BENCH_SKIP_LARGE=1.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { buildAll } from "../../db/cli/build.ts";
import { BIN, ROOT } from "../../db/cli/paths.ts";
import { openLocalPlatform } from "../../db/cli/platform.ts";
import { log, runTool } from "../../db/cli/run.ts";
import { launch } from "../e2e/browser.ts";
import { firstVisitBytes } from "./bytes.ts";
import { brotliBytes } from "../support/page-bytes.ts";
import { mixedLoad, summarize } from "./load.ts";
import { startDevServer } from "../support/server.ts";
import { synthesiseLibrary } from "./synthesise.ts";
import { holdsBench } from "./holds.ts";
import { counterBench, expiryBench } from "./counter.ts";
import { mailBench } from "./mail.ts";
import { SCALE_STATE, bulkSynthesise, prepareBase, scaleLatency } from "./scale.ts";

const RESULTS = path.join(ROOT, "tests/bench/results.json");

/** results.json as it is now: each BENCH_ONLY run replaces its own section and keeps the others. */
function readResults(): Record<string, any> {
  return existsSync(RESULTS) ? JSON.parse(readFileSync(RESULTS, "utf8")) : {};
}

/** Writes one section into results.json, read again just before, so a long run does not undo another's section. */
function keepSection(name: string, value: unknown): void {
  const kept = readResults();
  kept[name] = value;
  writeFileSync(RESULTS, JSON.stringify(kept, null, 2) + "\n");
  log(`bench: wrote the ${name} row of ${path.relative(ROOT, RESULTS)}`);
}

/** BENCH_ONLY=<name>: runs that one measurement, keeps its section, and ends the bench. */
async function only(name: string, measure: () => Promise<unknown>): Promise<void> {
  if (process.env.BENCH_ONLY !== name) return;
  keepSection(name, await measure());
  process.exit(0);
}
const LARGE_STATE = path.join(ROOT, ".wrangler/bench-large");
const LARGE_DIST = path.join(ROOT, "site/.bench-dist");
const SECONDS = Number(process.env.BENCH_SECONDS ?? 15);
const TARGET_RECORDS = Number(process.env.BENCH_RECORDS ?? 100_000);

// What patrons type: kana readings, 1–2 characters, titles, authors, an ISBN with hyphens, a series.
const QUERIES = ["わがはいはねこ", "ワガハイ", "猫", "羅生", "こころ", "名探偵コナン", "978-4-04-805712-5", "夏目漱石", "の", "宮沢賢治 童話", "ONE PIECE", "銀河鉄道"];
const searchPaths = (prefix: string) => QUERIES.map((q) => `${prefix}?q=${encodeURIComponent(q)}`);

async function latency(label: string, persistTo?: string) {
  const server = await startDevServer(8811, persistTo ? ["--persist-to", persistTo] : []);
  try {
    // Warm up both paths (module load, SQLite page cache).
    await mixedLoad(server.url, "/health", searchPaths("/api/search"), { concurrency: 4, durationMs: 3000, maxRequests: 400 });
    // One client: what one patron sees on an idle server.
    const single = summarize(await mixedLoad(server.url, "/health", searchPaths("/api/search"), { concurrency: 1, durationMs: SECONDS * 1000, maxRequests: 5_000 }));
    const api = summarize(await mixedLoad(server.url, "/health", searchPaths("/api/search"), { concurrency: 8, durationMs: SECONDS * 1000, maxRequests: 20_000 }));
    const htmlPage = summarize(await mixedLoad(server.url, "/health", searchPaths("/search"), { concurrency: 8, durationMs: SECONDS * 1000, maxRequests: 20_000 }));
    log(`${label}: /api/search p95 ${api.search_p95_ms} ms vs /health ${api.trivial_p95_ms} ms (×${api.ratio_p95}); /search HTML ×${htmlPage.ratio_p95}`);
    return { single, api, html: htmlPage };
  } finally {
    await server.stop();
  }
}

async function countRecords(persistTo?: string): Promise<number> {
  if (persistTo) process.env.SHIORI_PERSIST_TO = persistTo;
  const platform = await openLocalPlatform();
  try {
    return (await platform.d1.prepare("SELECT count(*) AS n FROM records").first<{ n: number }>())!.n;
  } finally {
    await platform.dispose();
    delete process.env.SHIORI_PERSIST_TO;
  }
}

async function bytes(recordId: number) {
  const browser = await launch();
  const server = await startDevServer(8812);
  try {
    const html = async (p: string) => brotliBytes(await (await fetch(server.url + p)).text());
    const record = await firstVisitBytes(browser, `${server.url}/catalog/${recordId}/`);
    const guide = await firstVisitBytes(browser, `${server.url}/guide/`);
    const search = await firstVisitBytes(browser, `${server.url}/search?q=${encodeURIComponent("猫")}`);
    return {
      record_html: await html(`/catalog/${recordId}/`),
      record_first_visit_total: record.total,
      record_first_visit: record,
      search_html: await html(`/search?q=${encodeURIComponent("猫")}`),
      search_first_visit: search,
      guide_html: await html("/guide/"),
      guide_js: guide.js,
      guide_first_visit: guide,
      home_html: await html("/"),
      // Issue 10 item 6 (R50): the home page's visit (no header island any more), the cart (no island bootstrap),
      // the account pages' JavaScript in total (login, 「予約状況一覧」, 「貸出状況一覧」, mail settings: each file once),
      // and the service worker (null until the PWA's /sw.js is built).
      ...(await accountBytes(browser, server.url)),
    };
  } finally {
    await server.stop();
    await browser.close();
  }
}

async function accountBytes(browser: Awaited<ReturnType<typeof launch>>, base: string) {
  const home = await firstVisitBytes(browser, `${base}/`);
  const cart = await firstVisitBytes(browser, `${base}/cart`);
  const login = await fetch(`${base}/api/session`, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/json", origin: base, "sec-fetch-site": "same-origin" },
    body: JSON.stringify({ card: "2100000001", password: "Tosho2026" }),
  });
  const cookie = login.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
  const account: Record<string, PageBytesRow> = { login: await firstVisitBytes(browser, `${base}/login`) };
  for (const p of ["/holds", "/loans", "/account/mail"]) account[p.slice(1)] = await firstVisitBytes(browser, `${base}${p}`, true, cookie);
  const sw = await fetch(`${base}/sw.js`);
  return {
    home_first_visit: home,
    cart_first_visit: cart,
    account_pages: account,
    // The budget (≤ 20 KB in total, tests/worker/budgets.test.ts) counts each file once over the four pages.
    account_js_total: Object.values(Object.assign({}, ...Object.values(account).map((v) => v.scripts)) as Record<string, number>).reduce((n, b) => n + b, 0),
    sw_js: sw.ok ? brotliBytes(await sw.text()) : null,
  };
}
type PageBytesRow = Awaited<ReturnType<typeof firstVisitBytes>>;

/** Runs astro build under /usr/bin/time for the peak resident memory; counts the record pages it wrote. */
function staticBuild(persistTo: string) {
  rmSync(LARGE_DIST, { recursive: true, force: true });
  const t0 = performance.now();
  const res = spawnSync("/usr/bin/time", ["-v", path.join(BIN, "astro"), "build", "--outDir", LARGE_DIST], {
    cwd: ROOT,
    encoding: "utf8",
    maxBuffer: 256 * 1024 * 1024,
    env: { ...process.env, PATH: `${BIN}${path.delimiter}${process.env.PATH ?? ""}`, SHIORI_PERSIST_TO: persistTo, ASTRO_TELEMETRY_DISABLED: "1" },
  });
  const seconds = (performance.now() - t0) / 1000;
  if (res.status !== 0) throw new Error(`astro build failed:\n${res.stdout.slice(-4000)}\n${res.stderr.slice(-4000)}`);
  const maxRss = Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(res.stderr)?.[1] ?? NaN);
  const pages = spawnSync("bash", ["-c", `ls -1 ${JSON.stringify(path.join(LARGE_DIST, "catalog"))} | wc -l`], { encoding: "utf8" });
  const recordPages = Number(pages.stdout.trim());
  rmSync(LARGE_DIST, { recursive: true, force: true });
  return {
    record_pages: recordPages,
    seconds: Math.round(seconds * 10) / 10,
    seconds_per_10k_pages: Math.round((seconds / recordPages) * 10_000 * 10) / 10,
    peak_rss_mb: Math.round(maxRss / 1024),
  };
}

async function holdsLoad() {
  const server = await startDevServer(Number(process.env.BENCH_HOLDS_PORT ?? 8813));
  try {
    // Warm up (module load, SQLite page cache).
    await mixedLoad(server.url, "/health", ["/health"], { concurrency: 4, durationMs: 2000, maxRequests: 200 });
    const r = await holdsBench(server.url);
    log(`holds: ${r.placed}/${r.expected_placed} placed (exact: ${r.exact}), 5xx ${r.errors_5xx}, p95 ${r.place_p95_ms} ms vs /health ${r.health_p95_ms} ms (×${r.ratio_p95})`);
    return r;
  } finally {
    await server.stop();
  }
}

async function counterLoad() {
  const server = await startDevServer(Number(process.env.BENCH_COUNTER_PORT ?? 8814), ["--test-scheduled"]);
  try {
    await mixedLoad(server.url, "/health", ["/health"], { concurrency: 4, durationMs: 2000, maxRequests: 200 });
    const day = await counterBench(server.url);
    log(`counter: ${day.actions} actions in ${day.seconds} s, errors ${day.errors}; checkout p95 ${day.checkout_p95_ms} ms (×${day.checkout_ratio_p95}), check-in p95 ${day.checkin_p95_ms} ms (×${day.checkin_ratio_p95}) vs /health ${day.health_p95_ms} ms`);
    const expiry = await expiryBench(server.url);
    log(`expiry: ${expiry.expired} of ${expiry.ready_holds} ready holds expired, ${expiry.passed_on} passed on, in ${expiry.seconds} s`);
    return { measured_at: new Date().toISOString(), day, expiry };
  } finally {
    await server.stop();
  }
}

await only("counter", counterLoad);

async function mailLoad() {
  const port = Number(process.env.BENCH_MAIL_PORT ?? 8814);
  const server = await startDevServer(port);
  try {
    const mail = await mailBench(server.url);
    log(`mail: ${mail.sent} of ${mail.mails} sent in ${mail.seconds} s (${mail.mails_per_second}/s) by ${mail.runs} runs, two at a time; ${mail.duplicates} duplicates, ${mail.left} left`);
    return { measured_at: new Date().toISOString(), ...mail };
  } finally {
    await server.stop();
  }
}

await only("mail", mailLoad);

// Issue 10 item 6 (R50): Lighthouse 13 on the pages (tests/bench/lighthouse.ts).
await only("lighthouse", async () => (await import("./lighthouse.ts")).lighthouseBench());

// Issue 10 item 7: the catalogue at a large city library's size (tests/bench/scale.ts). BENCH_ONLY=scale;
// SCALE_RECORDS (default 1,000,000), SCALE_SECONDS per load phase (default 10), SCALE_KEEP=1 reuses the library.
if (process.env.BENCH_ONLY === "scale") {
  const target = Number(process.env.SCALE_RECORDS ?? 1_000_000);
  const before = readResults().scale;
  if (process.env.SCALE_KEEP !== "1") rmSync(SCALE_STATE, { recursive: true, force: true });
  const scale: Record<string, unknown> = { measured_at: new Date().toISOString(), target_records: target, ...(before?.base && process.env.SCALE_KEEP === "1" ? { base: before.base } : {}) };
  const save = () => keepSection("scale", scale);
  if (!scale.base) {
    log("scale: the real catalogue and one round of copies through the real importer");
    scale.base = await prepareBase();
    save();
  }
  log(`scale: bulk synthesis up to ${target} records`);
  scale.bulk = bulkSynthesise(target);
  save();
  const bulk = scale.bulk as ReturnType<typeof bulkSynthesise>;
  const probe = (scale.base as Awaited<ReturnType<typeof prepareBase>>).importer_probe;
  scale.importer_extrapolated_seconds_for_target = Math.round(target / probe.records_per_second);
  scale.latency = await scaleLatency(Number(process.env.SCALE_PORT ?? 8804), Number(process.env.SCALE_SECONDS ?? 10), bulk.sample_isbn!.isbn13);
  save();
  process.exit(0);
}

// Issue 10 item 7: the static build over the million-record library (after BENCH_ONLY=scale). The build stops at
// MAX_STATIC_RECORD_PAGES record pages (90,000); the sitemaps still list all. BENCH_ONLY=scale-build.
if (process.env.BENCH_ONLY === "scale-build") {
  const built = { measured_at: new Date().toISOString(), ...staticBuild(SCALE_STATE) };
  keepSection("scale", { ...readResults().scale, static_build: built });
  process.exit(0);
}

await only("holds", async () => ({ measured_at: new Date().toISOString(), ...(await holdsLoad()) }));

const previous = readResults();
const results: Record<string, unknown> = {
  ...previous,
  measured_at: new Date().toISOString(),
  machine: { cpus: os.cpus().length, cpu: os.cpus()[0]?.model, memory_gb: Math.round(os.totalmem() / 2 ** 30), node: process.version },
  load: { concurrency: 8, seconds_per_phase: SECONDS, queries: QUERIES },
};

log("bench: building the demo library");
await buildAll();
const demoRecords = await countRecords();
const platform = await openLocalPlatform();
const someRecord = await platform.d1.prepare("SELECT r.id FROM records r WHERE r.title = '吾輩は猫である' LIMIT 1").first<{ id: number }>();
await platform.dispose();
results.demo = { records: demoRecords, latency: await latency(`demo (${demoRecords} records)`) };
results.bytes = await bytes(someRecord?.id ?? 1);
results.holds = { measured_at: new Date().toISOString(), ...(await holdsLoad()) };
results.counter = await counterLoad();
results.mail = await mailLoad();

if (process.env.BENCH_SKIP_LARGE !== "1") {
  log(`bench: synthesising a ${TARGET_RECORDS}-record library in ${LARGE_STATE}`);
  const t0 = performance.now();
  runTool("wrangler", ["d1", "migrations", "apply", "DB", "--local", "--persist-to", LARGE_STATE], { CI: "true" });
  const synth = await synthesiseLibrary(LARGE_STATE, TARGET_RECORDS);
  const largeRecords = await countRecords(LARGE_STATE);
  results.large = {
    records: largeRecords,
    synthesise_seconds: Math.round((performance.now() - t0) / 100) / 10,
    synthesis: synth,
    latency: await latency(`large (${largeRecords} records)`, LARGE_STATE),
    static_build: staticBuild(LARGE_STATE),
  };
}

writeFileSync(RESULTS, JSON.stringify(results, null, 2) + "\n");
log(`bench: wrote ${path.relative(ROOT, RESULTS)}`);
runTool("node", [path.join(ROOT, "tests/bench/readme-table.ts")]);
