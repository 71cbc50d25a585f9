// R03 (one password for the web and the in-library OPAC), issue 3 item 2: how long a session lives. A session
// ends after an idle period and, however active, at an absolute limit counted from login; both are much shorter
// on an OPAC terminal, a shared machine in a public room.
import {
  OPAC_SESSION_ABSOLUTE_MS,
  OPAC_SESSION_IDLE_MS,
  OPAC_SESSION_TOUCH_MS,
  SESSION_ABSOLUTE_MS,
  SESSION_IDLE_MS,
  SESSION_TOUCH_MS,
} from "./policy.ts";

export type SessionPlace = "web" | "opac";

export interface SessionLimits {
  idleMs: number;
  absoluteMs: number;
  /** How stale last_seen_at may get before a request writes it again. */
  touchMs: number;
}

export const SESSION_LIMITS: Record<SessionPlace, SessionLimits> = {
  web: { idleMs: SESSION_IDLE_MS, absoluteMs: SESSION_ABSOLUTE_MS, touchMs: SESSION_TOUCH_MS },
  opac: { idleMs: OPAC_SESSION_IDLE_MS, absoluteMs: OPAC_SESSION_ABSOLUTE_MS, touchMs: OPAC_SESSION_TOUCH_MS },
};

/** The facts about a session these rules read (ms since epoch). A session opened on an OPAC terminal has one. */
export interface SessionTimes {
  createdAt: number;
  lastSeenAt: number;
  expiresAt: number;
  terminalId: number | null;
}

export function placeOf(session: Pick<SessionTimes, "terminalId">): SessionPlace {
  return session.terminalId === null ? "web" : "opac";
}

/** When a session seen at `lastSeenAt` ends if nothing more happens: the idle limit or the absolute one. */
export function nextExpiry(session: Pick<SessionTimes, "createdAt" | "terminalId">, lastSeenAt: number): number {
  const limits = SESSION_LIMITS[placeOf(session)];
  return Math.min(lastSeenAt + limits.idleMs, session.createdAt + limits.absoluteMs);
}

/** The absolute end of a session opened at `createdAt` (the cookie's lifetime). */
export function absoluteExpiry(createdAt: number, place: SessionPlace): number {
  return createdAt + SESSION_LIMITS[place].absoluteMs;
}

/** Is the session still open at `now`? Every limit is checked, the stored expiry included. */
export function isSessionLive(session: SessionTimes, now: number): boolean {
  const limits = SESSION_LIMITS[placeOf(session)];
  return (
    now < session.expiresAt &&
    now < session.lastSeenAt + limits.idleMs &&
    now < session.createdAt + limits.absoluteMs &&
    // A clock that went backwards, or a row from the future, is not trusted.
    session.createdAt <= now + limits.touchMs
  );
}

/** Should this request write last_seen_at (and the new expiry)? At most once per touch interval. */
export function touchDue(session: SessionTimes, now: number): boolean {
  return now - session.lastSeenAt >= SESSION_LIMITS[placeOf(session)].touchMs;
}
