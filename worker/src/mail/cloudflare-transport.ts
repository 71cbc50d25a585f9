// Issue 9 item 7: the production transport — Cloudflare Email Service's `send_email` binding (wrangler.toml
// [[send_email]] name = "EMAIL"): `env.EMAIL.send({ from, to, subject, text, headers })` answers `{ messageId }` when
// the service accepted the mail, and throws an Error with a string `code` when it did not
// (developers.cloudflare.com/email-service/api/send-emails/workers-api/, "Error codes").
//
// Idempotency: the binding takes NO idempotency key (the message builder has no such field, and `Message-ID` is a
// platform-controlled header: setting it is refused with E_HEADER_NOT_ALLOWED — /email-service/reference/headers/).
// So the row's key travels as the custom header X-Shiori-Idempotency-Key (X- headers are allowed): it does not stop
// a second delivery, but it lets staff and the recipient's mail admin see that two copies are the same outbox row.
// A run that dies after the service accepted and before it recorded "sent" therefore leads, after the lease, to a
// second mail (at least once, never lost). docs/mail.md says so.
//
// Which failures are worth trying again (temporary) and which are for good (permanent), from the error table:
//   temporary  E_RATE_LIMIT_EXCEEDED, E_DAILY_LIMIT_EXCEEDED (quota: later), E_INTERNAL_SERVER_ERROR (service down);
//              E_SENDER_NOT_VERIFIED, E_SENDER_DOMAIN_NOT_AVAILABLE (the library's own set-up: once the domain is
//              onboarded the same mail goes — not the patron's address's fault); an error without a known code
//              (a network failure, a timeout, a code added later) — the transport contract: a throw is temporary.
//   permanent  E_RECIPIENT_SUPPRESSED (bounced or complained), E_RECIPIENT_NOT_ALLOWED (outside the binding's or the
//              Free plan's allowed destinations), E_DELIVERY_FAILED (the recipient's server refused: the service
//              itself retries soft bounces before it answers this), E_VALIDATION_ERROR, E_FIELD_MISSING,
//              E_TOO_MANY_RECIPIENTS, E_CONTENT_TOO_LARGE, E_HEADER_* (this mail will never pass as it is).
import type { MailTransport, OutgoingMail, SendResult } from "./transport.ts";

/** The service's error codes (the Workers API table) and what each means for the row. */
export const EMAIL_ERROR_KINDS: Readonly<Record<string, "temporary" | "permanent">> = {
  E_RATE_LIMIT_EXCEEDED: "temporary",
  E_DAILY_LIMIT_EXCEEDED: "temporary",
  E_INTERNAL_SERVER_ERROR: "temporary",
  E_SENDER_NOT_VERIFIED: "temporary",
  E_SENDER_DOMAIN_NOT_AVAILABLE: "temporary",
  E_VALIDATION_ERROR: "permanent",
  E_FIELD_MISSING: "permanent",
  E_TOO_MANY_RECIPIENTS: "permanent",
  E_RECIPIENT_NOT_ALLOWED: "permanent",
  E_RECIPIENT_SUPPRESSED: "permanent",
  E_CONTENT_TOO_LARGE: "permanent",
  E_DELIVERY_FAILED: "permanent",
  E_HEADER_NOT_ALLOWED: "permanent",
  E_HEADER_USE_API_FIELD: "permanent",
  E_HEADER_VALUE_INVALID: "permanent",
  E_HEADER_VALUE_TOO_LONG: "permanent",
  E_HEADER_NAME_INVALID: "permanent",
  E_HEADERS_TOO_LARGE: "permanent",
  E_HEADERS_TOO_MANY: "permanent",
};

/** The header that carries the outbox row's idempotency key (the service has no key of its own). */
export const IDEMPOTENCY_HEADER = "X-Shiori-Idempotency-Key";

/** A thrown error as the outbox records it: temporary or permanent, with the service's code and message. */
export function classifyEmailError(err: unknown): Extract<SendResult, { ok: false }> {
  const code = typeof (err as { code?: unknown })?.code === "string" ? ((err as { code: string }).code) : null;
  const message = err instanceof Error ? err.message : String(err);
  const error = `${code ?? "no code"}: ${message}`.slice(0, 500);
  // An unknown code, or none (a network failure): try again — a refusal for good is named by its code.
  const kind = (code && Object.hasOwn(EMAIL_ERROR_KINDS, code) ? EMAIL_ERROR_KINDS[code] : undefined) ?? "temporary";
  return { ok: false, kind, error };
}

export function cloudflareTransport(binding: SendEmail): MailTransport {
  return {
    name: "cloudflare",
    async send(mail: OutgoingMail): Promise<SendResult> {
      try {
        const result = await binding.send({
          from: mail.from,
          to: mail.to,
          subject: mail.subject,
          // Plain text only (issue 9 item 7: plain text first); the service encodes UTF-8 subject and body.
          text: mail.text,
          headers: { ...mail.headers, [IDEMPOTENCY_HEADER]: mail.idempotencyKey },
        });
        return { ok: true, messageId: result.messageId };
      } catch (err) {
        return classifyEmailError(err);
      }
    },
  };
}
