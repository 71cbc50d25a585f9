// R01–R08, issue 3 items 1–8, 10 (audit), 11: logins, sessions and passwords.
//
// API (every verb takes `now` and, where it matters, the client address as facts; refusals are AppErrors whose
// `reasons` carry every reason code, messages in domain/messages.ts):
//
//   loginPatron(db, env, { card, password, clientAddress, terminalCode?, previousToken?, now })
//     → { token, expiresAt, patron: { id, cardNumber, name, temporary } }
//     401 unauthorized [login_failed] — wrong card, wrong password, no password yet: one answer, one PBKDF2 run
//     429 ThrottledError [too_many_attempts] (err.retryAfterSeconds; set the Retry-After header)
//     403 forbidden [account_suspended] (only after the right password) · 400 bad_request [terminal_unknown]
//     `expiresAt` is the absolute end: give it to sessionCookie(). `previousToken` (the cookie the browser came
//     with) is ended in the same batch. A temporary password logs in with `temporary: true` (R05).
//   loginStaff(db, env, { login, password, clientAddress, previousToken?, now })
//     → { token, expiresAt, staff: { id, login, role, branchId } } · 401 [staff_login_failed] · 429
//   logout(db, token, now) → void (the row is deleted; unknown tokens are fine)
//   loadSession(db, token, now) → Session | null (middleware/session.ts calls it; expired rows are deleted)
//   changePassword(db, env, { patronId, currentToken, current, next, confirm, clientAddress?, now }) → void
//     400 bad_request with every reason: current_password_wrong (field current), the R02 reasons (field next),
//     password_unchanged (next), password_confirm_mismatch (confirm) · 429 · 409 conflict [session_conflict]
//     On success: temporary = false, every other session of the patron ended, the current one kept.
//   applyPassword(db, env, { agreed, card, birthDate, phone, password, confirm, clientAddress, now })
//     → { patronId, cardNumber } (R04/R08 「本パスワード申請」; no session: the patron logs in next)
//     400 with every input reason (terms_not_agreed, card_number_invalid, birth_date_invalid, phone_invalid, R02
//     reasons on field password, password_confirm_mismatch) · then 400 [identity_not_confirmed] for any wrong fact
//     · 429 · 403 [account_suspended]. All sessions of the patron end.
//   issueTemporaryPassword(db, env, { card, staffId, now }) → { password, patronId, cardNumber } (R05)
//     404 not_found [patron_not_found]. Sessions end, the card's throttle is cleared.
//   pruneAuthRecords(db, now) — for a cron job: expired sessions and forgotten failures.
//   hashSessionToken(token) — SHA-256 hex, the stored form.
import type { BatchItem } from "drizzle-orm/batch";
import { auditIfStatement, auditStatement, writeAudit, type AuditAction } from "../data/audit.ts";
import { clearFailuresStatement, countFailures, pruneFailures, recordFailureStatement } from "../data/auth-failures.ts";
import {
  changePasswordStatement,
  findLoginByCard,
  findLoginByPatronId,
  hashIsStill,
  setPasswordStatement,
  upgradeHashStatement,
} from "../data/credentials.ts";
import type { Db } from "../data/db.ts";
import { findPatronByCard } from "../data/patrons.ts";
import {
  deleteExpiredSessions,
  deletePatronSessionsStatement,
  deleteSessionStatement,
  findSessionRecord,
  findTerminalIdByCode,
  insertSessionStatement,
  touchSession,
  type Session,
} from "../data/sessions.ts";
import { findStaffByLogin, upgradeStaffHashStatement } from "../data/staff-users.ts";
import type { AuthFailureKind } from "../../../db/schema/auth.ts";
import { isCardNumber, isPhoneDigits, normalizeCardNumber, normalizePhoneDigits, parseBirthDate } from "../domain/identity.ts";
import { MESSAGES } from "../domain/messages.ts";
import { checkNewPassword } from "../domain/password-rules.ts";
import { TEMPORARY_PASSWORD_LENGTH, THROTTLE_WINDOW_MS } from "../domain/policy.ts";
import { absoluteExpiry, isSessionLive, nextExpiry, touchDue, type SessionPlace } from "../domain/session-policy.ts";
import { addressKey, decideThrottle, formatWait, throttleWindowStarts } from "../domain/throttle.ts";
import type { Env } from "../env.ts";
import { AppError, reason, refusal, type Reason } from "../errors.ts";
import { hashPassword, verifyNothing, verifyPassword } from "./password-hash.ts";

