// Issue 6 §6: control characters from catalogue data. Both importers (Aozora CSV, NDL OpenSearch) clean text through
// one function (db/import/text.ts): NUL, C0 and C1 controls and the bidi controls never reach a record; a note keeps
// its line breaks. Crafted rows and items built from real ones.
import aozoraCsv from "@data/aozora/list_person_all_extended_utf8.partial-2022-02.csv?raw";
import ndlClean from "@data/ndl/opensearch-title-clean-architecture.xml?raw";
import { describe, expect, it } from "vitest";
import { parseAozoraCsv } from "../../db/import/aozora.ts";
import { parseNdlOpenSearch } from "../../db/import/ndl.ts";
import { cleanCatalogText } from "../../db/import/text.ts";
import type { ImportRecord } from "../../db/import/types.ts";

/** Any character a record must not carry: C0 but tab/LF (those only inside notes' lines), DEL, C1, bidi, BOM. */
const FORBIDDEN = /[\u0000-\u0009\u000B-\u001F\u007F-\u009F\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069\uFEFF]/u;

function textsOf(r: ImportRecord): string[] {
  const out: string[] = [];
  const walk = (v: unknown) => {
    if (typeof v === "string") out.push(v);
    else if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === "object") Object.values(v).forEach(walk);
  };
  walk(r);
  return out;
}

describe("Issue 6 §6: cleanCatalogText, the one cleaning of both importers", () => {
  it("drops NUL, C0 and C1 controls, DEL and the bidi embedding, override, isolate and mark controls", () => {
    expect(cleanCatalogText("猫\u0000の\u0001お\u001Bは\u007Fな\u0085し\u009F")).toBe("猫のおはなし");
    expect(cleanCatalogText("\u202E猫のおはなし\u202C")).toBe("猫のおはなし");
    expect(cleanCatalogText("\u202A\u202B\u202D\u2066\u2067\u2068\u2069\u200E\u200F\u061C\uFEFF吾輩")).toBe("吾輩");
  });

  it("a tab or line break inside one line's value is a space; the ends are trimmed", () => {
    expect(cleanCatalogText("  吾輩は\t猫\r\nである\n")).toBe("吾輩は 猫 である");
    expect(cleanCatalogText(null)).toBe("");
  });

  it("keeps what text needs: full-width spaces inside, joiners, kanji variation selectors", () => {
    expect(cleanCatalogText("ＳＦ\u3000Ｊａｐａｎ")).toBe("ＳＦ\u3000Ｊａｐａｎ");
    expect(cleanCatalogText("👨\u200D👩")).toBe("👨\u200D👩");
    expect(cleanCatalogText("葛\u{E0100}飾")).toBe("葛\u{E0100}飾");
  });

  it("with lines, a note keeps its line breaks (CR LF and CR become LF), each line cleaned", () => {
    expect(cleanCatalogText("\n底本: 羅生門\u0000\r\n初出: 「帝国文学」\u202E\r原題: x\t y\n\n", { lines: true })).toBe("底本: 羅生門\n初出: 「帝国文学」\n原題: x  y");
  });
});

describe("Issue 6 §6: the Aozora importer cleans every field", () => {
  const lines = aozoraCsv.split("\r\n");
  const header = lines[0]!;
  const row = lines.find((l) => l.startsWith('"000789",'))!; // 吾輩は猫である

  it("a crafted row with NUL, ESC, C1 and U+202E in title, reading, names and source book: clean record", () => {
    const fields = row.split('","');
    // 作品名 (1), 作品名読み (2), 底本名1 and the names: poison every text field but the id.
    const last = fields.length - 1; // the first and last fields carry the row's outer quotes
    const poisoned = fields.map((f, i) => (i === 0 || i === last ? f : i === 1 ? `\u202E吾輩は\u0000猫である\u001B` : `${f}\u0085\u202E`)).join('","');
    const csv = [header, poisoned, ""].join("\r\n");
    const { records, problems } = parseAozoraCsv(csv, "crafted.csv");
    expect(problems).toEqual([]);
    expect(records).toHaveLength(1);
    const r = records[0]!;
    expect(r.title).toBe("吾輩は猫である");
    expect(r.people[0]!.name).toBe("夏目 漱石");
    expect(r.note).toContain("\n"); // 底本 and 初出 on their own lines
    for (const t of textsOf(r)) expect(FORBIDDEN.test(t.replaceAll("\n", "")), JSON.stringify(t)).toBe(false);
    // The same record as from the real row.
    const real = parseAozoraCsv([header, row, ""].join("\r\n"), "real.csv").records[0]!;
    expect(r).toEqual(real);
  });

  it("a title made only of controls is no title: the row is refused, with its line", () => {
    const fields = row.split('","');
    fields[1] = "\u0000\u202E\u0007";
    const { records, problems } = parseAozoraCsv([header, fields.join('","'), ""].join("\r\n"), "crafted.csv");
    expect(records).toEqual([]);
    expect(problems).toEqual([{ file: "crafted.csv", line: 2, message: "作品名 is empty; row skipped" }]);
  });
});

describe("Issue 6 §6: the NDL importer cleans the same way", () => {
  const real = parseNdlOpenSearch(ndlClean, "clean.xml").records[0]!;

  it("a crafted item with U+202E, other bidi controls and C1 controls: clean record", () => {
    const xml = ndlClean
      .replace("<dc:title>Clean Architecture", "<dc:title>\u202EClean\u0085 Architecture\u200F")
      .replace(/<dcndl:titleTranscription>/, "<dcndl:titleTranscription>\u202E\u0080")
      .replace(/<dc:publisher>/, "<dc:publisher>\u2066\u009B")
      .replace(/<dc:creator>/, "<dc:creator>\u202D");
    const parsed = parseNdlOpenSearch(xml, "crafted.xml");
    expect(parsed.problems).toEqual([]);
    const r = parsed.records[0]!;
    for (const t of textsOf(r)) expect(FORBIDDEN.test(t.replaceAll("\n", "")), JSON.stringify(t)).toBe(false);
    expect(r).toEqual(real);
  });

  it("a description's line breaks stay in the note, its controls go", () => {
    const xml = ndlClean.replace(/(<\/item>)/, "<dc:description>索引あり\u0000\r\n原タイトル: Clean\u202E Architecture</dc:description>$1");
    const r = parseNdlOpenSearch(xml, "crafted.xml").records[0]!;
    expect(r.note).toContain("索引あり\n原タイトル: Clean Architecture");
  });
});
