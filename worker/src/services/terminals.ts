// Issue 7 item 8 (R03, R36): in-library OPAC terminals, recognised by a device secret, never by a code anyone can type.
//
//   registerTerminal(db, env, { code, branchId, label, staffId, now }) → { id, code, enrolmentCode, expiresAt }
//     400 bad_request [terminal_code_invalid, terminal_branch_invalid, terminal_label_invalid] (every reason at once)
//     409 conflict [terminal_code_taken]
//   reissueEnrolment(db, env, { terminalId, staffId, now }) → the same; 404 [terminal_not_found] (unknown or retired)
//     The old device secret stops working and the sessions opened on the terminal end, in one batch.
//   retireTerminal(db, { terminalId, staffId, now }) → void; 404 [terminal_not_found]. Secret, code and sessions go.
//   enrolTerminal(db, env, { typed, clientAddress, now }) → { terminal: { id, code }, cookieValue }
//     400 [enrolment_code_invalid] (wrong, expired, used, retired: one answer) · 429 ThrottledError
//     The code is redeemed by ONE guarded UPDATE (data/terminals.ts redeemEnrolment): two parallel redemptions, one wins.
//   recogniseTerminal(db, cookieValue) → EnrolledTerminal | null (forged, altered, retired, re-issued: null)
//   issueEnrolmentForCode(db, env, { code, now }) — the staff command line's `enrol-terminal CODE`
//   terminalOfSession(db, terminalId) → where a terminal session was opened (branch name, label), or null
// The enrolment code (10 symbols, shown once) is kept only as a keyed hash (HMAC under a key derived from the pepper),
// so a copy of D1 alone cannot be searched for it; the device secret (32 random bytes) only as its SHA-256.
import { auditStatement, writeAudit } from "../data/audit.ts";
import { runBatch, type Db } from "../data/db.ts";
import {
  deleteTerminalSessionsStatement,
  findEnrolledTerminal,
  findTerminalById,
  findTerminalByCode,
  insertTerminal,
  redeemEnrolment,
  reissueEnrolmentStatement,
  retireTerminalStatement,
  terminalBranches,
  type EnrolledTerminal,
} from "../data/terminals.ts";
import { TERMINAL_ENROLMENT_MS } from "../domain/policy.ts";
import { checkTerminalForm, enrolmentCodeFrom, formatEnrolmentCode, parseTerminalCookie, readEnrolmentCode, terminalCookieValue } from "../domain/terminals.ts";
import { addressKey } from "../domain/throttle.ts";
import { reason, refusal } from "../errors.ts";
import { releaseAttempt, reserveAttempt, subjectOf, type AttemptScope } from "./throttle.ts";
import { mac, randomKey, sha256Hex, type SecretEnv } from "./tokens.ts";

export type { EnrolledTerminal } from "../data/terminals.ts";

const ENROLMENT_LABEL = "shiori/terminal-enrolment/v1";
const SECRET_BYTES = 32;

export interface IssuedEnrolment {
  id: number;
  code: string;
  /** Shown once, as staff read it out (「7KQ4M-XW2P9」). Nothing stores it. */
  enrolmentCode: string;
  expiresAt: number;
}

function newEnrolmentCode(): string {
  // Bytes of 248 and above are skipped (no bias), so 32 bytes are drawn for 10 symbols; fewer than 10 usable ones
  // among 32 (odds far below 1e-20) draws again.
  for (;;) {
    try {
      return enrolmentCodeFrom(crypto.getRandomValues(new Uint8Array(32)));
    } catch {
      continue;
    }
  }
}

function enrolmentHash(env: SecretEnv, code: string): Promise<string> {
  return mac(env, ENROLMENT_LABEL, `enrol:${code}`);
}

async function freshEnrolment(env: SecretEnv, now: number) {
  const code = newEnrolmentCode();
  return { code, hash: await enrolmentHash(env, code), expiresAt: now + TERMINAL_ENROLMENT_MS };
}

export async function registerTerminal(
  db: Db,
  env: SecretEnv,
  input: { code: string; branchId: string; label: string; staffId: number | null; now: number },
): Promise<IssuedEnrolment> {
  const code = input.code.normalize("NFKC").trim();
  // The label is staff's own words, kept as typed (full-width brackets stay full-width).
  const label = input.label.trim();
  const branchId = /^[1-9][0-9]{0,9}$/.test(input.branchId) ? Number(input.branchId) : null;
  const branchOk = branchId !== null && (await terminalBranches(db)).some((b) => b.id === branchId);
  const problems = checkTerminalForm({ code, label, branchOk });
  if (problems.length) throw refusal("bad_request", problems.map((p) => reason(p.code, p.field)));

  const enrolment = await freshEnrolment(env, input.now);
  const id = await insertTerminal(db, { code, branchId: branchId!, label: label || null, enrolmentHash: enrolment.hash, enrolmentExpiresAt: enrolment.expiresAt, now: input.now });
  if (id === null) throw refusal("conflict", [reason("terminal_code_taken", "code")]);
  await writeAudit(db, { at: input.now, actorKind: input.staffId === null ? "system" : "staff", actorId: input.staffId, action: "terminal_registered", targetKind: "terminal", targetId: id, detail: { code, branchId } });
  return { id, code, enrolmentCode: formatEnrolmentCode(enrolment.code), expiresAt: enrolment.expiresAt };
}

