// Issue 6 item 4 ("what crawlers and validators read"): a record's schema.org description, typed with schema-dts so
// tsc holds every property to the vocabulary (tests/e2e/json-ld.test.ts also checks every record of the built
// catalogue against schema.org's declarations at run time). What the data can honestly say, and nothing more:
//   - volumeNumber only for a real volume number (「3」「第3巻」「Vol. 11」「上」); the catalogue's volume field also
//     carries section names (「跋」「序」) and letters' dates, which are not numbers of anything. The reading order
//     goes in `position` (volume_order, R15).
//   - people by role: 著者 → author, 翻訳者 → translator, 編者/校訂者 → editor, 絵 → illustrator, the rest
//     contributor. A translator-only record has a translator and no author.
//   - a record without linked people: its responsibility statement is split at commas into 「name role」 parts
//     (「中田ヤスタカ 作曲,山里佐和子 編曲」); a part whose role is not recognised is left out rather than guessed.
//   - isPartOf names the series with a URL: the series section (#series) of its first volume's page, which every
//     volume's page repeats.
import type {
  BookLeaf,
  BookSeriesLeaf,
  CreativeWorkLeaf,
  CreativeWorkSeriesLeaf,
  MergeLeafTypes,
  Organization,
  Person,
  PublicationVolumeLeaf,
  WithContext,
} from "schema-dts";
import type { RecordPage } from "../data/catalog-read.ts";

export type RecordJsonLd = WithContext<
  | BookLeaf
  | MergeLeafTypes<[BookLeaf, PublicationVolumeLeaf]>
  | CreativeWorkLeaf
  | MergeLeafTypes<[CreativeWorkLeaf, PublicationVolumeLeaf]>
>;

export type CreditProperty = "author" | "translator" | "editor" | "illustrator" | "contributor";

/** Role words of the NDL and Aozora data (record_people.role, and the role parts of responsibility statements). */
const ROLE_WORDS: [RegExp, CreditProperty][] = [
  [/^(著者?|作|文|原作|原著|作詞|作曲|作・絵|文・絵|著作|作者|詞)$/, "author"],
  [/^(翻訳者?|訳者?|共訳|監訳|抄訳|訳・解説)$/, "translator"],
  [/^(編者?|編集|編著|編纂|監修|校訂者?|校注|校閲|責任編集)$/, "editor"],
  [/^(絵|画|イラスト|挿絵|漫画|まんが|マンガ)$/, "illustrator"],
  [/^(編曲|演奏|歌|唄|音楽|出題|浄書|写真|脚本|構成|解説|監督|出演|朗読|指揮|制作|製作|企画|撮影|原案|協力|選|ナレーション)$/, "contributor"],
];
/** When one name has several roles (「作詞・作曲」, 「出題・監修」), the first of these that applies. */
const PRECEDENCE: CreditProperty[] = ["author", "translator", "editor", "illustrator", "contributor"];

function propertyForRoleWord(word: string): CreditProperty | null {
  for (const [re, prop] of ROLE_WORDS) if (re.test(word)) return prop;
  return null;
}

/** The property for a role as written (one word or several joined by ・/／); null when none is recognised. */
export function creditProperty(role: string): CreditProperty | null {
  const words = role
    .trim()
    .replace(/^[[［(（]|[\]］)）]$/g, "")
    .split(/[・／/]/)
    .map((w) => w.trim())
    .filter(Boolean);
  if (!words.length) return null;
  const props = words.map(propertyForRoleWord);
  if (props.some((p) => p === null)) {
    // 「作・絵」 and the like are listed whole; otherwise every word must be a role word.
    return propertyForRoleWord(words.join("・"));
  }
  return PRECEDENCE.find((p) => props.includes(p)) ?? null;
}

/** A linked person's role (record_people.role): unknown roles still credit the person, as a contributor. */
function linkedCredit(role: string): CreditProperty {
  return creditProperty(role) ?? "contributor";
}

export interface Credit {
  name: string;
  property: CreditProperty;
}

/**
 * A responsibility statement split into credits: 「中田ヤスタカ 作曲,山里佐和子 編曲」 → 中田ヤスタカ (author),
 * 山里佐和子 (contributor). Parts without a recognised role (a bare 「スピッツ」, a title-like 「今夜、あの街から」) are
 * left out: the statement does not say who or what they are.
 */
export function splitResponsibility(statement: string): Credit[] {
  const out: Credit[] = [];
  for (const part of statement.split(/[,，;；]/)) {
    // 「name role」 or 「name [role]」: the role is the last word, after a space or in brackets.
    const m = /^(.+?)(?:\s+([^\s[\]［］]+)|\s*([[［][^\]］]+[\]］]))$/.exec(part.trim());
    if (!m) continue;
    const name = m[1]!.trim();
    const property = creditProperty(m[2] ?? m[3]!);
    if (!name || !property) continue;
    out.push({ name, property });
  }
  return out;
}

