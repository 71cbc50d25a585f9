// Issue 8 benchmark, "a day at the counter", against `wrangler dev` over HTTP with staff sessions:
//  1. 2,000 counter actions across the 16 pickup branches — 1,000 copies (2 per record, 500 bench records, spread
//     over the branches), each lent at its branch (POST /staff/checkout) to one of 200 bench patrons and then returned
//     (POST /staff/checkin) at another branch, with waiting holds on a fifth of the records (so returns trap copies:
//     ready here, in transit, home). 8 counters at once, each alternating an action with /health, so both see the
//     same load: p95 per action as a ratio to /health; 0 errors (every answer 200 with its 「貸し出しました」 /
//     「…を受け付けました」, no 5xx); the counts checked in the D1 afterwards (no open loan left, no copy set aside twice).
//  2. The expiry job over 10,000 ready holds past their shelf day (1,000 bench records, 10,000 copies; a waiting hold
//     on a fifth of the records, so 200 copies are passed on): the nightly cron run through wrangler dev's
//     /__scheduled?cron=… (--test-scheduled), timed from the request until the D1 shows no overdue ready hold left
//     (the job runs in ctx.waitUntil, after /__scheduled has answered).
// Everything the bench made is removed afterwards (cards 291…/292…, staff bench-desk-*, records source 'bench-circ').
import { ensureDevVars } from "../../db/cli/dev-vars.ts";
import { openLocalPlatform } from "../../db/cli/platform.ts";
import { hashPassword } from "../../worker/src/services/password-hash.ts";
import { CRON_NIGHTLY } from "../../worker/src/jobs/schedule.ts";
import { Jar, send } from "./client.ts";
import { percentile } from "./load.ts";

const SOURCE = "bench-circ";
const COUNTER_RECORDS = 500;
const COPIES_PER_RECORD = 2;
const BORROWERS = 200;
const HOLDERS = 200; // 2 waiting holds on each of 100 records (a fifth of the 500)
const CONCURRENCY = 8;
const EXPIRY_HOLDS = 10_000;
const EXPIRY_RECORDS = 1_000;
const STAFF_PASSWORD = "Bench-Desk-2026";

type D1 = Awaited<ReturnType<typeof openLocalPlatform>>["d1"];

async function tokenOf(base: string, jar: Jar, path: string): Promise<void> {
  jar.takeToken(await (await send(base, jar, path, { html: true })).text());
}

const BENCH_PATRONS = `SELECT id FROM patrons WHERE card_number LIKE '291%' OR card_number LIKE '292%'`;
const BENCH_ITEMS = `SELECT i.id FROM items i JOIN records r ON r.id = i.record_id WHERE r.source = '${SOURCE}'`;

async function cleanup(d1: D1): Promise<void> {
  for (const sql of [
    `DELETE FROM loans WHERE item_id IN (${BENCH_ITEMS}) OR patron_id IN (${BENCH_PATRONS})`,
    `DELETE FROM item_transits WHERE item_id IN (${BENCH_ITEMS})`,
    `DELETE FROM holds WHERE patron_id IN (${BENCH_PATRONS}) OR record_id IN (SELECT id FROM records WHERE source = '${SOURCE}')`,
    `DELETE FROM items WHERE record_id IN (SELECT id FROM records WHERE source = '${SOURCE}')`,
    `DELETE FROM sessions WHERE staff_id IN (SELECT id FROM staff_users WHERE login LIKE 'bench-desk-%')`,
    `DELETE FROM audit_log WHERE actor_kind = 'staff' AND actor_id IN (SELECT id FROM staff_users WHERE login LIKE 'bench-desk-%')`,
    `DELETE FROM staff_users WHERE login LIKE 'bench-desk-%'`,
    `DELETE FROM patrons WHERE card_number LIKE '291%' OR card_number LIKE '292%'`,
    `DELETE FROM records WHERE source = '${SOURCE}'`,
  ]) {
    try {
      await d1.prepare(sql).run();
    } catch (err) {
      console.warn(`bench cleanup: ${sql.slice(0, 60)}…: ${(err as Error).message}`);
    }
  }
}

/** `n` rows 0..n-1 for INSERT … SELECT. */
const seq = (n: number) => `WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < ${n - 1})`;

