// R50 (issue 10 item 3): the NW-7 (Codabar) encoder of the digital library card, checked against the published
// Codabar table written out here independently of worker/src/domain/codabar.ts: per character its 7 elements
// (bar space bar space bar space bar), n = narrow, w = wide — the table of AIM USS-Codabar / JIS X 0503 as
// Wikipedia's "Codabar" article and zxing's CodaBarReader print it.
import { describe, expect, it } from "vitest";
import { CODABAR_DATA, CODABAR_GUARDS, codabarCharacter, codabarWidth, encodeCodabar } from "../../worker/src/domain/codabar.ts";
import { barcodeGeometry, CARD_BARCODE } from "../../worker/src/views/card.ts";

const PUBLISHED: Record<string, string> = {
  "0": "nnnnnww", "1": "nnnnwwn", "2": "nnnwnnw", "3": "wwnnnnn", "4": "nnwnnwn",
  "5": "wnnnnwn", "6": "nwnnnnw", "7": "nwnnwnn", "8": "nwwnnnn", "9": "wnnwnnn",
  "-": "nnnwwnn", "$": "nnwwnnn", ":": "wnnnwnw", "/": "wnwnnnw", ".": "wnwnwnn", "+": "nnwnwnw",
  A: "nnwwnwn", B: "nwnwnnw", C: "nnnwnww", D: "nnnwwwn",
};

/** Wikipedia's pixel rendering at narrow 1, wide 2 (1 = dark), for a few characters: a second, independent form. */
const PIXELS: Record<string, string> = { "0": "101010011", "3": "110010101", "9": "110100101", "-": "101001101", A: "1011001001", D: "1010011001" };

const asLetters = (ch: string) => codabarCharacter(ch)!.map((e) => (e.wide ? "w" : "n")).join("");
const asPixels = (ch: string) => codabarCharacter(ch)!.map((e, i) => (i % 2 === 0 ? "1" : "0").repeat(e.wide ? 2 : 1)).join("");

describe("R50 NW-7 (Codabar) character table", () => {
  it("has exactly the 16 data characters and the start/stop characters A–D", () => {
    expect([...CODABAR_DATA, ...CODABAR_GUARDS].sort()).toEqual(Object.keys(PUBLISHED).sort());
  });
  for (const [ch, pattern] of Object.entries(PUBLISHED)) {
    it(`encodes ${ch} as the published ${pattern}`, () => {
      expect(asLetters(ch)).toBe(pattern);
      const elements = codabarCharacter(ch)!;
      expect(elements.map((e) => e.bar)).toEqual([true, false, true, false, true, false, true]);
    });
  }
  it("matches the published pixel rendering at 1:2", () => {
    for (const [ch, px] of Object.entries(PIXELS)) expect(asPixels(ch), ch).toBe(px);
  });
  it("gives digits, - and $ two wide elements and : / . + A–D three (the symbology's two character widths)", () => {
    for (const ch of "0123456789-$") expect(asLetters(ch).split("w").length - 1, ch).toBe(2);
    for (const ch of ":/.+ABCD") expect(asLetters(ch).split("w").length - 1, ch).toBe(3);
  });
  it("has no character outside the table", () => {
    for (const ch of ["a", "E", "*", " ", "０", "", "12"]) expect(codabarCharacter(ch), JSON.stringify(ch)).toBeUndefined();
  });
});

describe("R50 encodeCodabar", () => {
  it("frames a demo patron's 10-digit card number 2100000001 with A…A, a narrow gap between characters", () => {
    const code = encodeCodabar("2100000001");
    expect(code.ok).toBe(true);
    if (!code.ok) return;
    expect(code.text).toBe("A2100000001A");
    expect(code.elements).toHaveLength(12 * 7 + 11);
    // Reading it back character by character gives the published patterns, each followed by a narrow space.
    const chars: string[] = [];
    for (let i = 0; i < code.elements.length; i += 8) {
      chars.push(code.elements.slice(i, i + 7).map((e) => (e.wide ? "w" : "n")).join(""));
      if (i + 7 < code.elements.length) expect(code.elements[i + 7]).toEqual({ bar: false, wide: false });
    }
    expect(chars).toEqual([..."A2100000001A"].map((ch) => PUBLISHED[ch]));
    // 10 digits × (5 + 2·2.5) + 2 guards × (4 + 3·2.5) + 11 gaps, in narrow modules at ratio 2.5.
    expect(codabarWidth(code.elements, 2.5)).toBe(10 * 10 + 2 * 11.5 + 11);
  });
  it("every demo card number (2100000001–2100000005) and every data character encodes", () => {
    for (let n = 1; n <= 5; n++) expect(encodeCodabar(`210000000${n}`).ok).toBe(true);
    expect(encodeCodabar(CODABAR_DATA, { start: "B", stop: "D" })).toMatchObject({ ok: true, text: `B${CODABAR_DATA}D` });
  });
  it("refuses with every reason at once: empty data, characters NW-7 lacks, a bad start/stop", () => {
    expect(encodeCodabar("")).toEqual({ ok: false, reasons: ["codabar_empty"], invalid: [] });
    expect(encodeCodabar("21A0x0x", { stop: "E" })).toEqual({ ok: false, reasons: ["codabar_character_invalid", "codabar_guard_invalid"], invalid: ["A", "x"] });
    expect(encodeCodabar("１２３")).toMatchObject({ ok: false, reasons: ["codabar_character_invalid"] });
  });
});

describe("R50 the card's barcode geometry (counter scanner)", () => {
  it("keeps a quiet zone of at least 10 narrow modules each side, the wide:narrow ratio in 2.25–3, narrow ≥ 2 px, and fits 320 px", () => {
    const code = encodeCodabar("2100000001");
    if (!code.ok) throw new Error("encodes");
    const g = barcodeGeometry(code.elements);
    expect(CARD_BARCODE.quiet).toBeGreaterThanOrEqual(10);
    expect(CARD_BARCODE.narrow).toBeGreaterThanOrEqual(2);
    expect(CARD_BARCODE.wide / CARD_BARCODE.narrow).toBeGreaterThanOrEqual(2.25);
    expect(CARD_BARCODE.wide / CARD_BARCODE.narrow).toBeLessThanOrEqual(3);
    expect(g.bars[0]!.x).toBe(CARD_BARCODE.quiet * CARD_BARCODE.narrow);
    const last = g.bars.at(-1)!;
    expect(g.width - (last.x + last.w)).toBe(CARD_BARCODE.quiet * CARD_BARCODE.narrow);
    expect(g.bars).toHaveLength(12 * 4);
    expect(g.width).toBeLessThanOrEqual(320);
    // Bars tall: at least 15 % of the symbol's length (the usual Codabar minimum height).
    expect(CARD_BARCODE.height).toBeGreaterThanOrEqual(0.15 * g.width);
  });
});
