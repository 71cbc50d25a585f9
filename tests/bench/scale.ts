// Issue 10 item 7 (BENCH_ONLY=scale): the catalogue of a large Japanese city library, about 1,000,000 titles, in
// local D1 (.wrangler/bench-1m). Figures: import time (the real importer's rate, measured, and the bulk path's
// time), the database file's size, and search p50/p95 as a ratio to /health under the same load for 1-character,
// 2-character, kana-reading, author and ISBN queries.
//
// How the million is written. The real importer (upsertCatalog + reindexRecords + importHoldings through
// wrangler's platform proxy) is measured on one round of copies of the real records and its rate extrapolated;
// writing the whole million that way would not finish in the time this bench has on 2 cores. The rest is written
// straight into the local D1's SQLite file with node:sqlite while no wrangler process has it open (D1 local is
// that file): records, record_people and items by INSERT … SELECT from the real rows; the search index the real
// way — each copy's document, grams and keys come from worker/src/data/search-index.ts's own functions
// (buildSearchDocument, documentGrams, extraSearchKeys) and its rows go into the FTS5 trigram table by INSERT,
// so SQLite tokenises every row as D1 would.
// A copy keeps the real title, reading, people, publisher and NDC (queries hit realistic result sizes: a big
// library holds many editions of one work), gets its own source id, a later year, no series, and its own unique,
// valid ISBN-13 in 978-4-9…… (synthIsbn13), so an ISBN query finds exactly one record.
import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { DatabaseSync } from "node:sqlite";
import { ROOT } from "../../db/cli/paths.ts";
import { localDatabaseFile } from "../../db/cli/platform.ts";
import { log, runTool } from "../../db/cli/run.ts";
import { VALUE_SEPARATOR } from "../../worker/src/domain/normalize.ts";
import { FTS_COLUMNS } from "../../worker/src/domain/search-fields.ts";
import { buildSearchDocument, documentGrams, extraSearchKeys, type SourceRow } from "../../worker/src/data/search-index.ts";
import { mixedLoad, summarize } from "./load.ts";
import { startDevServer } from "../support/server.ts";
import { synthesiseLibrary } from "./synthesise.ts";

export const SCALE_STATE = path.join(ROOT, ".wrangler/bench-1m");

/** ISBN-13 check digit: weights 1,3,1,3… over the first 12 digits. Pure; exported for the bench's own check. */
export function isbn13CheckDigit(first12: string): number {
  let sum = 0;
  for (let i = 0; i < 12; i++) sum += Number(first12[i]) * (i % 2 === 0 ? 1 : 3);
  return (10 - (sum % 10)) % 10;
}

/** The n-th synthesised ISBN: 978-4-9 and 7 digits of n, then the check digit (10 million distinct). */
export function synthIsbn13(n: number): string {
  const first12 = `97849${String(n).padStart(7, "0")}`;
  if (first12.length !== 12) throw new Error(`synthIsbn13: ${n} is out of range`);
  return first12 + isbn13CheckDigit(first12);
}

export function hyphenated(isbn13: string): string {
  return `${isbn13.slice(0, 3)}-${isbn13.slice(3, 4)}-${isbn13.slice(4, 9)}-${isbn13.slice(9, 12)}-${isbn13.slice(12)}`;
}

/** Bytes of the local D1's files (the SQLite file and its -wal/-shm). */
export function databaseBytes(file: string): number {
  let n = 0;
  for (const suffix of ["", "-wal", "-shm"]) if (existsSync(file + suffix)) n += statSync(file + suffix).size;
  return n;
}

function databaseFile(): string {
  process.env.SHIORI_PERSIST_TO = SCALE_STATE;
  try {
    return localDatabaseFile();
  } finally {
    delete process.env.SHIORI_PERSIST_TO;
  }
}

/** Migrations, the demo library and its real catalogue (the real importer), then one round of copies through
 *  the real importer: its rate is the importer's rate at this size. */
