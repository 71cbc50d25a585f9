// Issue 9 item 7: the one small interface every mail goes through. Production: Cloudflare Email Service's
// `send_email` binding (cloudflare-transport.ts); local development: the dev mailbox (dev-mailbox.ts). The outbox
// sender (services/mail-outbox.ts) is the only caller; it never knows which one it has.

/** One mail, already composed: plain text (UTF-8), every header value one line (mail/text.ts). */
export interface OutgoingMail {
  from: string;
  to: string;
  subject: string;
  text: string;
  /** Extra headers (e.g. Auto-Submitted, X-Shiori-Idempotency-Key); values are single lines. Never Message-ID: the
   *  provider sets it (Cloudflare refuses it as E_HEADER_NOT_ALLOWED; docs/mail.md). */
  headers: Record<string, string>;
  /** The outbox row's event key (mail_outbox.dedupe_key), e.g. 'hold-ready:12:3'. */
  eventKey: string;
  /**
   * The same for every attempt of one outbox row, so a provider that honours it keeps one message when a run
   * crashed after the provider accepted and the next run tries again (issue 9 item 4). The dev mailbox honours it;
   * Cloudflare Email Service has no such key (it travels as a header there: docs/mail.md, "at least once").
   */
  idempotencyKey: string;
}

/**
 * What the provider answered. `temporary`: try again later (back-off); `permanent`: the provider refused this mail
 * for good (a bad address, a suppressed recipient): the row is dead and the others still go.
 */
export type SendResult =
  | { ok: true; messageId: string }
  | { ok: false; kind: "temporary" | "permanent"; error: string };

export interface MailTransport {
  /** "cloudflare" or "dev" (shown in logs and the README's table). */
  readonly name: string;
  /** Never throws for a provider's refusal: it answers one. A throw is treated as temporary. */
  send(mail: OutgoingMail): Promise<SendResult>;
}