async function insertPatrons(d1: D1, prefix: string, count: number, now: number): Promise<void> {
  await d1
    .prepare(
      `INSERT INTO patrons (card_number, name, birth_date, phone, phone_digits, home_branch_id, status, created_at)
       ${seq(count)} SELECT '${prefix}' || printf('%07d', i), 'ベンチ 利用者' || i, '1990-01-01', '093-000-0000', '0930000000',
         (SELECT id FROM branches WHERE is_pickup = 1 ORDER BY id LIMIT 1), 'active', ${now} FROM n`,
    )
    .run();
}

async function insertRecords(d1: D1, tag: string, count: number, now: number): Promise<void> {
  await d1
    .prepare(`INSERT INTO records (source, source_id, title, created_at, updated_at) ${seq(count)} SELECT '${SOURCE}', '${tag}-' || i, 'ベンチの本 ${tag} ' || i, ${now}, ${now} FROM n`)
    .run();
}

interface Branch {
  id: number;
  code: string;
}

async function pickupBranches(d1: D1): Promise<Branch[]> {
  return (await d1.prepare("SELECT id, code FROM branches WHERE is_pickup = 1 ORDER BY sort_order, id LIMIT 16").all<Branch>()).results;
}

// ---- 1. a day at the counter -------------------------------------------------------------------------------------

