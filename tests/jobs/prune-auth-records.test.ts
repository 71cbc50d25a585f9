// Issue 6 item 5 (jobs), R03 sessions and the R02/R04 throttle: the nightly cron, called through the Worker's
// exported scheduled() with a controller and a fixed time, forgets ended sessions and old failures, keeps the
// rest, and is safe to run twice or twice at once.
import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import worker from "../../worker/src/index.ts";
import type { Env } from "../../worker/src/env.ts";
import { CRON_NIGHTLY } from "../../worker/src/jobs/schedule.ts";
import { THROTTLE_WINDOW_MS } from "../../worker/src/domain/policy.ts";
import { createDb } from "../../worker/src/data/db.ts";
import { insertPatron } from "../support/factories.ts";

/** 2026-11-03 03:00 Asia/Tokyo = 2026-11-02 18:00 UTC, when CRON_NIGHTLY fires. */
const NOW = Date.UTC(2026, 10, 2, 18, 0, 0);

async function runNightly(scheduledTime = NOW): Promise<void> {
  const controller = createScheduledController({ scheduledTime, cron: CRON_NIGHTLY });
  const ctx = createExecutionContext();
  await worker.scheduled(controller, env as unknown as Env, ctx);
  await waitOnExecutionContext(ctx);
}

async function tokens(): Promise<string[]> {
  const rows = await env.DB.prepare("SELECT token_hash FROM sessions ORDER BY token_hash").all<{ token_hash: string }>();
  return rows.results.map((r) => r.token_hash);
}

async function failureSubjects(): Promise<string[]> {
  const rows = await env.DB.prepare("SELECT subject FROM auth_failures ORDER BY subject").all<{ subject: string }>();
  return rows.results.map((r) => r.subject);
}

beforeEach(async () => {
  await env.DB.batch([env.DB.prepare("DELETE FROM sessions"), env.DB.prepare("DELETE FROM auth_failures")]);
  const patron = await insertPatron(createDb(env.DB));
  const session = (hash: string, expiresAt: number) =>
    env.DB.prepare("INSERT INTO sessions (token_hash, patron_id, created_at, last_seen_at, expires_at) VALUES (?, ?, ?, ?, ?)").bind(hash, patron.id, NOW - 3_600_000, NOW - 60_000, expiresAt);
  const failure = (subject: string, at: number) =>
    env.DB.prepare("INSERT INTO auth_failures (kind, subject, client_address, at) VALUES ('login', ?, '203.0.113.9', ?)").bind(subject, at);
  await env.DB.batch([
    session("ended", NOW - 1),
    session("live", NOW + 60_000),
    failure("forgotten", NOW - THROTTLE_WINDOW_MS - 1),
    failure("remembered", NOW - THROTTLE_WINDOW_MS + 60_000),
  ]);
});

describe("prune-auth-records (cron " + CRON_NIGHTLY + ", 03:00 Asia/Tokyo)", () => {
  it("deletes ended sessions and failures past the throttle window, and keeps the others", async () => {
    await runNightly();
    expect(await tokens()).toEqual(["live"]);
    expect(await failureSubjects()).toEqual(["remembered"]);
  });

  it("is idempotent: a second run at the same time changes nothing more", async () => {
    await runNightly();
    const after = { sessions: await tokens(), failures: await failureSubjects() };
    await runNightly();
    expect({ sessions: await tokens(), failures: await failureSubjects() }).toEqual(after);
  });

  it("is safe to run twice at once (an overlapping trigger)", async () => {
    await Promise.all([runNightly(), runNightly()]);
    expect(await tokens()).toEqual(["live"]);
    expect(await failureSubjects()).toEqual(["remembered"]);
  });

  it("reads the trigger's time, not the wall clock: a run scheduled earlier keeps what was live then", async () => {
    await runNightly(NOW - 2);
    expect(await tokens()).toEqual(["ended", "live"]);
  });
});
