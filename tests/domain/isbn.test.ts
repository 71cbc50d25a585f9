// R10: an ISBN is found however it is typed; records keep ISBN-13 and the ISBN-10 it came from.
import ndlConan from "@data/ndl/opensearch-title-meitantei-conan.xml?raw";
import ndlOnePiece from "@data/ndl/opensearch-title-one-piece.xml?raw";
import { describe, expect, it } from "vitest";
import {
  compactIsbn,
  isValidIsbn10,
  isValidIsbn13,
  isbn10To13,
  isbn13To10,
  isbnLookup,
  isbnNoteLine,
  normalizeIsbn,
  noteIsbns,
  recordedIsbn,
} from "../../worker/src/domain/isbn.ts";

describe("R10 ISBN normalisation", () => {
  it("turns an ISBN-10 into both forms (吾輩は猫である, 新潮文庫)", () => {
    expect(normalizeIsbn("4101010013")).toEqual({ isbn13: "9784101010014", isbn10: "4101010013" });
  });

  it("turns an ISBN-13 with hyphens into both forms (Clean Architecture, ドワンゴ)", () => {
    expect(normalizeIsbn("978-4-04-893065-9")).toEqual({ isbn13: "9784048930659", isbn10: "4048930656" });
  });

  it("accepts full-width digits and hyphens, spaces, the IME's ー, and an ISBN prefix", () => {
    const want = { isbn13: "9784048930659", isbn10: "4048930656" };
    expect(normalizeIsbn("９７８－４－０４－８９３０６５－９")).toEqual(want);
    expect(normalizeIsbn("978 4 04 893065 9")).toEqual(want);
    expect(normalizeIsbn("978ー4ー04ー893065ー9")).toEqual(want);
    expect(normalizeIsbn("ISBN978-4-04-893065-9")).toEqual(want);
    expect(normalizeIsbn("ISBN-10: 4-04-893065-6")).toEqual(want);
    expect(normalizeIsbn("  4048930656\t")).toEqual(want);
  });

  it("reads the check digit X in either case and in full width", () => {
    const want = { isbn13: "9784091153814", isbn10: "409115381X" };
    expect(normalizeIsbn("4-09-115381-X")).toEqual(want);
    expect(normalizeIsbn("4-09-115381-x")).toEqual(want);
    expect(normalizeIsbn("４－０９－１１５３８１－Ｘ")).toEqual(want);
  });

  it("gives no ISBN-10 for a 979 ISBN-13", () => {
    expect(normalizeIsbn("979-10-90636-07-1")).toEqual({ isbn13: "9791090636071", isbn10: null });
    expect(isbn13To10("9791090636071")).toBeNull();
  });

  it("refuses wrong check digits, including the misprinted ones in the NDL data", () => {
    expect(normalizeIsbn("4101010014")).toBeNull();
    expect(normalizeIsbn("9784048930650")).toBeNull();
    expect(normalizeIsbn("1421504414")).toBeNull(); // Case Closed vol. 11 as NDL lists it
    expect(normalizeIsbn("4-19-862631-0")).toBeNull();
  });

  it("refuses what is not shaped like an ISBN", () => {
    for (const text of ["", "978404893065", "97840489306590", "97840489306X9", "X101010013", "abc", "9774048930659", "978-4-04-893065-9-1"]) {
      expect(normalizeIsbn(text), text).toBeNull();
    }
    expect(compactIsbn("吾輩は猫である")).toBeNull();
  });

  it("converts 10 → 13 → 10 for every valid ISBN in the real NDL responses", () => {
    const found = [...`${ndlConan}${ndlOnePiece}`.matchAll(/xsi:type="dcndl:ISBN(?:13)?">([^<]+)</g)].map((m) => m[1]!);
    expect(found.length).toBeGreaterThan(150);
    let valid = 0;
    for (const text of found) {
      const isbn = normalizeIsbn(text);
      if (!isbn) continue;
      valid++;
      expect(isValidIsbn13(isbn.isbn13), text).toBe(true);
      if (isbn.isbn10) {
        expect(isValidIsbn10(isbn.isbn10)).toBe(true);
        expect(isbn10To13(isbn.isbn10)).toBe(isbn.isbn13);
        expect(isbn13To10(isbn.isbn13)).toBe(isbn.isbn10);
      }
    }
    expect(valid).toBeGreaterThan(found.length - 10);
  });
});

describe("Issue 6 §2 (R10): an ISBN as the record carries it, check digit wrong or not", () => {
  it("the shape is enough: 10 characters, or 13 digits starting 978/979", () => {
    expect(recordedIsbn("4-19-862631-0")).toBe("4198626310");
    expect(recordedIsbn("４１９８６２６３１０")).toBe("4198626310");
    expect(recordedIsbn("978-4-04-893065-0")).toBe("9784048930650");
    expect(recordedIsbn("9771234567003")).toBeNull(); // an ISSN-style EAN
    expect(recordedIsbn("12345")).toBeNull();
  });

  it("a search looks up both forms of a valid ISBN, or the characters as typed", () => {
    expect(isbnLookup("4-04-893065-6")).toEqual({ isbn: { isbn13: "9784048930659", isbn10: "4048930656" }, recorded: ["9784048930659", "4048930656"] });
    expect(isbnLookup("4-19-862631-0")).toEqual({ isbn: null, recorded: ["4198626310"] });
  });

  it("the note line the NDL importer writes reads back as the ISBNs the index keys", () => {
    const note = ["シリーズ: SF Japan", isbnNoteLine("4-19-862631-0", false), isbnNoteLine("978-4-04-893065-9", true)].join("\n");
    expect(note).toContain("ISBN 4-19-862631-0（チェックディジット不正）");
    expect(noteIsbns(note)).toEqual(["4198626310", "9784048930659", "4048930656"]);
    expect(noteIsbns(null)).toEqual([]);
    expect(noteIsbns("ISBNは不明")).toEqual([]);
  });
});
