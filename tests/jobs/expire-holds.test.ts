// Issue 8 item 3, R21 (and R33): the hold-shelf expiry through the Worker's exported scheduled() on the nightly cron
// (03:00 Asia/Tokyo), with fixed times. Ready holds are made by the counter's own 「返却」 (services/circulation.ts),
// so their shelf days come from the real calendar: the expiry falls on the right day around Mondays, Golden Week and
// the year end; a run on the last shelf day keeps the hold; two runs, or two at once, change nothing more than one;
// missed days are caught up; the next hold is promoted exactly once.
import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import worker from "../../worker/src/index.ts";
import type { Env } from "../../worker/src/env.ts";
import { CRON_NIGHTLY } from "../../worker/src/jobs/schedule.ts";
import { holds, items, itemTransits } from "../../db/schema/index.ts";
import type { Db } from "../../worker/src/data/db.ts";
import { loadCalendar } from "../../worker/src/data/calendar.ts";
import { addDays, isOpen, tokyoDayStartMs } from "../../worker/src/domain/calendar.ts";
import { holdShelfUntil } from "../../worker/src/domain/hold-shelf.ts";
import { checkIn, expireHolds, type CounterActor } from "../../worker/src/services/circulation.ts";
import { demoDb } from "../support/accounts.ts";
import { insertBranch, insertHold, insertItem, insertRecord, insertStaff, type Branch } from "../support/factories.ts";

const HOUR = 60 * 60_000;

/** The nightly trigger of a Tokyo day: 03:00 JST = 18:00 UTC the day before. */
const nightOf = (day: string) => tokyoDayStartMs(day) + 3 * HOUR;
/** 10:00 Tokyo on a day (the counter's hours). */
const morningOf = (day: string) => tokyoDayStartMs(day) + 10 * HOUR;

async function runNightly(day: string): Promise<void> {
  const controller = createScheduledController({ scheduledTime: nightOf(day), cron: CRON_NIGHTLY });
  const ctx = createExecutionContext();
  await worker.scheduled(controller, env as unknown as Env, ctx);
  await waitOnExecutionContext(ctx);
}

let db: Db;
let a: Branch;
let b: Branch;
let atA: CounterActor;

beforeAll(async () => {
  db = await demoDb();
  a = await insertBranch(db, { name: "期限試験A館" });
  b = await insertBranch(db, { name: "期限試験B館" });
  atA = { staffId: (await insertStaff(db, { branchId: a.id })).id, role: "counter", branchId: a.id, clientAddress: null };
});

const holdOf = async (id: number) => (await db.select().from(holds).where(eq(holds.id, id)))[0]!;
const itemOf = async (id: number) => (await db.select().from(items).where(eq(items.id, id)))[0]!;

/** A hold made ready at A on `readyDay` by a check-in, and (optionally) the next hold waiting behind it. */
async function readyOn(readyDay: string, opts: { nextPickup?: number | null } = {}) {
  const record = await insertRecord(db);
  const copy = await insertItem(db, { recordId: record.id, branchId: a.id });
  const first = await insertHold(db, { recordId: record.id, pickupBranchId: a.id, contact: "none", placedAt: morningOf(readyDay) - 2 * HOUR });
  const next = opts.nextPickup ? await insertHold(db, { recordId: record.id, pickupBranchId: opts.nextPickup, contact: "none", placedAt: morningOf(readyDay) - HOUR }) : null;
  const answer = await checkIn(db, atA, { barcode: copy.barcode, now: morningOf(readyDay) });
  expect(answer.outcome).toMatchObject({ kind: "ready", holdId: first.id });
  const until = (await holdOf(first.id)).shelfUntil!;
  return { record, copy, first, next, until };
}

async function shelfDay(readyDay: string): Promise<string> {
  return holdShelfUntil(await loadCalendar(db, { from: addDays(readyDay, -1) }), a.code, readyDay)!;
}

