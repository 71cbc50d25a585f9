// Issue 8 item 6: the local clock for demos and tests, inside workerd on the migrated D1. The gate
// (domain/local-clock.ts localClockAllowed: LOCAL_CLOCK "on" from .dev.vars AND a loopback http:// origin), the proof
// that wrangler.toml — every configuration in it, [env.*] included — can never turn it on, clockNow across the Tokyo
// midnight, the set row moving c.var.now and putting 「テスト用の日付: …」 on the pages only while the gate is open,
// and the scheduled() path (jobNow) moving a run to the clock's day only when allowed: R21's expiry job cancels a
// ready hold past its deadline on the clock's day with the gate open, and never otherwise; sessions stay on real time.
import wranglerToml from "../../wrangler.toml?raw";
import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { Hono } from "hono";
import { afterEach, describe, expect, it } from "vitest";
import { buildApp } from "../../worker/src/app.ts";
import worker from "../../worker/src/index.ts";
import { createDb } from "../../worker/src/data/db.ts";
import { clearLocalClock, readLocalClock, setLocalClock } from "../../worker/src/data/local-clock.ts";
import { addDays, tokyoDay, tokyoDayStartMs } from "../../worker/src/domain/calendar.ts";
import { clockNow, isClockDay, localClockAllowed } from "../../worker/src/domain/local-clock.ts";
import type { AppEnv, Env } from "../../worker/src/env.ts";
import { CRON_NIGHTLY, SCHEDULE } from "../../worker/src/jobs/schedule.ts";
import { insertBranch, insertHold, insertItem, insertPatron, insertRecord, insertStaff } from "../support/factories.ts";
import { checkIn } from "../../worker/src/services/circulation.ts";
import { clockContext, jobNow, libraryNow, localClockDay } from "../../worker/src/middleware/clock.ts";
import { dbContext } from "../../worker/src/middleware/session.ts";
import { testDayBanner } from "../../worker/src/views/shell.ts";
import { wranglerConfigurations } from "../support/wrangler-config.ts";

const HOUR = 60 * 60_000;
const DAY = 24 * HOUR;
const HTML = { accept: "text/html,application/xhtml+xml" };
const db = createDb(env.DB);
const testEnv = env as unknown as Env;

/** The test runtime's bindings (wrangler.toml's own [vars] + the test's), with a few settings changed. */
function envWith(vars: Partial<Pick<Env, "LOCAL_CLOCK" | "SITE_ORIGIN">>): Env {
  return {
    DB: testEnv.DB,
    ASSETS: testEnv.ASSETS,
    LIBRARY_NAME: testEnv.LIBRARY_NAME,
    SITE_NAME: testEnv.SITE_NAME,
    SITE_ORIGIN: testEnv.SITE_ORIGIN,
    MAIL_FROM: testEnv.MAIL_FROM,
    MAIL_DOMAIN: testEnv.MAIL_DOMAIN,
    PASSWORD_PEPPER: testEnv.PASSWORD_PEPPER,
    LOCAL_CLOCK: testEnv.LOCAL_CLOCK,
    ...vars,
  };
}
/** What `npm start` gives the Worker: .dev.vars' LOCAL_CLOCK and the origin actually served. */
const devEnv = () => envWith({ LOCAL_CLOCK: "on", SITE_ORIGIN: "http://localhost:8804" });
/** wrangler.toml's own configuration, without .dev.vars (what `wrangler deploy` uploads). The test runtime itself
 *  reads .dev.vars as `wrangler dev` does, so its LOCAL_CLOCK depends on the checkout: never relied on here. */
const tomlEnv = () => envWith({ LOCAL_CLOCK: undefined });

const holdStatus = async (id: number) =>
  (await env.DB.prepare("SELECT status, shelf_until, cancel_reason FROM holds WHERE id = ?").bind(id).first<{ status: string; shelf_until: string | null; cancel_reason: string | null }>())!;

afterEach(async () => {
  await clearLocalClock(db);
});

