// Issue 8 item 7: the demo's circulation, so that `npm start` on a fresh clone shows 2100000001 (北九 太郎) a real
// 「貸出状況一覧」 and 「予約状況一覧」: two loans — 吾輩は猫である, renewable, and 坊っちゃん, not renewable because
// 2100000004 holds the record (R32) — and a hold in each state: 三四郎 予約中です (waiting: its only copy is out),
// 変な音 取寄・準備中です (in transit: its copy was checked in at 門司図書館 for pickup at 中央図書館), 現代日本の開化
// ご用意できました (ready on 中央図書館's hold shelf, R21's deadline from the day after the ready day, when its mail notice is due), こころ 取り消し (cancelled
// by the patron, listed for two weeks: R33).
//
// Made the way a real week would make it, through the same services, never by writing rows: the patron places
// holds from the cart (services/cart.ts addToCart, services/hold-placement.ts submitApply) and cancels one
// (services/hold-status.ts cancelHold); the counters check copies out and in (services/circulation.ts checkOut,
// checkIn as counter-chuo and counter-moji). The days are set back from the seeding time (placed 6 days ago,
// borrowed 4 days ago, trapped yesterday), so due dates and the hold-shelf deadline lie ahead.
//
// Safe to repeat (`npm start` seeds on every start): each step looks at the state it would make first — the
// patron has held / borrowed that record before, in any state — and does nothing when it is there, so a second
// run adds nothing, and what the user did since (a renewal, a return, a pickup) is never undone.
//
// The records are named by title and author in the demo catalogue (db/seed/data: Aozora Bunko's 夏目漱石); where the
// catalogue lacks one (another data set), the first record that fits the same need, newest first, stands in.
import { sql } from "drizzle-orm";
import type { Db } from "../../worker/src/data/db.ts";
import { addToCart } from "../../worker/src/services/cart.ts";
import { checkIn, checkOut, type CounterActor } from "../../worker/src/services/circulation.ts";
import { applyAnswer, newFormKey, submitApply } from "../../worker/src/services/hold-placement.ts";
import { cancelHold } from "../../worker/src/services/hold-status.ts";

const DAY = 24 * 60 * 60_000;

export interface DemoCopyNeed {
  title: string;
  author: string;
  /** A loanable copy on the shelf of this branch (its own), the only loanable copy the record has there. */
  copyAt?: string;
}

export const DEMO_CIRCULATION = {
  patron: "2100000001",
  otherHolder: "2100000004",
  pickup: "chuo",
  counters: { chuo: "counter-chuo", moji: "counter-moji" },
  renewableLoan: { title: "吾輩は猫である", author: "夏目", copyAt: "chuo" },
  heldLoan: { title: "坊っちゃん", author: "夏目", copyAt: "chuo" },
  waiting: { title: "三四郎", author: "夏目" },
  inTransit: { title: "変な音", author: "夏目", copyAt: "moji" },
  ready: { title: "現代日本の開化", author: "夏目", copyAt: "chuo" },
  cancelled: { title: "こころ", author: "夏目" },
} as const satisfies Record<string, unknown>;

export interface DemoCirculationSummary {
  /** Steps done by this run (0 on a repeat). */
  done: string[];
  /** Steps already there. */
  skipped: string[];
}

interface Found {
  recordId: number;
  itemId: number | null;
  barcode: string | null;
}

async function idOf(db: Db, what: string, query: ReturnType<typeof sql>): Promise<number> {
  const row = await db.get<{ id: number } | undefined>(query);
  if (!row) throw new Error(`demo circulation: ${what} not found (run the demo seed first)`);
  return row.id;
}

/**
 * The record (and, with copyAt, its only loanable copy there) for a need. The named record is found by what never
 * changes (title, author, where its copy belongs), so a second run finds the same one whatever the first did to
 * it. A stand-in (`fresh` only: the patron has no loans or holds yet) must also be free now: the copy on its shelf,
 * nobody holding the record.
 */
