// R11, R13: the reservation cart (予約カート). A browser's cart is named by a random key (the cart cookie); no login
// is needed to collect candidates, and putting a record in the cart places no hold (「予約申込」 comes with holds).
// Issue 6 item 5: lines added while logged in carry the patron's id; at logout they stay with the patron (the route
// empties the browser's cart), at the next login they come back, merged with what the browser collected meanwhile.
// `viewer` is the logged-in patron's id, or null: a cart shows and changes only the viewer's (and anonymous) lines.
import { AppError, reason } from "../errors.ts";
import { getAvailability } from "../data/catalog-read.ts";
import {
  cartFacts,
  countCartLines,
  deleteCartLine,
  gatherCart,
  insertCartLine,
  keepCartWithPatron,
  listCartLines,
  recordLabel,
  type CartLine,
} from "../data/cart.ts";
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
 * already in the cart changes nothing and succeeds (`added: false`: the page says it was there). Unknown record →
 * not_found; refusals carry every reason. `cartKey` is the browser's key (null: none yet); the answer names the key
 * the line is in — a new one when there was none, or when the browser's cart holds another patron's lines (a
 * shared browser whose patron did not log out: the next person never adds to, or sees, that cart).
 */
export async function addToCart(
  db: Db,
  input: { cartKey: string | null; recordId: number; patronId: number | null; now: number },
): Promise<{ added: boolean; cartKey: string }> {
  const availability = await getAvailability(db, input.recordId);
  if (!availability) throw new AppError("not_found", MESSAGES.record_not_found);
  let cartKey = input.cartKey ?? newCartKey();
  let facts = await cartFacts(db, cartKey, input.recordId, input.patronId);
  if (facts.othersLines) {
    cartKey = newCartKey();
    facts = { linesInCart: 0, alreadyInCart: false, othersLines: false };
  }
  const decision = decideCartAdd({ holdable: decideHoldable(availability), ...facts });
  if (!decision.ok) throw refuseAdd(decision.reasons);
  if (decision.alreadyInCart) return { added: false, cartKey };
  const line = { cartKey, recordId: input.recordId, patronId: input.patronId, now: input.now, limit: CART_LIMIT };
  if (await insertCartLine(db, line)) return { added: true, cartKey };
  // Nothing written: another request of this cart put the same record in meanwhile (fine), or filled the cart.
  const after = await cartFacts(db, cartKey, input.recordId, input.patronId);
  if (after.alreadyInCart) return { added: false, cartKey };
  throw refuseAdd(["cart_full"]);
}

/** The cart as its page shows it: logged in, the patron's lines from every device plus this browser's left-over ones. */
export async function listCart(db: Db, cartKey: string | null, viewer: number | null): Promise<CartLine[]> {
  return cartKey || viewer !== null ? listCartLines(db, cartKey, viewer) : [];
}

/** Issue 7 item 1: the number in the header's 「予約カートを見る (n)」 — the lines the cart page would list. */
export function cartLineCount(db: Db, cartKey: string | null, viewer: number | null): Promise<number> {
  return countCartLines(db, cartKey, viewer);
}

/** 「解除」: removes the record from this cart only (logged in: left-over lines of this browser fill the room). Removing a line that is not there (a second press) changes nothing. */
export async function removeFromCart(db: Db, input: { cartKey: string | null; recordId: number; viewer: number | null }): Promise<boolean> {
  return deleteCartLine(db, input.cartKey, input.recordId, input.viewer, CART_LIMIT);
}

/**
 * At login (issue 7 item 1): this browser's anonymous lines join the patron's cart — the same on every device — under
 * a new key (whoever knew the old one learns nothing of the patron's), one line per record, CART_LIMIT kept, the
 * earliest first. `leftOver`: anonymous lines that did not fit; they stay in this browser and the cart page says so.
 */
export async function gatherCartAtLogin(
  db: Db,
  input: { cartKey: string | null; patronId: number },
): Promise<{ cartKey: string; lines: number; leftOver: number }> {
  const newKey = newCartKey();
  const { lines, leftOver } = await gatherCart(db, { oldKey: input.cartKey, newKey, patronId: input.patronId, limit: CART_LIMIT });
  return { cartKey: newKey, lines, leftOver };
}

/** At logout: the browser's lines stay with the patron (the route then clears the browser's cart cookie). */
export async function keepCartAtLogout(db: Db, input: { cartKey: string | null; patronId: number }): Promise<void> {
  if (input.cartKey) await keepCartWithPatron(db, input.cartKey, input.patronId, CART_LIMIT);
}

/** The title (and volume) of a record the cart page names after a removal; null for an unknown record. */
export function cartRecordLabel(db: Db, recordId: number): Promise<{ title: string; volumeLabel: string | null } | null> {
  return recordLabel(db, recordId);
}
