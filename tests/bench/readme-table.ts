// Rewrites the benchmark table in README.md (between the bench markers) from tests/bench/results.json.
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { ROOT } from "../../db/cli/paths.ts";

const r = JSON.parse(readFileSync(path.join(ROOT, "tests/bench/results.json"), "utf8"));
const kb = (n: number | undefined) => (n === undefined ? "—" : `${(n / 1024).toFixed(1)} KB`);
const row = (cells: (string | number)[]) => `| ${cells.join(" | ")} |`;
const lat = (label: string, l: any) =>
  l
    ? [
        ...(l.single ? [row([`${label}: /api/search p50 / p95, one client`, `${l.single.search_p50_ms} / ${l.single.search_p95_ms} ms`, `/health ${l.single.trivial_p50_ms} / ${l.single.trivial_p95_ms} ms → ×${l.single.ratio_p50} / ×${l.single.ratio_p95}`, ""])] : []),
        row([`${label}: /api/search p50 / p95, 8 clients`, `${l.api.search_p50_ms} / ${l.api.search_p95_ms} ms`, `/health ${l.api.trivial_p50_ms} / ${l.api.trivial_p95_ms} ms → ×${l.api.ratio_p50} / ×${l.api.ratio_p95}`, "p95 ≤ ×2"]),
        row([`${label}: /search (HTML) p50 / p95, 8 clients`, `${l.html.search_p50_ms} / ${l.html.search_p95_ms} ms`, `/health ${l.html.trivial_p50_ms} / ${l.html.trivial_p95_ms} ms → ×${l.html.ratio_p50} / ×${l.html.ratio_p95}`, "p95 ≤ ×2"]),
      ]
    : [];
const KIND_LABELS: Record<string, string> = { one_char: "1 character", two_char: "2 characters", kana_reading: "kana reading", author: "author", isbn: "ISBN" };
function scaleRows(s: any): string[] {
  if (!s?.bulk) return [];
  const n = s.bulk.totals?.records;
  const gb = (b: number) => `${(b / 1e9).toFixed(2)} GB (${b.toLocaleString("en")} bytes)`;
  const out = [
    row([
      `catalogue of ${n} records: import`,
      `${s.bulk_total?.seconds ?? s.bulk.seconds} s bulk for ${s.bulk_total?.records ?? s.bulk.written} copies (${s.bulk_total?.records_per_second ?? s.bulk.records_per_second} records/s, index built per row); database ${gb(s.bulk.database_bytes)}`,
      `the real importer: ${s.base?.importer_probe?.records_per_second} records/s on ${s.base?.importer_probe?.records} copies → ≈ ${Math.round((s.importer_extrapolated_seconds_for_target ?? 0) / 60)} min for ${s.target_records}; ${s.bulk.totals?.record_grams} gram rows, ${s.bulk.totals?.items} copies`,
      "≤ 10 GB (D1)",
    ]),
  ];
  for (const [kind, k] of Object.entries<any>(s.latency?.by_kind ?? {})) {
    out.push(
      row([
        `${n} records, ${KIND_LABELS[kind] ?? kind} (${k.queries.join(" · ")}): /api/search p50 / p95, one client`,
        `${k.single.search_p50_ms} / ${k.single.search_p95_ms} ms`,
        `/health ${k.single.trivial_p50_ms} / ${k.single.trivial_p95_ms} ms → ×${k.single.ratio_p50} / ×${k.single.ratio_p95}; 8 clients p95 ×${k.eight_clients.ratio_p95}`,
        "8 clients p95 ≤ ×2",
      ]),
    );
  }
  if (s.static_build) {
    out.push(
      row([
        `static build over ${n} records`,
        `${s.static_build.record_pages} record pages in ${s.static_build.seconds} s (${s.static_build.seconds_per_10k_pages} s per 10k)`,
        `peak RSS ${s.static_build.peak_rss_mb} MB; the rest rendered by the Worker`,
        "stops at MAX_STATIC_RECORD_PAGES",
      ]),
    );
  }
  return out;
}