/**
 * The volume label as a volume number, when it is one: digits with an optional 第…巻/号/集/部/編 or Vol./No. around
 * them, or 上・中・下 and 前編・中編・後編. Anything else (「跋」, 「序」, a letter's date, 「3 解決編」) is not.
 */
export function volumeNumberOf(label: string | null): string | null {
  if (!label) return null;
  const t = label.normalize("NFKC").trim();
  if (/^第?\s*\d{1,5}\s*(巻|号|集|部|編|冊)?$/.test(t)) return t;
  if (/^(vol|volume|no|number|book|part)\.?\s*\d{1,5}$/i.test(t)) return t;
  if (/^[[［]\s*\d{1,5}\s*[\]］]$/.test(t)) return t;
  if (/^(上|中|下|上巻|中巻|下巻|前編|中編|後編|前篇|後篇)$/.test(t)) return t;
  return null;
}

function person(name: string): Person {
  return { "@type": "Person", name };
}

export function recordUrlFor(origin: string, id: number): string {
  return `${origin.replace(/\/+$/, "")}/catalog/${id}/`;
}

/** The series' URL: the #series section of its first volume's page (every volume's page has the same section). */
export function seriesUrl(origin: string, page: RecordPage): string | null {
  const first = page.series?.volumes[0];
  return first ? `${recordUrlFor(origin, first.id)}#series` : null;
}

export function recordJsonLd(page: RecordPage, origin: string, name: string): RecordJsonLd {
  const r = page.record;
  const url = recordUrlFor(origin, r.id);
  const isBook = r.materialType === "book";

  const credits: Credit[] = page.people.length
    ? page.people.map((p) => ({ name: p.name, property: linkedCredit(p.role) }))
    : r.responsibility
      ? splitResponsibility(r.responsibility)
      : [];
  const byProperty = new Map<CreditProperty, Set<string>>();
  for (const c of credits) {
    // schema.org's illustrator is a Book property; on other works the illustrator is a contributor.
    const prop = c.property === "illustrator" && !isBook ? "contributor" : c.property;
    byProperty.set(prop, (byProperty.get(prop) ?? new Set()).add(c.name));
  }
  const people = (prop: CreditProperty): { [K in CreditProperty]?: Person[] } => {
    const names = byProperty.get(prop);
    return names?.size ? { [prop]: [...names].map(person) } : {};
  };

  const sUrl = seriesUrl(origin, page);
  const series: BookSeriesLeaf | CreativeWorkSeriesLeaf | null =
    page.series && sUrl
      ? isBook
        ? { "@type": "BookSeries", "@id": sUrl, url: sUrl, name: page.series.title }
        : { "@type": "CreativeWorkSeries", "@id": sUrl, url: sUrl, name: page.series.title }
      : null;
  const publisher: Organization | null = r.publisher ? { "@type": "Organization", name: r.publisher } : null;

  const common = {
    "@id": url,
    url,
    name,
    inLanguage: "ja",
    ...(r.titleReading ? { alternateName: r.titleReading } : {}),
    ...people("author"),
    ...people("translator"),
    ...people("editor"),
    ...people("contributor"),
    ...(publisher ? { publisher } : {}),
    ...(r.pubYear ? { datePublished: String(r.pubYear) } : {}),
    ...(series ? { isPartOf: series } : {}),
    ...(series && r.volumeOrder !== null ? { position: r.volumeOrder } : {}),
  } satisfies Omit<CreativeWorkLeaf, "@type">;

  const volumeNumber = series ? volumeNumberOf(r.volumeLabel) : null;
  const isbn = r.isbn13 ?? r.isbn10;
  if (isBook) {
    const book = { ...common, ...people("illustrator"), ...(isbn ? { isbn } : {}) } satisfies Omit<BookLeaf, "@type">;
    if (volumeNumber) {
      const ld: WithContext<MergeLeafTypes<[BookLeaf, PublicationVolumeLeaf]>> = {
        "@context": "https://schema.org",
        "@type": ["Book", "PublicationVolume"] as const,
        ...book,
        volumeNumber,
      };
      return ld;
    }
    const ld: WithContext<BookLeaf> = { "@context": "https://schema.org", "@type": "Book", ...book };
    return ld;
  }
  if (volumeNumber) {
    const ld: WithContext<MergeLeafTypes<[CreativeWorkLeaf, PublicationVolumeLeaf]>> = {
      "@context": "https://schema.org",
      "@type": ["CreativeWork", "PublicationVolume"] as const,
      ...common,
      volumeNumber,
    };
    return ld;
  }
  const ld: WithContext<CreativeWorkLeaf> = { "@context": "https://schema.org", "@type": "CreativeWork", ...common };
  return ld;
}
