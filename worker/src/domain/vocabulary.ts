// R11, R14, R20, R33, R34, R43 and issue 6 item 5: the library's closed vocabularies, in one place. The drizzle
// schema builds its enums and CHECK constraints from these lists (db/schema imports this file, never the other
// way round), so the domain, the valibot schemas the islands share and the database can never disagree.
// Pure data: no drizzle, no Hono.

/** R10 facets, R11: what a record is. */
export const MATERIAL_TYPES = ["book", "magazine", "audio", "video", "electronic", "other"] as const;
export type MaterialType = (typeof MATERIAL_TYPES)[number];

/**
 * R33: waiting 「予約中です」, in_transit 「取寄・準備中です」, ready 「ご用意できました」, cancelled 「取り消し」;
 * fulfilled = lent to the patron (no longer listed).
 */
export const HOLD_STATUSES = ["waiting", "in_transit", "ready", "cancelled", "fulfilled"] as const;
export type HoldStatus = (typeof HOLD_STATUSES)[number];

/** R14: the holds that count toward the limit and that one patron may have once per record. */
export const ACTIVE_HOLD_STATUSES = ["waiting", "in_transit", "ready"] as const satisfies readonly HoldStatus[];
export type ActiveHoldStatus = (typeof ACTIVE_HOLD_STATUSES)[number];

/** A copy is set aside for the hold (it serves this hold only): on its way, or on the hold shelf. */
export const ALLOCATED_HOLD_STATUSES = ["in_transit", "ready"] as const satisfies readonly ActiveHoldStatus[];

/** R34: the only state a patron may cancel or change online. */
export const CHANGEABLE_HOLD_STATUSES = ["waiting"] as const satisfies readonly ActiveHoldStatus[];

export function isActiveHoldStatus(status: string): status is ActiveHoldStatus {
  return (ACTIVE_HOLD_STATUSES as readonly string[]).includes(status);
}

/** R33: why a hold ended without a loan — the patron's 「取消」, R21's shelf period over, or the counter. */
export const CANCEL_REASONS = ["patron", "expired", "staff"] as const;
export type CancelReason = (typeof CANCEL_REASONS)[number];

/** R14: every channel counts toward the limit — the web, the in-library OPAC (R36), a paper form (R12). */
export const HOLD_CHANNELS = ["web", "opac", "paper"] as const;
export type HoldChannel = (typeof HOLD_CHANNELS)[number];

/** R20, R43: how the patron is told a hold is ready, chosen per hold. */
export const CONTACT_METHODS = ["mail", "phone", "none"] as const;
export type ContactMethod = (typeof CONTACT_METHODS)[number];

/** R11, R35: where a copy is in its life. */
export const ITEM_STATUSES = ["on_shelf", "on_loan", "in_transit", "on_hold_shelf", "missing", "withdrawn"] as const;
export type ItemStatus = (typeof ITEM_STATUSES)[number];

/**
 * "Held" (所蔵): the library still has the copy — listed in the holdings table and counted as a copy. A
 * withdrawn copy is not held. The one definition: domain/holdability.ts isHeld, data/catalog-read.ts heldCopySql.
 */
export const HELD_ITEM_STATUSES = ["on_shelf", "on_loan", "in_transit", "on_hold_shelf", "missing"] as const satisfies readonly ItemStatus[];

/**
 * A held copy that can still reach a patron: a missing one cannot be allocated to anybody (R11: it makes no
 * record holdable).
 */
export const OBTAINABLE_ITEM_STATUSES = ["on_shelf", "on_loan", "in_transit", "on_hold_shelf"] as const satisfies readonly ItemStatus[];

/** "Available" (貸出可): a loanable copy on the shelf now. domain/holdability.ts isAvailable, data/catalog-read.ts availableCopySql. */
export const AVAILABLE_ITEM_STATUS = "on_shelf" satisfies ItemStatus;

/** R30, R31: a loan is open until the copy comes back (derived from loans.returned_at, not stored). */
export const LOAN_STATUSES = ["open", "returned"] as const;
export type LoanStatus = (typeof LOAN_STATUSES)[number];

/**
 * The mails the library sends (issue 9): R41 the address confirmation; R40 the notice to the other confirmed
 * addresses that one was added or removed; R20 the hold-ready notice; the opt-in reminders before a loan's due date
 * and before a ready hold's last day; and the patron's own 「テストメールを送信」.
 */
export const OUTBOX_KINDS = ["address_confirmation", "address_notice", "hold_ready", "due_reminder", "shelf_reminder", "test_mail"] as const;
export type OutboxKind = (typeof OUTBOX_KINDS)[number];

/**
 * The outbox's life (issue 9 item 4): pending → sending (leased by one job run) → sent; back to pending after a
 * temporary failure (with back-off); dead after a permanent refusal or the last attempt; cancelled when what it
 * announced no longer holds when its turn comes (the hold was picked up or cancelled, the address removed).
 */
export const OUTBOX_STATUSES = ["pending", "sending", "sent", "dead", "cancelled"] as const;
export type OutboxStatus = (typeof OUTBOX_STATUSES)[number];

/** Issue 9 item 4: what one attempt to hand a row to the provider came to (mail_attempts.outcome). */
export const MAIL_ATTEMPT_OUTCOMES = ["accepted", "temporary", "permanent"] as const;
export type MailAttemptOutcome = (typeof MAIL_ATTEMPT_OUTCOMES)[number];

/** R01: a card may be suspended at the counter. */
export const PATRON_STATUSES = ["active", "suspended"] as const;
export type PatronStatus = (typeof PATRON_STATUSES)[number];

export const STAFF_ROLES = ["counter", "admin"] as const;
export type StaffRole = (typeof STAFF_ROLES)[number];
