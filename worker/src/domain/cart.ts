// R11, R13: may a record go into the reservation cart (予約カート)? The cart only collects candidates; nothing here
// places a hold. A record goes in when it is holdable (R11) and the cart has room (CART_LIMIT).
import type { HoldabilityDecision, HoldabilityReason } from "./holdability.ts";
import { CART_LIMIT } from "./policy.ts";

export type CartAddReason = HoldabilityReason | "cart_full";

/**
 * `alreadyInCart`: the record is in the cart already. Not an error: pressing 「予約カートに入れる」 twice (or
 * reloading the answer) leaves one line, so an add is idempotent and a full cart still accepts a record it holds.
 */
export type CartAddDecision = { ok: true; alreadyInCart: boolean } | { ok: false; reasons: CartAddReason[] };

export function decideCartAdd(facts: { holdable: HoldabilityDecision; linesInCart: number; alreadyInCart: boolean }): CartAddDecision {
  const reasons: CartAddReason[] = facts.holdable.ok ? [] : [...facts.holdable.reasons];
  if (!facts.alreadyInCart && facts.linesInCart >= CART_LIMIT) reasons.push("cart_full");
  return reasons.length ? { ok: false, reasons } : { ok: true, alreadyInCart: facts.alreadyInCart };
}