export async function reissueEnrolment(db: Db, env: SecretEnv, input: { terminalId: number; staffId: number | null; now: number }): Promise<IssuedEnrolment> {
  const enrolment = await freshEnrolment(env, input.now);
  const [updated] = await runBatch(db, [
    reissueEnrolmentStatement(db, { terminalId: input.terminalId, enrolmentHash: enrolment.hash, enrolmentExpiresAt: enrolment.expiresAt }),
    // Only a terminal the UPDATE matched has sessions to end (a retired one has none left).
    deleteTerminalSessionsStatement(db, input.terminalId),
  ]);
  const row = (updated as { id: number; code: string }[])[0];
  if (!row) throw refusal("not_found", [reason("terminal_not_found")]);
  await writeAudit(db, { at: input.now, actorKind: input.staffId === null ? "system" : "staff", actorId: input.staffId, action: "terminal_enrolment_issued", targetKind: "terminal", targetId: row.id, detail: { code: row.code } });
  return { id: row.id, code: row.code, enrolmentCode: formatEnrolmentCode(enrolment.code), expiresAt: enrolment.expiresAt };
}

export async function retireTerminal(db: Db, input: { terminalId: number; staffId: number | null; now: number }): Promise<void> {
  const [updated] = await runBatch(db, [retireTerminalStatement(db, input.terminalId), deleteTerminalSessionsStatement(db, input.terminalId)]);
  const row = (updated as { id: number; code: string }[])[0];
  if (!row) throw refusal("not_found", [reason("terminal_not_found")]);
  await writeAudit(db, { at: input.now, actorKind: input.staffId === null ? "system" : "staff", actorId: input.staffId, action: "terminal_retired", targetKind: "terminal", targetId: row.id, detail: { code: row.code } });
}

/** The staff command line: a fresh enrolment code for the terminal with this code (e.g. the demo's chuo-opac-1). */
export async function issueEnrolmentForCode(db: Db, env: SecretEnv, input: { code: string; now: number }): Promise<IssuedEnrolment> {
  const terminal = await findTerminalByCode(db, input.code);
  if (!terminal || !terminal.active) throw refusal("not_found", [reason("terminal_not_found")]);
  return reissueEnrolment(db, env, { terminalId: terminal.id, staffId: null, now: input.now });
}

export async function enrolTerminal(
  db: Db,
  env: SecretEnv,
  input: { typed: string; clientAddress: string | null; now: number },
): Promise<{ terminal: { id: number; code: string }; cookieValue: string }> {
  const { now, clientAddress } = input;
  // Guessing a code is throttled like a staff login (it is a credential staff type at the terminal): per typed
  // text (a keyed hash: nothing typed is stored), per client address and overall. docs/accounts.md says why.
  const scope: AttemptScope = { kind: "staff_login", subject: `enrol${await subjectOf(env, input.typed, false)}`, address: addressKey(clientAddress), shared: true };
  const reservation = await reserveAttempt(db, scope, { now, clientAddress, throttledAction: "terminal_enrol_throttled" });

  const code = readEnrolmentCode(input.typed);
  const secret = randomKey(SECRET_BYTES);
  const redeemed = code ? await redeemEnrolment(db, { enrolmentHash: await enrolmentHash(env, code), secretHash: await sha256Hex(secret), now }) : null;
  if (!redeemed) {
    // The reservation stays: it is this failure.
    await writeAudit(db, { at: now, actorKind: "anonymous", action: "terminal_enrol_failed", detail: { typed: scope.subject }, clientAddress });
    throw refusal("bad_request", [reason("enrolment_code_invalid", "code")]);
  }
  await runBatch(db, [
    releaseAttempt(db, reservation),
    auditStatement(db, { at: now, actorKind: "anonymous", action: "terminal_enrolled", targetKind: "terminal", targetId: redeemed.id, detail: { code: redeemed.code }, clientAddress }),
  ]);
  return { terminal: redeemed, cookieValue: terminalCookieValue(redeemed.id, secret) };
}

/** The enrolled, active terminal a browser's terminal cookie names, or null: such a cookie vouches for nothing. */
export async function recogniseTerminal(db: Db, cookieValue: string | null | undefined): Promise<EnrolledTerminal | null> {
  const parsed = parseTerminalCookie(cookieValue);
  if (!parsed) return null;
  return findEnrolledTerminal(db, parsed.terminalId, await sha256Hex(parsed.secret));
}

/** The terminal a session was opened on (PatronSession.terminalId), for the pages that tell the patron so. */
export async function terminalOfSession(db: Db, terminalId: number | null): Promise<EnrolledTerminal | null> {
  return terminalId === null ? null : findTerminalById(db, terminalId);
}
