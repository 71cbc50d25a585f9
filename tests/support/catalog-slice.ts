// A slice of the REAL catalogue for the search tests (R10): Aozora rows of a few authors plus every work with 猫
// in its title, and the NDL responses (Clean Architecture, 名探偵コナン, ONE PIECE), parsed and written by the
// importer's own code (upsertCatalog indexes them for search), with deterministic copies over the branches.
import aozoraCsv from "@data/aozora/list_person_all_extended_utf8.partial-2022-02.csv?raw";
import ndlClean from "@data/ndl/opensearch-title-clean-architecture.xml?raw";
import ndlConan from "@data/ndl/opensearch-title-meitantei-conan.xml?raw";
import ndlOnePiece from "@data/ndl/opensearch-title-one-piece.xml?raw";
import { parseAozoraCsv } from "../../db/import/aozora.ts";
import { parseNdlOpenSearch } from "../../db/import/ndl.ts";
import type { ImportRecord } from "../../db/import/types.ts";
import { branches } from "../../db/schema/index.ts";
import { upsertCatalog, upsertHoldings, type CopyRow } from "../../worker/src/data/catalog-write.ts";
import type { Db } from "../../worker/src/data/db.ts";

/** 夏目漱石, 芥川竜之介 (羅生門), 楠山正雄 (another 羅生門, 猫 titles), 谷崎潤一郎. */
const AUTHORS = new Set(["000148", "000879", "000329", "001383"]);

/** Header plus every row of the works on AUTHORS' cards and of every title with 猫 (the file has no line
 *  breaks inside fields; a work's rows, translators' included, share its card URL). */
export function aozoraSlice(): string {
  const lines = aozoraCsv.split("\r\n");
  const keep = lines.slice(1).filter((line) => {
    const card = /aozora\.gr\.jp\/cards\/(\d{6})\//.exec(line)?.[1] ?? "";
    return AUTHORS.has(card) || (line.split('","')[1] ?? "").includes("猫");
  });
  return [lines[0], ...keep, ""].join("\r\n");
}

/** Header plus the rows of these Aozora works (作品ID), whatever their author: for tests that need a rival. */
export function aozoraWorks(workIds: readonly string[]): string {
  const lines = aozoraCsv.split("\r\n");
  const keep = lines.slice(1).filter((line) => workIds.includes(/^"(\d{6})"/.exec(line)?.[1] ?? ""));
  return [lines[0], ...keep, ""].join("\r\n");
}

export const BRANCHES = [
  { id: 1, code: "chuo", name: "中央図書館", inCity: true, isPickup: true, sortOrder: 1 },
  { id: 2, code: "yahata", name: "八幡図書館", inCity: true, isPickup: true, sortOrder: 2 },
  { id: 3, code: "move", name: "ムーブ図書・情報室", inCity: true, isPickup: true, sortOrder: 3 },
  { id: 9, code: "fukuokapref", name: "福岡県立図書館", inCity: false, isPickup: false, sortOrder: 9 },
] as const;

export interface CatalogSlice {
  /** records.id by 'source:sourceId'. */
  ids: Map<string, number>;
  records: ImportRecord[];
}

/** Copies by record id: mostly one or two lending copies; every 7th reference-only; every 5th out on loan; every
 *  11th held only outside the city. Deterministic, so counts are the same on every run. */
function copiesFor(recordId: number): CopyRow[] {
  const copy = (n: number, branchId: number, loanable: boolean, status: CopyRow["status"]): CopyRow => ({
    barcode: `S${recordId}-${n}`,
    recordId,
    branchId,
    loanable,
    status,
    shelfMark: null,
  });
  if (recordId % 11 === 10) return [copy(9, 9, true, "on_shelf")];
  const loanable = recordId % 7 !== 3;
  const out = [copy(1, 1, loanable, loanable && recordId % 5 === 0 ? "on_loan" : "on_shelf")];
  if (recordId % 2 === 1) out.push(copy(2, recordId % 4 === 1 ? 2 : 3, true, "on_shelf"));
  return out;
}

/** Imports the slice with the importer's own writer (which indexes it for search) and adds the copies. */
export async function loadCatalogSlice(db: Db): Promise<CatalogSlice> {
  const parsed = [
    parseAozoraCsv(aozoraSlice(), "aozora-slice.csv"),
    parseNdlOpenSearch(ndlClean, "opensearch-title-clean-architecture.xml"),
    parseNdlOpenSearch(ndlConan, "opensearch-title-meitantei-conan.xml"),
    parseNdlOpenSearch(ndlOnePiece, "opensearch-title-one-piece.xml"),
  ];
  const all = parsed.flatMap((p) => p.records);
  await db.insert(branches).values([...BRANCHES]).onConflictDoNothing();
  const written = await upsertCatalog(db, all, 1_700_000_000_000);
  const ids = new Map<string, number>();
  all.forEach((r, i) => ids.set(`${r.source}:${r.sourceId}`, written.ids[i]!));
  await upsertHoldings(db, [...new Set(ids.values())].flatMap(copiesFor));
  return { ids, records: all };
}
