// R10, R15: Aozora Bunko's extended CSV → one record per work, people with roles and readings, NDC, the source
// book's publisher and year, multi-part works as series volumes in order. Malformed rows are reported and skipped.
import aozoraCsv from "@data/aozora/list_person_all_extended_utf8.partial-2022-02.csv?raw";
import { describe, expect, it } from "vitest";
import { parseAozoraCsv } from "../../db/import/aozora.ts";
import { parseCsv } from "../../db/import/csv.ts";

const FILE = "list_person_all_extended_utf8.partial-2022-02.csv";
const whole = parseAozoraCsv(aozoraCsv, FILE);
const byId = (id: string) => whole.records.find((r) => r.sourceId === id)!;

const lines = aozoraCsv.split("\r\n");
const header = lines[0]!;
/** A real row of the file, by 作品ID (the first row of that work). */
const rowOf = (id: string) => lines.find((l) => l.startsWith(`"${id}",`))!;

describe("R10 Aozora catalogue: one record per work", () => {
  it("takes every work of the real file once, with no problems", () => {
    const workIds = new Set(lines.slice(1).filter(Boolean).map((l) => l.slice(1, 7)));
    expect(whole.problems).toEqual([]);
    expect(whole.records).toHaveLength(11_778);
    expect(new Set(whole.records.map((r) => r.sourceId)).size).toBe(workIds.size);
  });

  it("gathers the rows of one work even when they are far apart (クラリモンド: translator on line 155, author on line 6023)", () => {
    const r = byId("004311");
    expect(r.title).toBe("クラリモンド");
    expect(r.people.map((p) => [p.sourceKey, p.name, p.nameReading, p.role])).toEqual([
      ["aozora:001086", "ゴーチェ テオフィル", "ゴーチェ テオフィル", "著者"],
      ["aozora:000879", "芥川 竜之介", "あくたがわ りゅうのすけ", "翻訳者"],
    ]);
    expect(r.responsibility).toBe("ゴーチェ テオフィル 著 ; 芥川 竜之介 訳");
    expect(r.people[1]).toMatchObject({ birth: "1892-03-01", death: "1927-07-24" });
  });

  it("maps title, reading, NDC, the source book's publisher and year, the card URL", () => {
    const r = byId("059898");
    expect(r).toMatchObject({
      source: "aozora",
      sourceId: "059898",
      title: "ウェストミンスター寺院",
      titleReading: "ウェストミンスターじいん",
      materialType: "book",
      ndc: "933",
      publisher: "新潮社",
      pubYear: 1957,
      isbn13: null,
      sourceUrl: "https://www.aozora.gr.jp/cards/001257/card59898.html",
    });
    // The imprint (新潮文庫) and the full date stay in the note.
    expect(r.note).toContain("底本: スケッチ・ブック（新潮文庫、新潮社、1957（昭和32）年5月20日）");
  });

  it("keeps the class of a children's book (NDC K913 → 913) and notes the K", () => {
    const r = byId("053182");
    expect(r.ndc).toBe("913");
    expect(r.note).toContain("児童書（NDC K913）");
  });

  it("takes the first of several classes and keeps them all in the note", () => {
    const r = byId("042305");
    expect(r.ndc).toBe("983");
    expect(r.note).toContain("分類: NDC 983 908");
  });
});

describe("R15 Aozora multi-part works become series volumes in order", () => {
  it("夜明け前 第一部上/下, 第二部上/下: one series, four records, ordered", () => {
    const volumes = whole.records.filter((r) => r.series?.sourceKey === "aozora:series:夜明け前");
    expect(volumes.map((r) => [r.sourceId, r.volumeLabel, r.volumeOrder])).toEqual([
      ["001504", "第一部上", 1],
      ["001505", "第一部下", 2],
      ["001506", "第二部上", 3],
      ["001507", "第二部下", 4],
    ]);
    for (const r of volumes) {
      expect(r.title).toBe("夜明け前");
      expect(r.subtitle).toBeNull(); // the label only numbers the part
      expect(r.series).toEqual({ sourceKey: "aozora:series:夜明け前", title: "夜明け前", titleReading: "よあけまえ" });
      expect(r.people.map((p) => p.name)).toEqual(["島崎 藤村"]);
    }
  });

  it("a part with its own title keeps it as the subtitle too (世界怪談名作集 03 スペードの女王)", () => {
    const r = byId("042305");
    expect(r).toMatchObject({
      title: "世界怪談名作集",
      subtitle: "スペードの女王",
      subtitleReading: "スペードのじょおう",
      volumeLabel: "スペードの女王",
      volumeOrder: 3,
    });
    expect(whole.records.filter((x) => x.series?.sourceKey === r.series!.sourceKey).length).toBeGreaterThan(10);
  });

  it("a bracketed part label loses its brackets ('1（前編）' → 前編)", () => {
    const labels = whole.records.filter((r) => r.volumeLabel === "前編" || r.volumeLabel === "後編");
    expect(labels.length).toBeGreaterThan(0);
    expect(whole.records.some((r) => /^（(前編|後編|上|中|下|[一二三四五六七八九十]+)）$/.test(r.volumeLabel ?? ""))).toBe(false);
    // A bracketed part title is a title, not a number: it keeps its brackets.
    expect(whole.records.some((r) => r.volumeLabel === "（連作探偵小説第五回）")).toBe(true);
  });

  it("a subtitle that starts with a date is not a part number (リンカーン ゲティスバーグ演説)", () => {
    const r = byId("060545");
    expect(r.series).toBeNull();
    expect(r.subtitle).toMatch(/^1863\.11\.19/);
  });
});

