// Issue 3 item 2 (sessions), R05 (a temporary password opens only 「パスワード変更」), item 11 (staff): who is asking.
//
//   app.use(sessionMiddleware)          c.var.session = PatronSession | StaffSession | null on every request
//   requirePatron()                     401 unauthorized [login_required] (HTML GET: 303 → /login?next=…);
//                                       temporary password: 403 forbidden [password_change_required]
//                                       (HTML GET: 303 → /account/password)
//   requirePatron({ allowTemporary: true })   for 「パスワード変更」 itself
//   requireStaff(role?)                 401 [staff_login_required] (HTML GET: 303 → /staff/login?next=…);
//                                       wrong role: 403 [staff_role_required]; 'admin' may do what 'counter' may
//   sessionCookie(c, token, expiresAt, now?) / clearSessionCookie(c)   Set-Cookie values; sessionToken(c) reads it
//   (name and attributes from middleware/cookies.ts: `__Host-` + Secure in production, plain names locally)
import type { Context, MiddlewareHandler } from "hono";
import { createDb } from "../data/db.ts";
import type { AppEnv } from "../env.ts";
import { refusal, reason } from "../errors.ts";
import { loadSession } from "../services/auth.ts";
import { COOKIE_NAMES, clearCookieValue, cookieNameFor, readCookie, setCookieValue } from "./cookies.ts";

/** The production name. `__Host-`: the browser only accepts it Secure, from this host, with Path=/. */
export const SESSION_COOKIE = COOKIE_NAMES.session;

/** The Set-Cookie value for a new session. `expiresAt` is the session's absolute end (loginPatron's result). */
export function sessionCookie(c: Context, token: string, expiresAt: number, now: number = Date.now()): string {
  return setCookieValue(c, "session", token, (expiresAt - now) / 1000);
}

/** The Set-Cookie value that removes the session cookie (logout, or a cookie whose session has ended). */
export function clearSessionCookie(c: Context): string {
  return clearCookieValue(c, "session");
}

/** The raw session token the request came with (for logout, changePassword's currentToken, login rotation). */
export function sessionToken(c: Context): string | null {
  return readCookie(c, "session") ?? null;
}

export const sessionMiddleware: MiddlewareHandler<AppEnv> = async (c, next) => {
  const token = sessionToken(c);
  const session = token ? await loadSession(createDb(c.env.DB), token, Date.now()) : null;
  c.set("session", session);
  await next();
  // A cookie whose session has ended is removed, unless the route has just set a new one (login).
  if (token && !session && !c.res.headers.getSetCookie().some((h) => h.startsWith(`${cookieNameFor(c, "session")}=`))) {
    c.res.headers.append("Set-Cookie", clearSessionCookie(c));
  }
};

/** A page a browser navigates to (a no-JS form's GET included): it gets a redirect rather than an error body. */
function isHtmlNavigation(c: Context): boolean {
  const method = c.req.method;
  return (method === "GET" || method === "HEAD") && !c.req.path.startsWith("/api/") && (c.req.header("accept") ?? "").includes("text/html");
}

function hereAsNext(c: Context): string {
  const url = new URL(c.req.url);
  return encodeURIComponent(url.pathname + url.search);
}

export function requirePatron(opts: { allowTemporary?: boolean } = {}): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const session = c.get("session");
    if (!session || session.kind !== "patron") {
      if (isHtmlNavigation(c)) return c.redirect(`/login?next=${hereAsNext(c)}`, 303);
      throw refusal("unauthorized", [reason("login_required")]);
    }
    // R05: with a temporary password, only 「パスワード変更」 (the route that passes allowTemporary).
    if (session.temporary && !opts.allowTemporary) {
      if (isHtmlNavigation(c)) return c.redirect("/account/password", 303);
      throw refusal("forbidden", [reason("password_change_required")]);
    }
    await next();
  };
}

const ROLE_RANK = { counter: 1, admin: 2 } as const;

export function requireStaff(role: "counter" | "admin" = "counter"): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const session = c.get("session");
    if (!session || session.kind !== "staff") {
      if (isHtmlNavigation(c)) return c.redirect(`/staff/login?next=${hereAsNext(c)}`, 303);
      throw refusal("unauthorized", [reason("staff_login_required")]);
    }
    if (ROLE_RANK[session.role] < ROLE_RANK[role]) throw refusal("forbidden", [reason("staff_role_required")]);
    await next();
  };
}
