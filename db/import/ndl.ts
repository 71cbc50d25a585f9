// NDL Search OpenSearch responses (RSS 2.0 + DC-NDL) → one record per <item> (R10), multi-volume titles as
// series volumes in order (R15). Pure: text in, records out. Each item is parsed on its own so a malformed
// one is reported with the line it starts on and skipped while the rest are taken.
import { XMLParser, XMLValidator } from "fast-xml-parser";
import type { MaterialType } from "../schema/catalog.ts";
import { isbnNoteLine, normalizeIsbn } from "../../worker/src/domain/isbn.ts";
import { cleanCatalogText } from "./text.ts";
import type { ImportPerson, ImportProblem, ImportRecord, ImportSeries, ParseResult } from "./types.ts";

type XmlNode = Record<string, unknown>;

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: "@_",
  // Identifiers such as NDLBibID '029096886' must stay text.
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  // Every element as an array: DC-NDL repeats most of them (dc:creator, dc:identifier, category …).
  isArray: (_name, _jpath, _isLeaf, isAttribute) => !isAttribute,
});

// category → material type. An item carries several (図書 + 紙, 録音資料 + 記録メディア, 図書 + 電子書籍・電子雑誌 +
// デジタル); the first rule that matches decides.
const MATERIAL_RULES: [RegExp, MaterialType][] = [
  [/^録音資料$/, "audio"],
  [/^映像資料$/, "video"],
  [/^雑誌$/, "magazine"],
  [/^(電子資料|電子書籍・電子雑誌|ウェブサイト|ウェブ|ウェブページ)$/, "electronic"],
  [/^図書$/, "book"],
];

// NDC editions, newest first (dcndl:NDC10 '007.63', dcndl:NDC9 '726.1', …).
const NDC_TYPES = ["dcndl:NDC10", "dcndl:NDC9", "dcndl:NDC8", "dcndl:NDC"];

// 上・中・下 and 前・後 order the volumes of a two- or three-volume title.
const VOLUME_WORD_ORDER: [RegExp, number][] = [
  [/^(上|前)(巻|編|篇)?$/, 1],
  [/^中(巻|編|篇)?$/, 2],
  [/^(下|後)(巻|編|篇)?$/, 3],
];

/** Problems refuse an item; warnings are about an item that was taken (e.g. an ISBN printed with a wrong check digit). */
export interface NdlParseResult extends ParseResult {
  warnings: ImportProblem[];
}

export function parseNdlOpenSearch(xml: string, fileName: string): NdlParseResult {
  const records: ImportRecord[] = [];
  const problems: ImportProblem[] = [];
  const warnings: ImportProblem[] = [];
  const items = findItems(xml);
  if (items.length === 0 && !/<rss[\s>]/.test(xml)) {
    problems.push({ file: fileName, line: 1, message: "not an NDL Search OpenSearch (RSS 2.0) response: no <rss> element" });
  }
  for (const item of items) {
    const fail = (message: string) => problems.push({ file: fileName, line: item.line, message: `${message}; item skipped` });
    if (item.unclosed) {
      fail("<item> is not closed");
      continue;
    }
    const valid = XMLValidator.validate(item.xml);
    if (valid !== true) {
      // The item is reported at its first line; the message names the file line where the XML breaks.
      const fileLine = (line: number) => item.line + line - 1;
      const detail = valid.err.msg.replace(/\bline (\d+)/g, (_, n: string) => `line ${fileLine(Number(n))}`).replace(/\.$/, "");
      fail(`malformed XML on line ${fileLine(valid.err.line)}: ${detail}`);
      continue;
    }
    const node = (parser.parse(item.xml) as { item?: XmlNode[] }).item?.[0];
    if (!node) {
      fail("empty <item>");
      continue;
    }
    const result = toRecord(node);
    if (typeof result === "string") {
      fail(result);
      continue;
    }
    records.push(result.record);
    for (const message of result.warnings) warnings.push({ file: fileName, line: item.line, message });
  }
  return { records, problems, warnings };
}

interface ItemText {
  line: number;
  xml: string;
  unclosed: boolean;
}

