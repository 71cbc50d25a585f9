// Issue 9 item 4: the outbox's rules, pure — what becomes of a row after one attempt (sent, tried again later, dead),
// the back-off between tries, and whether a claimed row may still go to its address (R41: only a confirmed one gets
// notices). The sender (services/mail-outbox.ts) reads the facts and writes the answer in one guarded batch.
import { MAIL_BACKOFF_BASE_MS, MAIL_BACKOFF_MAX_MS, MAIL_MAX_ATTEMPTS } from "./policy.ts";
import type { MailAttemptOutcome, OutboxKind } from "./vocabulary.ts";

/** How long after the n-th temporary failure (n = 1, 2, …) the row is tried again: 1, 2, 4 … minutes, at most 6 h. */
export function mailBackoffMs(attempt: number): number {
  const n = Math.max(1, Math.floor(attempt));
  // 2^(n-1) overflows nothing below 2^30; past the cap the answer is the cap.
  if (n > 30) return MAIL_BACKOFF_MAX_MS;
  return Math.min(MAIL_BACKOFF_MAX_MS, MAIL_BACKOFF_BASE_MS * 2 ** (n - 1));
}

export type AfterAttempt =
  | { status: "sent" }
  | { status: "pending"; nextAttemptAt: number }
  | { status: "dead"; why: "permanent" | "attempts_exhausted" };

/**
 * After attempt `attempt` (1 for the first) answered `outcome` at `now`: accepted → sent; a permanent refusal → dead
 * (the others still go: each row is its own decision); a temporary failure → tried again after the back-off, unless
 * this was attempt MAIL_MAX_ATTEMPTS, then dead.
 */
export function afterAttempt(outcome: MailAttemptOutcome, attempt: number, now: number): AfterAttempt {
  if (outcome === "accepted") return { status: "sent" };
  if (outcome === "permanent") return { status: "dead", why: "permanent" };
  if (attempt >= MAIL_MAX_ATTEMPTS) return { status: "dead", why: "attempts_exhausted" };
  return { status: "pending", nextAttemptAt: now + mailBackoffMs(attempt) };
}

/** Why a claimed row is not sent after all (mail_outbox.last_error of a cancelled row). */
export type UndeliverableReason = "address_removed" | "address_changed" | "address_unconfirmed";

/**
 * R41, issue 9 item 4: may the row still go to its address? The address row must exist and still say the row's
 * address (「変更する」 replaces it in place); every kind but the confirmation itself needs it confirmed.
 */
export function deliverability(
  row: { kind: OutboxKind; toAddress: string },
  address: { address: string; confirmed: boolean } | null,
): { ok: true } | { ok: false; reason: UndeliverableReason } {
  if (!address) return { ok: false, reason: "address_removed" };
  if (address.address !== row.toAddress) return { ok: false, reason: "address_changed" };
  if (row.kind !== "address_confirmation" && !address.confirmed) return { ok: false, reason: "address_unconfirmed" };
  return { ok: true };
}
