// Issue 7 benchmark: 200 concurrent 「予約申込」 from 50 logged-in patrons on 10 records against `wrangler dev`
// (R14 under load). Set-up on the local D1: 50 bench patrons (cards 29000000xx) with a password, each with 7 or 8
// active holds already (on other records); each logs in over HTTP and puts 3 of the 10 records in its cart. Then,
// all at once, every patron sends 4 submissions (its 3 records, one of them twice under two keys) while the same
// number of /health requests run in the same burst. Exact counts checked in the D1 afterwards: a patron with 7
// places 3, one with 8 places 2 (125 holds in all), no patron above 10 active, no two active holds of one patron on
// one record, no 5xx. p95 is given as a ratio to /health under the same load. Everything the bench made is removed.
import { ensureDevVars } from "../../db/cli/dev-vars.ts";
import { openLocalPlatform } from "../../db/cli/platform.ts";
import { hashPassword } from "../../worker/src/services/password-hash.ts";
import { Jar, send } from "./client.ts";
import { percentile } from "./load.ts";

const PATRONS = 50;
const RECORDS = 10;
const PER_PATRON = 4;
const CARD_PREFIX = "29000000";
const PASSWORD = "Bench2026x";

type D1 = Awaited<ReturnType<typeof openLocalPlatform>>["d1"];

async function cleanup(d1: D1): Promise<void> {
  const ids = `SELECT id FROM patrons WHERE card_number LIKE '${CARD_PREFIX}%'`;
  for (const sql of [
    `DELETE FROM holds WHERE patron_id IN (${ids})`,
    `DELETE FROM cart_lines WHERE patron_id IN (${ids})`,
    `DELETE FROM sessions WHERE patron_id IN (${ids})`,
    `DELETE FROM credentials WHERE patron_id IN (${ids})`,
    `DELETE FROM idempotency_keys WHERE scope IN (SELECT 'holds:' || id FROM patrons WHERE card_number LIKE '${CARD_PREFIX}%')`,
    `DELETE FROM patrons WHERE card_number LIKE '${CARD_PREFIX}%'`,
  ])
    await d1.prepare(sql).run();
}

/** The 10 bench records (holdable) and, per patron, the other records its earlier holds are on. */
async function setUp(d1: D1): Promise<{ records: number[]; others: number[]; patrons: { id: number; card: string; pre: number }[] }> {
  await cleanup(d1);
  const holdable = await d1
    .prepare(
      `SELECT r.id FROM records r WHERE EXISTS (SELECT 1 FROM items i JOIN branches b ON b.id = i.branch_id
         WHERE i.record_id = r.id AND i.loanable = 1 AND b.in_city = 1 AND i.status IN ('on_shelf','on_loan','in_transit','on_hold_shelf'))
       ORDER BY r.id LIMIT ?`,
    )
    .bind(RECORDS + 8)
    .all<{ id: number }>();
  const ids = holdable.results.map((r) => r.id);
  const records = ids.slice(0, RECORDS);
  const others = ids.slice(RECORDS);
  const home = (await d1.prepare("SELECT id FROM branches WHERE is_pickup = 1 ORDER BY sort_order, id LIMIT 1").first<{ id: number }>())!.id;
  const { PASSWORD_PEPPER } = ensureDevVars();
  const hash = await hashPassword(PASSWORD, PASSWORD_PEPPER!);
  const now = Date.now();
  const patrons = [];
  for (let i = 0; i < PATRONS; i++) {
    const card = `${CARD_PREFIX}${String(i).padStart(2, "0")}`;
    const row = await d1
      .prepare("INSERT INTO patrons (card_number, name, birth_date, phone, phone_digits, home_branch_id, status, created_at) VALUES (?, ?, '1990-01-01', '093-000-0000', '0930000000', ?, 'active', ?) RETURNING id")
      .bind(card, `ベンチ ${i}`, home, now)
      .first<{ id: number }>();
    await d1.prepare("INSERT INTO credentials (patron_id, hash, temporary, changed_at) VALUES (?, ?, 0, ?)").bind(row!.id, hash, now).run();
    const pre = i % 2 === 0 ? 7 : 8;
    const stmts = others.slice(0, pre).map((record) =>
      d1
        .prepare("INSERT INTO holds (patron_id, record_id, channel, pickup_branch_id, contact, status, placed_at, created_at, updated_at) VALUES (?, ?, 'paper', ?, 'none', 'waiting', ?, ?, ?)")
        .bind(row!.id, record, home, now, now, now),
    );
    await d1.batch(stmts);
    patrons.push({ id: row!.id, card, pre });
  }
  return { records, others, patrons };
}

