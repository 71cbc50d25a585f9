// Issue 6 item 5 (jobs): wrangler.toml's [triggers] crons and worker/src/jobs/schedule.ts agree, each cron has
// jobs, and a cron nobody scheduled fails loudly instead of doing nothing.
import wranglerToml from "../../wrangler.toml?raw";
import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import worker from "../../worker/src/index.ts";
import type { Env } from "../../worker/src/env.ts";
import { CRON_NIGHTLY, SCHEDULE, UnknownCronError, runScheduledJobs } from "../../worker/src/jobs/schedule.ts";

function tomlCrons(): string[] {
  const triggers = /^\[triggers\][^[]*?^crons\s*=\s*\[([^\]]*)\]/m.exec(wranglerToml);
  if (!triggers) throw new Error("wrangler.toml has no [triggers] crons");
  return [...triggers[1]!.matchAll(/"([^"]+)"/g)].map((m) => m[1]!);
}

describe("the cron table", () => {
  it("wrangler.toml triggers exactly the crons SCHEDULE has jobs for", () => {
    expect(tomlCrons().sort()).toEqual(Object.keys(SCHEDULE).sort());
    for (const [cron, jobs] of Object.entries(SCHEDULE)) expect(jobs.length, cron).toBeGreaterThan(0);
  });

  it("the nightly cron is 03:00 Asia/Tokyo (Cloudflare's crons are UTC)", () => {
    const [minute, hour] = CRON_NIGHTLY.split(" ").map(Number);
    const fired = Date.UTC(2026, 10, 2, hour!, minute!);
    expect(new Intl.DateTimeFormat("ja-JP", { timeZone: "Asia/Tokyo", hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).format(fired)).toBe("03:00");
  });

  it("runs every job of a cron", async () => {
    expect(await runScheduledJobs(CRON_NIGHTLY, env as unknown as Env, Date.UTC(2026, 10, 2, 18))).toEqual({ ran: SCHEDULE[CRON_NIGHTLY]!.map((j) => j.name) });
  });

  it("refuses a cron nobody scheduled, through scheduled() too", async () => {
    await expect(runScheduledJobs("*/7 * * * *", env as unknown as Env, 0)).rejects.toBeInstanceOf(UnknownCronError);
    const ctx = createExecutionContext();
    await worker.scheduled(createScheduledController({ scheduledTime: 0, cron: "*/7 * * * *" }), env as unknown as Env, ctx);
    await expect(waitOnExecutionContext(ctx)).rejects.toBeInstanceOf(Error);
  });
});
