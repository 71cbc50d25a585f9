// R01, R03, R05, issue 3 items 1, 5, 10, 11, issue 6 §6: logging in — patrons (web and OPAC terminals) and staff.
//
//   loginPatron(db, env, { card, password, clientAddress, terminalId?, previousToken?, deviceCookie?, now })
//     → { token, expiresAt, deviceCookie, patron: { id, cardNumber, name, temporary } }
//     401 unauthorized [login_failed] — wrong card, wrong password, no password yet: one answer, one PBKDF2 run
//     429 ThrottledError [too_many_attempts] (err.retryAfterSeconds; app.onError and page() send Retry-After)
//     403 forbidden [account_suspended] (only after the right password)
//     `expiresAt` is the absolute end: give it to sessionCookie(). `previousToken` (the cookie the browser came
//     with) is ended in the same batch. A temporary password logs in with `temporary: true` (R05).
//     `deviceCookie` (the browser's device cookie, services/devices.ts) gives its own throttle allowance on the card
//     it names; the result's `deviceCookie` is the value to set (null on an OPAC terminal: a shared machine).
//     `terminalId` (issue 7 item 8): the enrolled terminal the browser's terminal cookie proved it is
//     (middleware/terminal.ts requestTerminal → services/terminals.ts recogniseTerminal); never from what was typed.
//   loginStaff(db, env, { login, password, clientAddress, previousToken?, now })
//     → { token, expiresAt, staff: { id, login, role, branchId } } · 401 [staff_login_failed] · 429
import { auditStatement, writeAudit } from "../data/audit.ts";
import { clearFailuresStatement } from "../data/auth-failures.ts";
import { findLoginByCard, upgradeHashStatement } from "../data/credentials.ts";
import { runBatch, type Db, type Statement } from "../data/db.ts";
import { findStaffByLogin, upgradeStaffHashStatement } from "../data/staff-users.ts";
import { isCardNumber, normalizeCardNumber } from "../domain/identity.ts";
import { addressKey } from "../domain/throttle.ts";
import type { Env } from "../env.ts";
import { reason, refusal } from "../errors.ts";
import { deviceCookieAfterLogin, deviceSubject, recognisedDevice } from "./devices.ts";
import { hashPassword, requirePepper, verifyNothing, verifyPassword } from "./password-hash.ts";
import { openSession } from "./sessions.ts";
import { releaseAttempt, reserveAttempt, subjectOf, type AttemptScope } from "./throttle.ts";

export type AuthEnv = Pick<Env, "PASSWORD_PEPPER">;

export interface LoginPatronInput {
  card: string;
  password: string;
  clientAddress: string;
  /** R03, R36: the enrolled OPAC terminal the login comes from (recognised by its device secret): short timeouts. */
  terminalId?: number | null;
  /** The session token the browser still holds, if any: it ends now. */
  previousToken?: string | null;
  /** The browser's device cookie, if any (issue 6 §6). */
  deviceCookie?: string | null;
  now: number;
}

export interface LoginPatronResult {
  token: string;
  /** The absolute end of the session (ms): the cookie's lifetime. The server also ends it when idle. */
  expiresAt: number;
  /** The device cookie's new value (this card's entry renewed), or null: set nothing (an OPAC terminal). */
  deviceCookie: string | null;
  patron: { id: number; cardNumber: string; name: string; temporary: boolean };
}

/**
 * The throttle scope of an attempt on a patron's card: the device's own bucket when the browser's device cookie
 * vouches for this card, else the card's (what was typed, or its keyed hash) with the address and overall counts.
 */
export async function patronAttemptScope(
  env: AuthEnv,
  a: { card: string; clientAddress: string | null; deviceCookie?: string | null; now: number },
): Promise<AttemptScope> {
  const address = addressKey(a.clientAddress);
  const cardShaped = isCardNumber(a.card);
  const device = cardShaped && a.deviceCookie ? await recognisedDevice(env, a.deviceCookie, a.card, a.now) : null;
  if (device) return { kind: "login", subject: deviceSubject(a.card, device), address, shared: false };
  return { kind: "login", subject: await subjectOf(env, a.card, cardShaped), address, shared: true };
}

