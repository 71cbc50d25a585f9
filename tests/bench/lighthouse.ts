// Issue 10 item 6 (R50): Lighthouse 13 on the pages the issue names — home, a record, a guide page, search results,
// the cart, 「予約状況一覧」 and 「貸出状況一覧」 (the last three logged in as the demo patron 2100000001: the session
// cookie goes in Lighthouse's extraHeaders) — headless on Debian's Chromium, mobile, the default simulated Slow 4G;
// and the record page again at Regular 3G (300 ms RTT, 700 kbps) for its LCP. Lighthouse 13 needs Node ≥ 22: this
// runs on the project's Node 24 (node_modules/.bin/node). Figures, not tests: `BENCH_ONLY=lighthouse npm run bench`
// writes them into tests/bench/results.json under "lighthouse" (tests/bench/run.ts). Targets (the issue): 100 in
// Performance, Accessibility and Best Practices everywhere, SEO 100 on the public pages (search and personal pages
// are noindex on purpose); LCP ≤ 1.0 s with the record's title as the LCP element; CLS ≤ 0.01; TBT 0; LCP ≤ 1.8 s
// at Regular 3G.
import { launch as launchChrome } from "chrome-launcher";
import lighthouse from "lighthouse";
import { ROOT, localOrigin } from "../../db/cli/paths.ts";
import { buildAll, lastSiteBuild } from "../../db/cli/build.ts";
import { openLocalPlatform } from "../../db/cli/platform.ts";
import { log } from "../../db/cli/run.ts";
import { findChromium } from "../support/chromium.ts";
import { startDevServer } from "../support/server.ts";

/** Lighthouse's Regular 3G (its devtools preset is 300 ms RTT / 700 kbps; simulated, CPU ×4 as on Slow 4G). */
const REGULAR_3G = { rttMs: 300, throughputKbps: 700, requestLatencyMs: 300 * 3.75, downloadThroughputKbps: 700 * 0.9, uploadThroughputKbps: 700 * 0.9, cpuSlowdownMultiplier: 4 };

export interface LighthouseRow {
  page: string;
  url: string;
  network: "slow-4g" | "regular-3g";
  scores: { performance: number; accessibility: number; "best-practices": number; seo: number };
  lcp_ms: number;
  cls: number;
  tbt_ms: number;
  fcp_ms: number;
  lcp_element: string | null;
  /** Lighthouse's measure of this host's CPU (the simulated ×4 slowdown assumes a fast desktop, ~1500+). */
  benchmark_index: number | null;
  /** Audits that did not pass (score < 1), for the fixing. */
  failing: string[];
}

function lcpElement(lhr: any): string | null {
  // Lighthouse 13 names the LCP element in its LCP insights (the old audit is gone).
  const details = ["largest-contentful-paint-element", "lcp-breakdown-insight", "lcp-discovery-insight"].map((id) => lhr.audits[id]?.details);
  const find = (v: any): any => {
    if (!v || typeof v !== "object") return null;
    if (v.type === "node" && (v.snippet || v.selector)) return v;
    for (const x of Object.values(v)) {
      const f = find(x);
      if (f) return f;
    }
    return null;
  };
  const node = find(details);
  return node ? `${node.selector ?? ""} ${node.snippet ?? ""}`.trim() : null;
}

async function loginCookie(base: string, card: string, password: string): Promise<string> {
  const res = await fetch(`${base}/api/session`, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/json", origin: base, "sec-fetch-site": "same-origin" },
    body: JSON.stringify({ card, password }),
  });
  if (!res.ok) throw new Error(`login for the Lighthouse run failed: ${res.status} ${await res.text()}`);
  return res.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
}

