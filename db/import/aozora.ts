// Aozora Bunko's extended catalogue CSV (list_person_all_extended_utf8: 55 columns, one row per work × person)
// → one record per 作品ID (R10), multi-part works as series volumes in order (R15). Pure: text in, records out.
import { parseCsv } from "./csv.ts";
import { cleanCatalogText } from "./text.ts";
import type { ImportPerson, ImportRecord, ImportSeries, ParseResult } from "./types.ts";

// The columns this parser reads, by their header names (the file's column order is not relied on).
const COLUMNS = [
  "作品ID",
  "作品名",
  "作品名読み",
  "副題",
  "副題読み",
  "原題",
  "初出",
  "分類番号",
  "図書カードURL",
  "人物ID",
  "姓",
  "名",
  "姓読み",
  "名読み",
  "役割フラグ",
  "生年月日",
  "没年月日",
  "底本名1",
  "底本出版社名1",
  "底本初版発行年1",
] as const;
type Column = (typeof COLUMNS)[number];
type Row = Record<Column, string>;

/** Free text that goes to the note as it stands: a line break in it is the source's (a list of first appearances). */
const NOTE_COLUMNS = new Set<Column>(["初出", "原題"]);

/** Roles in the order a catalogue lists them; a role the file adds later sorts after these. */
const ROLE_ORDER = ["著者", "翻訳者", "編者", "校訂者"];
/** How the statement of responsibility abbreviates each role (島崎 藤村 著). */
const ROLE_MARK: Record<string, string> = { 著者: "著", 翻訳者: "訳", 編者: "編", 校訂者: "校訂" };

// 分類番号: 'NDC 913', several classes 'NDC 913 914', a children's book 'NDC K913'.
const NDC_FIELD = /^NDC((?:[ \u3000]+K?\d{3})+)$/;
// 副題 of one part of a multi-part work: '01 第一部上', '1（前編）', '08「木寄せ」その他のはなし', '02'.
// At most 3 digits, so dates ('1863.11.19 …', '1932年…') stay subtitles.
const VOLUME_SUBTITLE = /^(\d{1,3})(?:[ \u3000]+(.*)|([（「].*))?$/s;
// A label that only numbers the part (上, 第一部上, 下巻, （前編）): no subtitle of its own.
const VOLUME_WORD = /^[（(]?(?:第?[一二三四五六七八九十百〇\d]+[部巻編篇集冊号章]?)?(?:[上中下]|[前中後続]編)?[巻編篇]?[）)]?$/;

interface Work {
  line: number;
  row: Row;
  people: { person: ImportPerson; line: number }[];
}

export function parseAozoraCsv(text: string, fileName: string): ParseResult {
  const problems: ParseResult["problems"] = [];
  const problem = (line: number, message: string) => problems.push({ file: fileName, line, message });

  const rows = parseCsv(text);
  const header = rows.next();
  if (header.done) {
    problem(1, "empty file: expected the Aozora Bunko extended CSV header");
    return { records: [], problems };
  }
  const names = header.value.fields;
  const index = new Map(names.map((name, i) => [name.trim(), i]));
  const missing = COLUMNS.filter((c) => !index.has(c));
  if (missing.length > 0) {
    problem(header.value.line, `not the Aozora Bunko extended CSV header: missing column(s) ${missing.join(", ")}`);
    return { records: [], problems };
  }

  const works = new Map<string, Work>();
  for (const { line, fields, error } of rows) {
    if (fields.length === 1 && fields[0] === "") continue; // a blank line (e.g. after the last row)
    if (error) {
      problem(line, `malformed CSV: ${error}; row skipped`);
      continue;
    }
    if (fields.length !== names.length) {
      problem(line, `expected ${names.length} fields, found ${fields.length}; row skipped`);
      continue;
    }
    // Issue 6 §6: NUL, other controls and bidi overrides never reach a record (the cleaning ndl.ts uses too); the
    // free-text columns that become note lines keep their own line breaks.
    const row = Object.fromEntries(COLUMNS.map((c) => [c, cleanCatalogText(fields[index.get(c)!], { lines: NOTE_COLUMNS.has(c) })])) as Row;
    const reason = rowProblem(row);
    if (reason) {
      problem(line, `${reason}; row skipped`);
      continue;
    }
    const work = works.get(row.作品ID);
    if (work && work.row.作品名 !== row.作品名) {
      problem(line, `作品ID ${row.作品ID} has the title 「${row.作品名}」 here but 「${work.row.作品名}」 on line ${work.line}; row skipped`);
      continue;
    }
    const person: ImportPerson = {
      sourceKey: `aozora:${row.人物ID}`,
      name: joinName(row.姓, row.名),
      nameReading: joinName(row.姓読み, row.名読み) || null,
      role: row.役割フラグ,
      birth: row.生年月日 || null,
      death: row.没年月日 || null,
    };
    if (work) work.people.push({ person, line });
    else works.set(row.作品ID, { line, row, people: [{ person, line }] });
  }

  const records: ImportRecord[] = [];
  for (const [id, work] of works) records.push(toRecord(id, work));
  return { records, problems };
}

