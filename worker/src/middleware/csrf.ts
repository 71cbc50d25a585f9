// Issue 3 item 10: CSRF protection for every state-changing request (POST, PUT, PATCH, DELETE), checked before
// routing, so a refused request never reaches a handler. Layers (docs/security.md):
//   1. fetch metadata: Sec-Fetch-Site, when the browser sends it, must be same-origin;
//   2. origin: Origin (or, without it, Referer) must be this request's own origin;
//   3. body type: only application/x-www-form-urlencoded, multipart/form-data or application/json
//      (no type or text/plain → refused: those are what a cross-site page can send without a preflight);
//   4. token on form posts: `_csrf`, an HMAC of a random per-browser cookie (signed double submit), which
//      views put in every form the Worker renders with csrfField(c). JSON needs no token: a cross-site page
//      cannot send application/json without a CORS preflight, which this Worker never grants.
// Issue 6 item 3 (text browsers): Lynx sends neither Origin nor Referer on a POST from a URL with a query string
// (/login?next=…, /cart?added=…), nor fetch metadata. When all three are absent ("no_signal") the request carries no
// cross-site signal either way, and a valid token is enough: only a page that could read this browser's token (one
// of ours) can send it. Without a token — the JSON API, the static pages' tokenless forms — "no_signal" is refused as
// before. Any signal that names another site (Sec-Fetch-Site other than same-origin, a foreign Origin or Referer)
// still refuses, token or not.
import type { Context, MiddlewareHandler } from "hono";
import { html } from "hono/html";
import type { HtmlEscapedString } from "hono/utils/html";
import type { AppEnv } from "../env.ts";
import { AppError } from "../errors.ts";
import { equalStrings, mac, randomKey, type SecretEnv } from "../services/tokens.ts";
import { COOKIE_NAMES, readCookie as readNamedCookie, setCookieValue } from "./cookies.ts";

export const CSRF_FIELD = "_csrf";
/** The production name (middleware/cookies.ts). `__Host-`: Secure, Path=/, no Domain — no sibling subdomain and
 *  no plain-http page can plant or read it. */
export const CSRF_COOKIE = COOKIE_NAMES.csrf;

/** The refusal every CSRF check gives; one message whatever failed, so the answer teaches an attacker nothing. */
export const CSRF_MESSAGE =
  "この操作は受け付けられませんでした。安全のため、ほかのサイトからの送信や古い画面からの送信はお断りしています。ページを開き直してから、もう一度お試しください。";

const STATE_CHANGING = new Set(["POST", "PUT", "PATCH", "DELETE"]);
const FORM_TYPES = new Set(["application/x-www-form-urlencoded", "multipart/form-data"]);
const ALLOWED_TYPES = new Set([...FORM_TYPES, "application/json"]);

/**
 * Forms on the static (Astro-built) pages cannot carry a per-browser token. Each one is listed here, with the
 * reason it is safe on the origin, fetch-metadata and body-type checks alone:
 *   POST /cart — 「予約カートに入れる」 on record pages and (issue 7 item 1) on each search result, whose pages are
 *   shared-cached and carry no token either: adds one record to the browser's cart. No hold is placed
 *   (placing holds is a Worker-rendered form with a token), adding twice changes nothing, and the worst a
 *   forged request could do is put a book in someone's cart.
 */
export const TOKENLESS_FORM_POSTS: readonly { method: string; path: string }[] = [{ method: "POST", path: "/cart" }];

export type CsrfRefusal =
  | "cross_site_fetch" // Sec-Fetch-Site other than same-origin
  | "foreign_origin" // Origin/Referer names another origin (or "null")
  | "no_origin" // Sec-Fetch-Site: same-origin but neither Origin nor Referer (no browser sends that)
  | "no_signal" // no fetch metadata, no Origin, no Referer: accepted only with a valid token (text browsers)
  | "bad_content_type" // missing, text/plain, or anything not in ALLOWED_TYPES
  | "bad_token"; // form post without the right _csrf for this browser's cookie

/** Layers 1–3: what the request's headers alone say. Null when they pass; "no_signal" needs a token to pass. */
export function checkRequestHeaders(method: string, url: string, headers: Headers): CsrfRefusal | null {
  if (!STATE_CHANGING.has(method.toUpperCase())) return null;
  const site = headers.get("sec-fetch-site");
  if (site !== null && site !== "same-origin") return "cross_site_fetch";
  const own = new URL(url).origin;
  const origin = headers.get("origin");
  const referer = headers.get("referer");
  if (origin !== null) {
    if (origin !== own) return "foreign_origin";
  } else if (referer !== null) {
    if (originOf(referer) !== own) return "foreign_origin";
  }
  if (!ALLOWED_TYPES.has(mediaType(headers.get("content-type")))) return "bad_content_type";
  if (origin === null && referer === null) return site === null ? "no_signal" : "no_origin";
  return null;
}

function originOf(url: string): string | null {
  try {
    return new URL(url).origin;
  } catch {
    return null;
  }
}

function mediaType(contentType: string | null): string {
  return (contentType ?? "").split(";")[0]!.trim().toLowerCase();
}

function needsToken(method: string, path: string, contentType: string | null): boolean {
  if (!FORM_TYPES.has(mediaType(contentType))) return false;
  const m = method.toUpperCase();
  return !TOKENLESS_FORM_POSTS.some((f) => f.method === m && f.path === path);
}

