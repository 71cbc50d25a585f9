// Catalogue import into the real migrated D1 (inside workerd): a slice of the real data imported, imported again
// (no duplicates, updates applied), indexed for search (R10); series volumes linked in order (R15); demo holdings
// inserted by barcode so staff changes survive a re-import (R11, R12).
import aozoraCsv from "@data/aozora/list_person_all_extended_utf8.partial-2022-02.csv?raw";
import demoJson from "@data/fixtures/demo.json?raw";
import ndlConan from "@data/ndl/opensearch-title-meitantei-conan.xml?raw";
import ndlOnePiece from "@data/ndl/opensearch-title-one-piece.xml?raw";
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { parseAozoraCsv } from "../../db/import/aozora.ts";
import { planHoldings } from "../../db/import/holdings.ts";
import { parseNdlOpenSearch } from "../../db/import/ndl.ts";
import type { ImportRecord } from "../../db/import/types.ts";
import { branches } from "../../db/schema/index.ts";
import { upsertCatalog, upsertHoldings } from "../../worker/src/data/catalog-write.ts";
import { D1_MAX_PARAMS, chunk, createDb } from "../../worker/src/data/db.ts";

const demo = JSON.parse(demoJson) as { branches: { code: string; name: string; inCity: boolean }[] };

const db = createDb(env.DB);