describe("R21 expiry on the right day (cron " + CRON_NIGHTLY + ", 03:00 Asia/Tokyo)", () => {
  it("R21: kept through its last shelf day, cancelled ('expired') the night after; the copy passed on to the next hold, ready here", async () => {
    const { first, next, copy, until } = await readyOn("2026-12-02", { nextPickup: a.id });
    expect(until).toBe(await shelfDay("2026-12-02"));
    await runNightly(until);
    expect((await holdOf(first.id)).status).toBe("ready");
    await runNightly(addDays(until, 1));
    expect(await holdOf(first.id)).toMatchObject({ status: "cancelled", cancelReason: "expired", cancelledAt: nightOf(addDays(until, 1)) });
    expect(await holdOf(next!.id)).toMatchObject({ status: "ready", itemId: copy.id, readyAt: nightOf(addDays(until, 1)) });
    expect((await holdOf(next!.id)).shelfUntil).toBe(await shelfDay(addDays(until, 1)));
    expect((await itemOf(copy.id)).status).toBe("on_hold_shelf");
  });

  it("R21: a Monday and the month-end sorting day are not counted (ready Wed 2026-11-25: 7 open days, deadline later than a week)", async () => {
    const { until } = await readyOn("2026-11-25");
    expect(until).toBe(await shelfDay("2026-11-25"));
    expect(isOpen(await loadCalendar(db, { from: "2026-11-24" }), a.code, "2026-11-30")).toBe(false); // Monday
    expect(until > addDays("2026-11-25", 7)).toBe(true);
  });

  it("R21: the year end 12/29–1/3 is not counted: ready 12-24 → deadline in January; kept over the holidays, expired after", async () => {
    const { first, until } = await readyOn("2026-12-24");
    expect(until > "2027-01-03").toBe(true);
    await runNightly("2026-12-31");
    await runNightly("2027-01-04");
    expect((await holdOf(first.id)).status).toBe("ready");
    await runNightly(until);
    expect((await holdOf(first.id)).status).toBe("ready");
    await runNightly(addDays(until, 1));
    expect((await holdOf(first.id)).status).toBe("cancelled");
  });

  it("R21: Golden Week — ready 2027-04-28: the deadline skips the closed days (Monday rule, the Tuesday after holiday Monday 5/3)", async () => {
    const { first, until } = await readyOn("2027-04-28");
    const cal = await loadCalendar(db, { from: "2027-04-27" });
    expect(isOpen(cal, a.code, "2027-05-03")).toBe(true); // a holiday Monday is open
    expect(isOpen(cal, a.code, "2027-05-04")).toBe(false); // その翌日 closes
    expect(until).toBe(await shelfDay("2027-04-28"));
    await runNightly(until);
    expect((await holdOf(first.id)).status).toBe("ready");
    await runNightly(addDays(until, 1));
    expect((await holdOf(first.id)).status).toBe("cancelled");
  });
});

describe("R21 idempotent, concurrent, catch-up", () => {
  it("two runs, and two runs at once, change nothing more than one: the next hold is promoted exactly once (in transit to B)", async () => {
    const { first, next, copy, until } = await readyOn("2026-12-03", { nextPickup: b.id });
    const day = addDays(until, 1);
    await Promise.all([runNightly(day), runNightly(day), runNightly(day)]);
    await runNightly(day);
    expect(await holdOf(first.id)).toMatchObject({ status: "cancelled", cancelReason: "expired" });
    expect(await holdOf(next!.id)).toMatchObject({ status: "in_transit", itemId: copy.id });
    const transits = await db.select().from(itemTransits).where(eq(itemTransits.itemId, copy.id));
    expect(transits.filter((t) => t.receivedAt === null)).toHaveLength(1);
    const audits = await env.DB.prepare("SELECT count(*) AS n FROM audit_log WHERE action = 'hold_expired' AND target_id = ?").bind(first.id).first<{ n: number }>();
    expect(Number(audits!.n)).toBe(1);
  });

  it("missed days are caught up: a run days late expires every hold past its deadline; the copies go to the shelf", async () => {
    const made = [await readyOn("2026-12-08"), await readyOn("2026-12-09"), await readyOn("2026-12-10")];
    const last = made.map((m) => m.until).sort().at(-1)!;
    const result = await expireHolds(db, { now: nightOf(addDays(last, 5)) });
    expect(result.expired).toBeGreaterThanOrEqual(3);
    for (const m of made) {
      expect((await holdOf(m.first.id)).status).toBe("cancelled");
      expect(await itemOf(m.copy.id)).toMatchObject({ status: "on_shelf", currentBranchId: a.id });
    }
    expect(await expireHolds(db, { now: nightOf(addDays(last, 5)) })).toEqual({ expired: 0, passedOn: 0 });
  });

  it("R21: many ready holds finish in chunks (250 at once)", async () => {
    const record = await insertRecord(db);
    const rows = [];
    for (let i = 0; i < 250; i++) {
      const copy = await insertItem(db, { recordId: record.id, branchId: a.id, status: "on_hold_shelf" });
      rows.push(await insertHold(db, { recordId: record.id, pickupBranchId: a.id, status: "ready", itemId: copy.id, shelfUntil: "2027-02-01" }));
    }
    const result = await expireHolds(db, { now: nightOf("2027-02-03") });
    expect(result.expired).toBeGreaterThanOrEqual(250);
    const left = await env.DB.prepare("SELECT count(*) AS n FROM holds WHERE status = 'ready' AND shelf_until < '2027-02-03'").first<{ n: number }>();
    expect(Number(left!.n)).toBe(0);
  });
});
