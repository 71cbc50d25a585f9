// R10, R15: NDL Search OpenSearch (RSS 2.0 + DC-NDL) → one record per item: readings, people, ISBN, NDC, material
// type, publisher and year; the volumes of a multi-volume title as a series in order. Malformed items are reported
// with file and line, and skipped.
import ndlClean from "@data/ndl/opensearch-title-clean-architecture.xml?raw";
import ndlConan from "@data/ndl/opensearch-title-meitantei-conan.xml?raw";
import ndlOnePiece from "@data/ndl/opensearch-title-one-piece.xml?raw";
import { describe, expect, it } from "vitest";
import { parseNdlOpenSearch, volumeOrderOf } from "../../db/import/ndl.ts";

const clean = parseNdlOpenSearch(ndlClean, "opensearch-title-clean-architecture.xml");
const conan = parseNdlOpenSearch(ndlConan, "opensearch-title-meitantei-conan.xml");
const onePiece = parseNdlOpenSearch(ndlOnePiece, "opensearch-title-one-piece.xml");

describe("R10 NDL records", () => {
  it("takes every item of the three real responses", () => {
    expect([clean, conan, onePiece].map((p) => [p.records.length, p.problems.length])).toEqual([
      [1, 0],
      [200, 0],
      [200, 0],
    ]);
  });

  it("maps Clean Architecture completely", () => {
    const r = clean.records[0]!;
    expect(r).toEqual({
      source: "ndl",
      sourceId: "029096886",
      title: "Clean Architecture : 達人に学ぶソフトウェアの構造と設計",
      titleReading: "クリーン アーキテクチャ : タツジン ニ マナブ ソフトウェア ノ コウゾウ ト セッケイ",
      subtitle: null,
      subtitleReading: null,
      responsibility: "Robert C.Martin 著,角征典, 髙木正弘 訳",
      // Two readings for three creators: the Western name has none, the two Japanese names get theirs in order.
      people: [
        { sourceKey: "ndl:name:martinrobertc", name: "Martin, Robert C", nameReading: null, role: "著者", birth: null, death: null },
        { sourceKey: "ndl:name:角征典", name: "角 征典", nameReading: "カド, マサノリ", role: "著者", birth: null, death: null },
        { sourceKey: "ndl:name:高木正弘", name: "高木 正弘", nameReading: "タカギ, マサヒロ", role: "著者", birth: null, death: null },
      ],
      series: null,
      volumeLabel: null,
      volumeOrder: null,
      materialType: "book",
      ndc: "007.63",
      publisher: "ドワンゴ, KADOKAWA (発売)",
      pubYear: 2018,
      isbn13: "9784048930659",
      isbn10: "4048930656",
      extent: "349p",
      note: "原タイトル: Clean Architecture\n索引あり",
      sourceUrl: "https://ndlsearch.ndl.go.jp/books/R100000002-I029096886",
    });
  });

  it("falls back to the guid when an item has no NDLBibID (records from other libraries)", () => {
    const r = conan.records.find((x) => x.sourceId === "R100000001-I47111101545953")!;
    expect(r.title).toBe("Case Closed : 名探偵コナン");
    expect(r.sourceUrl).toBe("https://ndlsearch.ndl.go.jp/books/R100000001-I47111101545953");
    for (const p of [clean, conan, onePiece]) expect(new Set(p.records.map((x) => x.sourceId)).size).toBe(p.records.length);
  });

  it("gives the material type from the categories (図書, 録音資料, 映像資料, 電子書籍, 記事)", () => {
    const count = (type: string) => conan.records.filter((r) => r.materialType === type).length;
    expect(count("audio")).toBe(60);
    expect(count("video")).toBe(5);
    expect(count("electronic")).toBe(1);
    expect(conan.records.find((r) => r.title.startsWith("インターネット謎のメール事件"))!.materialType).toBe("video");
    // 記事 (a magazine article) is neither a book nor a magazine issue.
    expect(onePiece.records.find((r) => r.sourceId === "031188296")!.materialType).toBe("other");
  });

  it("splits creators, folds '青山, 剛昌, 1963-', '青山/剛昌', '青山剛昌' into one person, keeps the life dates", () => {
    const keys = new Set(conan.records.flatMap((r) => r.people.filter((p) => p.name.replace(/\s/g, "") === "青山剛昌").map((p) => p.sourceKey)));
    expect([...keys]).toEqual(["ndl:name:青山剛昌"]);
    const dated = conan.records.flatMap((r) => r.people).find((p) => p.sourceKey === "ndl:name:青山剛昌" && p.birth);
    expect(dated).toMatchObject({ name: "青山 剛昌", birth: "1963", death: null });
    // 'ZARD' and 'Zard' on one item are one creator.
    for (const r of conan.records) expect(new Set(r.people.map((p) => p.sourceKey)).size).toBe(r.people.length);
  });

  it("keeps katakana readings as the feed gives them", () => {
    const r = conan.records.find((x) => x.title.includes("紺碧の棺"))!;
    expect(r.titleReading).toBe("ゲキジョウバン アニメコミック メイタンテイ コナン コンペキ ノ ジョリー ロジャー");
    expect(r.people[0]!.nameReading).toBe("アオヤマ ゴウショウ");
  });

  it("takes the newest NDC edition there is and the year of dc:date", () => {
    const withNdc = [...conan.records, ...onePiece.records].filter((r) => r.ndc);
    expect(withNdc.length).toBeGreaterThan(150);
    for (const r of withNdc) expect(r.ndc).toMatch(/^\d{1,3}(\.\d+)?$/);
    expect(conan.records.find((r) => r.sourceId === "R100000001-I47111101545953")!).toMatchObject({ ndc: "726.1", pubYear: 2007 });
  });

  it("keeps a misprinted ISBN in the note, warns with the item's line, and still takes the record", () => {
    expect(conan.warnings.map((w) => w.line)).toEqual([2139, 2207, 2240, 2306, 2339, 2372]);
    expect(conan.warnings[0]).toEqual({
      file: "opensearch-title-meitantei-conan.xml",
      line: 2139,
      message: expect.stringContaining("「1421504414」"),
    });
    const vol11 = conan.records.find((r) => r.title === "Case Closed : 名探偵コナン" && r.volumeOrder === 11)!;
    expect(vol11).toMatchObject({ isbn13: null, isbn10: null });
    expect(vol11.note).toContain("ISBN 1421504414（チェックディジット不正）");
    // The same misprint listed as ISBN and ISBN13 is one warning.
    expect(onePiece.warnings.map((w) => w.line)).toEqual([1106]);
  });
});

