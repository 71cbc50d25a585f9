// What the Worker's HTML form routes share (routes/account.ts for patrons, routes/staff.ts for staff): reading a
// form, the client's address for the throttle, a refusal's status and Retry-After, the 303 after a post, the
// page in the site's shell (noindex, no-store), ending a session, and the same-site `next` check.
import type { Context } from "hono";
import type { AppEnv } from "../env.ts";
import { AppError, retryAfterOf } from "../errors.ts";
import { csrfField, rotateCsrfCookie } from "../middleware/csrf.ts";
import { clearCookieValue, readCookie } from "../middleware/cookies.ts";
import { clearSessionCookie, sessionToken } from "../middleware/session.ts";
import { logout } from "../services/sessions.ts";
import { isCartKey, keepCartAtLogout } from "../services/cart.ts";
import { renderInShell, type ShellContent } from "../views/shell.ts";
import { headerLoginHtml, headerSessionHtml, headerStaffHtml } from "../views/account.ts";
import type { FormError } from "../views/forms.ts";

/** Account and staff pages stay out of search engines. (Their Referrer-Policy, same-origin, comes with the security headers.) */
const PAGE_HEAD = '<meta name="robots" content="noindex">';
const ACCOUNT_HOME = "/account";
const ORIGIN_PROBE = "https://same-site.invalid";

/**
 * Where to go after logging in: only a path of this site. Anything else — another origin, a protocol-relative
 * `//host`, a backslash (browsers read `/\host` as `//host`), control characters, a scheme — gives the
 * fallback, and so do /login and /logout themselves (no loop) and the JSON API. No open redirect.
 */
export function safeNext(raw: unknown, fallback = ACCOUNT_HOME): string {
  if (typeof raw !== "string" || raw === "" || raw.length > 2000) return fallback;
  if (!raw.startsWith("/") || raw.startsWith("//") || /[\\\p{Cc}\s]/u.test(raw)) return fallback;
  let url: URL;
  try {
    url = new URL(raw, ORIGIN_PROBE);
  } catch {
    return fallback;
  }
  if (url.origin !== ORIGIN_PROBE) return fallback;
  const path = url.pathname + url.search + url.hash;
  // `/.//evil.example` normalises to `//evil.example`: check again after the parser.
  if (path.startsWith("//")) return fallback;
  if (/^\/(login|logout)(\/|$)/.test(url.pathname) || url.pathname.startsWith("/api/")) return fallback;
  return path;
}

export function clientAddress<E extends AppEnv>(c: Context<E>): string {
  return c.req.header("cf-connecting-ip") ?? "unknown";
}

export function formText(body: Record<string, unknown>, name: string): string {
  const value = body[name];
  return typeof value === "string" ? value : "";
}

export function asFormError(err: unknown): FormError {
  if (err instanceof AppError) return { message: err.message, reasons: err.reasons };
  throw err;
}

/** A refused form comes back with 400, or 429 when throttled (with Retry-After when the service says when). */
export function refusedStatus(err: unknown): 400 | 429 {
  return err instanceof AppError && err.code === "too_many_requests" ? 429 : 400;
}

/** The header's session slot as the Worker renders it on its pages: the patron's name and 「ログアウト」, the staff
 *  member's login and 「職員ログアウト」, or 「ログイン」 (issue 6 item 2: the Worker knows who is asking). */
function headerSession<E extends AppEnv>(c: Context<E>): string {
  const s = c.get("session");
  if (s?.kind === "patron") return headerSessionHtml({ name: s.name, temporary: s.temporary, csrf: csrfField(c) }).toString();
  if (s?.kind === "staff") return headerStaffHtml({ login: s.login, role: s.role, csrf: csrfField(c) }).toString();
  return headerLoginHtml().toString();
}

/**
 * A Worker page in the site's shell (noindex, no-store). `refused`: the error the page answers — its status (400, or
 * 429 when throttled) unless `status` says otherwise, and Retry-After when it carries a wait (ThrottledError).
 */
export async function page<E extends AppEnv>(
  c: Context<E>,
  opts: { title: string; main: string; status?: number; shell?: ShellContent["shell"]; refused?: unknown },
): Promise<Response> {
  const res = await renderInShell(c.env, {
    testDay: c.var.testDay,
    title: opts.title,
    main: opts.main,
    head: PAGE_HEAD,
    status: opts.status ?? (opts.refused !== undefined ? refusedStatus(opts.refused) : undefined),
    shell: opts.shell,
    session: headerSession(c),
  });
  res.headers.set("Cache-Control", "no-store");
  const retryAfter = retryAfterOf(opts.refused);
  if (retryAfter) res.headers.set("Retry-After", retryAfter);
  return res;
}

export function seeOther<E extends AppEnv>(c: Context<E>, location: string): Response {
  c.header("Cache-Control", "no-store");
  return c.redirect(location, 303);
}

/**
 * 「ログアウト」: the session row is deleted on the server, the cookie cleared, the CSRF cookie rotated. Issue 6
 * item 5: a patron's cart lines stay with the patron (they come back at the next login) and the browser's cart is
 * emptied, so the next person at a shared browser or an OPAC terminal sees and inherits nothing.
 */
export async function endSession<E extends AppEnv>(c: Context<E>): Promise<void> {
  const db = c.var.db;
  const token = sessionToken(c);
  const s = c.get("session");
  if (s?.kind === "patron") {
    const cart = readCookie(c, "cart");
    await keepCartAtLogout(db, { cartKey: isCartKey(cart) ? cart : null, patronId: s.patronId });
  }
  if (token) await logout(db, token, Date.now());
  c.header("Set-Cookie", clearSessionCookie(c));
  if (s?.kind === "patron") c.header("Set-Cookie", clearCookieValue(c, "cart"), { append: true });
  await rotateCsrfCookie(c);
}

const ROW_ID = /^[1-9][0-9]{0,15}$/;

/** A row id from the URL (「予約状況一覧」's holds, 「貸出状況一覧」's loans): a positive safe integer, else null. */
export function parseId(raw: string | undefined): number | null {
  if (!raw || !ROW_ID.test(raw)) return null;
  const n = Number(raw);
  return Number.isSafeInteger(n) ? n : null;
}

/** An island's fetch asks for JSON (and not HTML): the route answers with data instead of a page. */
export function wantsJson(c: Context): boolean {
  const accept = c.req.header("accept") ?? "";
  return accept.includes("application/json") && !accept.includes("text/html");
}