export async function prepareBase() {
  runTool("wrangler", ["d1", "migrations", "apply", "DB", "--local", "--persist-to", SCALE_STATE], { CI: "true" });
  const t0 = performance.now();
  await synthesiseLibrary(SCALE_STATE, 1); // seeds the branches and imports the real catalogue if empty
  const realSeconds = (performance.now() - t0) / 1000;
  const db = new DatabaseSync(databaseFile(), { readOnly: true });
  const real = (db.prepare("SELECT count(*) AS n FROM records").get() as { n: number }).n;
  db.close();
  const t1 = performance.now();
  const probe = await synthesiseLibrary(SCALE_STATE, real * 2); // one round: a copy of every real record
  const probeSeconds = (performance.now() - t1) / 1000;
  const db2 = new DatabaseSync(databaseFile(), { readOnly: true });
  const after = (db2.prepare("SELECT count(*) AS n FROM records").get() as { n: number }).n;
  db2.close();
  const copies = after - real;
  return {
    real_records: real,
    real_import_seconds: round1(realSeconds),
    importer_probe: { records: copies, seconds: round1(probeSeconds), rounds: probe.rounds, records_per_second: Math.round(copies / probeSeconds) },
  };
}

/** A real record to copy: the index's own row shape, and its source id. */
type TemplateRow = SourceRow & { source: string };

/**
 * Copies of the real records until there are `target` records, in rounds of one copy of each real record, each
 * round one transaction. Wrangler must not be running on SCALE_STATE. Returns the time and what was written.
 */
