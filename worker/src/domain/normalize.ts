// R10: Japanese text normalisation, the same for the search index and the query, so both always agree.
// One function for every field (titles, readings, names, publishers, codes): a query cannot know whether the
// patron typed a title or a reading, and folding both alike keeps the index and the query consistent.

/** Joins several values of one field in the index, and ends each value in record_grams. No normalised text
 *  contains it (private use, not a letter), so a query can never match across two values. */
export const VALUE_SEPARATOR = "\uE000";

// Patrons type the common form of a name's variant kanji (高木 for 髙木, 竜之介 for 龍之介). A short list of
// variants seen in names and Aozora's 旧字 editions; NFKC leaves these alone (they are not compatibility forms).
const KANJI_VARIANTS: Record<string, string> = {
  髙: "高",
  﨑: "崎",
  嵜: "崎",
  邊: "辺",
  邉: "辺",
  齋: "斎",
  齊: "斉",
  澤: "沢",
  濱: "浜",
  龍: "竜",
  國: "国",
  學: "学",
  廣: "広",
  櫻: "桜",
  眞: "真",
  實: "実",
  德: "徳",
  冨: "富",
  藝: "芸",
  圓: "円",
  萬: "万",
  與: "与",
  彌: "弥",
  靜: "静",
};

// Small kana (after katakana → hiragana) fold to their full-size letters: readings differ in them
// (ウェ/ウエ, ッ/ツ in old readings), and a patron should not have to guess which.
const SMALL_KANA: Record<string, string> = {
  ぁ: "あ",
  ぃ: "い",
  ぅ: "う",
  ぇ: "え",
  ぉ: "お",
  っ: "つ",
  ゃ: "や",
  ゅ: "ゆ",
  ょ: "よ",
  ゎ: "わ",
  ゕ: "か",
  ゖ: "け",
  // Historical kana in old readings read as their modern letters.
  ゐ: "い",
  ゑ: "え",
};

const FOLD = /[ぁぃぅぇぉっゃゅょゎゕゖゐゑ髙﨑嵜邊邉齋齊澤濱龍國學廣櫻眞實德冨藝圓萬與彌靜]/gu;

/** Only letters, digits and combining marks (voiced sound marks) are searchable. Spaces, ・, punctuation and
 *  symbols go: "メイタンテイ コナン" and "名探偵・コナン" index as one run of letters. */
const NOT_SEARCHABLE = /[^\p{L}\p{N}\p{M}]/gu;

/** The long-vowel mark is dropped (ワンピース = ワンピス): patrons type it, omit it, or type '-' or '〜' for it. */
const LONG_VOWEL = /ー/gu;

function katakanaToHiragana(s: string): string {
  // ァ (U+30A1) … ヶ (U+30F6) and the iteration marks ヽヾ sit exactly 0x60 above their hiragana.
  return s.replace(/[\u30A1-\u30F6\u30FD\u30FE]/gu, (c) => String.fromCharCode(c.charCodeAt(0) - 0x60));
}

/**
 * Normalises text for search (index and query alike):
 * NFKC (full/half width: ＡＢＣ → abc, ﾜｶﾞﾊｲ → ワガハイ), lower case, katakana → hiragana, small kana and
 * ゐゑ folded, long-vowel mark dropped, a few variant kanji folded, and everything that is not a letter,
 * digit or combining mark removed (spaces, ・, punctuation, symbols). Voiced marks are kept (は ≠ ば).
 */
export function normalizeText(input: string): string {
  let s = input.normalize("NFKC").toLowerCase();
  s = katakanaToHiragana(s);
  s = s.replace(LONG_VOWEL, "");
  s = s.replace(FOLD, (c) => SMALL_KANA[c] ?? KANJI_VARIANTS[c] ?? c);
  s = s.replace(NOT_SEARCHABLE, "");
  // A separate voiced mark (か゛ → か + U+3099 once the space NFKC left is gone) composes back to が.
  return s.normalize("NFC");
}

// NDL transcribes particles as spoken (吾輩は猫である → ワガハイ ワ ネコ デ アル), patrons and Aozora write them as
// spelled (わがはいはねこである). In NDL's word-spaced readings a word of just ワ, エ or オ is the particle.
const PARTICLES: Record<string, string> = { ワ: "ハ", わ: "は", エ: "ヘ", え: "へ", オ: "ヲ", お: "を" };

/**
 * A reading as spelled, for a word-spaced reading with spoken particles ('ワガハイ ワ ネコ' → 'ワガハイ ハ ネコ'),
 * or null when there is none. The index keeps both, so either way of typing finds the record.
 */
export function spelledReading(reading: string): string | null {
  const words = reading.normalize("NFKC").trim().split(/\s+/u);
  if (words.length < 2) return null;
  let changed = false;
  const spelled = words.map((w, i) => {
    const p = i > 0 ? PARTICLES[w] : undefined;
    if (p) changed = true;
    return p ?? w;
  });
  return changed ? spelled.join(" ") : null;
}

/** Unicode characters (code points), as FTS5's trigram tokenizer counts them. */
export function charLength(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

/**
 * Splits what a patron typed into normalised terms (AND-ed by the search). Whitespace separates terms;
 * anything else that normalisation removes (・, punctuation) joins. Empty and repeated terms are dropped.
 */
export function splitTerms(input: string): string[] {
  const out: string[] = [];
  for (const part of input.normalize("NFKC").split(/\s+/u)) {
    const t = normalizeText(part);
    if (t && !out.includes(t)) out.push(t);
  }
  return out;
}

/**
 * The 1–2 character index entries of one normalised value: every distinct bigram, plus the last character
 * followed by VALUE_SEPARATOR. So every character of the value starts some entry: a 2-character query is an
 * exact lookup, a 1-character query a range scan over entries starting with it.
 */
export function valueGrams(value: string): string[] {
  const chars = Array.from(value);
  if (chars.length === 0) return [];
  const grams = new Set<string>();
  for (let i = 0; i + 1 < chars.length; i++) grams.add(chars[i]! + chars[i + 1]!);
  grams.add(chars[chars.length - 1]! + VALUE_SEPARATOR);
  return [...grams];
}

/** Marks the keys of record_search_keys that are not titles (an author's name, an identifier as recorded), so a
 *  title key never equals one and a title-prefix range never reaches one. Private use: no normalised text holds it. */
export const AUTHOR_KEY_MARK = "\uE001";
export const IDENTIFIER_KEY_MARK = "\uE002";

/** Name parts as catalogues separate them: '芥川 竜之介', 'オダ, エイイチロウ', 'Martin, Robert C'. */
const NAME_PARTS = /[\s,，/／・･]+/u;

/**
 * What a patron may type for a person (R10, issue 6 §2): the whole name, or one of its parts (family or given
 * name), written or read — 芥川竜之介, 芥川, 竜之介, あくたがわりゅうのすけ, あくたがわ. Normalised, distinct. A
 * one-letter part of a Latin name ('C' of 'Martin, Robert C') is no name a patron types.
 */
export function personNameKeys(name: string, reading: string | null): string[] {
  const keys: string[] = [];
  const add = (text: string) => {
    const key = normalizeText(text);
    if (key && !keys.includes(key) && !(charLength(key) < 2 && /^[a-z0-9]$/.test(key))) keys.push(key);
  };
  for (const value of [name, reading]) {
    if (!value) continue;
    add(value);
    const parts = value.normalize("NFKC").split(NAME_PARTS).filter(Boolean);
    if (parts.length > 1) for (const part of parts) add(part);
  }
  return keys;
}