/** The <item> elements of the feed with the line each starts on; CDATA sections and comments are skipped over. */
function findItems(xml: string): ItemText[] {
  const items: ItemText[] = [];
  let line = 1;
  let counted = 0; // text before this offset has been counted into `line`
  const lineAt = (offset: number) => {
    for (let i = counted; i < offset; i++) if (xml.charCodeAt(i) === 10) line++;
    counted = offset;
    return line;
  };
  let start = -1;
  let i = 0;
  for (;;) {
    const lt = xml.indexOf("<", i);
    if (lt < 0) break;
    if (xml.startsWith("<![CDATA[", lt)) {
      const end = xml.indexOf("]]>", lt);
      i = end < 0 ? xml.length : end + 3;
      continue;
    }
    if (xml.startsWith("<!--", lt)) {
      const end = xml.indexOf("-->", lt);
      i = end < 0 ? xml.length : end + 3;
      continue;
    }
    if (/^<item[\s>/]/.test(xml.slice(lt, lt + 6))) {
      if (start >= 0) items.push({ line: lineAt(start), xml: xml.slice(start, lt), unclosed: true });
      start = lt;
    } else if (xml.startsWith("</item>", lt) && start >= 0) {
      items.push({ line: lineAt(start), xml: xml.slice(start, lt + 7), unclosed: false });
      start = -1;
    }
    i = lt + 1;
  }
  if (start >= 0) items.push({ line: lineAt(start), xml: xml.slice(start), unclosed: true });
  return items;
}