const lines = [
  `Measured ${r.measured_at?.slice(0, 10)} on ${r.machine?.cpus} cores (${r.machine?.cpu}), ${r.machine?.memory_gb} GB, Node ${r.machine?.node}; ` +
    `${r.load?.concurrency} concurrent clients for ${r.load?.seconds_per_phase} s per phase, each alternating /health and a search over ${r.load?.queries?.length} real queries.`,
  "",
  row(["figure", "measured", "compared with", "target"]),
  row(["---", "---", "---", "---"]),
  ...lat(`demo, ${r.demo?.records} records`, r.demo?.latency),
  ...lat(`large, ${r.large?.records} records`, r.large?.latency),
  ...(r.large?.static_build
    ? [
        row(["static build, large library", `${r.large.static_build.seconds_per_10k_pages} s per 10k record pages`, `${r.large.static_build.record_pages} pages in ${r.large.static_build.seconds} s, peak RSS ${r.large.static_build.peak_rss_mb} MB`, "≤ 10 s per 10k"]),
      ]
    : []),
  ...(r.holds
    ? [
        row([
          `「予約申込」: ${r.holds.place_requests} concurrent from ${r.holds.patrons} patrons on ${r.holds.records} records, p50 / p95`,
          `${r.holds.place_p50_ms} / ${r.holds.place_p95_ms} ms; ${r.holds.placed} placed of ${r.holds.expected_placed} expected (${r.holds.exact ? "exact" : "NOT exact"}), max ${r.holds.max_active_per_patron} active, ${r.holds.duplicate_active_holds} duplicates, ${r.holds.errors_5xx} 5xx`,
          `/health ${r.holds.health_p50_ms} / ${r.holds.health_p95_ms} ms in the same burst → p95 ×${r.holds.ratio_p95}`,
          "exact, no 5xx, p95 ≤ ×3",
        ]),
      ]
    : []),
  ...(r.counter?.day
    ? [
        row([
          `a day at the counter: ${r.counter.day.actions} check-ins and checkouts, ${r.counter.day.branches} branches, ${r.counter.day.counters_at_once} counters at once, holds waiting on ${r.counter.day.records_with_waiting_holds} of ${r.counter.day.records} records: checkout / check-in p95`,
          `${r.counter.day.checkout_p95_ms} / ${r.counter.day.checkin_p95_ms} ms; ${r.counter.day.errors} errors, ${r.counter.day.loans_made} loans, check-in outcomes ${Object.entries(r.counter.day.checkin_outcomes ?? {}).map(([k, v]) => `${k} ${v}`).join(", ")}`,
          `/health p95 ${r.counter.day.health_p95_ms} ms under the same load → ×${r.counter.day.checkout_ratio_p95} / ×${r.counter.day.checkin_ratio_p95}`,
          "0 errors",
        ]),
      ]
    : []),
  ...(r.counter?.expiry
    ? [
        row([
          `expiry job over ${r.counter.expiry.ready_holds} overdue ready holds (${r.counter.expiry.waiting_holds_behind} waiting behind them)`,
          `${r.counter.expiry.seconds} s; ${r.counter.expiry.expired} expired, ${r.counter.expiry.passed_on} copies passed on, ${r.counter.expiry.left_overdue} left`,
          "one `/__scheduled` run against `wrangler dev`",
          "",
        ]),
      ]
    : []),
  ...(r.mail
    ? [
        row([
          `outbox sender: ${r.mail.mails} pending mails, two send-mail runs at a time`,
          `${r.mail.seconds} s (${r.mail.mails_per_second} mails/s, ${r.mail.runs} runs); ${r.mail.sent} sent, ${r.mail.duplicates} sent twice, ${r.mail.left} left, ${r.mail.attempts_recorded} attempts recorded`,
          "`/__scheduled` against `wrangler dev`, the dev mailbox as the provider",
          "each once, none left",
        ]),
      ]
    : []),
  // Issue 10 item 7: the catalogue at a large city library's size (BENCH_ONLY=scale).
  ...scaleRows(r.scale),
  row(["record page HTML (brotli)", kb(r.bytes?.record_html), "", "≤ 12 KB"]),
  row(["record page, whole first visit (brotli)", kb(r.bytes?.record_first_visit_total), `${r.bytes?.record_first_visit?.requests} requests: HTML ${kb(r.bytes?.record_first_visit?.html)}, CSS ${kb(r.bytes?.record_first_visit?.css)}, JS ${kb(r.bytes?.record_first_visit?.js)}`, "≤ 30 KB"]),
  // Issue 10 item 6: the peers' figures the issue names, beside ours.
  row(["record page JavaScript (brotli)", kb(r.bytes?.record_first_visit?.js), `peers: Koha's OPAC ≥ 120 KB gzipped JS on every page; Aspen one 854 KB script; VuFind's theme 19 scripts`, "≤ 12 KB"]),
  row(["search page HTML (brotli)", kb(r.bytes?.search_html), `first visit ${kb(r.bytes?.search_first_visit?.total)}`, "≤ 14 KB, no JS needed"]),
  row(["guide page HTML (brotli)", kb(r.bytes?.guide_html), `JS on the guide: ${r.bytes?.guide_js} bytes`, "≤ 12 KB, 0 KB JS"]),
  row(["home page HTML (brotli)", kb(r.bytes?.home_html), r.bytes?.home_first_visit ? `first visit ${kb(r.bytes.home_first_visit.total)}, ${r.bytes.home_first_visit.requests} requests, JS ${kb(r.bytes.home_first_visit.js)}` : "", "≤ 12 KB"]),
  ...(r.bytes?.cart_first_visit ? [row(["cart page, first visit (brotli)", kb(r.bytes.cart_first_visit.total), `${r.bytes.cart_first_visit.requests} requests, JS ${kb(r.bytes.cart_first_visit.js)}`, ""])] : []),
  ...(r.bytes?.account_js_total !== undefined
    ? [row(["account pages' JavaScript, each file once (login, 「予約状況一覧」, 「貸出状況一覧」, mail settings)", kb(r.bytes.account_js_total), Object.entries<any>(r.bytes.account_pages ?? {}).map(([k, v]) => `${k} ${kb(v.js)}`).join(" · "), "≤ 20 KB"])]
    : []),
  ...(r.bytes?.sw_js ? [row(["service worker /sw.js (brotli)", kb(r.bytes.sw_js), "", "≤ 15 KB"])] : []),
  ...lighthouseRows(r.lighthouse),
];