describe("malformed rows are reported with file and line, and skipped", () => {
  const good = rowOf("059898");
  const fields = good.split('","');

  it("a row with the wrong number of columns", () => {
    const text = [header, good, `"999901","短い行","みじかいぎょう"`, rowOf("053182"), ""].join("\r\n");
    const r = parseAozoraCsv(text, "bad.csv");
    expect(r.records.map((x) => x.sourceId)).toEqual(["059898", "053182"]);
    expect(r.problems).toEqual([{ file: "bad.csv", line: 3, message: expect.stringContaining("expected 55 fields, found 3") }]);
  });

  it("a row without 作品ID or 作品名, a bad 作品ID, a bad 分類番号", () => {
    const noId = good.replace(/^"059898"/, '""');
    const noTitle = [fields[0], "", ...fields.slice(2)].join('","');
    const badId = good.replace(/^"059898"/, '"59898a"');
    const badNdc = good.replace('"NDC 933"', '"分類なし"');
    const text = [header, noId, noTitle, badId, badNdc, good, ""].join("\r\n");
    const r = parseAozoraCsv(text, "bad.csv");
    expect(r.records.map((x) => x.sourceId)).toEqual(["059898"]);
    expect(r.problems.map((p) => [p.file, p.line])).toEqual([
      ["bad.csv", 2],
      ["bad.csv", 3],
      ["bad.csv", 4],
      ["bad.csv", 5],
    ]);
    expect(r.problems[0]!.message).toContain("作品ID is empty");
    expect(r.problems[1]!.message).toContain("作品名 is empty");
    expect(r.problems[2]!.message).toContain("作品ID 「59898a」 is not a number");
    expect(r.problems[3]!.message).toContain("分類番号 「分類なし」");
  });

  it("line numbers count the line breaks inside quoted fields", () => {
    // A 初出 note spread over three lines: the next row starts on line 5, not 3.
    const multiLine = good.replace(/^("059898","[^"]*","[^"]*","[^"]*","","","",)""/, '$1"一行目\r\n二行目\n三行目"');
    const text = [header, multiLine, `"999902","短い行"`, ""].join("\r\n");
    const r = parseAozoraCsv(text, "multi.csv");
    expect(r.records).toHaveLength(1);
    // The note keeps the field's line breaks, CR LF as LF (issue 6 §6: one cleaning for both importers).
    expect(r.records[0]!.note).toContain("初出: 一行目\n二行目\n三行目");
    expect(r.problems).toEqual([{ file: "multi.csv", line: 5, message: expect.any(String) }]);
  });

  it("a quote left open at the end of the file", () => {
    const text = [header, good, `"999903","開いたままの引用`].join("\r\n");
    const r = parseAozoraCsv(text, "open.csv");
    expect(r.records).toHaveLength(1);
    expect(r.problems).toEqual([{ file: "open.csv", line: 3, message: expect.stringContaining("not closed") }]);
  });

  it("a file that is not the Aozora CSV says so on line 1", () => {
    const r = parseAozoraCsv("id,title\r\n1,x\r\n", "other.csv");
    expect(r.records).toEqual([]);
    expect(r.problems).toEqual([{ file: "other.csv", line: 1, message: expect.stringContaining("missing column") }]);
  });
});

describe("RFC 4180 reader", () => {
  it("reads quoted commas, doubled quotes, CRLF and LF, and gives each row's first line", () => {
    const rows = [...parseCsv('a,"b,1","c ""q"""\r\n"x\r\ny",2,\n3,,"z"')];
    expect(rows).toEqual([
      { line: 1, fields: ["a", "b,1", 'c "q"'] },
      { line: 2, fields: ["x\r\ny", "2", ""] },
      { line: 4, fields: ["3", "", "z"] },
    ]);
  });

  it("flags text after a closing quote", () => {
    const [row] = [...parseCsv('"a"b,c')];
    expect(row).toMatchObject({ line: 1, fields: ["ab", "c"], error: "text after a closing quote" });
  });
});
