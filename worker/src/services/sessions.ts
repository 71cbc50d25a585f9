// Issue 3 item 2 (R03, R05, item 11): sessions — opening one at login (rotation), loading it for a request,
// logout, and pruning. Only the SHA-256 of the random token is stored (a leaked table opens no session).
//
//   logout(db, token, now) → void (the row is deleted; unknown tokens are fine)
//   loadSession(db, token, now) → Session | null (middleware/session.ts calls it; expired rows are deleted)
//   pruneAuthRecords(db, now) — for a cron job: expired sessions and forgotten failures
//   hashSessionToken(token) — SHA-256 hex, the stored form
import { writeAudit } from "../data/audit.ts";
import { pruneFailures } from "../data/auth-failures.ts";
import type { Db, Statement } from "../data/db.ts";
import { deleteExpiredSessions, deleteSessionStatement, findSessionRecord, insertSessionStatement, touchSession } from "../data/sessions.ts";
import { THROTTLE_WINDOW_MS } from "../domain/policy.ts";
import type { Session } from "../domain/session.ts";
import { absoluteExpiry, isSessionLive, nextExpiry, touchDue, type SessionPlace } from "../domain/session-policy.ts";
import { randomKey, sha256Hex } from "./tokens.ts";

/** Session tokens are 32 random bytes (256 bits), base64url: 43 characters. Anything much longer is not one. */
const TOKEN_BYTES = 32;
export const TOKEN_MAX_CHARS = 64;

/** The stored form of a session token: SHA-256, hex. */
export function hashSessionToken(token: string): Promise<string> {
  return sha256Hex(token);
}

/** The stored form of a token the browser came with, or null when it cannot be one of ours. */
export async function tokenHashOf(token: string | null | undefined): Promise<string | null> {
  return token && token.length <= TOKEN_MAX_CHARS ? hashSessionToken(token) : null;
}

export interface NewSession {
  token: string;
  tokenHash: string;
  /** The absolute end of the session (ms): the cookie's lifetime. The server also ends it when idle. */
  expiresAt: number;
  /** Store it and end the one the browser came with: put them in the login's batch. */
  statements: Statement[];
}

/** A fresh token (rotation: every login gets a new one) and the statements that store it and end the old one. */
export async function openSession(
  db: Db,
  s: { patronId: number | null; staffId: number | null; terminalId: number | null; previousToken?: string | null; now: number },
): Promise<NewSession> {
  const token = randomKey(TOKEN_BYTES);
  const tokenHash = await hashSessionToken(token);
  const place: SessionPlace = s.terminalId === null ? "web" : "opac";
  const statements: Statement[] = [];
  const previous = await tokenHashOf(s.previousToken);
  if (previous) statements.push(deleteSessionStatement(db, previous));
  statements.push(
    insertSessionStatement(db, {
      tokenHash,
      patronId: s.patronId,
      staffId: s.staffId,
      terminalId: s.terminalId,
      createdAt: s.now,
      lastSeenAt: s.now,
      expiresAt: nextExpiry({ createdAt: s.now, terminalId: s.terminalId }, s.now),
    }),
  );
  return { token, tokenHash, expiresAt: absoluteExpiry(s.now, place), statements };
}

/** 「ログアウト」: the session row is deleted on the server, so the old cookie opens nothing. */
export async function logout(db: Db, token: string | null | undefined, now: number): Promise<void> {
  const tokenHash = await tokenHashOf(token);
  if (!tokenHash) return;
  const [ended] = await deleteSessionStatement(db, tokenHash);
  if (!ended) return;
  await writeAudit(db, {
    at: now,
    actorKind: ended.patronId !== null ? "patron" : "staff",
    actorId: ended.patronId ?? ended.staffId,
    action: "logout",
  });
}

/** The session a token opens at `now`, or null. Dead sessions are deleted; last_seen_at is written sparingly. */
export async function loadSession(db: Db, token: string | null | undefined, now: number): Promise<Session | null> {
  const tokenHash = await tokenHashOf(token);
  if (!tokenHash) return null;
  const record = await findSessionRecord(db, tokenHash);
  if (!record) return null;

  let view: Session | null = null;
  if (record.patronId !== null && record.patron && record.patron.status === "active" && record.patron.temporary !== null) {
    view = {
      kind: "patron",
      patronId: record.patronId,
      cardNumber: record.patron.cardNumber,
      name: record.patron.name,
      temporary: record.patron.temporary,
      terminalId: record.terminalId,
    };
  } else if (record.staffId !== null && record.staff && record.staff.active) {
    view = { kind: "staff", staffId: record.staffId, login: record.staff.login, role: record.staff.role, branchId: record.staff.branchId };
  }

  if (!view || !isSessionLive(record, now)) {
    await deleteSessionStatement(db, tokenHash);
    return null;
  }
  if (touchDue(record, now)) {
    await touchSession(db, { tokenHash, seenBefore: record.lastSeenAt, now, expiresAt: nextExpiry(record, now) });
  }
  return view;
}

/** For a cron job: delete sessions past their expiry and failures no throttle window reads any more. */
export async function pruneAuthRecords(db: Db, now: number): Promise<void> {
  await deleteExpiredSessions(db, now);
  await pruneFailures(db, now - THROTTLE_WINDOW_MS);
}
