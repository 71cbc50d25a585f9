// Issue 10 item 1 (R50): the service worker (site/public/sw.js) keeps a copy of the personal pages (「貸出状況一覧」,
// 「予約状況一覧」, the card) for offline reading, and must never show one session's copy to another. Every Worker
// response names the session it was made for in SESSION_TAG_HEADER: an opaque tag (an HMAC of the session token
// under its own key — it says nothing about the token or the patron, and differs for every login), or "none".
// The service worker drops its personal copies whenever the tag it sees changes (another login, a logout, an
// ended session). Static pages (served without the Worker) carry no tag: they depend on no session.
import type { Context, MiddlewareHandler } from "hono";
import type { AppEnv } from "../env.ts";
import { mac } from "../services/tokens.ts";
import { sessionToken } from "./session.ts";

export const SESSION_TAG_HEADER = "X-Session-Tag";
export const NO_SESSION_TAG = "none";

/** The tag of a session token: 16 bytes of HMAC-SHA-256 under the "session-tag" key, base64url (22 characters). */
export function sessionTagOf(env: { PASSWORD_PEPPER?: string }, token: string): Promise<string> {
  return mac(env, "session-tag", token, 16);
}

/** The tag for this request's session: only a session that loaded (c.var.session) has one. */
export async function requestSessionTag(c: Context<AppEnv>): Promise<string> {
  const token = sessionToken(c);
  return token && c.get("session") ? sessionTagOf(c.env, token) : NO_SESSION_TAG;
}

export const sessionTag: MiddlewareHandler<AppEnv> = async (c, next) => {
  await next();
  // A response that ends or starts a session (logout, login) is tagged by the request's session; what the browser
  // loads next carries the new one, and POST /logout empties the personal cache in the service worker anyway.
  const tag = await requestSessionTag(c);
  try {
    c.res.headers.set(SESSION_TAG_HEADER, tag);
  } catch {
    // An immutable response (a fetched asset passed through): copy it to add the header.
    const res = new Response(c.res.body, c.res);
    res.headers.set(SESSION_TAG_HEADER, tag);
    c.res = undefined;
    c.res = res;
  }
};
