// R10: one normalisation for the index and the query, so what a patron types finds what they mean.
import { describe, expect, it } from "vitest";
import { VALUE_SEPARATOR, charLength, normalizeText, personNameKeys, spelledReading, splitTerms, valueGrams } from "../../worker/src/domain/normalize.ts";

describe("R10 normalisation", () => {
  it("folds katakana, half-width katakana and hiragana together (ワガハイ = わがはい = ﾜｶﾞﾊｲ)", () => {
    expect(normalizeText("ワガハイ")).toBe("わがはい");
    expect(normalizeText("ﾜｶﾞﾊｲ")).toBe("わがはい");
    expect(normalizeText("わがはい")).toBe("わがはい");
  });

  it("keeps voiced and semi-voiced marks (は ≠ ば ≠ ぱ), composing a separate mark", () => {
    expect(normalizeText("ハバパ")).toBe("はばぱ");
    expect(normalizeText("ｶﾞｷﾞﾊﾟ")).toBe("がぎぱ");
    expect(normalizeText("か゛")).toBe("が");
    expect(normalizeText("ヴァイオリン")).toBe("ゔあいおりん");
  });

  it("turns NDL's spaced katakana readings into one hiragana run", () => {
    expect(normalizeText("メイタンテイ コナン")).toBe("めいたんていこなん");
    expect(normalizeText("クリーン アーキテクチャ : タツジン ニ マナブ")).toBe("くりんあきてくちやたつじんにまなぶ");
  });

  it("folds small kana and drops the long-vowel mark in readings (ウェ = ウエ, ワンピース = ワンピス)", () => {
    expect(normalizeText("ウェストミンスター")).toBe(normalizeText("ウエストミンスタ"));
    expect(normalizeText("しゅっぱん")).toBe("しゆつぱん");
    expect(normalizeText("ワンピース")).toBe("わんぴす");
    expect(normalizeText("ﾜﾝﾋﾟｰｽ")).toBe("わんぴす");
    expect(normalizeText("ヶ月")).toBe("け月");
  });

  it("applies NFKC and lower case to full-width Latin and digits", () => {
    expect(normalizeText("ＣＬＥＡＮ　Ａｒｃｈｉｔｅｃｔｕｒｅ")).toBe("cleanarchitecture");
    expect(normalizeText("９７８−４−０４")).toBe("978404");
    expect(normalizeText("ONE PIECE")).toBe("onepiece");
  });

  it("removes spaces, ・ and punctuation, keeping letters and digits", () => {
    expect(normalizeText("『吾輩は猫である』下篇自序")).toBe("吾輩は猫である下篇自序");
    expect(normalizeText("ボブ・ディラン")).toBe("ぼぶでいらん");
    expect(normalizeText("Clean Architecture : 達人に学ぶ")).toBe("cleanarchitecture達人に学ぶ");
    expect(normalizeText("\"*NEAR(')--;")).toBe("near");
    expect(normalizeText("「」・、。 　")).toBe("");
  });

  it("folds a few variant kanji of names (髙木 = 高木, 龍之介 = 竜之介)", () => {
    expect(normalizeText("髙木正弘")).toBe("高木正弘");
    expect(normalizeText("芥川龍之介")).toBe(normalizeText("芥川竜之介"));
  });

  it("gives the same text for the index and the query: わがはいはねこ is inside the reading of 吾輩は猫である", () => {
    expect(normalizeText("わがはいはねこである")).toContain(normalizeText("わがはいはねこ"));
    expect(normalizeText("ワガハイハネコデアル")).toBe(normalizeText("わがはいはねこである"));
  });

  it("never keeps the value separator a patron could type (private use character)", () => {
    expect(normalizeText(`猫${VALUE_SEPARATOR}`)).toBe("猫");
  });

  it("splits terms on whitespace of any width and drops empty and repeated terms", () => {
    expect(splitTerms("夏目　漱石  猫 ・ 猫")).toEqual(["夏目", "漱石", "猫"]);
    expect(splitTerms(" 　")).toEqual([]);
  });

  it("counts characters as code points, as the trigram tokenizer does", () => {
    expect(charLength("𠮷野家")).toBe(3);
    expect(charLength("羅生")).toBe(2);
  });

  it("makes the 1–2 character index entries: distinct bigrams plus the last character with the separator", () => {
    expect(valueGrams("羅生門")).toEqual(["羅生", "生門", `門${VALUE_SEPARATOR}`]);
    expect(valueGrams("猫")).toEqual([`猫${VALUE_SEPARATOR}`]);
    expect(valueGrams("ねねね")).toEqual(["ねね", `ね${VALUE_SEPARATOR}`]);
    expect(valueGrams("𠮷田")).toEqual(["𠮷田", `田${VALUE_SEPARATOR}`]);
    expect(valueGrams("")).toEqual([]);
  });
});

describe("R10 readings as spelled", () => {
  it("gives NDL's spoken particles as spelled, so わがはいはねこ finds ワガハイ ワ ネコ デ アル too", () => {
    expect(spelledReading("ワガハイ ワ ネコ デ アル")).toBe("ワガハイ ハ ネコ デ アル");
    expect(normalizeText(spelledReading("ワガハイ ワ ネコ デ アル")!)).toContain(normalizeText("わがはいはねこ"));
    expect(spelledReading("トウキョウ エ ノ ミチ")).toBe("トウキョウ ヘ ノ ミチ");
    expect(spelledReading("ホン オ ヨム")).toBe("ホン ヲ ヨム");
  });

  it("leaves readings without a spoken particle alone (and a first word is never a particle)", () => {
    expect(spelledReading("メイタンテイ コナン")).toBeNull();
    expect(spelledReading("わがはいはねこである")).toBeNull();
    expect(spelledReading("エ ノ ホン")).toBeNull();
  });
});

describe("Issue 6 §2 (R10): the ways a patron types a person's name", () => {
  it("whole and in parts, written and read: 芥川 竜之介 / あくたがわ りゅうのすけ", () => {
    expect(personNameKeys("芥川 竜之介", "あくたがわ りゅうのすけ")).toEqual(["芥川竜之介", "芥川", "竜之介", "あくたがわりゆうのすけ", "あくたがわ", "りゆうのすけ"]);
  });

  it("NDL's comma-separated katakana readings, folded like every query", () => {
    expect(personNameKeys("尾田 栄一郎", "オダ, エイイチロウ")).toEqual(["尾田栄一郎", "尾田", "栄一郎", "おだえいいちろう", "おだ", "えいいちろう"]);
  });

  it("a Latin name's one-letter part is no key; a one-kanji family name is (森 鴎外)", () => {
    expect(personNameKeys("Martin, Robert C", null)).toEqual(["martinrobertc", "martin", "robert"]);
    expect(personNameKeys("森 鴎外", "もり おうがい")).toContain("森");
  });

  it("a name in one piece gives one key each way", () => {
    expect(personNameKeys("ZARD", null)).toEqual(["zard"]);
  });
});
