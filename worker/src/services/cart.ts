// R11, R13: the reservation cart (予約カート). A browser's cart is named by a random key (the cart cookie); no login
// is needed to collect candidates, and putting a record in the cart places no hold (「予約申込」 comes with holds).
import { AppError, reason } from "../errors.ts";
import { getAvailability } from "../data/catalog-read.ts";
import { cartFacts, deleteCartLine, insertCartLine, listCartLines, type CartLine } from "../data/cart.ts";
import type { Db } from "../data/db.ts";
import { decideCartAdd, type CartAddReason } from "../domain/cart.ts";
import { decideHoldable } from "../domain/holdability.ts";
import { MESSAGES } from "../domain/messages.ts";
import { CART_LIMIT } from "../domain/policy.ts";
import { randomKey } from "./tokens.ts";

export type { CartLine } from "../data/cart.ts";

/** 24 random bytes (192 bits), base64url: a key nobody can guess is the only thing that opens a cart. */
const CART_KEY_BYTES = 24;
const CART_KEY = /^[A-Za-z0-9_-]{32}$/;

export function newCartKey(): string {
  return randomKey(CART_KEY_BYTES);
}

/** A cookie value that could be a key this service made; anything else is treated as no cart. */
export function isCartKey(value: string | null | undefined): value is string {
  return typeof value === "string" && CART_KEY.test(value);
}

/** The refusal's headline is R11's 「この書誌は予約できません。」 when the record is not holdable, else the full cart's. */
function refuseAdd(reasons: readonly CartAddReason[]): AppError {
  const headline = reasons.some((r) => r !== "cart_full") ? MESSAGES.not_holdable : MESSAGES.cart_full;
  return new AppError("bad_request", headline, reasons.map((r) => reason(r)));
}

/**
 * 「予約カートに入れる」: R11 decides whether the record may go in, R13's limit whether there is room. Adding a record
 * already in the cart changes nothing and succeeds. Unknown record → not_found; refusals carry every reason.
 */
export async function addToCart(
  db: Db,
  input: { cartKey: string; recordId: number; patronId: number | null; now: number },
): Promise<{ added: boolean }> {
  const availability = await getAvailability(db, input.recordId);
  if (!availability) throw new AppError("not_found", MESSAGES.record_not_found);
  const facts = await cartFacts(db, input.cartKey, input.recordId);
  const decision = decideCartAdd({ holdable: decideHoldable(availability), ...facts });
  if (!decision.ok) throw refuseAdd(decision.reasons);
  if (decision.alreadyInCart) return { added: false };
  if (await insertCartLine(db, { ...input, limit: CART_LIMIT })) return { added: true };
  // Nothing written: another request of this cart put the same record in meanwhile (fine), or filled the cart.
  const after = await cartFacts(db, input.cartKey, input.recordId);
  if (after.alreadyInCart) return { added: false };
  throw refuseAdd(["cart_full"]);
}

export async function listCart(db: Db, cartKey: string | null): Promise<CartLine[]> {
  return cartKey ? listCartLines(db, cartKey) : [];
}

/** 「解除」: removes the record from this cart only. Removing a line that is not there (a second press) changes nothing. */
export async function removeFromCart(db: Db, input: { cartKey: string | null; recordId: number }): Promise<boolean> {
  return input.cartKey ? deleteCartLine(db, input.cartKey, input.recordId) : false;
}
