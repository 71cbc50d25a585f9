// Issue 9 item 4: the outbox sender (services/mail-outbox.ts sendDueMail) inside workerd on the real migrated D1. The
// provider is a transport object the test builds (the dev mailbox, or one that fails on purpose); the database is
// never mocked. Two runs at once send each row once; an answer lost after the provider accepted is retried with the
// SAME idempotency key and the dev mailbox keeps one mail; a permanent refusal is dead and the others still go;
// temporary failures back off 1, 2, 4 … minutes and die after MAIL_MAX_ATTEMPTS; a missed day is caught up; a CR/LF
// in a subject never reaches a header; every attempt is recorded; a row whose address went is cancelled (R41).
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { Hono } from "hono";
import { beforeEach, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { mailAddresses } from "../../db/schema/index.ts";
import { createDb } from "../../worker/src/data/db.ts";
import { claimDueMail } from "../../worker/src/data/mail-outbox.ts";
import { afterAttempt, deliverability, mailBackoffMs } from "../../worker/src/domain/mail-outbox.ts";
import { MAIL_BACKOFF_BASE_MS, MAIL_BACKOFF_MAX_MS, MAIL_LEASE_MS, MAIL_MAX_ATTEMPTS } from "../../worker/src/domain/policy.ts";
import type { AppEnv } from "../../worker/src/env.ts";
import { classifyEmailError, cloudflareTransport, EMAIL_ERROR_KINDS, IDEMPOTENCY_HEADER } from "../../worker/src/mail/cloudflare-transport.ts";
import { devMailTransport } from "../../worker/src/mail/dev-mailbox.ts";
import type { OutgoingMail } from "../../worker/src/mail/transport.ts";
import { clockContext } from "../../worker/src/middleware/clock.ts";
import { dbContext } from "../../worker/src/middleware/session.ts";
import { idempotencyKeyOf, kickOutbox, sendDueMail } from "../../worker/src/services/mail-outbox.ts";
import { insertMailAddress, insertOutboxMail, type MailAddress } from "../support/factories.ts";
import { answering, attemptsOf, clearMail, composeAt, devMailEnv, devMailRows, mailEnv, outboxRow, recording } from "../support/mail.ts";

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
/** 2026-12-02 10:00 Asia/Tokyo. */
const T = Date.UTC(2026, 11, 2, 1);
const db = createDb(env.DB);
const MAIL_FROM = (env as unknown as { MAIL_FROM: string }).MAIL_FROM;
const dev = (now = T) => devMailTransport(db, { messageDomain: "toshokan.example.jp", now: () => now });
const run = (transport: Parameters<typeof sendDueMail>[1], now = T, extra: { ids?: number[]; limit?: number } = {}) =>
  sendDueMail(db, transport, { now, compose: composeAt(now), ...extra });

/** A confirmed address and a composed test mail to it, due at `due`. */
async function mailTo(opts: { address?: Partial<MailAddress>; due?: number; subject?: string; body?: string; kind?: "test_mail" | "address_confirmation" } = {}) {
  const address = await insertMailAddress(db, opts.address ?? {});
  const row = await insertOutboxMail(db, {
    kind: opts.kind ?? "test_mail",
    patronId: address.patronId,
    addressId: address.id,
    toAddress: address.address,
    subject: opts.subject ?? "テストメール",
    body: opts.body ?? "これはテストメールです。",
    nextAttemptAt: opts.due ?? T,
    createdAt: (opts.due ?? T) - MIN,
  });
  return { address, row };
}

beforeEach(clearMail);

describe("issue 9 item 4: sending a due row", () => {
  it("sends it: sent with the provider's message id, one accepted attempt, the mail in the dev mailbox", async () => {
    const { row, address } = await mailTo();
    const { transport, mails } = recording(dev());
    expect(await run(transport)).toEqual({ sent: 1, retried: 0, dead: 0, cancelled: 0 });
    const after = await outboxRow(row.id);
    const kept = await devMailRows(row.dedupeKey);
    expect(kept).toHaveLength(1);
    expect(after).toMatchObject({ status: "sent", attempts: 1, sent_at: T, lease_id: null, last_error: null, provider_message_id: kept[0]!.message_id });
    expect(await attemptsOf(row.id)).toEqual([{ attempt: 1, lease_id: expect.any(String), started_at: T, finished_at: T, outcome: "accepted", provider_message_id: kept[0]!.message_id, error: null }]);
    expect(mails).toEqual([
      {
        from: MAIL_FROM,
        to: address.address,
        subject: "テストメール",
        text: "これはテストメールです。",
        headers: { "Auto-Submitted": "auto-generated", "X-Shiori-Event": row.dedupeKey },
        eventKey: row.dedupeKey,
        idempotencyKey: idempotencyKeyOf({ id: row.id, eventKey: row.dedupeKey }),
      },
    ]);
    expect(kept[0]!.idempotency_key).toBe(mails[0]!.idempotencyKey);
    // A second run finds nothing left to do.
    expect(await run(transport, T + HOUR)).toEqual({ sent: 0, retried: 0, dead: 0, cancelled: 0 });
    expect(mails).toHaveLength(1);
  });

  it("not before its time: a row due later waits; it goes once due", async () => {
    const { row } = await mailTo({ due: T + 10 * MIN });
    const { transport, mails } = recording(dev());
    expect((await run(transport, T + 10 * MIN - 1)).sent).toBe(0);
    expect(mails).toHaveLength(0);
    expect((await run(transport, T + 10 * MIN)).sent).toBe(1);
    expect((await outboxRow(row.id)).status).toBe("sent");
  });

  it("two runs at once (Promise.all) hand each row to the provider once", async () => {
    const rows = [];
    for (let i = 0; i < 6; i++) rows.push((await mailTo()).row);
    const { transport, mails } = recording(dev());
    const [a, b] = await Promise.all([run(transport), run(transport)]);
    expect(a.sent + b.sent).toBe(6);
    expect(mails.map((m) => m.eventKey).sort()).toEqual(rows.map((r) => r.dedupeKey).sort());
    for (const r of rows) {
      expect(await attemptsOf(r.id), r.dedupeKey).toHaveLength(1);
      expect((await outboxRow(r.id)).attempts).toBe(1);
    }
    expect(await devMailRows()).toHaveLength(6);
  });

  it("the same run's rows in claim order, at most `limit`; the rest the next run", async () => {
    for (let i = 0; i < 3; i++) await mailTo({ due: T - (3 - i) * MIN });
    const { transport, mails } = recording(dev());
    expect((await run(transport, T, { limit: 2 })).sent).toBe(2);
    expect((await run(transport, T, { limit: 2 })).sent).toBe(1);
    expect(mails).toHaveLength(3);
  });
});

describe("issue 9 item 4: a crash after the provider accepted", () => {
  it("accepted, then the answer was lost (the transport throws): retried with the SAME idempotency key; the dev mailbox keeps one mail", async () => {
    const { row } = await mailTo();
    const { transport, mails } = recording(dev(), async (_mail, call, send) => {
      const answer = await send();
      if (call === 1) throw new Error("connection reset after the provider accepted");
      return answer;
    });
    expect(await run(transport)).toEqual({ sent: 0, retried: 1, dead: 0, cancelled: 0 });
    expect(await outboxRow(row.id)).toMatchObject({ status: "pending", attempts: 1, next_attempt_at: T + MAIL_BACKOFF_BASE_MS, last_error: expect.stringContaining("connection reset") });
    expect(await run(transport, T + MAIL_BACKOFF_BASE_MS)).toEqual({ sent: 1, retried: 0, dead: 0, cancelled: 0 });
    expect(mails).toHaveLength(2);
    expect(mails[1]!.idempotencyKey).toBe(mails[0]!.idempotencyKey);
    const kept = await devMailRows(row.dedupeKey);
    expect(kept).toHaveLength(1);
    expect(await outboxRow(row.id)).toMatchObject({ status: "sent", attempts: 2, provider_message_id: kept[0]!.message_id });
    expect((await attemptsOf(row.id)).map((a) => a.outcome)).toEqual(["temporary", "accepted"]);
  });

  it("the run died after acceptance (mark-sent never written): untouched while leased; after the lease the next run sends it with the same key, one mail, the lost attempt written down", async () => {
    const { row } = await mailTo();
    // A run claims the row and the provider accepts it — then the run dies before it records anything.
    const [claimed] = await claimDueMail(db, { leaseId: "dead-run", now: T, leaseMs: MAIL_LEASE_MS, maxAttempts: MAIL_MAX_ATTEMPTS, limit: 10 });
    expect(claimed).toMatchObject({ id: row.id, attempt: 1 });
    const first = await dev().send({ from: MAIL_FROM, to: row.toAddress, subject: row.subject!, text: row.body!, headers: {}, eventKey: row.dedupeKey, idempotencyKey: idempotencyKeyOf({ id: row.id, eventKey: row.dedupeKey }) });
    expect(first.ok).toBe(true);

    const { transport, mails } = recording(dev());
    expect(await run(transport, T + MAIL_LEASE_MS - 1)).toEqual({ sent: 0, retried: 0, dead: 0, cancelled: 0 });
    expect((await outboxRow(row.id)).status).toBe("sending");
    expect(await run(transport, T + MAIL_LEASE_MS + 1)).toEqual({ sent: 1, retried: 0, dead: 0, cancelled: 0 });
    expect(mails).toHaveLength(1);
    expect(mails[0]!.idempotencyKey).toBe(idempotencyKeyOf({ id: row.id, eventKey: row.dedupeKey }));
    const kept = await devMailRows(row.dedupeKey);
    expect(kept).toHaveLength(1);
    expect(await outboxRow(row.id)).toMatchObject({ status: "sent", attempts: 2, provider_message_id: first.ok ? first.messageId : null });
    const attempts = await attemptsOf(row.id);
    expect(attempts.map((a) => [a.attempt, a.lease_id === "dead-run", a.outcome])).toEqual([
      [1, true, "temporary"],
      [2, false, "accepted"],
    ]);
    expect(attempts[0]!.error).toMatch(/lease expired/);
  });

  it("a run that comes back after its lease was taken changes nothing (every write is guarded by the lease id)", async () => {
    const { row } = await mailTo();
    await claimDueMail(db, { leaseId: "slow-run", now: T, leaseMs: MAIL_LEASE_MS, maxAttempts: MAIL_MAX_ATTEMPTS, limit: 10 });
    expect((await run(dev(), T + MAIL_LEASE_MS + 1)).sent).toBe(1);
    const { markRetryStatement } = await import("../../worker/src/data/mail-outbox.ts");
    const late = await markRetryStatement(db, { id: row.id, leaseId: "slow-run", nextAttemptAt: T, error: "late" }).run();
    expect(late.meta.changes).toBe(0);
    expect((await outboxRow(row.id)).status).toBe("sent");
  });
});

describe("issue 9 item 4: refusals, back-off and dead rows", () => {
  it("a permanent refusal is dead (ended, with the provider's reason) and the others still go", async () => {
    const before = await mailTo({ due: T - 2 * MIN });
    const refused = await mailTo({ due: T - MIN, address: { address: "taro@bounce.invalid" } });
    const after = await mailTo({ due: T });
    expect(await run(dev())).toEqual({ sent: 2, retried: 0, dead: 1, cancelled: 0 });
    expect(await outboxRow(refused.row.id)).toMatchObject({ status: "dead", ended_at: T, attempts: 1, last_error: expect.stringContaining("E_RECIPIENT_SUPPRESSED") });
    expect(await attemptsOf(refused.row.id)).toMatchObject([{ attempt: 1, outcome: "permanent" }]);
    for (const ok of [before, after]) expect((await outboxRow(ok.row.id)).status).toBe("sent");
    // Dead stays dead: a later run never takes it again.
    expect(await run(dev(), T + DAY)).toEqual({ sent: 0, retried: 0, dead: 0, cancelled: 0 });
  });

  it("temporary failures back off 1, 2, 4 … minutes; each try is recorded; after MAIL_MAX_ATTEMPTS the row is dead and the next row still goes", async () => {
    const { row } = await mailTo();
    const busy = answering({ ok: false, kind: "temporary", error: "E_RATE_LIMIT_EXCEEDED: slow down" });
    let now = T;
    for (let n = 1; n < MAIL_MAX_ATTEMPTS; n++) {
      expect(await run(busy, now), `attempt ${n}`).toMatchObject({ retried: 1 });
      const state = await outboxRow(row.id);
      expect(state).toMatchObject({ status: "pending", attempts: n, next_attempt_at: now + mailBackoffMs(n) });
      // Not before the back-off has passed.
      expect((await run(busy, state.next_attempt_at - 1)).retried, `early ${n}`).toBe(0);
      now = state.next_attempt_at;
    }
    expect(await run(busy, now)).toEqual({ sent: 0, retried: 0, dead: 1, cancelled: 0 });
    expect(await outboxRow(row.id)).toMatchObject({ status: "dead", attempts: MAIL_MAX_ATTEMPTS, ended_at: now, last_error: expect.stringContaining("no attempts left") });
    const attempts = await attemptsOf(row.id);
    expect(attempts.map((a) => a.attempt)).toEqual(Array.from({ length: MAIL_MAX_ATTEMPTS }, (_, i) => i + 1));
    expect(new Set(attempts.map((a) => a.outcome))).toEqual(new Set(["temporary"]));
    const next = await mailTo({ due: now });
    expect((await run(dev(), now)).sent).toBe(1);
    expect((await outboxRow(next.row.id)).status).toBe("sent");
  });

  it("a transport that throws counts as temporary (tried again), with what it said", async () => {
    const { row } = await mailTo();
    const broken = answering(() => {
      throw new Error("network unreachable");
    });
    expect(await run(broken)).toMatchObject({ retried: 1 });
    expect(await outboxRow(row.id)).toMatchObject({ status: "pending", last_error: expect.stringContaining("network unreachable") });
    expect(await attemptsOf(row.id)).toMatchObject([{ outcome: "temporary", error: expect.stringContaining("network unreachable") }]);
  });

  it("the back-off: 1, 2, 4 … minutes, at most 6 hours; the decision after each outcome", () => {
    expect([1, 2, 3, 4, 5, 6, 7].map(mailBackoffMs)).toEqual([1, 2, 4, 8, 16, 32, 64].map((m) => m * MIN));
    expect(mailBackoffMs(10)).toBe(MAIL_BACKOFF_MAX_MS);
    expect(mailBackoffMs(1000)).toBe(MAIL_BACKOFF_MAX_MS);
    expect(afterAttempt("accepted", 8, T)).toEqual({ status: "sent" });
    expect(afterAttempt("permanent", 1, T)).toEqual({ status: "dead", why: "permanent" });
    expect(afterAttempt("temporary", 1, T)).toEqual({ status: "pending", nextAttemptAt: T + MIN });
    expect(afterAttempt("temporary", MAIL_MAX_ATTEMPTS - 1, T)).toMatchObject({ status: "pending" });
    expect(afterAttempt("temporary", MAIL_MAX_ATTEMPTS, T)).toEqual({ status: "dead", why: "attempts_exhausted" });
  });

  it("a missed day is caught up: rows due days ago are sent by the next run, oldest first", async () => {
    const old = await mailTo({ due: T - 3 * DAY });
    const older = await mailTo({ due: T - 4 * DAY });
    const recent = await mailTo({ due: T - 2 * HOUR });
    const { transport, mails } = recording(dev());
    expect((await run(transport)).sent).toBe(3);
    expect(mails.map((m) => m.eventKey)).toEqual([older.row.dedupeKey, old.row.dedupeKey, recent.row.dedupeKey]);
  });
});

describe("issue 9 items 4 and 5: untrusted text", () => {
  it("a subject with CR/LF and a title with <script>: the transport gets single-line headers; the body stays plain text", async () => {
    const { row } = await mailTo({
      subject: "予約資料のご用意ができました\r\nBcc: everyone@example.com\r\n\r\n<script>alert(1)</script>",
      body: "資料名: <script>alert('x')</script>\r\n受取館: 中央図書館\u0007",
    });
    const { transport, mails } = recording(dev());
    expect((await run(transport)).sent).toBe(1);
    const mail = mails[0]!;
    for (const value of [mail.from, mail.to, mail.subject, ...Object.keys(mail.headers), ...Object.values(mail.headers)]) expect(value).not.toMatch(/[\r\n]/);
    expect(mail.subject).toBe("予約資料のご用意ができました Bcc: everyone@example.com <script>alert(1)</script>");
    expect(mail.text).toBe("資料名: <script>alert('x')</script>\n受取館: 中央図書館");
    expect(await outboxRow(row.id)).toMatchObject({ status: "sent", subject: mail.subject, body: mail.text });
  });
});

describe("issue 9 item 4, R41: only to an address that is still there and confirmed", () => {
  it("cancelled (not sent, not counted as an attempt) when the address was removed, changed or is unconfirmed; a confirmation goes to its unconfirmed address", async () => {
    const removed = await mailTo();
    await db.delete(mailAddresses).where(eq(mailAddresses.id, removed.address.id));
    const changed = await mailTo();
    await db.update(mailAddresses).set({ address: `changed.${changed.address.address}`, confirmedAt: null }).where(eq(mailAddresses.id, changed.address.id));
    const unconfirmed = await mailTo({ address: { confirmedAt: null } });
    const confirmation = await mailTo({ address: { confirmedAt: null }, kind: "address_confirmation" });
    const { transport, mails } = recording(dev());
    expect(await run(transport)).toEqual({ sent: 1, retried: 0, dead: 0, cancelled: 3 });
    expect(mails.map((m) => m.eventKey)).toEqual([confirmation.row.dedupeKey]);
    for (const [c, reason] of [
      [removed, "address_removed"],
      [changed, "address_changed"],
      [unconfirmed, "address_unconfirmed"],
    ] as const) {
      expect(await outboxRow(c.row.id), reason).toMatchObject({ status: "cancelled", last_error: reason, ended_at: T, attempts: 0, lease_id: null });
      expect(await attemptsOf(c.row.id)).toEqual([]);
    }
    expect(deliverability({ kind: "hold_ready", toAddress: "a@example.jp" }, { address: "a@example.jp", confirmed: true })).toEqual({ ok: true });
  });

  it("a row composed at send time whose notice no longer holds (a ready notice with no hold) is cancelled by prepareOutboxMail, not sent", async () => {
    const address = await insertMailAddress(db);
    const row = await insertOutboxMail(db, { kind: "hold_ready", patronId: address.patronId, addressId: address.id, toAddress: address.address, subject: null, body: null, holdId: null, nextAttemptAt: T });
    const { transport, mails } = recording(dev());
    expect(await run(transport)).toMatchObject({ sent: 0, cancelled: 1 });
    expect(mails).toEqual([]);
    expect(await outboxRow(row.id)).toMatchObject({ status: "cancelled", ended_at: T });
  });
});

describe("issue 9 item 4: kickOutbox after a request", () => {
  function app() {
    const a = new Hono<AppEnv>();
    a.use(dbContext);
    a.use(clockContext);
    a.post("/kick", (c) => {
      kickOutbox(c);
      return c.text("ok");
    });
    return a;
  }

  it("sends the due rows after the response (waitUntil), in the dev mailbox", async () => {
    const { row } = await mailTo({ due: Date.now() - MIN });
    const ctx = createExecutionContext();
    const res = await app().fetch(new Request("http://localhost:8802/kick", { method: "POST" }), devMailEnv(), ctx);
    expect(await res.text()).toBe("ok");
    await waitOnExecutionContext(ctx);
    expect((await outboxRow(row.id)).status).toBe("sent");
    expect(await devMailRows(row.dedupeKey)).toHaveLength(1);
  });

  it("never throws into the request: no transport (rows stay pending), or no execution context", async () => {
    const { row } = await mailTo({ due: Date.now() - MIN });
    const ctx = createExecutionContext();
    const res = await app().fetch(new Request("http://localhost:8802/kick", { method: "POST" }), mailEnv({ EMAIL: undefined }), ctx);
    expect(res.status).toBe(200);
    await waitOnExecutionContext(ctx);
    expect((await app().request("http://localhost:8802/kick", { method: "POST" }, devMailEnv())).status).toBe(200);
    expect((await outboxRow(row.id)).status).toBe("pending");
  });
});

describe("issue 9 item 7: the Cloudflare Email Service transport", () => {
  const mail: OutgoingMail = { from: "web_master@toshokan.example.jp", to: "taro@example.jp", subject: "件名", text: "本文", headers: { "Auto-Submitted": "auto-generated" }, eventKey: "test:1:0", idempotencyKey: "shiori-outbox-1-test:1:0" };
  const binding = (answer: () => Promise<EmailSendResult>) => {
    const calls: unknown[] = [];
    return { calls, binding: { send: async (m: unknown) => (calls.push(m), answer()) } as unknown as SendEmail };
  };

  it("hands the binding plain text and the row's key as X-Shiori-Idempotency-Key (Message-ID is the service's own); answers its messageId", async () => {
    const b = binding(async () => ({ messageId: "cf-123" }));
    expect(await cloudflareTransport(b.binding).send(mail)).toEqual({ ok: true, messageId: "cf-123" });
    expect(b.calls).toEqual([{ from: mail.from, to: mail.to, subject: "件名", text: "本文", headers: { "Auto-Submitted": "auto-generated", [IDEMPOTENCY_HEADER]: mail.idempotencyKey } }]);
  });

  it("maps the service's error codes: recipient and content refusals are permanent; limits, outages, set-up and unknown errors temporary", async () => {
    const thrown = (code?: string) => Object.assign(new Error(`failed ${code ?? ""}`), code ? { code } : {});
    for (const code of ["E_RECIPIENT_SUPPRESSED", "E_RECIPIENT_NOT_ALLOWED", "E_DELIVERY_FAILED", "E_VALIDATION_ERROR", "E_HEADER_NOT_ALLOWED", "E_CONTENT_TOO_LARGE"]) {
      const b = binding(async () => Promise.reject(thrown(code)));
      expect(await cloudflareTransport(b.binding).send(mail), code).toMatchObject({ ok: false, kind: "permanent", error: expect.stringContaining(code) });
    }
    for (const code of ["E_RATE_LIMIT_EXCEEDED", "E_DAILY_LIMIT_EXCEEDED", "E_INTERNAL_SERVER_ERROR", "E_SENDER_NOT_VERIFIED", "E_SENDER_DOMAIN_NOT_AVAILABLE", "E_SOMETHING_NEW", undefined]) {
      const b = binding(async () => Promise.reject(thrown(code)));
      expect(await cloudflareTransport(b.binding).send(mail), String(code)).toMatchObject({ ok: false, kind: "temporary" });
    }
    expect(classifyEmailError("a string")).toMatchObject({ kind: "temporary" });
    expect(Object.keys(EMAIL_ERROR_KINDS)).toHaveLength(19);
  });
});