export async function lighthouseBench(opts: { port?: number } = {}): Promise<{ measured_at: string; lighthouse: string; chromium: string; rows: LighthouseRow[] }> {
  const port = opts.port ?? Number(process.env.BENCH_LIGHTHOUSE_PORT ?? 8803);
  const origin = localOrigin(port);
  // The pages name the origin they are served at (canonical, JSON-LD): SEO's canonical audit reads it.
  if (lastSiteBuild()?.origin !== origin) await buildAll({ origin });
  const platform = await openLocalPlatform();
  const record = await platform.d1.prepare("SELECT id FROM records WHERE title = '吾輩は猫である' ORDER BY id LIMIT 1").first<{ id: number }>();
  await platform.dispose();
  const chromiumPath = findChromium();
  if (!chromiumPath) throw new Error("Lighthouse needs Chromium (apt-get install -y chromium)");
  const server = await startDevServer(port);
  const chrome = await launchChrome({ chromePath: chromiumPath, chromeFlags: ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"] });
  const rows: LighthouseRow[] = [];
  try {
    const cookie = await loginCookie(origin, "2100000001", "Tosho2026");
    const pages: { page: string; path: string; cookie?: boolean; network?: "regular-3g" }[] = [
      { page: "home", path: "/" },
      { page: "record", path: `/catalog/${record?.id ?? 1}/` },
      { page: "guide", path: "/guide/holds-status/" },
      { page: "search", path: `/search?q=${encodeURIComponent("猫")}` },
      { page: "cart", path: "/cart", cookie: true },
      { page: "holds", path: "/holds", cookie: true },
      { page: "loans", path: "/loans", cookie: true },
      { page: "record", path: `/catalog/${record?.id ?? 1}/`, network: "regular-3g" },
    ];
    // LIGHTHOUSE_PAGES=holds,loans,record-3g runs only those rows.
    const only = process.env.LIGHTHOUSE_PAGES?.split(",");
    for (const p of pages) {
      if (only && !only.includes(p.network ? `${p.page}-3g` : p.page)) continue;
      const url = origin + p.path;
      const flags: any = {
        port: chrome.port,
        output: "json",
        logLevel: "error",
        onlyCategories: ["performance", "accessibility", "best-practices", "seo"],
        ...(p.cookie ? { extraHeaders: { Cookie: cookie } } : {}),
      };
      // LIGHTHOUSE_CPU_MULTIPLIER: Lighthouse's ×4 CPU slowdown assumes a host with a benchmark index of ~1300+; on a
      // slower or busy host (this 2-core machine measured 276 under load) its docs say to lower it — the rows record
      // benchmark_index so a reader can tell a host artefact (TBT) from the page's own cost.
      const cpu = process.env.LIGHTHOUSE_CPU_MULTIPLIER ? { cpuSlowdownMultiplier: Number(process.env.LIGHTHOUSE_CPU_MULTIPLIER) } : {};
      const settings = p.network === "regular-3g" ? { throttling: { ...REGULAR_3G, ...cpu } } : Object.keys(cpu).length ? { throttling: { rttMs: 150, throughputKbps: 1638.4, requestLatencyMs: 562.5, downloadThroughputKbps: 1474.56, uploadThroughputKbps: 675, ...cpu } } : {};
      const config: any = { extends: "lighthouse:default", settings };
      // A trace Chromium failed to record (NO_NAVSTART and the like) is run again, up to three times.
      let lhr: any;
      for (let attempt = 1; attempt <= 3; attempt++) {
        lhr = (await lighthouse(url, flags, config))!.lhr;
        if (!lhr.runtimeError) break;
        log(`lighthouse ${p.page}: ${lhr.runtimeError.code}, attempt ${attempt}`);
      }
      if (lhr.runtimeError) {
        rows.push({ page: p.page, url: p.path, network: p.network ?? "slow-4g", error: lhr.runtimeError.code } as unknown as LighthouseRow);
        continue;
      }
      if (process.env.LIGHTHOUSE_DUMP) (await import("node:fs")).writeFileSync(`${process.env.LIGHTHOUSE_DUMP}/${p.page}-${p.network ?? "slow-4g"}.json`, JSON.stringify(lhr));
      const score = (id: string) => Math.round((lhr.categories[id]?.score ?? 0) * 100);
      const failing = Object.values(lhr.categories as Record<string, any>)
        .flatMap((cat) => cat.auditRefs.filter((r: any) => r.weight > 0).map((r: any) => lhr.audits[r.id]))
        .filter((a: any) => a && a.score !== null && a.score < 1 && a.scoreDisplayMode !== "informative" && a.scoreDisplayMode !== "notApplicable")
        .map((a: any) => `${a.id}${a.displayValue ? ` (${a.displayValue})` : ""}`);
      const row: LighthouseRow = {
        page: p.page,
        url: p.path,
        network: p.network ?? "slow-4g",
        scores: { performance: score("performance"), accessibility: score("accessibility"), "best-practices": score("best-practices"), seo: score("seo") },
        lcp_ms: Math.round(lhr.audits["largest-contentful-paint"].numericValue),
        cls: Number(lhr.audits["cumulative-layout-shift"].numericValue.toFixed(4)),
        tbt_ms: Math.round(lhr.audits["total-blocking-time"].numericValue),
        fcp_ms: Math.round(lhr.audits["first-contentful-paint"].numericValue),
        lcp_element: lcpElement(lhr),
        benchmark_index: lhr.environment?.benchmarkIndex ?? null,
        failing: [...new Set(failing)],
      };
      rows.push(row);
      log(`lighthouse ${row.page} (${row.network}): P${row.scores.performance} A${row.scores.accessibility} BP${row.scores["best-practices"]} SEO${row.scores.seo}; LCP ${row.lcp_ms} ms, CLS ${row.cls}, TBT ${row.tbt_ms} ms; LCP element ${row.lcp_element}${row.failing.length ? `; failing: ${row.failing.join(", ")}` : ""}`);
    }
  } finally {
    chrome.kill();
    await server.stop();
  }
  const version = (await import("lighthouse/package.json", { with: { type: "json" } })).default.version as string;
  return { measured_at: new Date().toISOString(), lighthouse: version, chromium: chromiumPath, rows };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const out = await lighthouseBench();
  process.stdout.write(JSON.stringify(out, null, 2) + "\n");
  void ROOT;
}
