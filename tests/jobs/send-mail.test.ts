// Issue 9 item 4: the outbox sender's cron (jobs/send-mail.ts on CRON_MAIL, every 5 minutes) through the Worker's
// exported scheduled() with fixed times, on the real migrated D1 and the dev mailbox (what `npm start` configures).
// The job run twice, and twice at once, sends each event once; it runs on the library's time, so a local clock moved a
// day makes a next-morning notice due (and only where the clock is allowed); a missed day is caught up; with no
// transport the rows wait and the run does not fail.
import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import worker from "../../worker/src/index.ts";
import { createDb } from "../../worker/src/data/db.ts";
import { clearLocalClock, setLocalClock } from "../../worker/src/data/local-clock.ts";
import { addDays, tokyoDay, tokyoDayStartMs } from "../../worker/src/domain/calendar.ts";
import { READY_NOTICE_HOUR } from "../../worker/src/domain/policy.ts";
import type { Env } from "../../worker/src/env.ts";
import { CRON_MAIL, CRON_NIGHTLY, SCHEDULE } from "../../worker/src/jobs/schedule.ts";
import { sendMailJob } from "../../worker/src/jobs/send-mail.ts";
import { cronsFor } from "../../db/cli/jobs.ts";
import { insertMailAddress, insertOutboxMail } from "../support/factories.ts";
import { attemptsOf, clearMail, devMailEnv, devMailRows, mailEnv, outboxRow } from "../support/mail.ts";

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
/** 2026-12-02 10:00 Asia/Tokyo: a 5-minute trigger. */
const T = Date.UTC(2026, 11, 2, 1);
const db = createDb(env.DB);

async function fire(e: Env, scheduledTime = T): Promise<void> {
  const ctx = createExecutionContext();
  await worker.scheduled(createScheduledController({ scheduledTime, cron: CRON_MAIL }), e, ctx);
  await waitOnExecutionContext(ctx);
}

async function due(at: number) {
  const address = await insertMailAddress(db);
  return insertOutboxMail(db, { kind: "test_mail", patronId: address.patronId, addressId: address.id, toAddress: address.address, subject: "テストメール", body: "本文", nextAttemptAt: at, createdAt: at - MIN });
}

beforeEach(clearMail);
afterEach(async () => {
  await clearLocalClock(db);
});

describe(`issue 9 item 4: the send-mail job (cron "${CRON_MAIL}")`, () => {
  it("is the only job of its cron, every 5 minutes, on the library's time (not realTime)", () => {
    expect(SCHEDULE[CRON_MAIL]).toEqual([sendMailJob]);
    expect(CRON_MAIL).toBe("*/5 * * * *");
    expect(sendMailJob.realTime).toBeFalsy();
  });

  it("`npm run jobs` (db/cli/jobs.ts) fires every cron, nightly first; `-- mail` the mail cron only; an unknown name is refused", () => {
    expect(cronsFor([])).toEqual([CRON_NIGHTLY, CRON_MAIL]);
    expect(new Set(cronsFor([]))).toEqual(new Set(Object.keys(SCHEDULE)));
    expect(cronsFor(["mail"])).toEqual([CRON_MAIL]);
    expect(cronsFor(["nightly"])).toEqual([CRON_NIGHTLY]);
    expect(cronsFor([CRON_MAIL])).toEqual([CRON_MAIL]);
    expect(cronsFor(["hourly"])).toBeNull();
  });

  it("sends the due rows into the dev mailbox", async () => {
    const a = await due(T - MIN);
    const later = await due(T + HOUR);
    await fire(devMailEnv());
    expect((await outboxRow(a.id)).status).toBe("sent");
    expect((await outboxRow(later.id)).status).toBe("pending");
    expect((await devMailRows()).map((m) => m.event_key)).toEqual([a.dedupeKey]);
  });

  it("run twice, and twice at once (Promise.all): each event is handed to the provider once", async () => {
    const rows = [];
    for (let i = 0; i < 8; i++) rows.push(await due(T - i * MIN));
    await Promise.all([fire(devMailEnv()), fire(devMailEnv())]);
    await fire(devMailEnv(), T + 5 * MIN);
    for (const r of rows) {
      expect(await outboxRow(r.id), r.dedupeKey).toMatchObject({ status: "sent", attempts: 1 });
      expect((await attemptsOf(r.id)).map((a) => a.outcome), r.dedupeKey).toEqual(["accepted"]);
      expect(await devMailRows(r.dedupeKey)).toHaveLength(1);
    }
    expect(await devMailRows()).toHaveLength(8);
  });

  it("R20 on the library's time: a notice due at READY_NOTICE_HOUR tomorrow goes when the local clock is moved a day — only where the clock is allowed", async () => {
    const tomorrow = addDays(tokyoDay(T), 1);
    const row = await due(tokyoDayStartMs(tomorrow) + READY_NOTICE_HOUR * HOUR);
    await fire(devMailEnv({ LOCAL_CLOCK: "on" }));
    expect((await outboxRow(row.id)).status).toBe("pending");
    await setLocalClock(db, tomorrow, Date.now());
    // Clock set, but this configuration does not allow it (LOCAL_CLOCK off): still the real day, not due.
    await fire(devMailEnv());
    expect((await outboxRow(row.id)).status).toBe("pending");
    await fire(devMailEnv({ LOCAL_CLOCK: "on" }));
    expect(await outboxRow(row.id)).toMatchObject({ status: "sent", sent_at: T + DAY });
    expect(await devMailRows(row.dedupeKey)).toHaveLength(1);
  });

  it("a missed day is caught up: rows due days ago go on the next run", async () => {
    const rows = [await due(T - 2 * DAY), await due(T - DAY), await due(T - 5 * MIN)];
    await fire(devMailEnv());
    for (const r of rows) expect((await outboxRow(r.id)).status).toBe("sent");
  });

  it("no transport (no EMAIL binding, dev mailbox off): the rows stay pending, untouched, and the run does not fail", async () => {
    const row = await due(T - MIN);
    await fire(mailEnv({ EMAIL: undefined }));
    expect(await outboxRow(row.id)).toMatchObject({ status: "pending", attempts: 0, lease_id: null });
    await fire(devMailEnv());
    expect((await outboxRow(row.id)).status).toBe("sent");
  });
});
