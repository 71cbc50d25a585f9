// R50 (issue 10 item 3): the digital library card's symbology, NW-7 (Codabar) — the barcode Japanese library cards
// carry. A pure encoder: text in, bars out (no SVG, no DOM). Each character is 7 elements, bar space bar space bar
// space bar, each narrow or wide; characters are separated by one narrow space; the message is framed by a
// start and a stop character, A–D. The table is the published Codabar one (AIM USS-Codabar / JIS X 0503; the same
// bits as zxing's CodaBarReader.CHARACTER_ENCODINGS): bit 6 is the first bar, 1 = wide.
// tests/domain/codabar.test.ts checks it, element by element, against that table written out independently.

/** The data characters NW-7 can carry, and the start/stop characters that frame them. */
export const CODABAR_DATA = "0123456789-$:/.+";
export const CODABAR_GUARDS = "ABCD";

const TABLE: Readonly<Record<string, number>> = {
  "0": 0b0000011, "1": 0b0000110, "2": 0b0001001, "3": 0b1100000, "4": 0b0010010,
  "5": 0b1000010, "6": 0b0100001, "7": 0b0100100, "8": 0b0110000, "9": 0b1001000,
  "-": 0b0001100, "$": 0b0011000, ":": 0b1000101, "/": 0b1010001, ".": 0b1010100, "+": 0b0010101,
  A: 0b0011010, B: 0b0101001, C: 0b0001011, D: 0b0001110,
};

export type CodabarGuard = "A" | "B" | "C" | "D";

/** One element of the symbol: a bar (dark) or a space (light), narrow or wide. */
export interface CodabarElement {
  bar: boolean;
  wide: boolean;
}

export type CodabarDecision =
  | { ok: true; text: string; elements: CodabarElement[] }
  | { ok: false; reasons: ("codabar_empty" | "codabar_character_invalid" | "codabar_guard_invalid")[]; invalid: string[] };

/** The 7 elements of one character, or undefined when NW-7 has no such character. */
export function codabarCharacter(ch: string): CodabarElement[] | undefined {
  const bits = Object.hasOwn(TABLE, ch) ? TABLE[ch] : undefined;
  if (bits === undefined) return undefined;
  const out: CodabarElement[] = [];
  for (let i = 6; i >= 0; i--) out.push({ bar: (6 - i) % 2 === 0, wide: ((bits >> i) & 1) === 1 });
  return out;
}

/**
 * The symbol for `data` framed by `start` … `stop` (A…A by default), every element in order, with the narrow
 * inter-character gap as its own space element. Refuses — with every reason at once — empty data, characters
 * outside CODABAR_DATA (listed in `invalid`), and a start/stop outside A–D.
 */
export function encodeCodabar(data: string, opts: { start?: string; stop?: string } = {}): CodabarDecision {
  const start = opts.start ?? "A";
  const stop = opts.stop ?? "A";
  const reasons: ("codabar_empty" | "codabar_character_invalid" | "codabar_guard_invalid")[] = [];
  const invalid = [...new Set([...data].filter((ch) => !CODABAR_DATA.includes(ch)))];
  if (data.length === 0) reasons.push("codabar_empty");
  if (invalid.length > 0) reasons.push("codabar_character_invalid");
  if (start.length !== 1 || stop.length !== 1 || !CODABAR_GUARDS.includes(start) || !CODABAR_GUARDS.includes(stop)) reasons.push("codabar_guard_invalid");
  if (reasons.length > 0) return { ok: false, reasons, invalid };
  const text = `${start}${data}${stop}`;
  const elements: CodabarElement[] = [];
  [...text].forEach((ch, i) => {
    if (i > 0) elements.push({ bar: false, wide: false });
    elements.push(...codabarCharacter(ch)!);
  });
  return { ok: true, text, elements };
}

/** The symbol's width in modules (narrow = 1, wide = `ratio`), quiet zones not included. */
export function codabarWidth(elements: readonly CodabarElement[], ratio: number): number {
  return elements.reduce((w, e) => w + (e.wide ? ratio : 1), 0);
}
