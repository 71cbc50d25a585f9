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
// Issue 7 item 1: while logged in the cart is the patron's on every device (data/cart.ts); lines collected before the
// login join it (restoreCartAtLogin); the header's 「予約カートを見る (n)」 is written into every Worker page by
// cartCountInHeader, and on static pages by site/public/cart-lines.js through GET /api/cart/lines.
//   GET  /api/cart/lines  {"lines": n} for the static pages' header script (private, no-store); with
//                         "testDay" while the local clock is set (issue 8 item 6: the script shows 「テスト用の日付」)
import { Hono, type Context, type MiddlewareHandler } from "hono";
import type { AppEnv } from "../env.ts";
import { AppError, reason, refusal } from "../errors.ts";
import { MESSAGES } from "../domain/messages.ts";
import { COOKIE_NAMES, readCookie, setCookieValue } from "../middleware/cookies.ts";
import { csrfField } from "../middleware/csrf.ts";
import { addToCart, cartLineCount, cartRecordLabel, gatherCartAtLogin, isCartKey, listCart, removeFromCart } from "../services/cart.ts";
import { cartLinkText, cartMain, cartRefusedMain, CART_TITLE } from "../views/cart.ts";
import { parseRecordId } from "./catalog.ts";
import { asFormError, formText, page, safeNext, seeOther } from "./support.ts";
// issue 7 item 4 (h-series): the 「順番予約」 entry on the cart page.
import { cartSeries } from "../services/series-placement.ts";
import { seriesEntryHtml } from "../views/holds-series.ts";
// issue 10 item 2 (pwa): offline adds replayed with their idempotency key.
import { claimCartReplay, isCartReplayKey, releaseCartReplay } from "../services/cart-replay.ts";

export const cartRoutes = new Hono<AppEnv>();

/** The production name (middleware/cookies.ts): `__Host-`, Secure, Path=/, no Domain. */
export const CART_COOKIE = COOKIE_NAMES.cart;
/** The cart is remembered for 30 days after its last add. */
const CART_COOKIE_MAX_AGE = 30 * 24 * 60 * 60;

export function cartCookie(c: Context, key: string): string {
  // SameSite=Lax: the record page's form (same site) carries it; HttpOnly: no script ever needs it.
  return setCookieValue(c, "cart", key, CART_COOKIE_MAX_AGE);
}

export function cartKey<E extends AppEnv>(c: Context<E>): string | null {
  const value = readCookie(c, "cart");
  return isCartKey(value) ? value : null;
}

/** The logged-in patron whose lines the cart shows (null: nobody, or staff). */
export function viewer<E extends AppEnv>(c: Context<E>): number | null {
  const s = c.get("session");
  return s?.kind === "patron" ? s.patronId : null;
}

/**
 * Login (routes/account.ts): this browser's lines join the patron's cart, under a new key. Answers how many of the
 * browser's lines did not fit (R13's limit); the login then shows the cart (cartAfterLogin), which names them.
 */
export async function restoreCartAtLogin(c: Context<AppEnv>, patronId: number): Promise<number> {
  const { cartKey: key, leftOver } = await gatherCartAtLogin(c.var.db, { cartKey: cartKey(c), patronId });
  c.header("Set-Cookie", cartCookie(c, key), { append: true });
  return leftOver;
}

/** Where a login goes when lines did not fit: the cart, saying so, with the way on to `next`. */
export function cartAfterLogin(leftOver: number, next: string): string {
  return leftOver > 0 ? `/cart?leftOver=${leftOver}&next=${encodeURIComponent(next)}` : next;
}

/**
 * Issue 7 item 1: 「予約カートを見る (n)」 on every page the Worker renders, counted once here after the route (one
 * indexed count; none for a visitor with neither a cart nor a session on a page shared caches may keep — the static
 * pages' header script asks for that one; it says Vary: Cookie, so the browser asks again once it has a cart). A
 * page that gets a count is this browser's alone: never shared-cached.
 */
export const cartCountInHeader: MiddlewareHandler<AppEnv> = async (c, next) => {
  await next();
  if (!(c.res.headers.get("content-type") ?? "").startsWith("text/html")) return;
  const key = cartKey(c);
  const who = viewer(c);
  const shared = /\bpublic\b/.test(c.res.headers.get("cache-control") ?? "");
  if (shared && key === null && who === null) {
    // The uncounted shared page: a browser that later has a cart (or a session) must not reuse it from its cache.
    c.res.headers.append("Vary", "Cookie");
    return;
  }
  const lines = await cartLineCount(c.var.db, key, who);
  const rewritten = new HTMLRewriter()
    .on("a.cart-link", {
      element(el) {
        el.setInnerContent(cartLinkText(lines));
        el.setAttribute("data-cart-lines", String(lines));
      },
    })
    .transform(c.res);
  const res = new Response(rewritten.body, rewritten);
  if (shared) res.headers.set("Cache-Control", "private, no-store");
  c.res = undefined;
  c.res = res;
};

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

cartRoutes.get("/api/cart/lines", async (c) => {
  c.header("Cache-Control", "private, no-store");
  const lines = await cartLineCount(c.var.db, cartKey(c), viewer(c));
  // Issue 8 item 6: while the local clock is set (local development only), its day, for the static pages' banner.
  const testDay = c.var.testDay;
  return c.json(testDay ? { lines, testDay } : { lines });
});

cartRoutes.post("/cart", refuseTemporaryPassword, async (c) => {
  const body = await c.req.parseBody();
  const recordId = parseRecordId(formText(body, "recordId"));
  if (recordId === null) return badRecordId(c);
  // Issue 10 item 2: an add the service worker kept while offline comes with its idempotency key (services/cart-replay.ts);
  // a second copy of it adds nothing, even after the line was removed. The record pages' own form sends none.
  const replayKey = formText(body, "idempotencyKey");
  if (replayKey !== "" && !isCartReplayKey(replayKey)) return refused(c, new AppError("bad_request", MESSAGES.cart_replay_key_invalid));
  if (replayKey !== "" && !(await claimCartReplay(c.var.db, replayKey, Date.now()))) return seeOther(c, `/cart?already=${recordId}`);
  let result: Awaited<ReturnType<typeof addToCart>>;
  try {
    result = await addToCart(c.var.db, { cartKey: cartKey(c), recordId, patronId: viewer(c), now: Date.now() });
  } catch (err) {
    if (replayKey !== "" && !(err instanceof AppError)) await releaseCartReplay(c.var.db, replayKey);
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
  const leftOver = lines.filter((l) => l.leftOver).length;
  const afterLogin = c.req.query("leftOver") !== undefined ? safeNext(c.req.query("next")) : undefined;
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
      leftOver,
      afterLogin,
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
