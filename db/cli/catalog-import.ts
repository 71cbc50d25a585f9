// `npm run catalog:import -- FILE…`: imports Aozora Bunko extended CSVs and NDL Search OpenSearch (RSS + DC-NDL)
// responses into the local D1, then plans the demo holdings for what it imported. Safe to run again: records,
// people and series are updated in place, copies already there are left alone.
import { readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { branches } from "../schema/index.ts";
import { parseAozoraCsv } from "../import/aozora.ts";
import { planHoldings, type HoldingRecord } from "../import/holdings.ts";
import { parseNdlOpenSearch } from "../import/ndl.ts";
import type { ImportProblem, ImportRecord, ParseResult } from "../import/types.ts";
import { upsertCatalog, upsertHoldings } from "../../worker/src/data/catalog-write.ts";
import type { Db } from "../../worker/src/data/db.ts";
import { openLocalPlatform } from "./platform.ts";

export type CatalogFormat = "aozora-csv" | "ndl-opensearch";

export interface FileSummary {
  file: string;
  format: CatalogFormat | null;
  taken: number;
  refused: number;
  warnings: number;
}

export interface ImportSummary {
  files: FileSummary[];
  taken: number;
  refused: number;
  warnings: number;
  inserted: number;
  updated: number;
  /** Copies added now; copies already there (same barcode) are kept as they are. */
  copies: number;
  seconds: number;
}

export type Log = (line: string) => void;

/** Aozora's CSV starts with its header (作品ID,作品名,…); an NDL response is XML with an <rss> root. */
export function detectFormat(text: string): CatalogFormat | null {
  const head = text.replace(/^\uFEFF/, "").trimStart().slice(0, 4096);
  if (/^"?作品ID"?,/.test(head)) return "aozora-csv";
  if (head.startsWith("<") && /<rss[\s>]/.test(head)) return "ndl-opensearch";
  return null;
}

export function parseCatalogText(text: string, fileName: string): { format: CatalogFormat | null; result: ParseResult; warnings: ImportProblem[] } {
  const format = detectFormat(text);
  if (format === "aozora-csv") return { format, result: parseAozoraCsv(text, fileName), warnings: [] };
  if (format === "ndl-opensearch") {
    const { warnings, ...result } = parseNdlOpenSearch(text, fileName);
    return { format, result, warnings };
  }
  const message = "unknown format: expected Aozora Bunko's extended CSV (header 作品ID,作品名,…) or an NDL Search OpenSearch RSS response";
  return { format: null, result: { records: [], problems: [{ file: fileName, line: 1, message }] }, warnings: [] };
}

/** Parses, writes and indexes the files, then adds the demo holdings. Used by the CLI and by `npm run build`. */
export async function importCatalogFiles(db: Db, files: readonly string[], log: Log): Promise<ImportSummary> {
  const t0 = performance.now();
  const summaries: FileSummary[] = [];
  const all: ImportRecord[] = [];
  for (const file of files) {
    let text: string;
    try {
      text = readFileSync(file, "utf8");
    } catch (e) {
      log(`${file}:1: cannot read the file (${(e as Error).message})`);
      summaries.push({ file, format: null, taken: 0, refused: 1, warnings: 0 });
      continue;
    }
    const { format, result, warnings } = parseCatalogText(text, file);
    for (const p of result.problems) log(`${p.file}:${p.line}: ${p.message}`);
    for (const w of warnings) log(`${w.file}:${w.line}: warning: ${w.message}`);
    summaries.push({ file, format, taken: result.records.length, refused: result.problems.length, warnings: warnings.length });
    log(`${file}: ${format ?? "unknown format"}, ${result.records.length} records taken, ${result.problems.length} refused`);
    all.push(...result.records);
  }

  const tParsed = performance.now();
  const written = all.length > 0 ? await upsertCatalog(db, all) : { inserted: 0, updated: 0, ids: [] };
  const tWritten = performance.now();
  log(`catalogue written and indexed in ${((tWritten - tParsed) / 1000).toFixed(1)} s: ${written.inserted} inserted, ${written.updated} updated`);

  const copies = await importHoldings(
    db,
    all.map((r, i) => ({ id: written.ids[i]!, sourceKey: `${r.source}:${r.sourceId}`, inSeries: r.series !== null, ndc: r.ndc })),
    log,
  );

  const summary: ImportSummary = {
    files: summaries,
    taken: summaries.reduce((n, f) => n + f.taken, 0),
    refused: summaries.reduce((n, f) => n + f.refused, 0),
    warnings: summaries.reduce((n, f) => n + f.warnings, 0),
    inserted: written.inserted,
    updated: written.updated,
    copies,
    seconds: (performance.now() - t0) / 1000,
  };
  log(
    `catalogue import: ${summary.files.length} files, ${summary.taken} records taken, ${summary.refused} refused, ` +
      `${summary.inserted} inserted, ${summary.updated} updated, ${summary.copies} copies added, ${summary.seconds.toFixed(1)} s`,
  );
  return summary;
}

/** Plans and inserts the demo copies of these records over the in-city branches; returns how many were added. */
export async function importHoldings(db: Db, records: readonly HoldingRecord[], log: Log): Promise<number> {
  const branchRows = await db.select({ id: branches.id, code: branches.code, inCity: branches.inCity }).from(branches);
  if (!branchRows.some((b) => b.inCity)) {
    log("no in-city branch in the database yet (load the demo library first: npm run seed): holdings not generated");
    return 0;
  }
  // A record given twice (in two files) gets its copies once.
  const unique = [...new Map(records.map((r) => [r.id, r])).values()];
  const planned = planHoldings(unique, branchRows);
  const { inserted } = await upsertHoldings(db, planned);
  return inserted;
}

async function main(files: string[]): Promise<number> {
  if (files.length === 0) {
    process.stderr.write("usage: npm run catalog:import -- FILE… (Aozora Bunko extended CSV, NDL Search OpenSearch XML)\n");
    return 2;
  }
  const platform = await openLocalPlatform();
  try {
    const summary = await importCatalogFiles(platform.db, files, (line) => process.stdout.write(`${line}\n`));
    // Refused rows are reported and skipped; a file that could not be read or recognised fails the command.
    return summary.files.some((f) => f.format === null) ? 1 : 0;
  } catch (e) {
    const message = (e as Error).message;
    if (/no such table/.test(message)) {
      process.stderr.write(`${message}\nThe local database has no schema yet: run npm run db:migrate first.\n`);
      return 1;
    }
    throw e;
  } finally {
    await platform.dispose();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  process.exitCode = await main(process.argv.slice(2));
}