describe("issue 8 item 6: the gate (local development only)", () => {
  it("off without LOCAL_CLOCK, and with any value but \"on\"", () => {
    expect(localClockAllowed({ SITE_ORIGIN: "http://localhost:8787" })).toBe(false);
    for (const v of ["", "1", "ON", "true", "yes", " on"]) expect(localClockAllowed({ LOCAL_CLOCK: v, SITE_ORIGIN: "http://localhost:8787" }), v).toBe(false);
  });

  it("off with an https or a non-loopback SITE_ORIGIN, even with LOCAL_CLOCK on", () => {
    for (const origin of [
      "https://localhost:8787",
      "https://shiori.example.jp",
      "http://shiori.example.jp",
      "http://localhost.example.jp",
      "http://127.0.0.2:8787",
      "http://192.168.1.10:8787",
      "http://10.0.0.1",
      "ftp://localhost",
      "localhost:8787",
      "",
      undefined,
    ]) {
      expect(localClockAllowed({ LOCAL_CLOCK: "on", SITE_ORIGIN: origin }), String(origin)).toBe(false);
    }
  });

  it("on only for LOCAL_CLOCK \"on\" with a loopback http:// origin", () => {
    for (const origin of ["http://localhost:8787", "http://localhost:8804", "http://127.0.0.1:8799", "http://[::1]:8787", "http://localhost"]) {
      expect(localClockAllowed({ LOCAL_CLOCK: "on", SITE_ORIGIN: origin }), origin).toBe(true);
    }
  });

  it("wrangler.toml never sets LOCAL_CLOCK, anywhere (it comes only from .dev.vars, which a deployment never uploads)", () => {
    const settings = wranglerToml
      .split("\n")
      .filter((l) => !/^\s*#/.test(l))
      .map((l) => l.replace(/\s#.*$/, ""));
    expect(settings.filter((l) => /LOCAL_CLOCK/.test(l))).toEqual([]);
  });

  it("no configuration in wrangler.toml ([vars] and every [env.*]) enables it, whatever its SITE_ORIGIN", () => {
    const configs = wranglerConfigurations(wranglerToml);
    expect(configs.get("(top level)")!.SITE_NAME).toBeTruthy(); // the reader did read [vars]
    for (const [name, vars] of configs) {
      expect(vars.LOCAL_CLOCK, name).toBeUndefined();
      expect(localClockAllowed(vars), name).toBe(false);
      // A production origin set later (wrangler deploy --var, the dashboard) does not turn it on either.
      expect(localClockAllowed({ ...vars, SITE_ORIGIN: "https://shiori.example.jp" }), name).toBe(false);
    }
    // wrangler.toml's own configuration as the Worker gets it (no .dev.vars): off, though its origin is loopback.
    expect(new URL(tomlEnv().SITE_ORIGIN).hostname).toBe("localhost");
    expect(localClockAllowed(tomlEnv())).toBe(false);
  });

  it("the reader sees an [env.*] configuration, so the proof above would catch one that set LOCAL_CLOCK", () => {
    const configs = wranglerConfigurations(
      [wranglerToml, "[env.staging]", 'name = "shiori-staging"', "[env.staging.vars]", 'LOCAL_CLOCK = "on"', 'SITE_ORIGIN = "http://localhost:8787"', "[env.prod]", 'vars = { LOCAL_CLOCK = "on" }'].join("\n"),
    );
    expect(configs.get("staging")).toEqual({ LOCAL_CLOCK: "on", SITE_ORIGIN: "http://localhost:8787" });
    expect(localClockAllowed(configs.get("staging")!)).toBe(true);
    expect(configs.get("prod")).toEqual({ LOCAL_CLOCK: "on" });
  });
});

describe("issue 8 item 6: clockNow and isClockDay", () => {
  const real = (iso: string) => Date.parse(iso);

  it("no clock: the real time", () => {
    const t = real("2026-12-02T03:04:05.678Z");
    expect(clockNow(t, null)).toBe(t);
  });

  it("the clock's day at the real time of day (Asia/Tokyo)", () => {
    const t = real("2026-12-02T03:04:05.678Z"); // 12:04:05 in Tokyo
    const moved = clockNow(t, "2026-12-10");
    expect(tokyoDay(moved)).toBe("2026-12-10");
    expect(moved - t).toBe(8 * DAY);
    expect(clockNow(t, "2026-11-25") - t).toBe(-7 * DAY);
  });

  it("across the Tokyo midnight (15:00 UTC): 23:59:59 and 00:00 both stay on the clock's day", () => {
    const before = real("2026-12-02T14:59:59.999Z"); // 2026-12-02 23:59:59.999 in Tokyo
    const after = real("2026-12-02T15:00:00.000Z"); // 2026-12-03 00:00 in Tokyo
    expect(tokyoDay(before)).toBe("2026-12-02");
    expect(tokyoDay(after)).toBe("2026-12-03");
    expect(tokyoDay(clockNow(before, "2026-12-10"))).toBe("2026-12-10");
    expect(tokyoDay(clockNow(after, "2026-12-10"))).toBe("2026-12-10");
    expect(clockNow(before, "2026-12-10")).toBe(real("2026-12-10T14:59:59.999Z"));
    expect(clockNow(after, "2026-12-10")).toBe(real("2026-12-09T15:00:00.000Z"));
    // Over the year end and a month end too.
    expect(tokyoDay(clockNow(after, "2027-01-01"))).toBe("2027-01-01");
    expect(tokyoDay(clockNow(before, "2026-12-31"))).toBe("2026-12-31");
  });

  it("isClockDay: a real YYYY-MM-DD within 10 years of the real today", () => {
    const now = real("2026-12-02T03:00:00Z");
    for (const ok of ["2026-12-10", "2026-01-01", "2036-11-30", "2017-01-01", "2028-02-29"]) expect(isClockDay(ok, now), ok).toBe(true);
    for (const bad of ["2026-02-30", "2027-02-29", "20261210", "2026-12-1", "2026/12/10", "off", "", "2037-01-01", "2016-01-01", "2026-12-10T00:00"]) {
      expect(isClockDay(bad, now), bad).toBe(false);
    }
  });
});

describe("issue 8 item 6: the row, the context and the banner", () => {
  /** A small app with the real middleware: what c.var says. */
  function probe() {
    const app = new Hono<AppEnv>();
    app.use(dbContext);
    app.use(clockContext);
    app.get("/probe", (c) => c.json({ now: libraryNow(c), testDay: c.var.testDay }));
    return app;
  }

  it("data/local-clock.ts: set, set again (one row), read, clear", async () => {
    expect(await readLocalClock(db)).toBeNull();
    await setLocalClock(db, "2026-12-10", Date.now());
    await setLocalClock(db, "2026-12-11", Date.now());
    expect(await readLocalClock(db)).toBe("2026-12-11");
    expect((await env.DB.prepare("SELECT count(*) AS n FROM local_clock").first<{ n: number }>())!.n).toBe(1);
    await clearLocalClock(db);
    expect(await readLocalClock(db)).toBeNull();
  });

  it("gate on: a set row moves c.var.now to that day and sets c.var.testDay; the next request sees a change", async () => {
    const app = probe();
    let body = (await (await app.request("/probe", {}, devEnv())).json()) as { now: number; testDay: string | null };
    expect(body.testDay).toBeNull();
    expect(Math.abs(body.now - Date.now())).toBeLessThan(5_000);

    await setLocalClock(db, "2026-12-10", Date.now());
    const before = Date.now();
    body = (await (await app.request("/probe", {}, devEnv())).json()) as typeof body;
    expect(body.testDay).toBe("2026-12-10");
    expect(tokyoDay(body.now)).toBe("2026-12-10");
    expect(Math.abs(body.now - clockNow(before, "2026-12-10"))).toBeLessThan(5_000);
    expect(await localClockDay(devEnv(), db)).toBe("2026-12-10");

    await setLocalClock(db, "2027-01-04", Date.now());
    body = (await (await app.request("/probe", {}, devEnv())).json()) as typeof body;
    expect(body.testDay).toBe("2027-01-04");
    expect(tokyoDay(body.now)).toBe("2027-01-04");
  });

  it("gate off (wrangler.toml's own configuration, an https origin, a non-loopback origin): the row is ignored", async () => {
    await setLocalClock(db, "2026-12-10", Date.now());
    const app = probe();
    for (const e of [tomlEnv(), envWith({ LOCAL_CLOCK: "on", SITE_ORIGIN: "https://shiori.example.jp" }), envWith({ LOCAL_CLOCK: "on", SITE_ORIGIN: "http://shiori.example.jp" }), envWith({ LOCAL_CLOCK: undefined, SITE_ORIGIN: "http://localhost:8804" })]) {
      const body = (await (await app.request("/probe", {}, e)).json()) as { now: number; testDay: string | null };
      expect(body.testDay).toBeNull();
      expect(Math.abs(body.now - Date.now())).toBeLessThan(5_000);
      expect(await localClockDay(e, db)).toBeNull();
    }
  });

  it("gate on: Worker pages say 「テスト用の日付: 2026-12-10」 in the header (role=status), and /api/cart/lines names the day", async () => {
    const app = buildApp();
    await setLocalClock(db, "2026-12-10", Date.now());
    for (const path of ["/search?q=%E7%8C%AB", "/search/advanced", "/login", "/no-such-page"]) {
      const text = await (await app.request(`http://localhost:8804${path}`, { headers: HTML }, devEnv())).text();
      expect(text, path).toContain('<p class="test-day" role="status">テスト用の日付: 2026-12-10</p>');
      // Inside the header (the banner landmark), before its first content.
      expect(text.indexOf("テスト用の日付"), path).toBeGreaterThan(text.indexOf('<header class="site">'));
      expect(text.indexOf("テスト用の日付"), path).toBeLessThan(text.indexOf('class="brand"'));
      expect(text.match(/テスト用の日付/g)!.length, path).toBe(1);
    }
    const lines = await app.request("http://localhost:8804/api/cart/lines", { headers: { accept: "application/json" } }, devEnv());
    expect(await lines.json()).toEqual({ lines: 0, testDay: "2026-12-10" });
  });

  it("gate off: no banner and no testDay, though the row is set", async () => {
    const app = buildApp();
    await setLocalClock(db, "2026-12-10", Date.now());
    for (const e of [tomlEnv(), envWith({ LOCAL_CLOCK: "on", SITE_ORIGIN: "https://shiori.example.jp" })]) {
      const text = await (await app.request("http://localhost:8804/search?q=%E7%8C%AB", { headers: HTML }, e)).text();
      expect(text).toContain("<header");
      expect(text).not.toContain("テスト用の日付");
      const lines = await app.request("http://localhost:8804/api/cart/lines", { headers: { accept: "application/json" } }, e);
      expect(await lines.json()).toEqual({ lines: 0 });
    }
  });

  it("the static pages' script shows the same banner from /api/cart/lines, and stays small", async () => {
    const script = await (await testEnv.ASSETS.fetch(new Request("https://assets.invalid/cart-lines.js"))).text();
    expect(script).toContain("testDay");
    expect(script).toContain("テスト用の日付: ");
    expect(script).toContain('"test-day"');
    expect(script.length).toBeLessThan(1200); // issue 10 item 6: it fills the session slot too
    expect(testDayBanner("2026-12-10")).toBe('<p class="test-day" role="status">テスト用の日付: 2026-12-10</p>');
  });
});

describe("issue 8 item 6: the scheduled() path (jobNow)", () => {
  const fired = Date.UTC(2026, 11, 1, 18); // 2026-12-02 03:00 in Tokyo: the nightly run

  it("no row: the trigger's own time, gate on or off", async () => {
    expect(await jobNow(devEnv(), fired)).toBe(fired);
    expect(await jobNow(tomlEnv(), fired)).toBe(fired);
  });

  it("gate on and a row: the run moves to the clock's day at the trigger's time of day", async () => {
    await setLocalClock(db, "2026-12-20", Date.now());
    const now = await jobNow(devEnv(), fired);
    expect(tokyoDay(now)).toBe("2026-12-20");
    expect(now - fired).toBe(18 * DAY);
  });

  it("gate off (wrangler.toml's configuration, or a production origin): the row is ignored", async () => {
    await setLocalClock(db, "2026-12-20", Date.now());
    expect(await jobNow(tomlEnv(), fired)).toBe(fired);
    expect(await jobNow(envWith({ LOCAL_CLOCK: "on", SITE_ORIGIN: "https://shiori.example.jp" }), fired)).toBe(fired);
  });

  it("the real-time jobs keep the trigger's time: a clock 30 days ahead prunes no session still valid (Job.realTime)", async () => {
    const patron = await insertPatron(db);
    const realNow = Date.now();
    const token = `local-clock-${realNow}`;
    await env.DB.prepare("INSERT INTO sessions (token_hash, patron_id, created_at, last_seen_at, expires_at) VALUES (?, ?, ?, ?, ?)")
      .bind(token, patron.id, realNow, realNow, realNow + 2 * HOUR)
      .run();
    await setLocalClock(db, tokyoDay(realNow + 30 * DAY), realNow);
    expect(await jobNow(devEnv(), realNow)).toBeGreaterThan(realNow + 29 * DAY);
    const ctx = createExecutionContext();
    await worker.scheduled(createScheduledController({ scheduledTime: realNow, cron: CRON_NIGHTLY }), devEnv(), ctx);
    await waitOnExecutionContext(ctx);
    expect(await env.DB.prepare("SELECT count(*) AS n FROM sessions WHERE token_hash = ?").bind(token).first<{ n: number }>()).toEqual({ n: 1 });
    for (const job of SCHEDULE[CRON_NIGHTLY]!.filter((j) => /prune/.test(j.name))) expect(job.realTime, job.name).toBe(true);
  });

  it("R21 through scheduled(): the expiry job cancels a ready hold on the clock's day only when the gate is open", async () => {
    const branch = await insertBranch(db, { name: "時計試験館" });
    const actor = { staffId: (await insertStaff(db, { branchId: branch.id })).id, role: "counter" as const, branchId: branch.id, clientAddress: null };
    const record = await insertRecord(db);
    const copy = await insertItem(db, { recordId: record.id, branchId: branch.id });
    const readyDay = "2026-12-02";
    const morning = tokyoDayStartMs(readyDay) + 10 * HOUR;
    const hold = await insertHold(db, { recordId: record.id, pickupBranchId: branch.id, contact: "none", placedAt: morning - HOUR });
    expect((await checkIn(db, actor, { barcode: copy.barcode, now: morning })).outcome).toMatchObject({ kind: "ready", holdId: hold.id });
    const until = (await holdStatus(hold.id)).shelf_until!;
    // The real night after the ready day, with the clock set past the deadline.
    const night = tokyoDayStartMs(addDays(readyDay, 1)) + 3 * HOUR;
    await setLocalClock(db, addDays(until, 1), Date.now());
    const run = async (e: Env) => {
      const ctx = createExecutionContext();
      await worker.scheduled(createScheduledController({ scheduledTime: night, cron: CRON_NIGHTLY }), e, ctx);
      await waitOnExecutionContext(ctx);
    };
    await run(tomlEnv());
    await run(envWith({ LOCAL_CLOCK: "on", SITE_ORIGIN: "https://shiori.example.jp" }));
    expect((await holdStatus(hold.id)).status).toBe("ready");
    await run(devEnv());
    expect(await holdStatus(hold.id)).toMatchObject({ status: "cancelled", cancel_reason: "expired" });
  });

  it("worker.scheduled() runs the cron's jobs with the clock set, gate on and off", async () => {
    await setLocalClock(db, "2026-12-20", Date.now());
    for (const e of [devEnv(), tomlEnv()]) {
      const ctx = createExecutionContext();
      await worker.scheduled(createScheduledController({ scheduledTime: fired, cron: CRON_NIGHTLY }), e, ctx);
      await waitOnExecutionContext(ctx);
    }
  });
});