export function bulkSynthesise(target: number, onRound: (line: string) => void = log) {
  const file = databaseFile();
  const db = new DatabaseSync(file);
  db.exec("PRAGMA foreign_keys = ON");
  // A 1 GB page cache: record_grams' (gram, record_id) key takes rows in gram order, all over the tree; with
  // SQLite's default 2 MB cache each round got slower as the tree grew (10 s → 16 s per 12k records by 100k).
  db.exec("PRAGMA cache_size = -1000000");
  const count = () => (db.prepare("SELECT count(*) AS n FROM records").get() as { n: number }).n;
  // The real records: every record not written by a synthesis (their source ids carry ~ed).
  const templates = db
    .prepare(
      `SELECT r.id, r.source, r.title, r.title_reading, r.subtitle, r.subtitle_reading, r.responsibility, r.volume_label,
              r.publisher, r.ndc, r.isbn13, r.isbn10, NULL AS series_title, NULL AS series_reading, r.note,
              (SELECT json_group_array(json_array(p.name, p.name_reading, p.role))
                 FROM (SELECT p.name, p.name_reading, rp.role FROM record_people rp JOIN people p ON p.id = rp.person_id
                        WHERE rp.record_id = r.id ORDER BY rp.position, rp.person_id) AS p) AS people
         FROM records r WHERE r.source_id NOT LIKE '%~ed%' ORDER BY r.id`,
    )
    .all() as unknown as TemplateRow[];
  const stride = (db.prepare("SELECT max(id) AS m FROM records WHERE source_id NOT LIKE '%~ed%'").get() as { m: number }).m;
  const now = Date.now();
  const realIsbns = new Set(templates.map((t) => t.isbn13).filter((x): x is string => x !== null));

  const insRecords = db.prepare(`
    INSERT INTO records (id, source, source_id, title, title_reading, subtitle, subtitle_reading, responsibility, series_id,
                         volume_label, volume_order, material_type, ndc, publisher, pub_year, isbn13, isbn10, extent, note,
                         source_url, created_at, updated_at)
    SELECT r.id + :off, r.source, r.source_id || '~ed' || :round, r.title, r.title_reading, r.subtitle, r.subtitle_reading,
           r.responsibility, NULL, NULL, NULL, r.material_type, r.ndc, r.publisher, coalesce(r.pub_year, 1950) + :round,
           NULL, NULL, r.extent, 'ベンチマーク用の合成書誌（第' || :round || '版）', r.source_url, :now, :now
      FROM records r WHERE r.source_id NOT LIKE '%~ed%' AND r.id + :off <= :last`);
  const setIsbn = db.prepare("UPDATE records SET isbn13 = ? WHERE id = ?");
  const insPeople = db.prepare(`
    INSERT INTO record_people (record_id, person_id, role, position)
    SELECT rp.record_id + :off, rp.person_id, rp.role, rp.position FROM record_people rp
     WHERE rp.record_id <= :stride AND rp.record_id + :off <= :last
       AND rp.record_id IN (SELECT id FROM records WHERE source_id NOT LIKE '%~ed%')`);
  // Its own copies, on the shelf at their branch (the real copies' branches and shelf marks).
  const insItems = db.prepare(`
    INSERT INTO items (barcode, record_id, branch_id, loanable, status, shelf_mark, created_at, current_branch_id)
    SELECT i.barcode || '~ed' || :round, i.record_id + :off, i.branch_id, i.loanable, 'on_shelf', i.shelf_mark, :now, i.branch_id
      FROM items i WHERE i.record_id <= :stride AND i.record_id + :off <= :last
       AND i.record_id IN (SELECT id FROM records WHERE source_id NOT LIKE '%~ed%')`);
  const insFts = db.prepare(
    "INSERT INTO record_search_fts (rowid, title, reading, author, author_reading, publisher, series, codes) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
  );
  const insGram = db.prepare("INSERT INTO record_grams (gram, record_id, fields) VALUES (?, ?, ?)");
  const insKey = db.prepare("INSERT INTO record_search_keys (key, record_id, kind, standalone) VALUES (?, ?, ?, ?)");

  const t0 = performance.now();
  let have = count();
  const startedWith = have;
  let gramRows = 0;
  let rounds = 0;
  // The next free block of ids, and the round number after those already in the file (the importer's probe is 1).
  let block = Math.ceil(((db.prepare("SELECT max(id) AS m FROM records").get() as { m: number }).m) / stride);
  let isbnSerial = (db.prepare("SELECT count(*) AS n FROM records WHERE isbn13 GLOB '97849*' AND note LIKE 'ベンチマーク用%'").get() as { n: number }).n;
  while (have < target) {
    rounds++;
    const round = block + 1;
    const off = block * stride;
    const last = off + stride;
    const want = target - have;
    db.exec("BEGIN");
    const written: { id: number; tpl: TemplateRow }[] = [];
    for (const tpl of templates) {
      if (written.length >= want) break;
      written.push({ id: tpl.id + off, tpl });
    }
    const lastId = written.at(-1)!.id;
    insRecords.run({ off, round, now, last: lastId });
    insPeople.run({ off, stride, last: lastId });
    insItems.run({ off, round, now, stride, last: lastId });
    for (const { id, tpl } of written) {
      // 978-4-9… holds real publishers too (one copy in the 876,600 run took a real record's ISBN): skip those.
      let isbn13 = synthIsbn13(++isbnSerial);
      while (realIsbns.has(isbn13)) isbn13 = synthIsbn13(++isbnSerial);
      setIsbn.run(isbn13, id);
      // What reindexRecords reads for this copy, built by the same functions.
      const row = { ...tpl, id, isbn13, isbn10: null, volume_label: null, note: `ベンチマーク用の合成書誌（第${round}版）` };
      const doc = buildSearchDocument(row);
      const cols = FTS_COLUMNS.map((f) => doc[f].join(VALUE_SEPARATOR));
      insFts.run(id, ...cols);
      for (const [gram, fields] of documentGrams(doc)) {
        insGram.run(gram, id, fields);
        gramRows++;
      }
      // searchKeysInsert: the first title value (kind 0) and reading value (kind 1); standalone as its STANDALONE
      // (an Aozora copy's note names no 底本, so 0; any other source 1).
      const standalone = tpl.source === "aozora" ? 0 : 1;
      const titleKey = doc.title[0] ?? "";
      const readingKey = doc.reading[0] ?? "";
      if (titleKey) insKey.run(titleKey, id, 0, standalone);
      if (readingKey && readingKey !== titleKey) insKey.run(readingKey, id, 1, standalone);
      for (const { key, kind } of extraSearchKeys(row)) insKey.run(key, id, kind, 1);
    }
    db.exec("COMMIT");
    have = count();
    block++;
    onRound(`scale: round ${rounds} (ids from ${off + 1}): ${have} records, ${round1((performance.now() - t0) / 1000)} s`);
  }
  const seconds = (performance.now() - t0) / 1000;
  const t1 = performance.now();
  db.exec("PRAGMA wal_checkpoint(TRUNCATE)");
  // Off by default: nothing in the project runs ANALYZE (neither the migrations nor the importer), so the other
  // bench rows plan without statistics; SCALE_ANALYZE=1 shows what statistics would change.
  if (process.env.SCALE_ANALYZE === "1") db.exec("ANALYZE");
  const analyzeSeconds = (performance.now() - t1) / 1000;
  const totals = {
    records: count(),
    items: (db.prepare("SELECT count(*) AS n FROM items").get() as { n: number }).n,
    record_grams: (db.prepare("SELECT count(*) AS n FROM record_grams").get() as { n: number }).n,
    record_search_keys: (db.prepare("SELECT count(*) AS n FROM record_search_keys").get() as { n: number }).n,
  };
  const sample = db.prepare("SELECT id, isbn13 FROM records WHERE note LIKE 'ベンチマーク用%' AND isbn13 IS NOT NULL ORDER BY id DESC LIMIT 1").get() as { id: number; isbn13: string } | undefined;
  const duplicateIsbns = (db.prepare("SELECT count(*) AS n FROM (SELECT isbn13 FROM records WHERE isbn13 IS NOT NULL GROUP BY isbn13 HAVING count(*) > 1)").get() as { n: number }).n;
  db.close();
  return {
    records_at_start: startedWith,
    analyzed: process.env.SCALE_ANALYZE === "1",
    written: totals.records - startedWith,
    rounds,
    seconds: round1(seconds),
    records_per_second: Math.round((totals.records - startedWith) / seconds),
    checkpoint_seconds: round1(analyzeSeconds),
    gram_rows_written: gramRows,
    totals,
    duplicate_isbn13: duplicateIsbns,
    sample_isbn: sample,
    database_bytes: databaseBytes(file),
    database_file: path.relative(ROOT, file),
  };
}

