// R02 (and R04, R06 which apply it): a password is 6 to 20 half-width alphanumerics [A-Za-z0-9], case-sensitive.
// One validator for the island and the worker. It never truncates, trims or folds case: what the patron typed
// is what is checked and what is hashed. Every reason is collected and named, so the message says exactly what
// is wrong. Because R02 is weaker than NIST SP 800-63B (short, no symbols), the obvious choices are refused too.
import * as v from "valibot";
import type { ReasonCode } from "./messages.ts";
import { PASSWORD_MAX, PASSWORD_MIN } from "./policy.ts";

export const PASSWORD_REASONS = [
  "password_too_short",
  "password_too_long",
  "password_full_width",
  "password_half_width_katakana",
  "password_symbol_or_space",
  "password_other_chars",
  "password_common",
  "password_same_as_card",
  "password_contains_birth_date",
] as const satisfies readonly ReasonCode[];

export type PasswordReason = (typeof PASSWORD_REASONS)[number];

/** The reasons about the password's form alone (R02): what a login form can check before sending. Being common
 *  or resembling the card is only a reason when choosing a new password. */
export const PASSWORD_SHAPE_REASONS: readonly PasswordReason[] = PASSWORD_REASONS.slice(0, 6);

export type PasswordDecision = { ok: true } | { ok: false; reasons: PasswordReason[] };

/** What a new password must not resemble: the patron's card number and birth date ('YYYY-MM-DD'). */
export interface PasswordContext {
  cardNumber?: string | null;
  birthDate?: string | null;
}

type CharClass = "ok" | "full_width" | "half_width_katakana" | "symbol_or_space" | "other";

// East Asian Width F/W: what a Japanese patron calls 全角 (kanji, kana, full-width Latin and digits, 　).
// Emoji are "W" too, but nobody calls them 全角文字: they fall under "other".
const FULL_WIDTH = /[\u1100-\u115F\u2E80-\u303E\u3041-\u33FF\u3400-\u4DBF\u4E00-\u9FFF\uA000-\uA4CF\uAC00-\uD7A3\uF900-\uFAFF\uFE30-\uFE4F\uFF01-\uFF60\uFFE0-\uFFE6\u{20000}-\u{3FFFD}]/u;
// The half-width katakana block, its punctuation (｡｢｣､･) and sound marks included.
const HALF_WIDTH_KATAKANA = /[\uFF61-\uFF9F]/;
const ALNUM = /^[A-Za-z0-9]$/;
const ASCII_SYMBOL_OR_SPACE = /^[\x20-\x2F\x3A-\x40\x5B-\x60\x7B-\x7E]$/;

function classify(ch: string): CharClass {
  if (ALNUM.test(ch)) return "ok";
  if (ASCII_SYMBOL_OR_SPACE.test(ch)) return "symbol_or_space";
  if (HALF_WIDTH_KATAKANA.test(ch)) return "half_width_katakana";
  if (FULL_WIDTH.test(ch)) return "full_width";
  return "other";
}