describe("R15 NDL volumes as series in order", () => {
  it("Case Closed : 名探偵コナン Volume 11–20 is one series ordered by volume number", () => {
    const volumes = conan.records.filter((r) => r.title === "Case Closed : 名探偵コナン");
    expect(new Set(volumes.map((r) => r.series?.sourceKey))).toEqual(new Set(["ndl:series:caseclosed:名探偵コナン|vizmediallc"]));
    expect(volumes.map((r) => r.volumeOrder).toSorted((a, b) => a! - b!)).toEqual([11, 12, 13, 14, 16, 17, 18, 19, 20]);
    expect(volumes.find((r) => r.volumeOrder === 12)!.volumeLabel).toBe("Volume 12");
  });

  it("上 comes before 下 (劇場版アニメコミック 名探偵コナン 紺碧の棺); the imprint series goes to the note", () => {
    const volumes = conan.records.filter((r) => r.title === "劇場版アニメコミック 名探偵コナン 紺碧の棺");
    expect(volumes.map((r) => r.volumeLabel)).toEqual(["上", "下"]);
    expect(volumes[0]!.volumeOrder!).toBeLessThan(volumes[1]!.volumeOrder!);
    expect(volumes[0]!.series!.sourceKey).toBe(volumes[1]!.series!.sourceKey);
    expect(volumes[0]!.note).toBe("シリーズ: 少年サンデーコミックススペシャル ; 1194");
  });

  it("two publishers' editions of ジュニア空想科学読本 are two series", () => {
    const volumes = onePiece.records.filter((r) => r.title === "ジュニア空想科学読本");
    const bySeries = Map.groupBy(volumes, (r) => r.series!.sourceKey);
    expect([...bySeries.keys()].toSorted()).toEqual(["ndl:series:ジュニア空想科学読本|kadokawa", "ndl:series:ジュニア空想科学読本|汐文社"]);
    expect(bySeries.get("ndl:series:ジュニア空想科学読本|汐文社")!.map((r) => r.volumeOrder).toSorted((a, b) => a! - b!)).toEqual([1, 2, 4, 8, 10, 11, 16, 18, 20, 21]);
  });

  it("an article's seriesTitle is the feature it ran in, not a series", () => {
    const articles = onePiece.records.filter((r) => r.materialType === "other" && r.note?.includes("掲載: "));
    expect(articles.length).toBeGreaterThan(0);
    for (const r of articles) expect(r.series).toBeNull();
  });

  it("reads the order of volume labels as NDL writes them", () => {
    expect(["11", "01(2019.4)", "Volume 17", "Vol.181", "vol. 37", "3 解決編", "CASE2", "特別編 [3]", "上", "上巻", "中", "下", "２", "計算編"].map(volumeOrderOf)).toEqual([
      11, 1, 17, 181, 37, 3, 2, 3, 1, 1, 2, 3, 2, null,
    ]);
  });
});

