// Issue 9: what the outbox tests share — a test env with the dev mailbox on or off, a transport that records what it
// was handed (the provider, not the database: the database is always the real migrated D1), and readers of the rows.
import { env } from "cloudflare:workers";
import type { Env } from "../../worker/src/env.ts";
import type { MailTransport, OutgoingMail, SendResult } from "../../worker/src/mail/transport.ts";
import type { ComposeContext } from "../../worker/src/services/mail-notices.ts";

const testEnv = env as unknown as Env;

/** The test runtime's bindings (wrangler.toml's [vars] and its EMAIL binding), with a few settings changed. The test
 *  runtime reads .dev.vars as `wrangler dev` does, so its own DEV_MAILBOX/LOCAL_CLOCK are never relied on. */
export function mailEnv(vars: Partial<Pick<Env, "DEV_MAILBOX" | "LOCAL_CLOCK" | "SITE_ORIGIN" | "EMAIL">> = {}): Env {
  return {
    DB: testEnv.DB,
    ASSETS: testEnv.ASSETS,
    LIBRARY_NAME: testEnv.LIBRARY_NAME,
    SITE_NAME: testEnv.SITE_NAME,
    SITE_ORIGIN: testEnv.SITE_ORIGIN,
    MAIL_FROM: testEnv.MAIL_FROM,
    MAIL_DOMAIN: testEnv.MAIL_DOMAIN,
    PASSWORD_PEPPER: testEnv.PASSWORD_PEPPER,
    EMAIL: testEnv.EMAIL,
    LOCAL_CLOCK: undefined,
    DEV_MAILBOX: undefined,
    ...vars,
  };
}

/** What `npm start` gives the Worker: .dev.vars' DEV_MAILBOX (and LOCAL_CLOCK) and the origin actually served. */
export const devMailEnv = (vars: Partial<Pick<Env, "LOCAL_CLOCK">> = {}) => mailEnv({ DEV_MAILBOX: "on", SITE_ORIGIN: "http://localhost:8802", ...vars });

export const composeAt = (now: number): ComposeContext => ({
  now,
  siteOrigin: "http://localhost:8802",
  libraryName: testEnv.LIBRARY_NAME,
  mailFrom: testEnv.MAIL_FROM,
  mailDomain: testEnv.MAIL_DOMAIN,
});

/** Wraps a transport: every mail it was handed, in order; `answer` may replace (or follow) the inner send. */
export function recording(inner: MailTransport, answer?: (mail: OutgoingMail, call: number, send: () => Promise<SendResult>) => Promise<SendResult>) {
  const mails: OutgoingMail[] = [];
  const transport: MailTransport = {
    name: `recording(${inner.name})`,
    async send(mail) {
      mails.push(mail);
      const send = () => inner.send(mail);
      return answer ? answer(mail, mails.length, send) : send();
    },
  };
  return { transport, mails };
}

/** A transport that answers the same every time (no mail kept anywhere). */
export function answering(result: SendResult | (() => never)): MailTransport {
  return {
    name: "fixed",
    async send() {
      if (typeof result === "function") return result();
      return result;
    },
  };
}

export interface OutboxState {
  id: number;
  status: string;
  attempts: number;
  next_attempt_at: number;
  lease_id: string | null;
  last_error: string | null;
  provider_message_id: string | null;
  sent_at: number | null;
  ended_at: number | null;
  subject: string | null;
  body: string | null;
}

export const outboxRow = async (id: number) =>
  (await testEnv.DB.prepare("SELECT id, status, attempts, next_attempt_at, lease_id, last_error, provider_message_id, sent_at, ended_at, subject, body FROM mail_outbox WHERE id = ?").bind(id).first<OutboxState>())!;

export const attemptsOf = async (id: number) =>
  (
    await testEnv.DB.prepare("SELECT attempt, lease_id, started_at, finished_at, outcome, provider_message_id, error FROM mail_attempts WHERE outbox_id = ? ORDER BY attempt").bind(id).all<{
      attempt: number;
      lease_id: string;
      started_at: number;
      finished_at: number;
      outcome: string;
      provider_message_id: string | null;
      error: string | null;
    }>()
  ).results;

export const devMailRows = async (eventKey?: string) =>
  (
    await (eventKey
      ? testEnv.DB.prepare("SELECT idempotency_key, message_id, event_key, to_address, subject, text, headers FROM dev_mail WHERE event_key = ? ORDER BY id").bind(eventKey)
      : testEnv.DB.prepare("SELECT idempotency_key, message_id, event_key, to_address, subject, text, headers FROM dev_mail ORDER BY id")
    ).all<{ idempotency_key: string; message_id: string; event_key: string; to_address: string; subject: string; text: string; headers: string }>()
  ).results;

/** Each test starts with an empty outbox and dev mailbox (the file's D1 is shared by its tests). */
export async function clearMail(): Promise<void> {
  await testEnv.DB.batch(["DELETE FROM mail_attempts", "DELETE FROM mail_outbox", "DELETE FROM dev_mail"].map((s) => testEnv.DB.prepare(s)));
}
