// Issue 9 item 7: the dev mailbox. In local development the outbox's mail is kept in dev_mail instead of being sent,
// and /dev/mail (HTML) and /dev/mail.json show it (routes/dev-mail.ts), so a new user sees the confirmation link and
// the ready notice without a mail server.
//
// Allowed only when BOTH hold (the local clock's gate, domain/local-clock.ts): DEV_MAILBOX is "on" — written to
// .dev.vars by `npm start` and the test runner (db/cli/dev-vars.ts), a file `wrangler dev` reads and `wrangler deploy`
// never uploads, and wrangler.toml never sets it — and SITE_ORIGIN is a loopback http:// origin. A production
// configuration has neither; either one missing means the production transport, and /dev/* answers 404.
//
// It behaves as a provider that honours idempotency keys would: one row per key (dev_mail.idempotency_key is
// unique), so a second send of the same outbox row — a run that crashed after the "provider" accepted — keeps one
// mail and answers the first one's messageId. It refuses what Cloudflare Email Service refuses (a header value with a
// line break, a platform-controlled header such as Message-ID), so a bug shows up here before production.
import { desc, eq, sql } from "drizzle-orm";
import { devMail } from "../../../db/schema/index.ts";
import { d1Client, d1Statement, type Db } from "../data/db.ts";
import { isLoopbackHttpOrigin } from "../domain/local-clock.ts";
import type { MailTransport, OutgoingMail, SendResult } from "./transport.ts";

export interface DevMailboxConfig {
  DEV_MAILBOX?: string;
  SITE_ORIGIN?: string;
}

export function devMailboxAllowed(env: DevMailboxConfig): boolean {
  return env.DEV_MAILBOX === "on" && isLoopbackHttpOrigin(env.SITE_ORIGIN);
}

// Headers Cloudflare Email Service sets itself (E_HEADER_NOT_ALLOWED) or wants in an API field
// (E_HEADER_USE_API_FIELD): developers.cloudflare.com/email-service/reference/headers/.
const PLATFORM_HEADERS = new Set(
  ["date", "message-id", "mime-version", "content-type", "content-transfer-encoding", "dkim-signature", "return-path", "received", "feedback-id", "from", "to", "cc", "bcc", "subject", "reply-to"],
);

/** What the provider would refuse in this mail, or null. */
export function providerRefusal(mail: OutgoingMail): string | null {
  for (const [field, value] of [["from", mail.from], ["to", mail.to], ["subject", mail.subject]] as const) {
    if (/[\r\n]/.test(value)) return `E_VALIDATION_ERROR: ${field} has a line break`;
    if (value.trim() === "") return `E_FIELD_MISSING: ${field}`;
  }
  for (const [name, value] of Object.entries(mail.headers)) {
    if (PLATFORM_HEADERS.has(name.toLowerCase()) || name.toLowerCase().startsWith("arc-")) return `E_HEADER_NOT_ALLOWED: ${name}`;
    if (!/^[A-Za-z0-9-]{1,100}$/.test(name) && !/^X-[A-Za-z0-9_-]{1,98}$/.test(name)) return `E_HEADER_NAME_INVALID: ${name}`;
    if (/[\r\n]/.test(value) || value === "") return `E_HEADER_VALUE_INVALID: ${name}`;
  }
  return null;
}

export interface DevTransportOptions {
  /** The Message-ID domain (MAIL_DOMAIN). */
  messageDomain: string;
  /** When a mail counts as sent (the library's now, so a demo's moved day shows on the mail). */
  now?: () => number;
}

/**
 * The dev transport. A recipient in the reserved `.invalid` top-level domain (RFC 2606) is refused permanently, as a
 * suppressed address would be, so the refused state can be seen locally (e.g. taro@bounce.invalid).
 */
export function devMailTransport(db: Db, opts: DevTransportOptions): MailTransport {
  const now = opts.now ?? Date.now;
  return {
    name: "dev",
    async send(mail: OutgoingMail): Promise<SendResult> {
      const refusal = providerRefusal(mail);
      if (refusal) return { ok: false, kind: "permanent", error: refusal };
      if (/\.invalid$/i.test(mail.to.split("@").pop() ?? "")) return { ok: false, kind: "permanent", error: "E_RECIPIENT_SUPPRESSED: a .invalid address (dev mailbox)" };
      const messageId = `<${crypto.randomUUID()}@${opts.messageDomain}>`;
      const [, found] = await d1Client(db).batch<{ message_id: string }>([
        d1Statement(
          db,
          sql`INSERT INTO dev_mail (idempotency_key, message_id, event_key, from_address, to_address, subject, text, headers, sent_at)
            VALUES (${mail.idempotencyKey}, ${messageId}, ${mail.eventKey}, ${mail.from}, ${mail.to}, ${mail.subject}, ${mail.text}, ${JSON.stringify(mail.headers)}, ${now()})
            ON CONFLICT (idempotency_key) DO NOTHING`,
        ),
        d1Statement(db, sql`SELECT message_id FROM dev_mail WHERE idempotency_key = ${mail.idempotencyKey}`),
      ]);
      return { ok: true, messageId: found!.results[0]!.message_id };
    },
  };
}

export interface DevMail {
  to: string;
  from: string;
  subject: string;
  text: string;
  /** ISO 8601 (UTC). */
  sentAt: string;
  eventKey: string;
  messageId: string;
  headers: Record<string, string>;
}

/** The dev mailbox, newest first; `to`: one recipient's only (compared without case). */
export async function listDevMail(db: Db, opts: { to?: string; limit?: number } = {}): Promise<DevMail[]> {
  const base = db.select().from(devMail);
  const filtered = opts.to ? base.where(eq(sql`lower(${devMail.toAddress})`, opts.to.trim().toLowerCase())) : base;
  const rows = await filtered.orderBy(desc(devMail.sentAt), desc(devMail.id)).limit(opts.limit ?? 200);
  return rows.map((r) => ({
    to: r.toAddress,
    from: r.fromAddress,
    subject: r.subject,
    text: r.text,
    sentAt: new Date(r.sentAt).toISOString(),
    eventKey: r.eventKey,
    messageId: r.messageId,
    headers: safeHeaders(r.headers),
  }));
}

function safeHeaders(json: string): Record<string, string> {
  try {
    const v = JSON.parse(json) as unknown;
    return v && typeof v === "object" ? (v as Record<string, string>) : {};
  } catch {
    return {};
  }
}
