// Issue 6 §6: catalogue text as both importers keep it (db/import/aozora.ts, db/import/ndl.ts). A feed or a CSV
// may carry characters nobody can see: NUL and other C0/C1 controls (raw NUL bytes then reached the static pages),
// and the bidi controls that reorder what a title shows (U+202E RIGHT-TO-LEFT OVERRIDE turns 「猫のおはなし」 into a
// title that reads backwards). None of them is text a library catalogues. Pure: text in, text out.

/**
 * Dropped everywhere: C0 controls but tab, line feed and carriage return (whitespace, handled below), DEL, C1
 * controls (U+0080–U+009F, NEL included), the bidi controls — embeddings and overrides (U+202A–U+202E), isolates
 * (U+2066–U+2069), the marks (U+200E, U+200F, U+061C) — and a stray byte-order mark (U+FEFF). Joiners and variation
 * selectors stay: emoji sequences and kanji variants (IVS) need them.
 */
const INVISIBLE = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069\uFEFF]/gu;

export interface CleanTextOptions {
  /** Keep line breaks (CR LF and CR become LF; blank lines at either end go): for notes whose lines mean something. */
  lines?: boolean;
}

/** Breaks inside one line's value: tab, LF, CR, the Unicode line and paragraph separators. */
const BREAKS = /[\t\n\r\u2028\u2029]+/gu;

/**
 * Catalogue text, cleaned: invisible controls dropped (INVISIBLE), tabs and line breaks a space, the ends trimmed;
 * with `lines`, each line so and the line breaks kept. Spacing inside a line is the source's (an importer may
 * fold it further, as ndl.ts does).
 */
export function cleanCatalogText(text: string | null | undefined, options: CleanTextOptions = {}): string {
  const s = (text ?? "").replace(INVISIBLE, "");
  const line = (l: string) => l.replace(BREAKS, " ").trim();
  if (!options.lines) return line(s);
  return s
    .split(/\r\n?|\n|\u2028|\u2029/u)
    .map(line)
    .join("\n")
    .replace(/^\n+|\n+$/gu, "");
}