/** The query kinds of the issue, each alternated with /health by the same client(s). */
export function scaleQueries(sampleIsbn: string) {
  return {
    one_char: ["猫", "の", "夢"],
    two_char: ["羅生", "銀河", "探偵"],
    kana_reading: ["わがはいはねこ", "こころ", "ワガハイ", "ぎんがてつどう"],
    author: ["夏目漱石", "宮沢賢治", "芥川竜之介"],
    isbn: [hyphenated(sampleIsbn), sampleIsbn, "978-4-04-805712-5"],
  };
}

/** Search latency per kind against wrangler dev over SCALE_STATE, one client and 8 clients, ratio to /health. */
export async function scaleLatency(port: number, seconds: number, sampleIsbn: string) {
  const kinds = scaleQueries(sampleIsbn);
  const server = await startDevServer(port, ["--persist-to", SCALE_STATE]);
  try {
    const all = Object.values(kinds).flat().map((q) => `/api/search?q=${encodeURIComponent(q)}`);
    // Warm-up: module load and SQLite's page cache over the million (first touches read from disk).
    await mixedLoad(server.url, "/health", all, { concurrency: 2, durationMs: 5000, maxRequests: 400 });
    const isbnHit = await (await fetch(`${server.url}/api/search?q=${encodeURIComponent(hyphenated(sampleIsbn))}`, { headers: { accept: "application/json" } })).json();
    const byKind: Record<string, unknown> = {};
    for (const [kind, qs] of Object.entries(kinds)) {
      const paths = qs.map((q) => `/api/search?q=${encodeURIComponent(q)}`);
      const single = summarize(await mixedLoad(server.url, "/health", paths, { concurrency: 1, durationMs: seconds * 1000, maxRequests: 3000 }));
      const loaded = summarize(await mixedLoad(server.url, "/health", paths, { concurrency: 8, durationMs: seconds * 1000, maxRequests: 10_000 }));
      log(`scale ${kind}: one client p95 ${single.search_p95_ms} ms (×${single.ratio_p95} of /health); 8 clients p95 ×${loaded.ratio_p95}`);
      byKind[kind] = { queries: qs, single, eight_clients: loaded };
    }
    return { by_kind: byKind, isbn_hit: isbnHit };
  } finally {
    await server.stop();
  }
}

export function listStateFiles(): string[] {
  const dir = path.join(SCALE_STATE, "v3/d1/miniflare-D1DatabaseObject");
  return existsSync(dir) ? readdirSync(dir) : [];
}

function round1(n: number): number {
  return Math.round(n * 10) / 10;
}