export async function loginPatron(db: Db, env: AuthEnv, input: LoginPatronInput): Promise<LoginPatronResult> {
  const pepper = requirePepper(env);
  const { now, clientAddress } = input;
  const card = normalizeCardNumber(input.card);

  const terminalId = input.terminalId ?? null;

  // An OPAC terminal is shared: no browser there vouches for anybody.
  const scope = await patronAttemptScope(env, { card, clientAddress, deviceCookie: terminalId === null ? input.deviceCookie : null, now });
  const reservation = await reserveAttempt(db, scope, { now, clientAddress, throttledAction: "login_throttled" });

  const login = isCardNumber(card) ? await findLoginByCard(db, card) : null;
  // Unknown card, or a patron with no password yet (R04 not done): the same PBKDF2 work as a real check.
  const verdict = login?.hash ? await verifyPassword(input.password, login.hash, pepper) : { ok: await verifyNothing(input.password, pepper), needsUpgrade: false };

  if (!login || !login.hash || !verdict.ok) {
    // The reservation stays: it is this failure.
    await writeAudit(db, {
      at: now,
      actorKind: "anonymous",
      action: "login_failed",
      targetKind: login ? "patron" : null,
      targetId: login?.patronId ?? null,
      detail: { card: scope.shared ? scope.subject : card, device: !scope.shared },
      clientAddress,
    });
    throw refusal("unauthorized", [reason("login_failed")]);
  }

  if (login.status !== "active") {
    await runBatch(db, [
      releaseAttempt(db, reservation),
      auditStatement(db, { at: now, actorKind: "patron", actorId: login.patronId, action: "login_refused", detail: { status: login.status }, clientAddress }),
    ]);
    throw refusal("forbidden", [reason("account_suspended")]);
  }

  const session = await openSession(db, { patronId: login.patronId, staffId: null, terminalId, previousToken: input.previousToken, now });
  const statements: Statement[] = [
    ...session.statements,
    releaseAttempt(db, reservation),
    // A good login forgets the failures of the bucket it was counted in (the device's, or the card's).
    clearFailuresStatement(db, "login", scope.subject),
    auditStatement(db, {
      at: now,
      actorKind: "patron",
      actorId: login.patronId,
      action: "login",
      detail: { temporary: login.temporary === true, terminalId, upgradedHash: verdict.needsUpgrade, device: !scope.shared },
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
    deviceCookie: terminalId === null ? await deviceCookieAfterLogin(env, input.deviceCookie, login.cardNumber, now) : null,
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

/** A staff login name as typed, cleaned; longer than any login is not one. */
const LOGIN_MAX = 64;

export async function loginStaff(
  db: Db,
  env: AuthEnv,
  input: { login: string; password: string; clientAddress: string; previousToken?: string | null; now: number },
): Promise<LoginStaffResult> {
  const pepper = requirePepper(env);
  const { now, clientAddress } = input;
  const loginName = input.login.normalize("NFKC").trim();
  const staff = loginName && loginName.length <= LOGIN_MAX ? await findStaffByLogin(db, loginName) : null;
  // Only the login of an existing account is stored as typed; anything else (a password?) as a keyed hash.
  const subject = await subjectOf(env, loginName, staff !== null);
  const scope: AttemptScope = { kind: "staff_login", subject, address: addressKey(clientAddress), shared: true };
  const reservation = await reserveAttempt(db, scope, { now, clientAddress, throttledAction: "staff_login_throttled" });

  const verdict = staff ? await verifyPassword(input.password, staff.hash, pepper) : { ok: await verifyNothing(input.password, pepper), needsUpgrade: false };
  // A deactivated account answers like a wrong password: nothing to tell a former employee.
  if (!staff || !staff.active || !verdict.ok) {
    await writeAudit(db, {
      at: now,
      actorKind: "anonymous",
      action: "staff_login_failed",
      targetKind: staff ? "staff" : null,
      targetId: staff?.id ?? null,
      detail: { login: subject },
      clientAddress,
    });
    throw refusal("unauthorized", [reason("staff_login_failed")]);
  }

  const session = await openSession(db, { patronId: null, staffId: staff.id, terminalId: null, previousToken: input.previousToken, now });
  const statements: Statement[] = [
    ...session.statements,
    releaseAttempt(db, reservation),
    clearFailuresStatement(db, "staff_login", subject),
    auditStatement(db, { at: now, actorKind: "staff", actorId: staff.id, action: "staff_login", detail: { role: staff.role }, clientAddress }),
  ];
  if (verdict.needsUpgrade) {
    statements.push(upgradeStaffHashStatement(db, { staffId: staff.id, oldHash: staff.hash, newHash: await hashPassword(input.password, pepper) }));
  }
  await runBatch(db, statements);
  return { token: session.token, expiresAt: session.expiresAt, staff: { id: staff.id, login: staff.login, role: staff.role, branchId: staff.branchId } };
}
