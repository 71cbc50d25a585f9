// Issue 9 item 4: the outbox sender. Claims due rows with a guarded UPDATE (a lease), composes what is composed at
// send time (services/mail-notices.ts), hands each to the transport with the row's idempotency key, records every
// attempt, and retries temporary failures with back-off; permanent refusals and rows past MAIL_MAX_ATTEMPTS are dead.
// LEAD STUB: the outbox helper writes this file (keep kickOutbox's signature: routes call it after writing rows).
import type { Context } from "hono";
import type { AppEnv } from "../env.ts";

/**
 * After a request wrote mail the patron is waiting for (a confirmation, a test mail), try to send the due rows now,
 * after the response (waitUntil); the Cron Trigger is the safety net. Never throws into the request.
 */
export function kickOutbox<E extends AppEnv>(_c: Context<E>): void {}
