// Issue 7 item 8 (R03, R36): the pure part of in-library OPAC terminals — the shape of a terminal's code and label
// as an admin types them, the one-time enrolment code (its alphabet, how it is shown, how what was typed is read),
// and the device-secret cookie's value `<terminal id>.<secret>`. No I/O: services/terminals.ts makes the randoms.
import type { ReasonCode } from "./messages.ts";
import { TERMINAL_LABEL_MAX } from "./policy.ts";

/** A terminal's code: lower-case letters, digits and hyphens (「chuo-opac-1」), as in the old kiosk URLs. */
export const TERMINAL_CODE = /^[a-z0-9](?:[a-z0-9-]{0,30}[a-z0-9])?$/;

/**
 * The enrolment code's alphabet: upper-case letters and digits without the look-alikes 0/O, 1/I/L (31 symbols).
 * 10 symbols: about 49 bits, plenty for a code that works once, for 24 hours, behind the throttle.
 */
export const ENROLMENT_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";
export const ENROLMENT_LENGTH = 10;

/** 10 symbols from random bytes (each byte picks one symbol, without bias: the alphabet is not a power of two). */
export function enrolmentCodeFrom(bytes: Uint8Array): string {
  let out = "";
  for (const b of bytes) {
    // 31 symbols: bytes of 248 and above are dropped (the caller gives enough of them).
    if (b >= 248) continue;
    out += ENROLMENT_ALPHABET[b % ENROLMENT_ALPHABET.length];
    if (out.length === ENROLMENT_LENGTH) return out;
  }
  throw new Error("not enough random bytes for an enrolment code");
}

/** How staff are shown it: two groups of five (「7KQ4M-XW2P9」). */
export function formatEnrolmentCode(code: string): string {
  return `${code.slice(0, 5)}-${code.slice(5)}`;
}

/**
 * What was typed at the terminal, read as an enrolment code: full-width characters and lower case allowed, spaces
 * and hyphens ignored. Null: it cannot be a code (a look-alike such as O or 1 is never in one).
 */
export function readEnrolmentCode(typed: string): string | null {
  const text = typed.normalize("NFKC").toUpperCase().replace(/[\s\-‐−ー]/g, "");
  if (text.length !== ENROLMENT_LENGTH) return null;
  for (const ch of text) if (!ENROLMENT_ALPHABET.includes(ch)) return null;
  return text;
}

/** The device-secret cookie's value, and reading it back. The secret is 32 random bytes, base64url (43 chars). */
export function terminalCookieValue(terminalId: number, secret: string): string {
  return `${terminalId}.${secret}`;
}

const COOKIE_VALUE = /^([1-9][0-9]{0,9})\.([A-Za-z0-9_-]{43})$/;

export function parseTerminalCookie(value: string | null | undefined): { terminalId: number; secret: string } | null {
  const m = value ? COOKIE_VALUE.exec(value) : null;
  return m ? { terminalId: Number(m[1]), secret: m[2]! } : null;
}

/** An admin's 「端末を登録」 form: every reason at once, each with the field it is about. */
export function checkTerminalForm(f: { code: string; label: string; branchOk: boolean }): { code: ReasonCode; field: string }[] {
  const out: { code: ReasonCode; field: string }[] = [];
  if (!TERMINAL_CODE.test(f.code)) out.push({ code: "terminal_code_invalid", field: "code" });
  if (!f.branchOk) out.push({ code: "terminal_branch_invalid", field: "branch" });
  if ([...f.label].length > TERMINAL_LABEL_MAX || /[\u0000-\u001f\u007f]/.test(f.label)) out.push({ code: "terminal_label_invalid", field: "label" });
  return out;
}
