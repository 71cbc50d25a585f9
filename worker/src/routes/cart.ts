// R11, R13: the reservation cart (予約カート), HTML forms that work without JavaScript:
//   POST /cart          「予約カートに入れる」 on a record page (field recordId) → 303 /cart?added=<id>; the static page
//                       cannot carry a CSRF token, so this one post is in TOKENLESS_FORM_POSTS (middleware/csrf.ts)
//   GET  /cart          「予約カート」: the lines, each with 「解除」; 「予約申込」 arrives with holds
//   POST /cart/remove   「解除」 (field recordId, with the CSRF token) → 303 /cart
// A cart is named by a random key in its own cookie, made on the first add; no login is needed to collect (R13).
// Bad or unknown record ids answer 400/404 pages, never a 500.
import { Hono, type Context } from "hono";
import { getCookie } from "hono/cookie";
import type { AppEnv } from "../env.ts";
import { AppError } from "../errors.ts";
import { MESSAGES } from "../domain/messages.ts";
import { csrfField } from "../middleware/csrf.ts";
import { addToCart, isCartKey, listCart, newCartKey, removeFromCart } from "../services/cart.ts";
import { cartMain, cartRefusedMain, CART_TITLE } from "../views/cart.ts";
import { parseRecordId } from "./catalog.ts";
import { asFormError, formText, page, seeOther } from "./support.ts";

export const cartRoutes = new Hono<AppEnv>();

/** `__Host-`: Secure, Path=/, no Domain — no sibling subdomain or plain-http page can plant or read a cart key. */
export const CART_COOKIE = "__Host-shiori_cart";
/** The cart is remembered for 30 days after its last add. */
const CART_COOKIE_MAX_AGE = 30 * 24 * 60 * 60;

export function cartCookie(key: string): string {
  // SameSite=Lax: the record page's form (same site) carries it; HttpOnly: no script ever needs it.
  return `${CART_COOKIE}=${key}; Secure; HttpOnly; SameSite=Lax; Path=/; Max-Age=${CART_COOKIE_MAX_AGE}`;
}

function cartKey(c: Context<AppEnv>): string | null {
  const value = getCookie(c, CART_COOKIE);
  return isCartKey(value) ? value : null;
}

function refused(c: Context<AppEnv>, err: unknown, recordId?: number): Promise<Response> {
  const error = asFormError(err);
  const status = err instanceof AppError ? err.status : 400;
  return page(c, { title: CART_TITLE, status, main: cartRefusedMain({ error, recordId: status === 404 ? undefined : recordId }).toString() });
}

function badRecordId(c: Context<AppEnv>): Promise<Response> {
  return refused(c, new AppError("bad_request", MESSAGES.cart_record_invalid));
}

cartRoutes.post("/cart", async (c) => {
  const recordId = parseRecordId(formText(await c.req.parseBody(), "recordId"));
  if (recordId === null) return badRecordId(c);
  const s = c.get("session");
  const key = cartKey(c) ?? newCartKey();
  try {
    await addToCart(c.var.db, { cartKey: key, recordId, patronId: s?.kind === "patron" ? s.patronId : null, now: Date.now() });
  } catch (err) {
    return refused(c, err, recordId);
  }
  // Set on every add: a new cart gets its key, a kept one another 30 days.
  c.header("Set-Cookie", cartCookie(key), { append: true });
  return seeOther(c, `/cart?added=${recordId}`);
});

cartRoutes.get("/cart", async (c) => {
  const lines = await listCart(c.var.db, cartKey(c));
  const added = parseRecordId(c.req.query("added"));
  return page(c, {
    title: CART_TITLE,
    main: cartMain({ lines, csrf: csrfField(c), addedId: added ?? undefined, loggedIn: c.get("session")?.kind === "patron" }).toString(),
  });
});

cartRoutes.post("/cart/remove", async (c) => {
  const recordId = parseRecordId(formText(await c.req.parseBody(), "recordId"));
  if (recordId === null) return badRecordId(c);
  await removeFromCart(c.var.db, { cartKey: cartKey(c), recordId });
  return seeOther(c, "/cart");
});
