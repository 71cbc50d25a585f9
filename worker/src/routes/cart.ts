// R11, R13: the reservation cart (予約カート), HTML forms that work without JavaScript:
//   POST /cart          「予約カートに入れる」 on a record page (field recordId) → 303 /cart?added=<id>, or
//                       /cart?already=<id> when the record was in the cart already; the static page cannot carry a
//                       CSRF token, so this one post is in TOKENLESS_FORM_POSTS (middleware/csrf.ts)
//   GET  /cart          「予約カート」: the lines, each with 「解除」; after ?added/?already without a cart cookie coming
//                       back, says that the cart needs cookies (issue 6 item 3)
//   POST /cart/remove   「解除」 (field recordId, with the CSRF token) → 303 /cart?removed=<id>, whose page offers
//                       「元に戻す」 (a POST /cart of the same record). That is how 「解除」 confirms without JavaScript:
//                       a removal is one press away from undone, so a slip costs nothing (issue 6 item 4).
// A cart is named by a random key in its own cookie, made on the first add; no login is needed to collect (R13).
// Issue 6 item 5: lines added while logged in carry the patron's id; at login they come back (gatherCartAtLogin,
// restoreCartAtLogin below, called by routes/account.ts), at logout they stay with the patron and the browser's
// cart is emptied (routes/support.ts endSession). R05: a temporary-password session may do nothing here.
// Bad or unknown record ids answer 400/404 pages, never a 500.
import { Hono, type Context, type MiddlewareHandler } from "hono";
import type { AppEnv } from "../env.ts";
import { AppError, reason, refusal } from "../errors.ts";
import { MESSAGES } from "../domain/messages.ts";
import { COOKIE_NAMES, readCookie, setCookieValue } from "../middleware/cookies.ts";
import { csrfField } from "../middleware/csrf.ts";
import { addToCart, cartRecordLabel, gatherCartAtLogin, isCartKey, listCart, removeFromCart } from "../services/cart.ts";
import { cartMain, cartRefusedMain, CART_TITLE } from "../views/cart.ts";
import { parseRecordId } from "./catalog.ts";
// issue 7 item 4 (h-series): the 「順番予約」 entry on the cart page.
import { cartSeries } from "../services/series-placement.ts";
import { seriesEntryHtml } from "../views/holds-series.ts";
import { asFormError, formText, page, seeOther } from "./support.ts";

export const cartRoutes = new Hono<AppEnv>();

/** The production name (middleware/cookies.ts): `__Host-`, Secure, Path=/, no Domain. */
export const CART_COOKIE = COOKIE_NAMES.cart;
/** The cart is remembered for 30 days after its last add. */
const CART_COOKIE_MAX_AGE = 30 * 24 * 60 * 60;

export function cartCookie(c: Context, key: string): string {
  // SameSite=Lax: the record page's form (same site) carries it; HttpOnly: no script ever needs it.
  return setCookieValue(c, "cart", key, CART_COOKIE_MAX_AGE);
}

function cartKey(c: Context<AppEnv>): string | null {
  const value = readCookie(c, "cart");
  return isCartKey(value) ? value : null;
}

/** The logged-in patron whose lines the cart shows (null: nobody, or staff). */
function viewer(c: Context<AppEnv>): number | null {
  const s = c.get("session");
  return s?.kind === "patron" ? s.patronId : null;
}

/** Login (routes/account.ts): the patron's lines come back into this browser's cart, under a new key. */
export async function restoreCartAtLogin(c: Context<AppEnv>, patronId: number): Promise<void> {
  const { cartKey: key } = await gatherCartAtLogin(c.var.db, { cartKey: cartKey(c), patronId });
  c.header("Set-Cookie", cartCookie(c, key), { append: true });
}

/** R05: with a temporary password the cart is closed too: a page goes to 「パスワード変更」, a post is refused. */
const refuseTemporaryPassword: MiddlewareHandler<AppEnv> = async (c, next) => {
  const s = c.get("session");
  if (s?.kind === "patron" && s.temporary) {
    if (c.req.method === "GET" || c.req.method === "HEAD") return seeOther(c, "/account/password");
    return refused(c, refusal("forbidden", [reason("password_change_required")]));
  }
  await next();
};

function refused(c: Context<AppEnv>, err: unknown, recordId?: number): Promise<Response> {
  const error = asFormError(err);
  const status = err instanceof AppError ? err.status : 400;
  const passwordChange = err instanceof AppError && err.reasons.some((r) => r.code === "password_change_required");
  return page(c, {
    title: CART_TITLE,
    status,
    main: cartRefusedMain({ error, recordId: status === 404 ? undefined : recordId, passwordChange }).toString(),
  });
}

function badRecordId(c: Context<AppEnv>): Promise<Response> {
  return refused(c, new AppError("bad_request", MESSAGES.cart_record_invalid));
}

cartRoutes.post("/cart", refuseTemporaryPassword, async (c) => {
  const recordId = parseRecordId(formText(await c.req.parseBody(), "recordId"));
  if (recordId === null) return badRecordId(c);
  let result: Awaited<ReturnType<typeof addToCart>>;
  try {
    result = await addToCart(c.var.db, { cartKey: cartKey(c), recordId, patronId: viewer(c), now: Date.now() });
  } catch (err) {
    return refused(c, err, recordId);
  }
  // Set on every add: a new cart gets its key, a kept one another 30 days.
  c.header("Set-Cookie", cartCookie(c, result.cartKey), { append: true });
  return seeOther(c, `/cart?${result.added ? "added" : "already"}=${recordId}`);
});

cartRoutes.get("/cart", refuseTemporaryPassword, async (c) => {
  const db = c.var.db;
  const key = cartKey(c);
  const lines = await listCart(db, key, viewer(c));
  const added = parseRecordId(c.req.query("added")) ?? undefined;
  const already = parseRecordId(c.req.query("already")) ?? undefined;
  const removedId = parseRecordId(c.req.query("removed"));
  // The add answered with a cart cookie and sent the browser here: a browser that refuses cookies comes back
  // without one, and its cart can never hold anything.
  const cookiesRefused = (added !== undefined || already !== undefined) && key === null;
  const removedLabel = removedId !== null && !lines.some((l) => l.recordId === removedId) ? await cartRecordLabel(db, removedId) : null;
  return page(c, {
    title: CART_TITLE,
    main: cartMain({
      lines,
      csrf: csrfField(c),
      addedId: added,
      alreadyId: already,
      removed: removedId !== null && removedLabel ? { recordId: removedId, ...removedLabel } : undefined,
      cookiesRefused,
      loggedIn: viewer(c) !== null,
      // issue 7 item 4 (h-series): 「順番予約」 when two or more volumes of one series are in the cart.
      seriesEntry: lines.length >= 2 ? seriesEntryHtml(await cartSeries(db, { cartKey: key, patronId: viewer(c) })) : "",
    }).toString(),
  });
});

cartRoutes.post("/cart/remove", refuseTemporaryPassword, async (c) => {
  const recordId = parseRecordId(formText(await c.req.parseBody(), "recordId"));
  if (recordId === null) return badRecordId(c);
  const removed = await removeFromCart(c.var.db, { cartKey: cartKey(c), recordId, viewer: viewer(c) });
  return seeOther(c, removed ? `/cart?removed=${recordId}` : "/cart");
});
