// Issue 7: the nightly cron, through the Worker's exported scheduled(), forgets idempotency answers older than
// IDEMPOTENCY_KEEP_MS and keeps the newer ones; twice, or twice at once, it does the same.
import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import worker from "../../worker/src/index.ts";
import type { Env } from "../../worker/src/env.ts";
import { CRON_NIGHTLY } from "../../worker/src/jobs/schedule.ts";
import { IDEMPOTENCY_KEEP_MS } from "../../worker/src/domain/policy.ts";

/** 2026-11-03 03:00 Asia/Tokyo = 2026-11-02 18:00 UTC, when CRON_NIGHTLY fires. */
const NOW = Date.UTC(2026, 10, 2, 18, 0, 0);

async function runNightly(): Promise<void> {
  const controller = createScheduledController({ scheduledTime: NOW, cron: CRON_NIGHTLY });
  const ctx = createExecutionContext();
  await worker.scheduled(controller, env as unknown as Env, ctx);
  await waitOnExecutionContext(ctx);
}

async function keys(): Promise<string[]> {
  const rows = await env.DB.prepare("SELECT key FROM idempotency_keys ORDER BY key").all<{ key: string }>();
  return rows.results.map((r) => r.key);
}

beforeEach(async () => {
  const row = (key: string, createdAt: number) =>
    env.DB.prepare("INSERT INTO idempotency_keys (scope, key, status, response, created_at) VALUES ('holds:1', ?, 1, '{}', ?)").bind(key, createdAt);
  await env.DB.batch([
    env.DB.prepare("DELETE FROM idempotency_keys"),
    row("old", NOW - IDEMPOTENCY_KEEP_MS - 1),
    row("edge", NOW - IDEMPOTENCY_KEEP_MS),
    row("new", NOW - 60_000),
  ]);
});

describe("issue 7: the nightly job forgets old idempotency answers", () => {
  it("deletes answers older than the keep period and keeps the rest", async () => {
    await runNightly();
    expect(await keys()).toEqual(["edge", "new"]);
  });

  it("is safe twice and twice at once", async () => {
    await Promise.all([runNightly(), runNightly()]);
    await runNightly();
    expect(await keys()).toEqual(["edge", "new"]);
  });
});