export type AuthEnv = Pick<Env, "PASSWORD_PEPPER">;

/** 429 with the wait: the message says when to try again; routes put retryAfterSeconds in Retry-After. */
export class ThrottledError extends AppError {
  readonly retryAfterSeconds: number;
  constructor(retryAfterSeconds: number) {
    const message = `${MESSAGES.too_many_attempts}${formatWait(retryAfterSeconds)}ほどたってから、もう一度お試しください。`;
    super("too_many_requests", message, [{ code: "too_many_attempts", message }]);
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

/** The longest card number or staff login kept in auth_failures: whatever else was typed is cut, not stored whole. */
const SUBJECT_MAX = 32;
/** Session tokens are 32 random bytes (256 bits), base64url: 43 characters. Anything much longer is not one. */
const TOKEN_BYTES = 32;
const TOKEN_MAX_CHARS = 64;

function pepperOf(env: AuthEnv): string {
  // A missing secret must stop logins, not hash with an empty key.
  if (!env.PASSWORD_PEPPER) throw new Error("PASSWORD_PEPPER is not configured");
  return env.PASSWORD_PEPPER;
}

function base64url(bytes: Uint8Array): string {
  let s = "";
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function newSessionToken(): string {
  return base64url(crypto.getRandomValues(new Uint8Array(TOKEN_BYTES)));
}

/** The stored form of a session token: SHA-256, hex. */
export async function hashSessionToken(token: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(token)));
  return Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
}

type Batch = [BatchItem<"sqlite">, ...BatchItem<"sqlite">[]];

async function runBatch(db: Db, items: BatchItem<"sqlite">[]) {
  return db.batch(items as Batch);
}

/** Refuse before any password work when the throttle says wait (the refused attempt is not a failure). */
async function enforceThrottle(
  db: Db,
  t: { kind: AuthFailureKind; subject: string; address: string | null; clientAddress: string | null; now: number; throttledAction: AuditAction },
): Promise<void> {
  const counts = await countFailures(db, { kind: t.kind, subject: t.subject, address: t.address, since: throttleWindowStarts(t.now), now: t.now });
  const decision = decideThrottle({ ...counts, now: t.now });
  if (decision.ok) return;
  await writeAudit(db, {
    at: t.now,
    actorKind: "anonymous",
    action: t.throttledAction,
    detail: { subject: t.subject, limitedBy: decision.limitedBy, retryAfterSeconds: decision.retryAfterSeconds },
    clientAddress: t.clientAddress,
  });
  throw new ThrottledError(decision.retryAfterSeconds);
}

interface NewSession {
  token: string;
  tokenHash: string;
  expiresAt: number;
  statements: BatchItem<"sqlite">[];
}

/** A fresh token (rotation: every login gets a new one) and the statements that store it and end the old one. */
async function openSession(
  db: Db,
  s: { patronId: number | null; staffId: number | null; terminalId: number | null; previousToken?: string | null; now: number },
): Promise<NewSession> {
  const token = newSessionToken();
  const tokenHash = await hashSessionToken(token);
  const times = { createdAt: s.now, terminalId: s.terminalId };
  const place: SessionPlace = s.terminalId === null ? "web" : "opac";
  const statements: BatchItem<"sqlite">[] = [];
  if (s.previousToken && s.previousToken.length <= TOKEN_MAX_CHARS) {
    statements.push(deleteSessionStatement(db, await hashSessionToken(s.previousToken)));
  }
  statements.push(
    insertSessionStatement(db, {
      tokenHash,
      patronId: s.patronId,
      staffId: s.staffId,
      terminalId: s.terminalId,
      createdAt: s.now,
      lastSeenAt: s.now,
      expiresAt: nextExpiry(times, s.now),
    }),
  );
  return { token, tokenHash, expiresAt: absoluteExpiry(s.now, place), statements };
}

// ---------------------------------------------------------------------------------------------------------------
// Patron login (R01, R03, R05)

export interface LoginPatronInput {
  card: string;
  password: string;
  clientAddress: string;
  /** The OPAC terminal's code when the login comes from one (R03): shorter timeouts, R36 later. */
  terminalCode?: string | null;
  /** The session token the browser still holds, if any: it ends now. */
  previousToken?: string | null;
  now: number;
}

export interface LoginPatronResult {
  token: string;
  /** The absolute end of the session (ms): the cookie's lifetime. The server also ends it when idle. */
  expiresAt: number;
  patron: { id: number; cardNumber: string; name: string; temporary: boolean };
}

export async function loginPatron(db: Db, env: AuthEnv, input: LoginPatronInput): Promise<LoginPatronResult> {
  const pepper = pepperOf(env);
  const { now, clientAddress } = input;
  const card = normalizeCardNumber(input.card).slice(0, SUBJECT_MAX);
  const address = addressKey(clientAddress);

  let terminalId: number | null = null;
  if (input.terminalCode) {
    terminalId = await findTerminalIdByCode(db, input.terminalCode);
    if (terminalId === null) throw refusal("bad_request", [reason("terminal_unknown")]);
  }

  await enforceThrottle(db, { kind: "login", subject: card, address, clientAddress, now, throttledAction: "login_throttled" });

  const login = isCardNumber(card) ? await findLoginByCard(db, card) : null;
  // Unknown card, or a patron with no password yet (R04 not done): the same PBKDF2 work as a real check.
  const verdict = login?.hash ? await verifyPassword(input.password, login.hash, pepper) : { ok: await verifyNothing(input.password, pepper), needsUpgrade: false };

  if (!login || !login.hash || !verdict.ok) {
    await runBatch(db, [
      recordFailureStatement(db, { kind: "login", subject: card, address, at: now }),
      auditStatement(db, {
        at: now,
        actorKind: "anonymous",
        action: "login_failed",
        targetKind: login ? "patron" : null,
        targetId: login?.patronId ?? null,
        detail: { card },
        clientAddress,
      }),
    ]);
    throw refusal("unauthorized", [reason("login_failed")]);
  }

  if (login.status !== "active") {
    await writeAudit(db, { at: now, actorKind: "patron", actorId: login.patronId, action: "login_refused", detail: { status: login.status }, clientAddress });
    throw refusal("forbidden", [reason("account_suspended")]);
  }

  const session = await openSession(db, { patronId: login.patronId, staffId: null, terminalId, previousToken: input.previousToken, now });
  const statements: BatchItem<"sqlite">[] = [
    ...session.statements,
    clearFailuresStatement(db, "login", card),
    auditStatement(db, {
      at: now,
      actorKind: "patron",
      actorId: login.patronId,
      action: "login",
      detail: { temporary: login.temporary === true, terminalId, upgradedHash: verdict.needsUpgrade },
      clientAddress,
    }),
  ];
  // Old parameters (fewer iterations): re-hash now that the password is known, guarded by the old hash.
  if (verdict.needsUpgrade) {
    statements.push(upgradeHashStatement(db, { patronId: login.patronId, oldHash: login.hash, newHash: await hashPassword(input.password, pepper) }));
  }
  await runBatch(db, statements);
  return {
    token: session.token,
    expiresAt: session.expiresAt,
    patron: { id: login.patronId, cardNumber: login.cardNumber, name: login.name, temporary: login.temporary === true },
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Staff login (issue 3 item 11)

export interface LoginStaffResult {
  token: string;
  expiresAt: number;
  staff: { id: number; login: string; role: "counter" | "admin"; branchId: number };
}

export async function loginStaff(
  db: Db,
  env: AuthEnv,
  input: { login: string; password: string; clientAddress: string; previousToken?: string | null; now: number },
): Promise<LoginStaffResult> {
  const pepper = pepperOf(env);
  const { now, clientAddress } = input;
  const loginName = input.login.normalize("NFKC").trim().slice(0, SUBJECT_MAX);
  const address = addressKey(clientAddress);
  await enforceThrottle(db, { kind: "staff_login", subject: loginName, address, clientAddress, now, throttledAction: "staff_login_throttled" });

  const staff = loginName ? await findStaffByLogin(db, loginName) : null;
  const verdict = staff ? await verifyPassword(input.password, staff.hash, pepper) : { ok: await verifyNothing(input.password, pepper), needsUpgrade: false };
  // A deactivated account answers like a wrong password: nothing to tell a former employee.
  if (!staff || !staff.active || !verdict.ok) {
    await runBatch(db, [
      recordFailureStatement(db, { kind: "staff_login", subject: loginName, address, at: now }),
      auditStatement(db, {
        at: now,
        actorKind: "anonymous",
        action: "staff_login_failed",
        targetKind: staff ? "staff" : null,
        targetId: staff?.id ?? null,
        detail: { login: loginName },
        clientAddress,
      }),
    ]);
    throw refusal("unauthorized", [reason("staff_login_failed")]);
  }

  const session = await openSession(db, { patronId: null, staffId: staff.id, terminalId: null, previousToken: input.previousToken, now });
  const statements: BatchItem<"sqlite">[] = [
    ...session.statements,
    clearFailuresStatement(db, "staff_login", loginName),
    auditStatement(db, { at: now, actorKind: "staff", actorId: staff.id, action: "staff_login", detail: { role: staff.role }, clientAddress }),
  ];
  if (verdict.needsUpgrade) {
    statements.push(upgradeStaffHashStatement(db, { staffId: staff.id, oldHash: staff.hash, newHash: await hashPassword(input.password, pepper) }));
  }
  await runBatch(db, statements);
  return { token: session.token, expiresAt: session.expiresAt, staff: { id: staff.id, login: staff.login, role: staff.role, branchId: staff.branchId } };
}

// ---------------------------------------------------------------------------------------------------------------
// Sessions (issue 3 item 2)

/** 「ログアウト」: the session row is deleted on the server, so the old cookie opens nothing. */
export async function logout(db: Db, token: string | null | undefined, now: number): Promise<void> {
  if (!token || token.length > TOKEN_MAX_CHARS) return;
  const [ended] = await deleteSessionStatement(db, await hashSessionToken(token));
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
  if (!token || token.length > TOKEN_MAX_CHARS) return null;
  const tokenHash = await hashSessionToken(token);
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

// ---------------------------------------------------------------------------------------------------------------
// 「パスワード変更」 (R06, R07, ends R05)

export interface ChangePasswordInput {
  patronId: number;
  /** The session making the change: it stays open; every other session of the patron ends. */
  currentToken: string | null;
  current: string;
  next: string;
  confirm: string;
  /** For the throttle: a wrong current password counts as a failed login of the card. */
  clientAddress?: string | null;
  now: number;
}

export async function changePassword(db: Db, env: AuthEnv, input: ChangePasswordInput): Promise<void> {
  const pepper = pepperOf(env);
  const { now } = input;
  const clientAddress = input.clientAddress ?? null;
  const address = clientAddress ? addressKey(clientAddress) : null;
  const login = await findLoginByPatronId(db, input.patronId);
  if (!login) throw refusal("unauthorized", [reason("login_required")]);

  // Someone holding a stolen session could otherwise guess the current password here at full speed.
  await enforceThrottle(db, { kind: "login", subject: login.cardNumber, address, clientAddress, now, throttledAction: "login_throttled" });

  const reasons: Reason[] = [];
  const currentOk = login.hash ? (await verifyPassword(input.current, login.hash, pepper)).ok : await verifyNothing(input.current, pepper);
  if (!currentOk) reasons.push(reason("current_password_wrong", "current"));
  const rules = checkNewPassword(input.next, { cardNumber: login.cardNumber, birthDate: login.birthDate });
  if (!rules.ok) for (const r of rules.reasons) reasons.push(reason(r, "next"));
  if (currentOk && input.next === input.current) reasons.push(reason("password_unchanged", "next"));
  if (input.next !== input.confirm) reasons.push(reason("password_confirm_mismatch", "confirm"));

  if (reasons.length > 0 || !login.hash) {
    const statements: BatchItem<"sqlite">[] = [
      auditStatement(db, {
        at: now,
        actorKind: "patron",
        actorId: login.patronId,
        action: "password_change_failed",
        detail: { reasons: reasons.map((r) => r.code) },
        clientAddress,
      }),
    ];
    if (!currentOk) statements.push(recordFailureStatement(db, { kind: "login", subject: login.cardNumber, address: address ?? "unknown", at: now }));
    await runBatch(db, statements);
    // R06: nothing changes unless the current password, the new one and its confirmation are all right.
    throw refusal("bad_request", reasons);
  }

  const newHash = await hashPassword(input.next, pepper);
  const keep = input.currentToken && input.currentToken.length <= TOKEN_MAX_CHARS ? await hashSessionToken(input.currentToken) : null;
  // One batch: the guarded update, then the other sessions and the audit row only if the update took effect.
  const [changed] = await runBatch(db, [
    changePasswordStatement(db, { patronId: login.patronId, oldHash: login.hash, newHash, now }),
    deletePatronSessionsStatement(db, login.patronId, { exceptTokenHash: keep, onlyIf: hashIsStill(login.patronId, newHash) }),
    auditIfStatement(
      db,
      { at: now, actorKind: "patron", actorId: login.patronId, action: "password_changed", detail: { wasTemporary: login.temporary === true }, clientAddress },
      hashIsStill(login.patronId, newHash),
    ),
  ]);
  if ((changed as unknown[]).length === 0) throw refusal("conflict", [reason("session_conflict")]);
}

// ---------------------------------------------------------------------------------------------------------------
// 「本パスワード申請」 (R04, R08)

export interface ApplyPasswordInput {
  /** The terms of use were agreed to (the checkbox). */
  agreed: boolean;
  card: string;
  birthDate: string;
  phone: string;
  password: string;
  confirm: string;
  clientAddress: string;
  now: number;
}

export async function applyPassword(db: Db, env: AuthEnv, input: ApplyPasswordInput): Promise<{ patronId: number; cardNumber: string }> {
  const pepper = pepperOf(env);
  const { now, clientAddress } = input;
  const address = addressKey(clientAddress);

  // First what can be said without looking anybody up: the form itself. Nothing about a patron is revealed.
  const reasons: Reason[] = [];
  if (input.agreed !== true) reasons.push(reason("terms_not_agreed", "agreed"));
  const card = normalizeCardNumber(input.card);
  if (!isCardNumber(card)) reasons.push(reason("card_number_invalid", "card"));
  const birthDate = parseBirthDate(input.birthDate);
  if (!birthDate) reasons.push(reason("birth_date_invalid", "birthDate"));
  const phone = normalizePhoneDigits(input.phone);
  if (!isPhoneDigits(phone)) reasons.push(reason("phone_invalid", "phone"));
  // R02 against what was typed (the stored facts are only compared once the throttle allows it).
  const rules = checkNewPassword(input.password, { cardNumber: card, birthDate });
  if (!rules.ok) for (const r of rules.reasons) reasons.push(reason(r, "password"));
  if (input.password !== input.confirm) reasons.push(reason("password_confirm_mismatch", "confirm"));
  if (reasons.length > 0) throw refusal("bad_request", reasons);

  const subject = card.slice(0, SUBJECT_MAX);
  await enforceThrottle(db, { kind: "apply", subject, address, clientAddress, now, throttledAction: "password_apply_throttled" });

  const patron = await findPatronByCard(db, card);
  // One answer whichever of card, birth date and phone is wrong (or all three).
  const confirmed = patron !== null && patron.birthDate === birthDate && patron.phoneDigits === phone;
  if (!patron || !confirmed) {
    await runBatch(db, [
      recordFailureStatement(db, { kind: "apply", subject, address, at: now }),
      auditStatement(db, {
        at: now,
        actorKind: "anonymous",
        action: "password_apply_failed",
        targetKind: patron ? "patron" : null,
        targetId: patron?.id ?? null,
        detail: { card: subject },
        clientAddress,
      }),
    ]);
    throw refusal("bad_request", [reason("identity_not_confirmed")]);
  }
  if (patron.status !== "active") {
    await writeAudit(db, { at: now, actorKind: "patron", actorId: patron.id, action: "password_apply_failed", detail: { status: patron.status }, clientAddress });
    throw refusal("forbidden", [reason("account_suspended")]);
  }

  const hash = await hashPassword(input.password, pepper);
  await runBatch(db, [
    setPasswordStatement(db, { patronId: patron.id, hash, temporary: false, now }),
    // R08: a re-issued password ends every session the old one opened.
    deletePatronSessionsStatement(db, patron.id),
    clearFailuresStatement(db, "apply", subject),
    clearFailuresStatement(db, "login", subject),
    auditStatement(db, { at: now, actorKind: "patron", actorId: patron.id, action: "password_applied", clientAddress }),
  ]);
  return { patronId: patron.id, cardNumber: patron.cardNumber };
}

// ---------------------------------------------------------------------------------------------------------------
// 仮パスワード (R05, R08)

// No 0/O/o, 1/l/I: read aloud at the counter or copied from a slip without mistakes.
const TEMPORARY_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789";

function randomTemporaryPassword(): string {
  const limit = 256 - (256 % TEMPORARY_ALPHABET.length);
  let out = "";
  while (out.length < TEMPORARY_PASSWORD_LENGTH) {
    for (const b of crypto.getRandomValues(new Uint8Array(16))) {
      // Rejection sampling: every character equally likely.
      if (b < limit && out.length < TEMPORARY_PASSWORD_LENGTH) out += TEMPORARY_ALPHABET[b % TEMPORARY_ALPHABET.length];
    }
  }
  return out;
}

export async function issueTemporaryPassword(
  db: Db,
  env: AuthEnv,
  input: { card: string; staffId: number | null; now: number },
): Promise<{ password: string; patronId: number; cardNumber: string }> {
  const pepper = pepperOf(env);
  const card = normalizeCardNumber(input.card);
  const patron = isCardNumber(card) ? await findPatronByCard(db, card) : null;
  if (!patron) throw new AppError("not_found", MESSAGES.patron_not_found, [reason("patron_not_found")]);

  let password = randomTemporaryPassword();
  // It must itself pass R02 (not common, not the card or the birth date); a retry is rare.
  while (!checkNewPassword(password, { cardNumber: patron.cardNumber, birthDate: patron.birthDate }).ok) password = randomTemporaryPassword();

  const hash = await hashPassword(password, pepper);
  await runBatch(db, [
    setPasswordStatement(db, { patronId: patron.id, hash, temporary: true, now: input.now }),
    deletePatronSessionsStatement(db, patron.id),
    // The counter's help also lifts any wait a stranger's failures caused on this card.
    clearFailuresStatement(db, "login", patron.cardNumber),
    clearFailuresStatement(db, "apply", patron.cardNumber),
    auditStatement(db, {
      at: input.now,
      actorKind: input.staffId === null ? "system" : "staff",
      actorId: input.staffId,
      action: "temporary_password_issued",
      targetKind: "patron",
      targetId: patron.id,
    }),
  ]);
  return { password, patronId: patron.id, cardNumber: patron.cardNumber };
}

// ---------------------------------------------------------------------------------------------------------------

/** For a cron job: delete sessions past their expiry and failures no throttle window reads any more. */
export async function pruneAuthRecords(db: Db, now: number): Promise<void> {
  await deleteExpiredSessions(db, now);
  await pruneFailures(db, now - THROTTLE_WINDOW_MS);
}
