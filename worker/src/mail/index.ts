// Issue 9 item 7: which transport this configuration sends with. The dev mailbox where it is allowed (local
// development: DEV_MAILBOX "on" in .dev.vars and a loopback origin — mail/dev-mailbox.ts), else Cloudflare Email
// Service's `send_email` binding (wrangler.toml [[send_email]] EMAIL), else none: rows stay pending (nothing is lost)
// and the sender logs it (services/mail-outbox.ts).
import { createDb } from "../data/db.ts";
import type { Env } from "../env.ts";
import { cloudflareTransport } from "./cloudflare-transport.ts";
import { devMailboxAllowed, devMailTransport } from "./dev-mailbox.ts";
import type { MailTransport } from "./transport.ts";

/** `now`: when a dev-mailbox mail counts as sent (the run's library time); the real time when omitted. */
export function transportFor(env: Env, now?: number): MailTransport | null {
  if (devMailboxAllowed(env)) return devMailTransport(createDb(env.DB), { messageDomain: env.MAIL_DOMAIN, now: now === undefined ? undefined : () => now });
  if (env.EMAIL) return cloudflareTransport(env.EMAIL);
  return null;
}

export type { MailTransport, OutgoingMail, SendResult } from "./transport.ts";