async function findRecord(db: Db, need: DemoCopyNeed, used: Set<number>, branchIds: Map<string, number>, fresh: boolean): Promise<Found | null> {
  const exclude = used.size ? sql`AND r.id NOT IN (${sql.join([...used].map((id) => sql`${id}`), sql`, `)})` : sql``;
  const holdable = sql`EXISTS (SELECT 1 FROM items x JOIN branches b ON b.id = x.branch_id
    WHERE x.record_id = r.id AND x.loanable = 1 AND b.in_city = 1 AND x.status IN ('on_shelf','on_loan','in_transit','on_hold_shelf'))`;
  const pick = async (named: boolean): Promise<Found | undefined> => {
    const which = named
      ? sql`AND r.title = ${need.title} AND r.responsibility LIKE ${`%${need.author}%`} AND r.volume_label IS NULL`
      : sql`AND NOT EXISTS (SELECT 1 FROM holds h WHERE h.record_id = r.id) AND NOT EXISTS (SELECT 1 FROM cart_lines c WHERE c.record_id = r.id)`;
    if (need.copyAt) {
      const branch = branchIds.get(need.copyAt)!;
      return db.get<{ recordId: number; itemId: number; barcode: string } | undefined>(sql`
        SELECT r.id AS recordId, i.id AS itemId, i.barcode AS barcode FROM records r JOIN items i ON i.record_id = r.id
        WHERE i.branch_id = ${branch} AND i.loanable = 1
          AND (SELECT count(*) FROM items y WHERE y.record_id = r.id AND y.loanable = 1 AND y.branch_id = ${branch}) = 1
          ${named ? sql`` : sql`AND i.status = 'on_shelf' AND i.current_branch_id = ${branch}`}
          ${which} ${exclude}
        ORDER BY r.id DESC LIMIT 1`);
    }
    const row = await db.get<{ recordId: number } | undefined>(sql`
      SELECT r.id AS recordId FROM records r WHERE ${holdable} ${which} ${exclude}
      ORDER BY r.id DESC LIMIT 1`);
    return row ? { recordId: row.recordId, itemId: null, barcode: null } : undefined;
  };
  const found = (await pick(true)) ?? (fresh ? await pick(false) : undefined);
  if (!found) return null;
  used.add(found.recordId);
  return found;
}

async function everHeld(db: Db, patronId: number, recordId: number): Promise<{ id: number; status: string } | undefined> {
  return db.get<{ id: number; status: string } | undefined>(
    sql`SELECT id, status FROM holds WHERE patron_id = ${patronId} AND record_id = ${recordId} ORDER BY id DESC LIMIT 1`,
  );
}

async function everBorrowed(db: Db, patronId: number, recordId: number): Promise<boolean> {
  const row = await db.get<{ n: number }>(
    sql`SELECT count(*) AS n FROM loans l JOIN items i ON i.id = l.item_id WHERE l.patron_id = ${patronId} AND i.record_id = ${recordId}`,
  );
  return (row?.n ?? 0) > 0;
}

/** The patron's web application for these records (each added to the cart, then 「予約申込」), pickup at `pickup`. */
async function placeFromCart(db: Db, patronId: number, recordIds: number[], pickupBranchId: number, now: number): Promise<void> {
  if (recordIds.length === 0) return;
  for (const recordId of recordIds) await addToCart(db, { cartKey: null, recordId, patronId, now });
  const mail = await db.get<{ n: number }>(sql`SELECT count(*) AS n FROM mail_addresses WHERE patron_id = ${patronId} AND confirmed_at IS NOT NULL`);
  const formKey = newFormKey();
  await submitApply(db, {
    patronId,
    temporary: false,
    terminalId: null,
    cartKey: null,
    now,
    form: {
      formKey,
      recordIds: recordIds.map(String),
      pickupBranchId: String(pickupBranchId),
      contact: (mail?.n ?? 0) > 0 ? "mail" : "none",
      mailRecordIds: (mail?.n ?? 0) > 0 ? recordIds.map(String) : [],
    },
  });
  const answer = await applyAnswer(db, { patronId, formKey });
  const refused = answer?.lines.filter((l) => !l.placed) ?? [];
  if (!answer || refused.length) {
    throw new Error(`demo circulation: holds refused: ${refused.map((l) => `${l.title} (${l.reasons.join(", ")})`).join("; ") || "no answer"}`);
  }
}