describe("malformed items are reported with file and line, and skipped", () => {
  // The real Clean Architecture response with three broken items added after the good one.
  const [head, tail] = ndlClean.split("    </channel>");
  const broken = [
    head,
    "        <item>\n            <title>閉じていない要素</title>\n            <dc:title>閉じていない要素\n        </item>\n",
    "        <item>\n            <dc:creator>題名のない資料</dc:creator>\n        </item>\n",
    "        <item>\n            <dc:title>ISBNのある資料</dc:title>\n            <guid>https://ndlsearch.ndl.go.jp/books/R-TEST-1</guid>\n            <dc:identifier xsi:type=\"dcndl:ISBN\">978-4-04-893065-9</dc:identifier>\n        </item>\n",
    "    </channel>",
    tail,
  ].join("");
  const base = head!.split("\n").length; // the line the first added item starts on
  const r = parseNdlOpenSearch(broken, "broken.xml");

  it("reports each bad item at its line and takes the others", () => {
    expect(r.records.map((x) => x.sourceId)).toEqual(["029096886", "R-TEST-1"]);
    expect(r.problems).toEqual([
      { file: "broken.xml", line: base, message: `malformed XML on line ${base + 3}: Expected closing tag 'dc:title' (opened in line ${base + 2}, col 13) instead of closing tag 'item'; item skipped` },
      { file: "broken.xml", line: base + 4, message: expect.stringContaining("no title") },
    ]);
  });

  it("an item left open at the end of the file", () => {
    const cut = ndlClean.slice(0, ndlClean.indexOf("<dc:publisher>"));
    const p = parseNdlOpenSearch(cut, "cut.xml");
    expect(p.records).toEqual([]);
    expect(p.problems).toEqual([{ file: "cut.xml", line: 10, message: expect.stringContaining("not closed") }]);
  });

  it("a file that is not an OpenSearch response says so", () => {
    const p = parseNdlOpenSearch("<html><body>503 Service Unavailable</body></html>", "error.html");
    expect(p.records).toEqual([]);
    expect(p.problems).toEqual([{ file: "error.html", line: 1, message: expect.stringContaining("no <rss> element") }]);
  });
});
