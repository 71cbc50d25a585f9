// Issue 3 item 5, issue 6 §6: the throttle in front of every password check (patron login, 「パスワード変更」's
// current password, 「本パスワード申請」, staff login).
//
//   reserveAttempt(db, scope, { now, clientAddress, throttledAction }) → the reservation's id, or ThrottledError
//     The attempt's failure row is written before the expensive check, by one guarded statement
//     (data/auth-failures.ts reserveFailure): N parallel tries count as N, whatever PBKDF2 takes. A right answer
//     releases it (releaseAttempt in the success batch); a wrong one leaves it as the failure.
//   subjectOf(env, typed, keep) — what auth_failures.subject and audit_log.detail may hold of what was typed
import { writeAudit, type AuditAction } from "../data/audit.ts";
import { countFailures, deleteFailureStatement, reserveFailure } from "../data/auth-failures.ts";
import type { Db } from "../data/db.ts";
import type { AuthFailureKind } from "../../../db/schema/auth.ts";
import { THROTTLE_DEVICE } from "../domain/policy.ts";
import { DEFAULT_THROTTLE, RESERVATION_CLOCK_SKEW_MS, decideThrottle, reservationLimits, throttleWindowStarts, type FailureCount, type ThrottleRules } from "../domain/throttle.ts";
import { ThrottledError } from "../errors.ts";
import { mac, type SecretEnv } from "./tokens.ts";

/** Which counts an attempt is held to. */
export interface AttemptScope {
  kind: AuthFailureKind;
  /** The per-card bucket: a card number, a staff login, a keyed hash of what was typed, or a device's bucket. */
  subject: string;
  /** The client's throttle key (domain/throttle.ts addressKey), stored on the row. */
  address: string;
  /** Count per address and overall (an unknown client); false for a browser the card's device cookie vouches for. */
  shared: boolean;
}

const NONE: FailureCount = { count: 0, lastAt: null };
/** Reservations lost to a parallel request before the answer is "wait" (each loss re-reads the counts). */
const RESERVATION_TRIES = 4;

export async function reserveAttempt(
  db: Db,
  scope: AttemptScope,
  t: { now: number; clientAddress: string | null; throttledAction: AuditAction },
): Promise<number> {
  // A recognised device's own bucket has the device's numbers; everything else the card's, address's and overall.
  const rules: ThrottleRules = scope.shared ? DEFAULT_THROTTLE : { ...DEFAULT_THROTTLE, card: THROTTLE_DEVICE };
  const since = throttleWindowStarts(t.now, rules);
  for (let i = 0; i < RESERVATION_TRIES; i++) {
    const counts = await countFailures(db, {
      kind: scope.kind,
      subject: scope.subject,
      address: scope.shared ? scope.address : null,
      overall: scope.shared,
      since,
      now: t.now,
    });
    const perAddress = scope.shared ? counts.perAddress : null;
    const overall = scope.shared ? counts.overall : null;
    const decision = decideThrottle({ perCard: counts.perCard, perAddress: perAddress ?? NONE, overall: overall ?? NONE, now: t.now }, rules);
    if (!decision.ok) {
      await writeAudit(db, {
        at: t.now,
        actorKind: "anonymous",
        action: t.throttledAction,
        detail: { subject: scope.subject, limitedBy: decision.limitedBy, retryAfterSeconds: decision.retryAfterSeconds },
        clientAddress: t.clientAddress,
      });
      throw new ThrottledError(decision.retryAfterSeconds);
    }
    const id = await reserveFailure(db, {
      kind: scope.kind,
      subject: scope.subject,
      address: scope.address,
      at: t.now,
      since,
      until: t.now + RESERVATION_CLOCK_SKEW_MS,
      limits: reservationLimits({ perCard: counts.perCard, perAddress, overall }, rules),
    });
    if (id !== null) return id;
    // A parallel request took the last free attempt between the count and the insert: count again.
  }
  throw new ThrottledError(1);
}

/** The statement that releases a reservation whose attempt was not a failure: put it in the outcome's batch. */
export function releaseAttempt(db: Db, reservationId: number) {
  return deleteFailureStatement(db, reservationId);
}

const SUBJECT_LABEL = "shiori/typed-subject/v1";
/** What is hashed of a very long input (a pasted text): its first characters. */
const TYPED_MAX = 256;

/**
 * Issue 6 §6 (secrets in logs): what may be stored of what was typed into a card (or staff login) box. `keep` —
 * it has the shape of a card number, or it is the login of an existing staff account — stores it as it is;
 * anything else (a password typed into the wrong box) only as a keyed hash, "#" + 22 characters, which still
 * counts repeated tries of the same text together and reveals nothing without the secret.
 */
export async function subjectOf(env: SecretEnv, typed: string, keep: boolean): Promise<string> {
  if (keep) return typed;
  return `#${await mac(env, SUBJECT_LABEL, typed.slice(0, TYPED_MAX), 16)}`;
}