export async function counterBench(base: string) {
  const platform = await openLocalPlatform();
  const d1 = platform.d1;
  try {
    await cleanup(d1);
    const now = Date.now();
    const branches = await pickupBranches(d1);
    const { PASSWORD_PEPPER } = ensureDevVars();
    const hash = await hashPassword(STAFF_PASSWORD, PASSWORD_PEPPER!);
    for (const b of branches) {
      await d1.prepare("INSERT INTO staff_users (login, hash, role, branch_id, active, created_at) VALUES (?, ?, 'counter', ?, 1, ?)").bind(`bench-desk-${b.code}`, hash, b.id, now).run();
    }
    await insertPatrons(d1, "291", BORROWERS, now);
    await insertPatrons(d1, "2929", HOLDERS, now);
    await insertRecords(d1, "desk", COUNTER_RECORDS, now);
    const recordIds = (await d1.prepare(`SELECT id FROM records WHERE source = '${SOURCE}' AND source_id LIKE 'desk-%' ORDER BY id`).all<{ id: number }>()).results.map((r) => r.id);
    // Copies: record k's copies at branches (2k) % 16 and (2k + 1) % 16.
    const copyRows: { barcode: string; recordId: number; branchId: number }[] = [];
    recordIds.forEach((recordId, k) => {
      for (let c = 0; c < COPIES_PER_RECORD; c++) copyRows.push({ barcode: `BENCH-DESK-${k}-${c}`, recordId, branchId: branches[(k * COPIES_PER_RECORD + c) % branches.length]!.id });
    });
    for (let i = 0; i < copyRows.length; i += 12) {
      const part = copyRows.slice(i, i + 12);
      await d1
        .prepare(`INSERT INTO items (barcode, record_id, branch_id, current_branch_id, loanable, status, shelf_mark, created_at) VALUES ${part.map(() => "(?, ?, ?, ?, 1, 'on_shelf', '913.6', ?)").join(", ")}`)
        .bind(...part.flatMap((r) => [r.barcode, r.recordId, r.branchId, r.branchId, now]))
        .run();
    }
    // Waiting holds on a fifth of the records: 2 each, pickup at various branches.
    const holders = (await d1.prepare("SELECT id FROM patrons WHERE card_number LIKE '2929%' ORDER BY id").all<{ id: number }>()).results.map((r) => r.id);
    const held = recordIds.filter((_, k) => k % 5 === 0);
    const holdStmts = held.flatMap((recordId, k) =>
      [0, 1].map((j) =>
        d1
          .prepare("INSERT INTO holds (patron_id, record_id, channel, pickup_branch_id, contact, status, placed_at, created_at, updated_at) VALUES (?, ?, 'web', ?, 'none', 'waiting', ?, ?, ?)")
          .bind(holders[(k * 2 + j) % holders.length]!, recordId, branches[(k * 3 + j * 5) % branches.length]!.id, now - 1000 + j, now, now),
      ),
    );
    for (let i = 0; i < holdStmts.length; i += 50) await d1.batch(holdStmts.slice(i, i + 50));
    const borrowers = (await d1.prepare("SELECT card_number FROM patrons WHERE card_number LIKE '291%' ORDER BY id").all<{ card_number: string }>()).results.map((r) => r.card_number);

    // One staff session per branch (each counter acts for its own branch).
    const desks = new Map<number, Jar>();
    for (const b of branches) {
      const jar = new Jar();
      await tokenOf(base, jar, "/staff/login");
      const res = await send(base, jar, "/staff/login", { form: [["login", `bench-desk-${b.code}`], ["password", STAFF_PASSWORD], ["next", ""]] });
      if (res.status !== 303) throw new Error(`bench staff login ${b.code}: ${res.status} ${await res.text()}`);
      await res.arrayBuffer();
      await tokenOf(base, jar, "/staff/checkin");
      desks.set(b.id, jar);
    }

    const times = { checkout: [] as number[], checkin: [] as number[], health: [] as number[] };
    const statuses: Record<string, number> = {};
    let errors = 0;
    const outcomes: Record<string, number> = {};
    const timed = async (into: number[], f: () => Promise<Response>, expect?: RegExp) => {
      const t0 = performance.now();
      let res: Response;
      try {
        res = await f();
      } catch {
        errors++;
        return;
      }
      const text = await res.text();
      into.push(performance.now() - t0);
      statuses[res.status] = (statuses[res.status] ?? 0) + 1;
      if (res.status !== 200 || (expect && !expect.test(text))) errors++;
      const o = /<p class="outcome">([^<]{0,40})/.exec(text)?.[1];
      if (o && into === times.checkin) {
        const key = o.includes("取置棚") ? "ready" : o.includes("搬送") ? "transit" : o.includes("所蔵館") ? "home" : o.includes("書架") ? "shelf" : "other";
        outcomes[key] = (outcomes[key] ?? 0) + 1;
      }
    };
    let next = 0;
    const t0 = performance.now();
    const worker = async () => {
      for (;;) {
        const j = next++;
        if (j >= copyRows.length) return;
        const copy = copyRows[j]!;
        const card = borrowers[j % borrowers.length]!;
        const returnAt = branches[(j * 7 + 3) % branches.length]!.id;
        await timed(times.health, () => fetch(base + "/health"));
        await timed(times.checkout, () => send(base, desks.get(copy.branchId)!, "/staff/checkout", { form: [["cardNumber", card], ["barcode", copy.barcode]] }), /貸し出しました/);
        await timed(times.health, () => fetch(base + "/health"));
        await timed(times.checkin, () => send(base, desks.get(returnAt)!, "/staff/checkin", { form: [["barcode", copy.barcode]] }), /返却を受け付けました/);
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    const seconds = (performance.now() - t0) / 1000;

    const openLoans = (await d1.prepare(`SELECT count(*) AS n FROM loans WHERE item_id IN (${BENCH_ITEMS}) AND returned_at IS NULL`).first<{ n: number }>())!.n;
    const loansMade = (await d1.prepare(`SELECT count(*) AS n FROM loans WHERE item_id IN (${BENCH_ITEMS})`).first<{ n: number }>())!.n;
    const allocated = (await d1.prepare(`SELECT count(*) AS n FROM holds WHERE record_id IN (SELECT id FROM records WHERE source = '${SOURCE}') AND status IN ('in_transit','ready')`).first<{ n: number }>())!.n;
    const round = (n: number) => Math.round(n * 100) / 100;
    const health95 = percentile(times.health, 95);
    return {
      branches: branches.length,
      counters_at_once: CONCURRENCY,
      copies: copyRows.length,
      records: COUNTER_RECORDS,
      records_with_waiting_holds: held.length,
      actions: times.checkout.length + times.checkin.length,
      seconds: round(seconds),
      statuses,
      errors,
      loans_made: loansMade,
      open_loans_after: openLoans,
      holds_set_aside: allocated,
      checkin_outcomes: outcomes,
      checkout_p50_ms: round(percentile(times.checkout, 50)),
      checkout_p95_ms: round(percentile(times.checkout, 95)),
      checkin_p50_ms: round(percentile(times.checkin, 50)),
      checkin_p95_ms: round(percentile(times.checkin, 95)),
      health_p50_ms: round(percentile(times.health, 50)),
      health_p95_ms: round(health95),
      checkout_ratio_p95: round(percentile(times.checkout, 95) / health95),
      checkin_ratio_p95: round(percentile(times.checkin, 95) / health95),
    };
  } finally {
    await cleanup(d1);
    await platform.dispose();
  }
}

// ---- 2. the expiry job over 10,000 ready holds ------------------------------------------------------------------

export async function expiryBench(base: string) {
  const platform = await openLocalPlatform();
  const d1 = platform.d1;
  try {
    await cleanup(d1);
    const now = Date.now();
    const branches = await pickupBranches(d1);
    const patrons = EXPIRY_HOLDS / 10; // 10 ready holds each (R14's limit), on 10 different records
    await insertPatrons(d1, "2920", patrons, now);
    await insertPatrons(d1, "2921", EXPIRY_RECORDS / 5, now);
    await insertRecords(d1, "exp", EXPIRY_RECORDS, now);
    const firstRecord = (await d1.prepare(`SELECT min(id) AS id FROM records WHERE source = '${SOURCE}' AND source_id LIKE 'exp-%'`).first<{ id: number }>())!.id;
    const firstPatron = (await d1.prepare("SELECT min(id) AS id FROM patrons WHERE card_number LIKE '2920%'").first<{ id: number }>())!.id;
    const firstWaiter = (await d1.prepare("SELECT min(id) AS id FROM patrons WHERE card_number LIKE '2921%'").first<{ id: number }>())!.id;
    const branchCase = `CASE (i % ${branches.length}) ${branches.map((b, k) => `WHEN ${k} THEN ${b.id}`).join(" ")} END`;
    // Copies on the hold shelf, one per ready hold (ids contiguous in this fresh insert).
    await d1
      .prepare(
        `INSERT INTO items (barcode, record_id, branch_id, current_branch_id, loanable, status, shelf_mark, created_at)
         ${seq(EXPIRY_HOLDS)} SELECT 'BENCH-EXP-' || i, ${firstRecord} + (i % ${EXPIRY_RECORDS}), ${branchCase}, ${branchCase}, 1, 'on_hold_shelf', '913.6', ${now} FROM n`,
      )
      .run();
    await d1
      .prepare(
        `INSERT INTO holds (patron_id, record_id, channel, pickup_branch_id, contact, status, placed_at, item_id, ready_at, contact_date, shelf_until, created_at, updated_at)
         ${seq(EXPIRY_HOLDS)} SELECT ${firstPatron} + (i / 10), ${firstRecord} + (i % ${EXPIRY_RECORDS}), 'web', ${branchCase}, 'none', 'ready', ${now - 20 * 86_400_000},
           (SELECT id FROM items WHERE barcode = 'BENCH-EXP-' || i), ${now - 10 * 86_400_000}, '2026-01-01', '2026-01-10', ${now}, ${now} FROM n`,
      )
      .run();
    // A waiting hold on a fifth of the records: their first expiring copy is passed on to it.
    await d1
      .prepare(
        `INSERT INTO holds (patron_id, record_id, channel, pickup_branch_id, contact, status, placed_at, created_at, updated_at)
         ${seq(EXPIRY_RECORDS / 5)} SELECT ${firstWaiter} + i, ${firstRecord} + i * 5, 'web', ${branchCase}, 'none', 'waiting', ${now - 86_400_000}, ${now}, ${now} FROM n`,
      )
      .run();
    const overdue = async () => (await d1.prepare("SELECT count(*) AS n FROM holds WHERE status = 'ready' AND shelf_until < '2026-01-11' AND record_id >= ?").bind(firstRecord).first<{ n: number }>())!.n;
    const before = await overdue();
    const t0 = performance.now();
    const res = await fetch(`${base}/__scheduled?cron=${encodeURIComponent(CRON_NIGHTLY)}`);
    const status = res.status;
    await res.arrayBuffer();
    const answered = performance.now() - t0;
    let left = before;
    const deadline = Date.now() + 10 * 60_000;
    while (left > 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
      left = await overdue();
    }
    const seconds = (performance.now() - t0) / 1000;
    const expired = (await d1.prepare("SELECT count(*) AS n FROM holds WHERE status = 'cancelled' AND cancel_reason = 'expired' AND record_id >= ?").bind(firstRecord).first<{ n: number }>())!.n;
    const passedOn = (
      await d1.prepare(`SELECT count(*) AS n FROM holds WHERE patron_id IN (SELECT id FROM patrons WHERE card_number LIKE '2921%') AND status IN ('ready','in_transit')`).first<{ n: number }>()
    )!.n;
    return {
      ready_holds: before,
      waiting_holds_behind: EXPIRY_RECORDS / 5,
      via: "wrangler dev --test-scheduled, GET /__scheduled?cron=" + CRON_NIGHTLY + " (timed until no overdue ready hold is left)",
      scheduled_status: status,
      scheduled_answered_ms: Math.round(answered),
      seconds: Math.round(seconds * 100) / 100,
      expired,
      passed_on: passedOn,
      left_overdue: left,
    };
  } finally {
    await cleanup(d1);
    await platform.dispose();
  }
}