/** The works on 島崎藤村's and 芥川竜之介's cards, every row of each (translators' included). */
function aozoraSlice(): string {
  const lines = aozoraCsv.split("\r\n");
  const keep = lines.slice(1).filter((l) => /aozora\.gr\.jp\/cards\/(000158|000879)\//.test(l));
  return [lines[0], ...keep, ""].join("\r\n");
}

const slice: ImportRecord[] = [...parseAozoraCsv(aozoraSlice(), "slice.csv").records, ...parseNdlOpenSearch(ndlConan, "conan.xml").records];
const key = (r: { source: string; sourceId: string }) => `${r.source}:${r.sourceId}`;

async function count(table: string, where = "1"): Promise<number> {
  return (await env.DB.prepare(`SELECT count(*) AS n FROM ${table} WHERE ${where}`).first<{ n: number }>())!.n;
}

let firstIds: number[] = [];

beforeAll(async () => {
  const result = await upsertCatalog(db, slice);
  firstIds = result.ids;
  expect(result).toMatchObject({ inserted: slice.length, updated: 0 });
});

describe("R10 import of a slice of the real catalogue", () => {
  it("writes one record per work and per NDL item, with its people and series", async () => {
    expect(slice.length).toBeGreaterThan(500);
    expect(await count("records")).toBe(slice.length);
    expect(new Set(firstIds).size).toBe(slice.length);
    expect(await count("people")).toBe(new Set(slice.flatMap((r) => r.people.map((p) => p.sourceKey))).size);
    expect(await count("record_people")).toBe(slice.reduce((n, r) => n + r.people.length, 0));
    expect(await count("series")).toBe(new Set(slice.flatMap((r) => (r.series ? [r.series.sourceKey] : []))).size);
  });

  it("returns the ids in input order", async () => {
    const i = slice.findIndex((r) => r.sourceId === "001504");
    const row = await env.DB.prepare("SELECT source, source_id FROM records WHERE id = ?").bind(firstIds[i]!).first();
    expect(row).toEqual({ source: "aozora", source_id: "001504" });
  });

  it("keeps every field, ISBN-13 and the ISBN-10 searchable beside it", async () => {
    const row = await env.DB.prepare(
      "SELECT title, title_reading, material_type, ndc, publisher, pub_year, isbn13, isbn10, volume_label, volume_order, source_url FROM records WHERE source = 'ndl' AND source_id = 'R100000001-I47111101546004'",
    ).first();
    expect(row).toEqual({
      title: "Case Closed : 名探偵コナン",
      title_reading: "ケース クローズド : メイタンテイ コナン",
      material_type: "book",
      ndc: "726.1",
      publisher: "VIZ Media,LLC",
      pub_year: 2006,
      isbn13: "9781421504421",
      isbn10: "1421504421",
      volume_label: "Volume 12",
      volume_order: 12,
      source_url: "https://ndlsearch.ndl.go.jp/books/R100000001-I47111101546004",
    });
  });

  it("links people with their role, reading and position", async () => {
    const { results } = await env.DB.prepare(
      `SELECT p.name, p.name_reading, p.birth, rp.role, rp.position FROM record_people rp JOIN people p ON p.id = rp.person_id
        JOIN records r ON r.id = rp.record_id WHERE r.source = 'aozora' AND r.source_id = '001504'`,
    ).all();
    expect(results).toEqual([{ name: "島崎 藤村", name_reading: "しまざき とうそん", birth: "1872-03-25", role: "著者", position: 0 }]);
  });

  it("indexes every imported record for search", async () => {
    expect(await count("record_search_fts")).toBe(slice.length);
    expect(await count("record_grams", `record_id = ${firstIds[0]}`)).toBeGreaterThan(0);
  });
});

describe("R15 series volumes are separate records linked in order", () => {
  it("夜明け前 第一部上 … 第二部下", async () => {
    const { results } = await env.DB.prepare(
      `SELECT r.volume_label FROM records r JOIN series s ON s.id = r.series_id WHERE s.source_key = 'aozora:series:夜明け前' ORDER BY r.volume_order`,
    ).all<{ volume_label: string }>();
    expect(results.map((r) => r.volume_label)).toEqual(["第一部上", "第一部下", "第二部上", "第二部下"]);
  });

  it("Case Closed : 名探偵コナン Volume 11 … 20", async () => {
    const { results } = await env.DB.prepare(
      `SELECT r.volume_order FROM records r JOIN series s ON s.id = r.series_id WHERE s.title = 'Case Closed : 名探偵コナン' ORDER BY r.volume_order`,
    ).all<{ volume_order: number }>();
    expect(results.map((r) => r.volume_order)).toEqual([11, 12, 13, 14, 16, 17, 18, 19, 20]);
  });
});

describe("re-importing updates, never duplicates", () => {
  it("the same files again: every record updated, same ids, no new rows", async () => {
    const before = await Promise.all(["records", "people", "series", "record_people", "record_search_fts"].map((t) => count(t)));
    const stamps = await env.DB.prepare("SELECT min(updated_at) AS lo, max(updated_at) AS hi FROM records").first();
    const again = await upsertCatalog(db, slice, Date.now() + 60_000);
    expect(again).toEqual({ inserted: 0, updated: slice.length, ids: firstIds });
    // Nothing changed, so nothing looks changed (updated_at feeds e.g. the sitemap's lastmod).
    expect(await env.DB.prepare("SELECT min(updated_at) AS lo, max(updated_at) AS hi FROM records").first()).toEqual(stamps);
    expect(await Promise.all(["records", "people", "series", "record_people", "record_search_fts"].map((t) => count(t)))).toEqual(before);
  });

  it("changed fields are applied, a record's people are replaced, an unknown reading is not erased", async () => {
    const i = slice.findIndex((r) => r.source === "ndl" && r.sourceId === "R100000001-I47111101546004");
    const changed: ImportRecord = {
      ...slice[i]!,
      title: "Case Closed (revised)",
      pubYear: 2008,
      // Only the first creator, and without the reading this time.
      people: [{ ...slice[i]!.people[0]!, nameReading: null }],
    };
    const readingBefore = await env.DB.prepare("SELECT name_reading FROM people WHERE source_key = 'ndl:name:青山剛昌'").first<{ name_reading: string }>();
    expect(readingBefore!.name_reading).toMatch(/^アオヤマ/);
    const later = Date.now() + 120_000;
    const result = await upsertCatalog(db, [changed], later);
    expect(result).toEqual({ inserted: 0, updated: 1, ids: [firstIds[i]] });
    const row = await env.DB.prepare("SELECT title, pub_year, updated_at FROM records WHERE id = ?").bind(firstIds[i]!).first();
    expect(row).toEqual({ title: "Case Closed (revised)", pub_year: 2008, updated_at: later });
    const { results } = await env.DB.prepare(
      "SELECT p.source_key, p.name_reading FROM record_people rp JOIN people p ON p.id = rp.person_id WHERE rp.record_id = ?",
    )
      .bind(firstIds[i]!)
      .all();
    expect(results).toEqual([{ source_key: "ndl:name:青山剛昌", name_reading: readingBefore!.name_reading }]);
    // The search index follows: the new title is found.
    const fts = await env.DB.prepare("SELECT title FROM record_search_fts WHERE rowid = ?").bind(firstIds[i]!).first<{ title: string }>();
    expect(fts!.title).toContain("revised");
    await upsertCatalog(db, [slice[i]!]); // back to the real record for the tests below
  });

  it("a later file with overlapping records inserts the new ones and updates the rest", async () => {
    const more = parseNdlOpenSearch(ndlOnePiece, "one-piece.xml").records;
    const known = new Set(slice.map(key));
    const overlap = more.filter((r) => known.has(key(r))).length;
    expect(overlap).toBe(4); // 心にひびくマンガの名言 1 and 4, and two more, are in both responses
    const result = await upsertCatalog(db, more);
    expect(result).toMatchObject({ inserted: more.length - overlap, updated: overlap });
    expect(await count("records")).toBe(slice.length + more.length - overlap);
  });

  it("the same record twice in one call is one row with one id", async () => {
    const r = slice[0]!;
    const result = await upsertCatalog(db, [r, { ...r, title: `${r.title}（二度目）` }]);
    expect(result.ids[0]).toBe(result.ids[1]);
    expect(result).toMatchObject({ inserted: 0, updated: 1 });
    expect(await count("records", `source = '${r.source}' AND source_id = '${r.sourceId}'`)).toBe(1);
    await upsertCatalog(db, [r]);
  });
});

describe("R11 R12 holdings are inserted by barcode; staff changes survive a re-import", () => {
  it("inserts the planned copies once, keeps a changed status, adds nothing the second time", async () => {
    const rows = demo.branches.map((b, i) => ({ id: i + 1, code: b.code, name: b.name, inCity: b.inCity, isPickup: b.inCity, sortOrder: i }));
    // 6 parameters a row: D1's 100-parameter limit allows 16 rows a statement.
    for (const part of chunk(rows, Math.floor(D1_MAX_PARAMS / 6))) await db.insert(branches).values(part).onConflictDoNothing();
    const plan = planHoldings(
      slice.map((r, i) => ({ id: firstIds[i]!, sourceKey: key(r), inSeries: r.series !== null, ndc: r.ndc })),
      demo.branches.map((b, i) => ({ id: i + 1, code: b.code, inCity: b.inCity })),
    );
    expect(plan.length).toBeGreaterThan(slice.length);
    expect(await upsertHoldings(db, plan)).toEqual({ inserted: plan.length });
    expect(await count("items")).toBe(plan.length);
    expect(await count("items", "loanable = 0")).toBeGreaterThan(0);

    const moved = plan.find((c) => c.loanable && c.status === "on_shelf")!;
    await env.DB.prepare("UPDATE items SET status = 'missing' WHERE barcode = ?").bind(moved.barcode).run();
    expect(await upsertHoldings(db, plan)).toEqual({ inserted: 0 });
    expect(await count("items")).toBe(plan.length);
    const row = await env.DB.prepare("SELECT status FROM items WHERE barcode = ?").bind(moved.barcode).first();
    expect(row).toEqual({ status: "missing" });
  });
});

describe("bulk: the whole Aozora file in one call", () => {
  it("writes all 11,778 works in chunks under D1's limits, and again without duplicates", async () => {
    const all = parseAozoraCsv(aozoraCsv, "aozora.csv").records;
    const before = await count("records");
    const first = await upsertCatalog(db, all);
    const sliceAozora = slice.filter((r) => r.source === "aozora").length;
    expect(first).toMatchObject({ inserted: all.length - sliceAozora, updated: sliceAozora });
    expect(await count("records")).toBe(before + all.length - sliceAozora);
    const second = await upsertCatalog(db, all);
    expect(second).toMatchObject({ inserted: 0, updated: all.length });
    expect(second.ids).toEqual(first.ids);
    expect(await count("records", "source = 'aozora'")).toBe(all.length);
    expect(await count("record_people")).toBe(await count("record_people rp JOIN records r ON r.id = rp.record_id"));
  }, 120_000);
});