export async function seedDemoCirculation(db: Db, now: number): Promise<DemoCirculationSummary> {
  const plan = DEMO_CIRCULATION;
  const done: string[] = [];
  const skipped: string[] = [];
  const step = (name: string, did: boolean) => (did ? done : skipped).push(name);

  const branchRows = await db.all<{ id: number; code: string }>(sql`SELECT id, code FROM branches`);
  const branchIds = new Map(branchRows.map((b) => [b.code, b.id]));
  const patronId = await idOf(db, plan.patron, sql`SELECT id FROM patrons WHERE card_number = ${plan.patron}`);
  const otherId = await idOf(db, plan.otherHolder, sql`SELECT id FROM patrons WHERE card_number = ${plan.otherHolder}`);
  const otherHome = await idOf(db, "home branch", sql`SELECT home_branch_id AS id FROM patrons WHERE id = ${otherId}`);
  const pickup = branchIds.get(plan.pickup)!;
  const counter = async (login: string): Promise<CounterActor> => {
    const s = await db.get<{ id: number; role: "counter" | "admin"; branchId: number } | undefined>(
      sql`SELECT id, role, branch_id AS branchId FROM staff_users WHERE login = ${login}`,
    );
    if (!s) throw new Error(`demo circulation: no staff user ${login}`);
    return { staffId: s.id, role: s.role, branchId: s.branchId, clientAddress: null };
  };
  const chuo = await counter(plan.counters.chuo);
  const moji = await counter(plan.counters.moji);

  // Stand-ins are chosen only on the first run: afterwards the state they were given is the patron's own.
  const history = await db.get<{ n: number }>(
    sql`SELECT (SELECT count(*) FROM loans WHERE patron_id = ${patronId}) + (SELECT count(*) FROM holds WHERE patron_id = ${patronId}) AS n`,
  );
  const fresh = (history?.n ?? 0) === 0;
  const used = new Set<number>();
  const needs = [plan.renewableLoan, plan.heldLoan, plan.waiting, plan.inTransit, plan.ready, plan.cancelled];
  const found: Found[] = [];
  for (const need of needs) {
    const f = await findRecord(db, need, used, branchIds, fresh);
    if (!f) {
      skipped.push(`all (the catalogue has no 「${need.title}」; ${plan.patron} already has loans or holds)`);
      return { done, skipped };
    }
    found.push(f);
  }
  const [renewable, held, waiting, inTransit, ready, cancelled] = found as [Found, Found, Found, Found, Found, Found];

  // 6 days ago: 「予約申込」 from the cart — four records, pickup 中央図書館.
  const toPlace: number[] = [];
  for (const r of [waiting, inTransit, ready, cancelled]) if (!(await everHeld(db, patronId, r.recordId))) toPlace.push(r.recordId);
  await placeFromCart(db, patronId, toPlace, pickup, now - 6 * DAY);
  step("holds placed", toPlace.length > 0);

  // 5 days ago: 「取消」 of こころ (R33: listed for two weeks).
  const toCancel = await everHeld(db, patronId, cancelled.recordId);
  if (toCancel?.status === "waiting") {
    await cancelHold(db, { patronId, holdId: toCancel.id, now: now - 5 * DAY, clientAddress: null });
    step("hold cancelled", true);
  } else step("hold cancelled", false);

  // 4 days ago at 中央図書館's 「貸出」: two loans (14 days: due in 10 days).
  for (const r of [renewable, held]) {
    if (await everBorrowed(db, patronId, r.recordId)) {
      step("loan", false);
      continue;
    }
    await checkOut(db, chuo, { cardNumber: plan.patron, barcode: r.barcode!, now: now - 4 * DAY });
    step("loan", true);
  }

  // 3 days ago: 2100000004 holds 坊っちゃん (so 2100000001 cannot renew it: R32).
  if (!(await everHeld(db, otherId, held.recordId))) {
    await placeFromCart(db, otherId, [held.recordId], otherHome, now - 3 * DAY);
    step("other patron's hold", true);
  } else step("other patron's hold", false);

  // Yesterday: 門司図書館 pulls 変な音 from its shelf and scans it at 「返却」 (in transit to 中央図書館);
  // 中央図書館 does the same with 現代日本の開化 (ready on its hold shelf).
  for (const [r, actor] of [
    [inTransit, moji],
    [ready, chuo],
  ] as const) {
    const hold = await everHeld(db, patronId, r.recordId);
    if (hold?.status !== "waiting") {
      step("copy trapped", false);
      continue;
    }
    await checkIn(db, actor, { barcode: r.barcode!, now: now - DAY });
    step("copy trapped", true);
  }

  return { done, skipped };
}
