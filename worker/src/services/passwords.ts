// R04–R08, issue 3 items 5–9, issue 6 §6: passwords — 「パスワード変更」, 「本パスワード申請」, the counter's 仮パスワード.
//
//   changePassword(db, env, { patronId, currentToken, current, next, confirm, clientAddress?, deviceCookie?, now })
//     → void · 400 bad_request with every reason: current_password_wrong (field current), the R02 reasons (field
//     next), password_unchanged (next), password_confirm_mismatch (confirm) · 429 · 409 conflict [session_conflict]
//     On success: temporary = false, every other session of the patron ended, the current one kept.
//   applyPassword(db, env, { agreed, card, birthDate, phone, password, confirm, clientAddress, now })
//     → { patronId, cardNumber } (R04/R08 「本パスワード申請」; no session: the patron logs in next)
//     400 with every input reason (terms_not_agreed, card_number_invalid, birth_date_invalid, phone_invalid, R02
//     reasons on field password, password_confirm_mismatch) · then 400 [identity_not_confirmed] for any wrong fact
//     · 429 · 403 [account_suspended]. All sessions of the patron end.
//   issueTemporaryPassword(db, env, { card, staffId, now }) → { password, patronId, cardNumber } (R05)
//     404 not_found [patron_not_found]. Sessions end, the card's throttle is cleared.
import { auditIfStatement, auditStatement, writeAudit } from "../data/audit.ts";
import { clearFailuresStatement } from "../data/auth-failures.ts";
import { changePasswordStatement, findLoginByPatronId, hashIsStill, setPasswordStatement } from "../data/credentials.ts";
import { runBatch, type Db, type Statement } from "../data/db.ts";
import { findPatronByCard } from "../data/patrons.ts";
import { deletePatronSessionsStatement } from "../data/sessions.ts";
import { isCardNumber, isPhoneDigits, normalizeCardNumber, normalizePhoneDigits, parseBirthDate } from "../domain/identity.ts";
import { MESSAGES } from "../domain/messages.ts";
import { checkNewPassword } from "../domain/password-rules.ts";
import { TEMPORARY_PASSWORD_LENGTH } from "../domain/policy.ts";
import { addressKey } from "../domain/throttle.ts";
import { AppError, reason, refusal, type Reason } from "../errors.ts";
import { patronAttemptScope, type AuthEnv } from "./login.ts";
import { hashPassword, requirePepper, verifyNothing, verifyPassword } from "./password-hash.ts";
import { tokenHashOf } from "./sessions.ts";
import { releaseAttempt, reserveAttempt } from "./throttle.ts";

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
  /** The browser's device cookie: a recognised browser is counted in its own bucket, as at login. */
  deviceCookie?: string | null;
  now: number;
}

export async function changePassword(db: Db, env: AuthEnv, input: ChangePasswordInput): Promise<void> {
  const pepper = requirePepper(env);
  const { now } = input;
  const clientAddress = input.clientAddress ?? null;
  const login = await findLoginByPatronId(db, input.patronId);
  if (!login) throw refusal("unauthorized", [reason("login_required")]);

  // Someone holding a stolen session could otherwise guess the current password here at full speed.
  const scope = await patronAttemptScope(env, { card: login.cardNumber, clientAddress, deviceCookie: input.deviceCookie, now });
  const reservation = await reserveAttempt(db, scope, { now, clientAddress, throttledAction: "login_throttled" });

  const reasons: Reason[] = [];
  const currentOk = login.hash ? (await verifyPassword(input.current, login.hash, pepper)).ok : await verifyNothing(input.current, pepper);
  if (!currentOk) reasons.push(reason("current_password_wrong", "current"));
  const rules = checkNewPassword(input.next, { cardNumber: login.cardNumber, birthDate: login.birthDate });
  if (!rules.ok) for (const r of rules.reasons) reasons.push(reason(r, "next"));
  if (currentOk && input.next === input.current) reasons.push(reason("password_unchanged", "next"));
  if (input.next !== input.confirm) reasons.push(reason("password_confirm_mismatch", "confirm"));

  if (reasons.length > 0 || !login.hash) {
    const statements: Statement[] = [
      auditStatement(db, {
        at: now,
        actorKind: "patron",
        actorId: login.patronId,
        action: "password_change_failed",
        detail: { reasons: reasons.map((r) => r.code) },
        clientAddress,
      }),
    ];
    // Only a wrong current password is a failure; the reservation of any other refusal is released.
    if (currentOk) statements.push(releaseAttempt(db, reservation));
    await runBatch(db, statements);
    // R06: nothing changes unless the current password, the new one and its confirmation are all right.
    throw refusal("bad_request", reasons);
  }

  const newHash = await hashPassword(input.next, pepper);
  const keep = await tokenHashOf(input.currentToken);
  // One batch: the guarded update, then the other sessions and the audit row only if the update took effect.
  const [changed] = await runBatch(db, [
    changePasswordStatement(db, { patronId: login.patronId, oldHash: login.hash, newHash, now }),
    deletePatronSessionsStatement(db, login.patronId, { exceptTokenHash: keep, onlyIf: hashIsStill(login.patronId, newHash) }),
    auditIfStatement(
      db,
      { at: now, actorKind: "patron", actorId: login.patronId, action: "password_changed", detail: { wasTemporary: login.temporary === true }, clientAddress },
      hashIsStill(login.patronId, newHash),
    ),
    releaseAttempt(db, reservation),
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
  const pepper = requirePepper(env);
  const { now, clientAddress } = input;

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

  // The card has a card number's shape here (checked above): it is stored as it is.
  const reservation = await reserveAttempt(
    db,
    { kind: "apply", subject: card, address: addressKey(clientAddress), shared: true },
    { now, clientAddress, throttledAction: "password_apply_throttled" },
  );

  const patron = await findPatronByCard(db, card);
  // One answer whichever of card, birth date and phone is wrong (or all three).
  const confirmed = patron !== null && patron.birthDate === birthDate && patron.phoneDigits === phone;
  if (!patron || !confirmed) {
    await writeAudit(db, {
      at: now,
      actorKind: "anonymous",
      action: "password_apply_failed",
      targetKind: patron ? "patron" : null,
      targetId: patron?.id ?? null,
      detail: { card },
      clientAddress,
    });
    throw refusal("bad_request", [reason("identity_not_confirmed")]);
  }
  if (patron.status !== "active") {
    await runBatch(db, [
      releaseAttempt(db, reservation),
      auditStatement(db, { at: now, actorKind: "patron", actorId: patron.id, action: "password_apply_failed", detail: { status: patron.status }, clientAddress }),
    ]);
    throw refusal("forbidden", [reason("account_suspended")]);
  }

  const hash = await hashPassword(input.password, pepper);
  await runBatch(db, [
    setPasswordStatement(db, { patronId: patron.id, hash, temporary: false, now }),
    // R08: a re-issued password ends every session the old one opened.
    deletePatronSessionsStatement(db, patron.id),
    releaseAttempt(db, reservation),
    clearFailuresStatement(db, "apply", card),
    clearFailuresStatement(db, "login", card),
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
  const pepper = requirePepper(env);
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