/** Why a row cannot be taken, or null. */
function rowProblem(row: Row): string | null {
  if (!row.作品ID) return "作品ID is empty";
  if (!/^\d+$/.test(row.作品ID)) return `作品ID 「${row.作品ID}」 is not a number`;
  if (!row.作品名) return "作品名 is empty";
  if (!row.人物ID) return "人物ID is empty";
  if (!/^\d+$/.test(row.人物ID)) return `人物ID 「${row.人物ID}」 is not a number`;
  if (!row.姓 && !row.名) return "the person has no name (姓 and 名 are empty)";
  if (!row.役割フラグ) return "役割フラグ is empty";
  if (row.分類番号 && !NDC_FIELD.test(row.分類番号)) return `分類番号 「${row.分類番号}」 is not an NDC class`;
  if (row.図書カードURL && !/^https?:\/\/\S+$/.test(row.図書カードURL)) return `図書カードURL 「${row.図書カードURL}」 is not a URL`;
  return null;
}

function toRecord(id: string, work: Work): ImportRecord {
  const row = work.row;
  const people = orderPeople(work.people.map((p) => p.person));
  const noteLines: string[] = [];

  // Series: a 副題 that numbers one part of a multi-part work (夜明け前 '01 第一部上' → 夜明け前, 第一部上, 1).
  let subtitle: string | null = row.副題 || null;
  let subtitleReading: string | null = row.副題読み || null;
  let series: ImportSeries | null = null;
  let volumeLabel: string | null = null;
  let volumeOrder: number | null = null;
  const part = VOLUME_SUBTITLE.exec(row.副題);
  if (part) {
    const label = (part[2] ?? part[3] ?? "").trim();
    series = {
      // Keyed by the title alone: the parts of one work often have different people (a preface by a friend,
      // 五階の窓 written in turn by six authors), and no two multi-part works in the catalogue share a title.
      sourceKey: `aozora:series:${row.作品名}`,
      title: row.作品名,
      titleReading: row.作品名読み || null,
    };
    volumeOrder = Number(part[1]);
    // '1（前編）' → 前編: the brackets only set the label off from the number.
    volumeLabel = (VOLUME_WORD.test(label) ? label.replace(/^[（(](.*)[）)]$/, "$1") : label) || String(volumeOrder);
    // A part with its own title (世界怪談名作集 '03 スペードの女王') keeps it as the subtitle too, so it is found.
    if (label && !VOLUME_WORD.test(label)) {
      subtitle = label;
      subtitleReading = row.副題読み.replace(/^\d{1,3}[ \u3000]*/, "").trim() || null;
    } else {
      subtitle = null;
      subtitleReading = null;
    }
  }

  // NDC: the first class is the record's; a children's mark (K) and further classes are kept in the note.
  let ndc: string | null = null;
  const classes = NDC_FIELD.exec(row.分類番号)?.[1]?.trim().split(/[ \u3000]+/) ?? [];
  if (classes.length > 0) {
    ndc = classes[0]!.replace(/^K/, "");
    if (classes[0]!.startsWith("K")) noteLines.push(`児童書（${row.分類番号}）`);
    else if (classes.length > 1) noteLines.push(`分類: ${row.分類番号}`);
  }

  // The source book (底本) gives publisher and year: '岩波文庫、岩波書店' → 岩波書店 (the imprint stays in the note).
  const publisherField = row.底本出版社名1;
  const publisher = publisherField ? publisherField.split("、").at(-1)!.trim() || null : null;
  const year = /\d{4}/.exec(row.底本初版発行年1.normalize("NFKC"));
  const pubYear = year ? Number(year[0]) : null;
  if (row.底本名1) {
    const detail = [publisherField, row.底本初版発行年1].filter(Boolean).join("、");
    noteLines.push(`底本: ${row.底本名1}${detail ? `（${detail}）` : ""}`);
  }
  if (row.原題) noteLines.push(`原題: ${row.原題}`);
  if (row.初出) noteLines.push(`初出: ${row.初出}`);

  return {
    source: "aozora",
    sourceId: id,
    title: row.作品名,
    titleReading: row.作品名読み || null,
    subtitle,
    subtitleReading,
    responsibility: responsibilityOf(people),
    people,
    series,
    volumeLabel,
    volumeOrder,
    materialType: "book",
    ndc,
    publisher,
    pubYear,
    isbn13: null,
    isbn10: null,
    extent: null,
    note: noteLines.length > 0 ? noteLines.join("\n") : null,
    sourceUrl: row.図書カードURL || null,
  };
}

function joinName(family: string, given: string): string {
  return [family, given].filter(Boolean).join(" ");
}

/** Authors first, then translators, editors…; a person listed twice in one role once. */
function orderPeople(people: ImportPerson[]): ImportPerson[] {
  const seen = new Set<string>();
  const unique = people.filter((p) => {
    const key = `${p.sourceKey}\u0000${p.role}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  const rank = (role: string) => {
    const i = ROLE_ORDER.indexOf(role);
    return i < 0 ? ROLE_ORDER.length : i;
  };
  return unique
    .map((p, i) => ({ p, i }))
    .sort((a, b) => rank(a.p.role) - rank(b.p.role) || a.i - b.i)
    .map(({ p }) => p);
}

function responsibilityOf(people: ImportPerson[]): string | null {
  if (people.length === 0) return null;
  const parts: string[] = [];
  for (const role of new Set(people.map((p) => p.role))) {
    const names = people.filter((p) => p.role === role).map((p) => p.name);
    parts.push(`${names.join("、")} ${ROLE_MARK[role] ?? role}`);
  }
  return parts.join(" ; ");
}
