// Issue 6 item 1 ("any browser, locally"): the one place that names every cookie and writes its attributes.
//
//   production (the default)   __Host-shiori_session / _csrf / _cart / _device / _terminal, always Secure,
//                              Path=/, no Domain: no sibling subdomain and no plain-http page can plant or read them.
//   local development          shiori_session / shiori_csrf / … (unprefixed) without Secure, so Safari, w3m and lynx
//                              keep them on `npm start`'s http://localhost:8787 (only Chromium treats http://localhost
//                              as secure). Both conditions are needed:
//                                1. the LOCAL_COOKIES var is "1" — written only into .dev.vars by db/cli/dev-vars.ts
//                                   (git-ignored, read by `wrangler dev` alone; wrangler.toml's [vars] never names it);
//                                2. the request is plain http to a loopback host (localhost, 127.0.0.0/8, [::1]).
//                              A production Worker is reached over https on its own host, so even a LOCAL_COOKIES set
//                              there by mistake changes nothing. tests/worker/cookies.test.ts holds both.
// Every other attribute (HttpOnly, SameSite, Max-Age) is the same in both modes.
import type { Context } from "hono";
import { getCookie } from "hono/cookie";

export type CookieKind = "session" | "csrf" | "cart" | "device" | "terminal";

/** Production names. The local names are the same without the `__Host-` prefix. */
export const COOKIE_NAMES: Readonly<Record<CookieKind, string>> = {
  session: "__Host-shiori_session",
  csrf: "__Host-shiori_csrf",
  cart: "__Host-shiori_cart",
  // Issue 6 §6: the browser has logged in to these cards before (services/devices.ts).
  device: "__Host-shiori_device",
  // Issue 7 item 8 (R03, R36): this browser is an enrolled in-library OPAC terminal (services/terminals.ts).
  terminal: "__Host-shiori_terminal",
};

/** Why each cookie has the SameSite it has: */
const SAME_SITE: Readonly<Record<CookieKind, "Lax" | "Strict">> = {
  // a link from another site (a mail, a search engine) still opens the patron's pages logged in;
  session: "Lax",
  // not even a top-level navigation from another site carries the CSRF cookie;
  csrf: "Strict",
  // the record page's form (same site) carries it.
  cart: "Lax",
  // the session cookie's: it is sent with the login form's post, like the session.
  device: "Lax",
  // the terminal's device secret: the kiosk only ever navigates within the site, so no other site's link or form
  // (not even a top-level navigation) may carry it.
  terminal: "Strict",
};

/** The var only .dev.vars sets (db/cli/dev-vars.ts). */
export const LOCAL_COOKIES_VAR = "LOCAL_COOKIES";

export type CookieMode = "production" | "local";

const LOOPBACK = /^(localhost|127(?:\.\d{1,3}){3}|\[::1\])$/i;

/** Pure: which cookie mode a request gets, from the Worker's vars and the request URL. */
export function cookieMode(env: unknown, url: string): CookieMode {
  const flag = typeof env === "object" && env !== null ? (env as Record<string, unknown>)[LOCAL_COOKIES_VAR] : undefined;
  if (flag !== "1") return "production";
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return "production";
  }
  return parsed.protocol === "http:" && LOOPBACK.test(parsed.hostname) ? "local" : "production";
}

export function cookieName(kind: CookieKind, mode: CookieMode): string {
  return mode === "local" ? COOKIE_NAMES[kind].replace(/^__Host-/, "") : COOKIE_NAMES[kind];
}

/** A Set-Cookie value. `maxAge` in seconds; omitted: a browser-session cookie; 0: removes it. */
export function cookieHeader(kind: CookieKind, mode: CookieMode, value: string, maxAge?: number): string {
  const parts = [`${cookieName(kind, mode)}=${value}`];
  if (mode === "production") parts.push("Secure");
  parts.push("HttpOnly", `SameSite=${SAME_SITE[kind]}`, "Path=/");
  if (maxAge !== undefined) parts.push(`Max-Age=${Math.max(0, Math.floor(maxAge))}`);
  return parts.join("; ");
}

// ---- with a request context ------------------------------------------------------------------------------------

function modeOf(c: Context): CookieMode {
  return cookieMode(c.env, c.req.url);
}

/** The cookie's value as this request sent it, under the name this request's mode uses (never the other). */
export function readCookie(c: Context, kind: CookieKind): string | undefined {
  return getCookie(c, cookieName(kind, modeOf(c)));
}

export function setCookieValue(c: Context, kind: CookieKind, value: string, maxAge?: number): string {
  return cookieHeader(kind, modeOf(c), value, maxAge);
}

export function clearCookieValue(c: Context, kind: CookieKind): string {
  return cookieHeader(kind, modeOf(c), "", 0);
}

/** The name this request's mode gives a cookie (for checks such as "has the route just set a session cookie?"). */
export function cookieNameFor(c: Context, kind: CookieKind): string {
  return cookieName(kind, modeOf(c));
}