function toRecord(item: XmlNode): { record: ImportRecord; warnings: string[] } | string {
  const warnings: string[] = [];
  const title = clean(first(item, "dc:title") ?? first(item, "title"));
  if (!title) return "no title (dc:title)";
  const identifiers = typed(item, "dc:identifier");
  const guid = clean(first(item, "guid"));
  const link = clean(first(item, "link"));
  const bibId = identifiers.find((x) => x.type === "dcndl:NDLBibID")?.text;
  const sourceId = bibId || (guid ? guid.replace(/^https?:\/\/ndlsearch\.ndl\.go\.jp\/books\//, "") : null);
  if (!sourceId) return "no identifier (neither a dcndl:NDLBibID nor a guid)";

  // ISBN: the first valid one. Books are printed with wrong check digits now and then (the VIZ 'Case Closed'
  // volumes here): the record is still the book, so it is taken, and the printed ISBN is kept in the note
  // (as MARC keeps an invalid ISBN in 020 $z) instead of in the ISBN columns.
  const isbnTexts = [...new Set(identifiers.filter((x) => x.type === "dcndl:ISBN" || x.type === "dcndl:ISBN13").map((x) => x.text))];
  let isbn13: string | null = null;
  let isbn10: string | null = null;
  const otherIsbns: string[] = [];
  for (const text of isbnTexts) {
    const isbn = normalizeIsbn(text);
    if (isbn && isbn13 === null) {
      ({ isbn13, isbn10 } = isbn);
    } else if (!isbn) {
      otherIsbns.push(isbnNoteLine(text, false));
      warnings.push(`ISBN 「${text}」 is not a valid ISBN-10 or ISBN-13: kept in the note, not as the record's ISBN`);
    } else if (isbn.isbn13 !== isbn13) {
      otherIsbns.push(isbnNoteLine(text, true));
    }
  }

  const subjects = typed(item, "dc:subject");
  let ndc: string | null = null;
  for (const type of NDC_TYPES) {
    const hit = subjects.find((s) => s.type === type && /^\d{1,3}(\.\d+)?$/.test(s.text));
    if (hit) {
      ndc = hit.text;
      break;
    }
  }

  const categories = texts(item, "category");
  const isArticle = categories.includes("記事");
  const materialType = MATERIAL_RULES.find(([re]) => categories.some((c) => re.test(c)))?.[1] ?? "other";

  const publishers = texts(item, "dc:publisher").map(clean).filter(Boolean);
  const dateText = clean(first(item, "dc:date")) || clean(first(item, "dcterms:issued"));
  const year = /\d{4}/.exec(dateText.normalize("NFKC"));

  const people = creatorsOf(item);
  const description = first(item, "description") ?? "";
  const responsibility = clean(/責任表示：([^<]+)/.exec(description)?.[1]) || (people.length > 0 ? people.map((p) => p.name).join(", ") : null);

  // Volumes: dc:title + dcndl:volume is one volume of a multi-volume title (ジュニア空想科学読本 10, 劇場版… 上/下).
  // The volumes of one publisher's edition form the series; the publisher series (dcndl:seriesTitle, e.g.
  // '角川つばさ文庫 ; Dや2-10') is an imprint, not the set a patron holds in order: it goes to the note.
  const volume = clean(first(item, "dcndl:volume"));
  const pubSeries = clean(first(item, "dcndl:seriesTitle"));
  const pubSeriesReading = clean(first(item, "dcndl:seriesTitleTranscription")) || null;
  const titleReading = clean(first(item, "dcndl:titleTranscription")) || null;
  let series: ImportSeries | null = null;
  let volumeLabel: string | null = null;
  let volumeOrder: number | null = null;
  const noteLines: string[] = [];
  if (volume) {
    series = {
      sourceKey: `ndl:series:${nameKey(title)}|${nameKey(publishers[0] ?? "")}`,
      title,
      titleReading,
    };
    volumeLabel = volume;
    volumeOrder = volumeOrderOf(volume);
    if (pubSeries) noteLines.push(`シリーズ: ${pubSeries}`);
  } else if (pubSeries && isArticle) {
    // An article's dcndl:seriesTitle is the magazine feature it appeared in, not a series.
    noteLines.push(`掲載: ${pubSeries}`);
  } else if (pubSeries) {
    // No volume: the item belongs to its publisher series, numbered by what follows ' ; ' when that is a number.
    const [base, number] = splitSeriesNumber(pubSeries);
    series = { sourceKey: `ndl:series:${nameKey(base)}`, title: base, titleReading: pubSeriesReading ? splitSeriesNumber(pubSeriesReading)[0] : null };
    if (number) {
      volumeLabel = number;
      volumeOrder = volumeOrderOf(number);
    }
  }
  // A description's own line breaks are kept (issue 6 §6: the one cleaning of both importers).
  for (const d of texts(item, "dc:description").map(cleanLines)) {
    // The last description repeats the date; the rest are notes (原タイトル, 索引あり, 所要時間 …).
    if (d && !/^\[?\d{4}([-.]\d{1,2}){0,2}\]?$/.test(d)) noteLines.push(d);
  }
  noteLines.push(...otherIsbns);

  const record: ImportRecord = {
    source: "ndl",
    sourceId,
    title,
    titleReading,
    subtitle: clean(first(item, "dcndl:volumeTitle")) || null,
    subtitleReading: clean(first(item, "dcndl:volumeTitleTranscription")) || null,
    responsibility,
    people,
    series,
    volumeLabel,
    volumeOrder,
    materialType,
    ndc,
    publisher: publishers.length > 0 ? publishers.join(", ") : null,
    pubYear: year ? Number(year[0]) : null,
    isbn13,
    isbn10,
    extent: clean(first(item, "dc:extent")) || null,
    note: noteLines.length > 0 ? noteLines.join("\n") : null,
    sourceUrl: link || guid || null,
  };
  return { record, warnings };
}

/**
 * dc:creator → people. The feed has no person ids, so the key is the normalised name ('青山, 剛昌, 1963-',
 * '青山/剛昌' and '青山剛昌' are one person). Readings (dcndl:creatorTranscription) are not paired with names
 * in the feed and are often fewer: they are matched in order only when that is unambiguous.
 */
function creatorsOf(item: XmlNode): ImportPerson[] {
  const raw = texts(item, "dc:creator").map(clean).filter(Boolean);
  const readings = texts(item, "dcndl:creatorTranscription").map(clean);
  const needsReading = raw.map((name) => /[^\x00-\x7f]/.test(name.normalize("NFKC")));
  const readingOf: (string | null)[] = raw.map(() => null);
  if (readings.length === raw.length) {
    raw.forEach((_, i) => (readingOf[i] = readings[i] || null));
  } else if (readings.length === needsReading.filter(Boolean).length) {
    // e.g. 'Martin, Robert C' has no reading, the two Japanese translators have theirs.
    let r = 0;
    raw.forEach((_, i) => {
      if (needsReading[i]) readingOf[i] = readings[r++] || null;
    });
  }
  const people: ImportPerson[] = [];
  const seen = new Set<string>();
  raw.forEach((text, i) => {
    const { name, birth, death } = splitLifeDates(text);
    const key = nameKey(name);
    if (!key || seen.has(key)) return; // 'ZARD' and 'Zard' on one item are one creator
    seen.add(key);
    people.push({ sourceKey: `ndl:name:${key}`, name: displayName(name), nameReading: readingOf[i] ?? null, role: "著者", birth, death });
  });
  return people;
}

/** '青山, 剛昌, 1963-' → 青山, 剛昌 born 1963; '島崎, 藤村, 1872-1943' → both dates. */
function splitLifeDates(text: string): { name: string; birth: string | null; death: string | null } {
  const m = /^(.*?),\s*(\d{3,4})?-(\d{3,4})?$/.exec(text);
  if (m && (m[2] || m[3])) return { name: m[1]!.trim(), birth: m[2] ?? null, death: m[3] ?? null };
  return { name: text, birth: null, death: null };
}

/** Japanese names as a catalogue shows them, 'family given' (青山 剛昌); Western names stay 'Family, Given'. */
function displayName(name: string): string {
  const n = name.normalize("NFKC").replace(/\s+/g, " ").trim();
  if (!/[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff]/.test(n)) return n;
  return n
    .split(/\s*[,，/／]\s*|\s+/)
    .filter(Boolean)
    .join(" ");
}

/** A stable key for a name or title: width, case, spaces and separators folded. */
export function nameKey(text: string): string {
  return text
    .normalize("NFKC")
    .toLowerCase()
    .replace(/[\s,，/／・･]+/g, "");
}

/** Leading number of a volume ('11', '01(2019.4)', 'Volume 17', 'Vol.181', '3 解決編', 'CASE2'), or 上/中/下. */
export function volumeOrderOf(volume: string): number | null {
  const v = volume.normalize("NFKC").trim();
  const m = /^(?:vol(?:ume)?\.?\s*|no\.?\s*|case\s*|第)?(\d+)/i.exec(v);
  if (m) return Number(m[1]);
  const bracketed = /\[(\d+)\]/.exec(v); // 特別編 [3]
  if (bracketed) return Number(bracketed[1]);
  for (const [re, order] of VOLUME_WORD_ORDER) if (re.test(v)) return order;
  return null;
}

/** '少年サンデーコミックススペシャル ; 1194' → ['少年サンデーコミックススペシャル', '1194']; a ' ; ' part with no digit is not a number. */
function splitSeriesNumber(series: string): [string, string | null] {
  const i = series.lastIndexOf(" ; ");
  if (i < 0) return [series, null];
  const number = series.slice(i + 3).trim();
  if (!/\d/.test(number) || number.length > 24) return [series, null];
  return [series.slice(0, i).trim(), number];
}

/** One line of catalogue text: invisible controls dropped (db/import/text.ts), spacing folded to single spaces. */
function clean(text: string | null | undefined): string {
  return cleanCatalogText(text).replace(/\s+/g, " ");
}

/** The same, line by line, the line breaks kept. */
function cleanLines(text: string | null | undefined): string {
  return cleanCatalogText(text, { lines: true })
    .split("\n")
    .map((l) => l.replace(/\s+/g, " "))
    .join("\n");
}

function textOf(value: unknown): string | null {
  if (typeof value === "string") return value;
  if (typeof value === "number") return String(value);
  if (value && typeof value === "object" && "#text" in value) return String((value as { "#text": unknown })["#text"]);
  return null;
}

function texts(node: XmlNode, name: string): string[] {
  const v = node[name];
  if (!Array.isArray(v)) return [];
  return v.map(textOf).filter((t): t is string => t !== null);
}

function first(node: XmlNode, name: string): string | null {
  return texts(node, name)[0] ?? null;
}

/** Elements with an xsi:type (dc:identifier, dc:subject) as { type, text }. */
function typed(node: XmlNode, name: string): { type: string | null; text: string }[] {
  const v = node[name];
  if (!Array.isArray(v)) return [];
  return v.flatMap((x) => {
    const text = textOf(x);
    if (text === null) return [];
    const type = x && typeof x === "object" ? ((x as Record<string, unknown>)["@_xsi:type"] as string | undefined) ?? null : null;
    return [{ type, text: clean(text) }];
  });
}
