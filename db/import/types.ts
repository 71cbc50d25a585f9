// What a catalogue parser yields and the catalogue writer takes. Parsers are pure (text in, records out).
import type { MaterialType } from "../schema/catalog.ts";

export interface ImportPerson {
  /** Stable across re-imports, e.g. 'aozora:000158' or 'ndl:name:島崎藤村'. */
  sourceKey: string;
  name: string;
  nameReading: string | null;
  /** As the source says: 著者, 翻訳者, 編者, 作, 絵 … */
  role: string;
  birth?: string | null;
  death?: string | null;
}

export interface ImportSeries {
  /** Stable across re-imports, e.g. 'aozora:000158:夜明け前' or 'ndl:名探偵コナン'. */
  sourceKey: string;
  title: string;
  titleReading: string | null;
}

export interface ImportRecord {
  source: "aozora" | "ndl";
  sourceId: string;
  title: string;
  titleReading: string | null;
  subtitle: string | null;
  subtitleReading: string | null;
  responsibility: string | null;
  people: ImportPerson[];
  series: ImportSeries | null;
  volumeLabel: string | null;
  volumeOrder: number | null;
  materialType: MaterialType;
  ndc: string | null;
  publisher: string | null;
  pubYear: number | null;
  isbn13: string | null;
  isbn10: string | null;
  extent: string | null;
  note: string | null;
  sourceUrl: string | null;
}

export interface ImportProblem {
  file: string;
  /** 1-based line in the file where the bad row or item starts. */
  line: number;
  message: string;
}

export interface ParseResult {
  records: ImportRecord[];
  problems: ImportProblem[];
}