/** Length in characters as the patron counts them (code points, so an emoji or 𠮷 is one). */
function charCount(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

function hasClass(s: string, cls: CharClass): boolean {
  for (const ch of s) if (classify(ch) === cls) return true;
  return false;
}

// The most used passwords that R02 lets through (6–20 alphanumerics), from the public breach lists, plus the
// library's own words. Compared without case: "Password" is as guessable as "password".
const COMMON_PASSWORDS: ReadonlySet<string> = new Set([
  "123456", "1234567", "12345678", "123456789", "1234567890", "12345678910", "654321", "111111", "000000",
  "123123", "123321", "112233", "121212", "666666", "888888", "7777777", "987654321", "147258", "159753",
  "password", "password1", "password12", "password123", "passw0rd", "pass1234", "qwerty", "qwerty123",
  "qwertyuiop", "asdfgh", "asdfghjkl", "zxcvbn", "zxcvbnm", "1qaz2wsx", "1q2w3e4r", "1q2w3e4r5t", "q1w2e3r4",
  "abc123", "abcd1234", "abcdef", "abcdefg", "abcdefgh", "a1b2c3", "aa123456", "iloveyou", "admin", "admin123",
  "welcome", "welcome1", "letmein", "monkey", "dragon", "master", "sunshine", "princess", "football",
  "baseball", "superman", "trustno1", "michael", "shadow", "login", "secret", "test1234", "hello123",
  "sakura", "doraemon", "pokemon", "naruto", "tokyo", "nihon", "nippon", "arigatou",
  "toshokan", "tosho", "library", "library1", "kitakyushu", "shiori",
]);

/** A run like 'aaaaaa', '123456789', 'abcdef', '987654' or 'zyxwvu': one keystroke pattern, not a secret. */
function isMonotoneRun(pw: string): boolean {
  const s = pw.toLowerCase();
  if (s.length < 2 || !/^([0-9]+|[a-z]+)$/.test(s)) return false;
  const step = s.charCodeAt(1) - s.charCodeAt(0);
  if (Math.abs(step) > 1) return false;
  for (let i = 2; i < s.length; i++) if (s.charCodeAt(i) - s.charCodeAt(i - 1) !== step) return false;
  return true;
}

function isCommon(pw: string): boolean {
  return COMMON_PASSWORDS.has(pw.toLowerCase()) || isMonotoneRun(pw);
}

/** The card number, or (a password made only of digits) a piece of it. */
function resemblesCard(pw: string, card: string | null | undefined): boolean {
  if (!card) return false;
  if (pw.includes(card)) return true;
  return /^[0-9]+$/.test(pw) && card.includes(pw);
}

/** The birth date as the patron would type it into a password: YYYYMMDD, YYMMDD, MMDD, DDMMYYYY, MMDDYYYY. */
export function birthDateVariants(birthDate: string | null | undefined): string[] {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(birthDate ?? "");
  if (!m) return [];
  const [, y, mo, d] = m as unknown as [string, string, string, string];
  return [`${y}${mo}${d}`, `${d}${mo}${y}`, `${mo}${d}${y}`, `${y.slice(2)}${mo}${d}`, `${mo}${d}`];
}

function containsBirthDate(pw: string, birthDate: string | null | undefined): boolean {
  return birthDateVariants(birthDate).some((variant) => pw.includes(variant));
}

const reasonCode = (c: PasswordReason) => c;

/**
 * R02 as a valibot schema. Issue messages are reason codes (domain/messages.ts has the Japanese). The pipe does
 * not stop at the first failure, so every reason is reported. With a context it also refuses the card number
 * and the birth date.
 */
export function passwordSchema(context: PasswordContext = {}) {
  return v.pipe(
    v.string(reasonCode("password_too_short")),
    v.check((s) => charCount(s) >= PASSWORD_MIN, reasonCode("password_too_short")),
    v.check((s) => charCount(s) <= PASSWORD_MAX, reasonCode("password_too_long")),
    v.check((s) => !hasClass(s, "full_width"), reasonCode("password_full_width")),
    v.check((s) => !hasClass(s, "half_width_katakana"), reasonCode("password_half_width_katakana")),
    v.check((s) => !hasClass(s, "symbol_or_space"), reasonCode("password_symbol_or_space")),
    v.check((s) => !hasClass(s, "other"), reasonCode("password_other_chars")),
    v.check((s) => !isCommon(s), reasonCode("password_common")),
    v.check((s) => !resemblesCard(s, context.cardNumber), reasonCode("password_same_as_card")),
    v.check((s) => !containsBirthDate(s, context.birthDate), reasonCode("password_contains_birth_date")),
  );
}

/** R02 without a patron's context (the island's live check before the card number is known). */
export const PasswordSchema = passwordSchema();

/** R02: every reason a new password is refused, or ok. */
export function checkNewPassword(pw: string, context: PasswordContext = {}): PasswordDecision {
  const result = v.safeParse(passwordSchema(context), pw);
  if (result.success) return { ok: true };
  const reasons = new Set<PasswordReason>();
  for (const issue of result.issues) {
    const code = issue.message as PasswordReason;
    reasons.add(PASSWORD_REASONS.includes(code) ? code : "password_other_chars");
  }
  // Report in the order of PASSWORD_REASONS whatever order the checks ran in.
  return { ok: false, reasons: PASSWORD_REASONS.filter((r) => reasons.has(r)) };
}