// ---- the token -----------------------------------------------------------------------------------------------

/** The HMAC key comes from the PASSWORD_PEPPER secret through HKDF with its own label (services/tokens.ts), so it
 *  is independent of the password hashes and no second secret has to be provisioned. */
type CsrfEnv = SecretEnv;
const HKDF_INFO = "shiori/csrf-token/v1";

async function sign(env: CsrfEnv, cookieValue: string): Promise<string> {
  return mac(env, HKDF_INFO, `csrf:${cookieValue}`);
}

const COOKIE_VALUE = /^[A-Za-z0-9_-]{22,64}$/;

function newCookieValue(): string {
  return randomKey(18);
}

function readCookie(c: Context<AppEnv>): string | undefined {
  const value = readNamedCookie(c, "csrf");
  return value && COOKIE_VALUE.test(value) ? value : undefined;
}

interface CsrfState {
  /** The cookie value this request's forms are bound to (from the request, or minted for it). */
  value: string;
  /** Minted here: the response must set the cookie if a token was handed out. */
  fresh: boolean;
  /** HMAC of `value`; undefined when the secret is missing (csrfToken then throws). */
  token: string | undefined;
  /** A view or route asked for the token: the response is this browser's alone. */
  used: boolean;
}

// Tokens are made before the handler runs, so views can call csrfField(c) synchronously.
const states = new WeakMap<Request, CsrfState>();

async function prepare(c: Pick<Context, "req" | "env">, value: string, fresh: boolean): Promise<CsrfState> {
  let token: string | undefined;
  try {
    token = await sign(c.env as CsrfEnv, value);
  } catch {
    token = undefined;
  }
  const state: CsrfState = { value, fresh, token, used: false };
  states.set(c.req.raw, state);
  return state;
}

function stateOf(c: Pick<Context, "req">): CsrfState {
  const state = states.get(c.req.raw);
  if (!state) throw new Error("csrfToken() needs the csrfProtection() middleware in front of the route");
  return state;
}

/** The token for a form this response renders (also handed to islands as JSON). Marks the response no-store. */
export function csrfToken<E extends AppEnv>(c: Context<E>): string {
  const state = stateOf(c);
  if (state.token === undefined) throw new Error("PASSWORD_PEPPER is not configured: CSRF tokens cannot be made");
  state.used = true;
  return state.token;
}

/** `<input type="hidden" name="_csrf" value="…">` for every form the Worker renders with method="post". */
export function csrfField<E extends AppEnv>(c: Context<E>): HtmlEscapedString {
  return html`<input type="hidden" name="${CSRF_FIELD}" value="${csrfToken(c)}">` as HtmlEscapedString;
}

/**
 * A new CSRF cookie for this browser, for the session code to call at login and logout: a token copied from a
 * page before the login is useless after it. Forms rendered later in the same request get the new token.
 */
export async function rotateCsrfCookie<E extends AppEnv>(c: Context<E>): Promise<void> {
  const state = await prepare(c, newCookieValue(), true);
  state.used = true;
}

function setCookieHeader(c: Context<AppEnv>, value: string): string {
  // A browser-session cookie (no Max-Age). HttpOnly: scripts never need it (the token is in the page or the JSON).
  // SameSite=Strict: not even a top-level navigation from another site carries it.
  return setCookieValue(c, "csrf", value);
}

async function tokenMatches(c: Context<AppEnv>, state: CsrfState): Promise<boolean> {
  if (state.fresh || state.token === undefined) return false; // no cookie came with the request, or no secret
  let sent: FormDataEntryValue | null;
  try {
    // Read a copy: the handler still gets the untouched body, however it chooses to read it.
    sent = (await c.req.raw.clone().formData()).get(CSRF_FIELD);
  } catch {
    return false;
  }
  return typeof sent === "string" && sent.length > 0 && equalStrings(sent, state.token);
}

export function csrfProtection(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const cookie = readCookie(c);
    const state = await prepare(c, cookie ?? newCookieValue(), cookie === undefined);
    const { method } = c.req;
    if (STATE_CHANGING.has(method)) {
      const contentType = c.req.header("content-type") ?? null;
      let refusal = checkRequestHeaders(method, c.req.url, c.req.raw.headers);
      if (refusal === "no_signal") {
        // Passes on a valid token alone — also on a tokenless path when the form carries one anyway (the cart's
        // 「元に戻す」 is a Worker-rendered POST /cart from /cart?removed=…). A form without a token (the static
        // record page's), or JSON, has nothing else to show and stays refused.
        refusal = FORM_TYPES.has(mediaType(contentType)) && (await tokenMatches(c, state)) ? null : "no_signal";
      } else if (!refusal && needsToken(method, c.req.path, contentType) && !(await tokenMatches(c, state))) {
        refusal = "bad_token";
      }
      if (refusal) throw new AppError("forbidden", CSRF_MESSAGE);
    }
    await next();
    const final = states.get(c.req.raw);
    if (!final?.used) return;
    let res = c.res;
    try {
      // A page with a token is this browser's alone: never let a shared cache keep it.
      res.headers.set("Cache-Control", "private, no-store");
    } catch {
      c.res = new Response(res.body, res);
      res = c.res;
      res.headers.set("Cache-Control", "private, no-store");
    }
    if (final.fresh) res.headers.append("Set-Cookie", setCookieHeader(c, final.value));
  };
}