/** Lighthouse 13 (BENCH_ONLY=lighthouse): one row per page and network. */
function lighthouseRows(l: any): string[] {
  if (!l?.rows) return [];
  return l.rows.map((x: any) => {
    const sc = x.scores;
    const peer = x.page === "record" && x.network === "slow-4g" ? "peer: Open Library's record page scores 59 (mobile Lighthouse)" : "";
    const noindex = ["search", "cart", "holds", "loans"].includes(x.page) ? " (noindex on purpose)" : "";
    const target = x.network === "regular-3g" ? "LCP ≤ 1.8 s" : `100 / 100 / 100${noindex ? "" : " / SEO 100"}; LCP ≤ 1.0 s${x.page === "record" ? " (the title)" : ""}, CLS ≤ 0.01, TBT 0`;
    return row([
      `Lighthouse ${l.lighthouse}, ${x.page} ${x.url}, mobile, ${x.network === "regular-3g" ? "Regular 3G (300 ms, 700 kbps)" : "Slow 4G"}`,
      `Performance ${sc.performance}, Accessibility ${sc.accessibility}, Best Practices ${sc["best-practices"]}, SEO ${sc.seo}${noindex}; LCP ${x.lcp_ms} ms${x.lcp_element ? ` (${String(x.lcp_element).split(" <")[0]!.split(" > ").at(-1)})` : ""}, CLS ${x.cls}, TBT ${x.tbt_ms} ms`,
      [peer, x.benchmark_index ? `host benchmark index ${x.benchmark_index}` : ""].filter(Boolean).join("; "),
      target,
    ]);
  });
}
const perQuery = (label: string, l: any) =>
  l?.single?.per_query_p95_ms
    ? [`${label}, one client, p95 per query (ms): ` + Object.entries(l.single.per_query_p95_ms).map(([q, v]) => `${q} ${v}`).join(" · "), ""]
    : [];
lines.push("", ...perQuery(`Demo (${r.demo?.records})`, r.demo?.latency), ...perQuery(`Large (${r.large?.records})`, r.large?.latency));
const readme = readFileSync(path.join(ROOT, "README.md"), "utf8");
const start = "<!-- bench:start -->";
const end = "<!-- bench:end -->";
const a = readme.indexOf(start);
const b = readme.indexOf(end);
if (a < 0 || b < a) throw new Error("README.md has no bench markers");
writeFileSync(path.join(ROOT, "README.md"), readme.slice(0, a + start.length) + "\n" + lines.join("\n") + "\n" + readme.slice(b));
