// Issue 7 item 8 (R03, R36): is this request from an enrolled in-library OPAC terminal? Its browser holds the terminal
// cookie (`<terminal id>.<device secret>`, set at /opac/enrol); the secret's hash must match an active terminal's.
//   requestTerminal(c) → { terminal: EnrolledTerminal | null, stale: boolean } — read once per request (memoised)
//     stale: a terminal cookie came but vouches for nothing (forged, altered, retired, re-issued): the browser is a
//     normal web browser, and the login page says so.
//   terminalCookie(c, value) / clearTerminalCookie(c) — Set-Cookie values (middleware/cookies.ts names them)
import type { Context } from "hono";
import type { AppEnv } from "../env.ts";
import { TERMINAL_COOKIE_DAYS } from "../domain/policy.ts";
import { recogniseTerminal, type EnrolledTerminal } from "../services/terminals.ts";
import { clearCookieValue, readCookie, setCookieValue } from "./cookies.ts";

export interface RequestTerminal {
  terminal: EnrolledTerminal | null;
  stale: boolean;
}

const seen = new WeakMap<Request, Promise<RequestTerminal>>();

export function requestTerminal<E extends AppEnv>(c: Context<E>): Promise<RequestTerminal> {
  let known = seen.get(c.req.raw);
  if (!known) {
    const cookie = readCookie(c, "terminal");
    known = cookie ? recogniseTerminal(c.var.db, cookie).then((terminal) => ({ terminal, stale: terminal === null })) : Promise.resolve({ terminal: null, stale: false });
    seen.set(c.req.raw, known);
  }
  return known;
}

export function terminalCookie(c: Context, value: string): string {
  return setCookieValue(c, "terminal", value, TERMINAL_COOKIE_DAYS * 24 * 60 * 60);
}

export function clearTerminalCookie(c: Context): string {
  return clearCookieValue(c, "terminal");
}