export async function holdsBench(base: string) {
  const platform = await openLocalPlatform();
  try {
    const { records, patrons } = await setUp(platform.d1);
    const pickup = (await platform.d1.prepare("SELECT id FROM branches WHERE is_pickup = 1 ORDER BY sort_order, id LIMIT 1").first<{ id: number }>())!.id;
    // Log in, fill the cart (3 of the 10 records), open 「予約申込」 for the CSRF token.
    const clients = [];
    for (const [i, p] of patrons.entries()) {
      const jar = new Jar();
      const login = await send(base, jar, "/api/session", { json: { card: p.card, password: PASSWORD } });
      if (login.status !== 200) throw new Error(`bench login ${p.card}: ${login.status} ${await login.text()}`);
      await login.arrayBuffer();
      const mine = [records[i % RECORDS]!, records[(i + 3) % RECORDS]!, records[(i + 7) % RECORDS]!];
      for (const r of mine) (await send(base, jar, "/cart", { form: [["recordId", String(r)]] })).arrayBuffer();
      const page = await (await send(base, jar, "/holds/apply", { html: true })).text();
      jar.takeToken(page);
      clients.push({ jar, mine, patron: p });
    }
    // The burst: every patron's 4 submissions (its 3 records, the first twice under two keys) and as many /health.
    const placeTimes: number[] = [];
    const healthTimes: number[] = [];
    const statuses: Record<string, number> = {};
    const key = () => Buffer.from(crypto.getRandomValues(new Uint8Array(18))).toString("base64url");
    const timed = async (into: number[], f: () => Promise<Response>) => {
      const t0 = performance.now();
      const res = await f();
      await res.arrayBuffer();
      into.push(performance.now() - t0);
      statuses[res.status] = (statuses[res.status] ?? 0) + 1;
    };
    const jobs: Promise<void>[] = [];
    for (const c of clients) {
      const lines = [c.mine[0]!, c.mine[0]!, c.mine[1]!, c.mine[2]!];
      for (let j = 0; j < PER_PATRON; j++) {
        const form: [string, string][] = [["idempotencyKey", key()], ["pickupBranchId", String(pickup)], ["contact", "phone"], ["recordId", String(lines[j])]];
        jobs.push(timed(placeTimes, () => send(base, c.jar, "/holds/apply", { form })));
        jobs.push(timed(healthTimes, () => fetch(base + "/health")));
      }
    }
    const t0 = performance.now();
    await Promise.all(jobs);
    const seconds = (performance.now() - t0) / 1000;
    // Exact counts, from the database.
    const ids = patrons.map((p) => p.id).join(",");
    const perPatron = (
      await platform.d1.prepare(`SELECT patron_id, count(*) AS n FROM holds WHERE patron_id IN (${ids}) AND status IN ('waiting','in_transit','ready') GROUP BY patron_id`).all<{ patron_id: number; n: number }>()
    ).results;
    const duplicates = (
      await platform.d1
        .prepare(`SELECT count(*) AS n FROM (SELECT patron_id, record_id FROM holds WHERE patron_id IN (${ids}) AND status IN ('waiting','in_transit','ready') GROUP BY patron_id, record_id HAVING count(*) > 1)`)
        .first<{ n: number }>()
    )!.n;
    const placed = (await platform.d1.prepare(`SELECT count(*) AS n FROM holds WHERE patron_id IN (${ids}) AND channel = 'web'`).first<{ n: number }>())!.n;
    const expected = patrons.reduce((sum, p) => sum + Math.min(3, 10 - p.pre), 0);
    const maxActive = Math.max(...perPatron.map((r) => r.n));
    const round = (n: number) => Math.round(n * 100) / 100;
    const result = {
      patrons: PATRONS,
      records: RECORDS,
      place_requests: placeTimes.length,
      health_requests: healthTimes.length,
      seconds: round(seconds),
      statuses,
      errors_5xx: Object.entries(statuses).filter(([s]) => Number(s) >= 500).reduce((n, [, v]) => n + v, 0),
      placed,
      expected_placed: expected,
      exact: placed === expected && maxActive <= 10 && duplicates === 0,
      max_active_per_patron: maxActive,
      duplicate_active_holds: duplicates,
      place_p50_ms: round(percentile(placeTimes, 50)),
      place_p95_ms: round(percentile(placeTimes, 95)),
      health_p50_ms: round(percentile(healthTimes, 50)),
      health_p95_ms: round(percentile(healthTimes, 95)),
      ratio_p95: round(percentile(placeTimes, 95) / percentile(healthTimes, 95)),
    };
    return result;
  } finally {
    await cleanup(platform.d1);
    await platform.dispose();
  }
}
