// R01, R04: the facts a patron types to be recognised — card number, birth date, the phone number registered at
// the counter — read the way a patron writes them (full-width digits, hyphens, spaces, 年月日). Pure.

/** Card numbers are digits, 6 to 16 of them (db/schema/patrons.ts checks the same shape). */
const CARD_SHAPE = /^[0-9]{6,16}$/;

/** What a patron typed as a card number, cleaned: NFKC (full-width digits), without spaces and hyphens. */
export function normalizeCardNumber(input: string): string {
  return input.normalize("NFKC").replace(/[\s\-‐‑‒–—―ー－]/g, "");
}

export function isCardNumber(card: string): boolean {
  return CARD_SHAPE.test(card);
}

/** R04: the digits of a phone number however written (０９３－５５５－０００１, 093 555 0001, (093)555-0001). */
export function normalizePhoneDigits(input: string): string {
  return input.normalize("NFKC").replace(/\D/g, "");
}

/** A phone number has at least 10 digits in Japan (fixed line 10, mobile 11); up to 15 (E.164). */
export function isPhoneDigits(digits: string): boolean {
  return /^[0-9]{10,15}$/.test(digits);
}

/**
 * R04: a birth date as 'YYYY-MM-DD', from 1985-04-12, １９８５－０４－１２, 1985/4/12, 1985.04.12, 1985年4月12日 or
 * 19850412; null if it is none of those or not a real calendar day.
 */
export function parseBirthDate(input: string): string | null {
  const s = input.normalize("NFKC").trim();
  const m = /^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$/.exec(s) ?? /^(\d{4})(\d{2})(\d{2})$/.exec(s);
  if (!m) return null;
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  if (y < 1900 || mo < 1 || mo > 12 || d < 1) return null;
  const date = new Date(Date.UTC(y, mo - 1, d));
  if (date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d) return null;
  return `${String(y).padStart(4, "0")}-${String(mo).padStart(2, "0")}-${String(d).padStart(2, "0")}`;
}
