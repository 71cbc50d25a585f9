// R10: ISBN as patrons and catalogues write it. Records store ISBN-13 and, where one exists, ISBN-10, so a
// search for either form (with or without hyphens, full-width digits) finds the same record.

export interface NormalizedIsbn {
  isbn13: string;
  /** Only ISBN-13s with the 978 prefix have an ISBN-10; 979 ones never had one. */
  isbn10: string | null;
}

// Hyphens as they are typed and printed: ASCII, full-width, Unicode hyphens and dashes, the katakana long
// vowel that Japanese IMEs give for '-'. NFKC has already folded full-width digits and 'Ｘ'.
const SEPARATORS = /[\s\-\u2010-\u2015\u2212\u30fc\uff70]/g;

/** Digits (and a final X) only, or null when the text is not shaped like an ISBN at all. */
export function compactIsbn(input: string): string | null {
  let s = input.normalize("NFKC").trim();
  s = s.replace(/^ISBN(?:-1[03])?:?/i, "");
  s = s.replace(SEPARATORS, "").toUpperCase();
  if (/^\d{9}[\dX]$/.test(s) || /^\d{13}$/.test(s)) return s;
  return null;
}

export function isbn10CheckDigit(first9: string): string {
  let sum = 0;
  for (let i = 0; i < 9; i++) sum += (10 - i) * Number(first9[i]);
  const check = (11 - (sum % 11)) % 11;
  return check === 10 ? "X" : String(check);
}

export function isbn13CheckDigit(first12: string): string {
  let sum = 0;
  for (let i = 0; i < 12; i++) sum += (i % 2 === 0 ? 1 : 3) * Number(first12[i]);
  return String((10 - (sum % 10)) % 10);
}

export function isValidIsbn10(isbn10: string): boolean {
  return /^\d{9}[\dX]$/.test(isbn10) && isbn10CheckDigit(isbn10.slice(0, 9)) === isbn10[9];
}

export function isValidIsbn13(isbn13: string): boolean {
  return /^97[89]\d{10}$/.test(isbn13) && isbn13CheckDigit(isbn13.slice(0, 12)) === isbn13[12];
}

export function isbn10To13(isbn10: string): string {
  const first12 = "978" + isbn10.slice(0, 9);
  return first12 + isbn13CheckDigit(first12);
}

/** Null for 979 ISBNs, which have no ISBN-10. */
export function isbn13To10(isbn13: string): string | null {
  if (!isbn13.startsWith("978")) return null;
  const first9 = isbn13.slice(3, 12);
  return first9 + isbn10CheckDigit(first9);
}

/** Any valid ISBN-10 or ISBN-13 → both forms; null when the text is not a valid ISBN (bad shape or check digit). */
export function normalizeIsbn(input: string): NormalizedIsbn | null {
  const s = compactIsbn(input);
  if (s === null) return null;
  if (s.length === 10) {
    if (!isValidIsbn10(s)) return null;
    return { isbn13: isbn10To13(s), isbn10: s };
  }
  if (!isValidIsbn13(s)) return null;
  return { isbn13: s, isbn10: isbn13To10(s) };
}

/**
 * An ISBN as a record carries it, valid or not (issue 6 §2: NDL prints 4-19-862631-0, whose check digit is wrong):
 * the compact form — 10 characters (9 digits and a digit or X), or 13 digits starting 978/979 — or null when the
 * text is not shaped like an ISBN at all.
 */
export function recordedIsbn(input: string): string | null {
  const s = compactIsbn(input);
  if (s === null) return null;
  return s.length === 10 || /^97[89]/.test(s) ? s : null;
}

/** What a search looks up for an ISBN typed in: both forms of a valid one, or the characters as typed. */
export interface IsbnLookup {
  /** A valid ISBN's forms (the record's own ISBN columns); null when the check digit is wrong. */
  isbn: NormalizedIsbn | null;
  /** Compact forms as a record may carry them in its note (a second ISBN, one printed with a wrong check digit). */
  recorded: string[];
}

export function isbnLookup(input: string): IsbnLookup | null {
  const s = recordedIsbn(input);
  if (s === null) return null;
  const isbn = normalizeIsbn(s);
  return { isbn, recorded: isbn ? [isbn.isbn13, ...(isbn.isbn10 ? [isbn.isbn10] : [])] : [s] };
}

const WRONG_CHECK_DIGIT = "（チェックディジット不正）";
const NOTE_ISBN = /^ISBN (.+?)(?:（チェックディジット不正）)?$/gmu;

/** The note line of an ISBN a record prints but does not carry as its own (MARC 020 $z keeps it the same way). */
export function isbnNoteLine(text: string, valid: boolean): string {
  return `ISBN ${text}${valid ? "" : WRONG_CHECK_DIGIT}`;
}

/** The ISBNs of a record's note lines (isbnNoteLine), compact, both forms of a valid one: what the index keys. */
export function noteIsbns(note: string | null): string[] {
  const out = new Set<string>();
  for (const m of (note ?? "").matchAll(NOTE_ISBN)) {
    const lookup = isbnLookup(m[1]!);
    for (const s of lookup?.recorded ?? []) out.add(s);
  }
  return [...out];
}
