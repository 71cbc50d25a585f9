// Issue 6 §2, R10: search that finds what a patron means — an author's own works first with the author offered as
// a refinement (「著者：芥川 竜之介（N件）」), title-reading prefixes that put the closest title first (ワガハイ), and an
// ISBN found as the record carries it, check digit wrong or not. Inside workerd on the real migrated D1, over the
// real catalogue slice plus the real rivals from the same Aozora file (titles about 芥川 by other authors).
import { env, exports } from "cloudflare:workers";
import { sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { parseAozoraCsv } from "../../db/import/aozora.ts";
import { upsertCatalog } from "../../worker/src/data/catalog-write.ts";
import { boundParams, createDb, d1Statement, type Db } from "../../worker/src/data/db.ts";
import { authorQuery, facetQuery, pageQuery, type SearchBounds } from "../../worker/src/data/search.ts";
import { SEARCH_BOUNDS } from "../../worker/src/domain/policy.ts";
import { planSearch } from "../../worker/src/domain/search-query.ts";
import { searchCatalog } from "../../worker/src/services/search.ts";
import { searchResultsMain } from "../../worker/src/views/search.ts";
import { aozoraWorks, loadCatalogSlice, type CatalogSlice } from "../support/catalog-slice.ts";

const BASE = "https://shiori.test";
let db: Db;
let slice: CatalogSlice;

// Real Aozora works by others whose titles hold 芥川 (泉鏡花, 菊池寛, 岸田国士, 佐藤春夫) and 大隈重信's 我輩 titles.
const RIVALS = ["033223", "001340", "044715", "058851", "058086", "058087"];
const AKUTAGAWA = "芥川 竜之介";
const WAGAHAI = "aozora:000789"; // 吾輩は猫である（夏目漱石）

beforeAll(async () => {
  db = createDb(env.DB);
  slice = await loadCatalogSlice(db);
  const rivals = parseAozoraCsv(aozoraWorks(RIVALS), "rivals.csv").records;
  expect(rivals).toHaveLength(RIVALS.length);
  const written = await upsertCatalog(db, rivals, 1_700_000_000_000);
  rivals.forEach((r, i) => slice.ids.set(`${r.source}:${r.sourceId}`, written.ids[i]!));
  slice.records.push(...rivals);
});

function idOf(key: string): number {
  const id = slice.ids.get(key);
  if (id === undefined) throw new Error(`not in the slice: ${key}`);
  return id;
}

/** Record ids whose 著者 is this person, as the importer parsed them. */
function worksBy(name: string): Set<number> {
  return new Set(
    slice.records.filter((r) => r.people.some((p) => p.name === name && p.role === "著者")).map((r) => idOf(`${r.source}:${r.sourceId}`)),
  );
}

async function allHits(input: Record<string, string>, bounds: SearchBounds = SEARCH_BOUNDS) {
  const first = await searchCatalog(db, input, bounds);
  const hits = [...first.hits];
  for (let p = 2; p <= first.pageCount; p++) hits.push(...(await searchCatalog(db, { ...input, page: String(p) }, bounds)).hits);
  return { first, ids: hits.map((h) => h.id) };
}

function page(path: string) {
  return exports.default.fetch(BASE + path, { headers: { accept: "text/html" } });
}

const decode = (s: string) => s.replaceAll("&amp;", "&");

describe("Issue 6 §2 (R10): a query naming an author puts that author's own works first", () => {
  it("あくたがわ: every work 芥川 竜之介 wrote comes before any other hit; titles about him come after", async () => {
    const his = worksBy(AKUTAGAWA);
    expect(his.size).toBeGreaterThan(300);
    const { first, ids } = await allHits({ q: "あくたがわ" });
    expect(first.totalExact).toBe(true);
    // His works first, all of them, then the rest: 芥川賞 選評, 芥川竜之介氏を弔ふ, 芥川の事ども …
    expect(new Set(ids.slice(0, his.size))).toEqual(his);
    const rivals = RIVALS.slice(0, 4).map((id) => ids.indexOf(idOf(`aozora:${id}`)));
    expect(rivals.every((i) => i >= his.size)).toBe(true);
    // The first page: his works only (before this change, one of them in the first 20).
    expect(first.hits.every((h) => his.has(h.id))).toBe(true);
  });

  it("offers the author as a refinement with the count of his works found", async () => {
    const his = worksBy(AKUTAGAWA);
    const r = await searchCatalog(db, { q: "あくたがわ" });
    expect(r.authors).toHaveLength(1);
    expect(r.authors[0]).toMatchObject({ name: AKUTAGAWA, count: his.size, countExact: true, active: false });
    // Narrowed to him: exactly those works, and the count the refinement promised.
    const narrowed = await allHits({ q: "あくたがわ", person: String(r.authors[0]!.personId) });
    expect(narrowed.first.total).toBe(his.size);
    expect(new Set(narrowed.ids)).toEqual(his);
    expect(narrowed.first.authors).toEqual([{ ...r.authors[0], count: his.size, countExact: true, active: true }]);
  });

  it("the name written, read, whole or in part: 芥川, 芥川竜之介, 芥川 竜之介, りゅうのすけ, アクタガワ リュウノスケ", async () => {
    const his = worksBy(AKUTAGAWA);
    for (const q of ["芥川", "芥川竜之介", "芥川 竜之介", "りゅうのすけ", "アクタガワ リュウノスケ", "龍之介"]) {
      const r = await searchCatalog(db, { q });
      expect(r.hits.every((h) => his.has(h.id)), q).toBe(true);
      expect(r.authors.map((a) => a.name), q).toEqual([AKUTAGAWA]);
    }
  });

  it("a title merely holding the name, by someone else, ranks after his works (芥川竜之介氏を弔ふ by 泉鏡花)", async () => {
    const { ids } = await allHits({ q: "芥川竜之介" });
    const his = worksBy(AKUTAGAWA);
    const kyoka = ids.indexOf(idOf("aozora:033223"));
    expect(kyoka).toBeGreaterThanOrEqual(his.size);
    expect(new Set(ids.slice(0, his.size))).toEqual(his);
  });

  it("a query naming no author offers no refinement and ranks as before (猫, 羅生門)", async () => {
    expect((await searchCatalog(db, { q: "猫" })).authors).toEqual([]);
    const r = await searchCatalog(db, { q: "羅生門" });
    expect(r.authors).toEqual([]);
    expect(r.hits.slice(0, 3).map((h) => h.title)).toEqual(["羅生門", "羅生門", "羅生門"]);
  });

  it("with another word, the refinement counts only his works holding it (芥川 羅生門)", async () => {
    const r = await searchCatalog(db, { q: "芥川 羅生門" });
    const his = r.hits.filter((h) => h.people.some((p) => p.name === AKUTAGAWA && p.role === "著者"));
    expect(his.length).toBeGreaterThan(0);
    expect(r.hits.slice(0, his.length)).toEqual(his);
    expect(r.authors).toMatchObject([{ name: AKUTAGAWA, count: his.length, countExact: true }]);
  });

  it("a bad person id is refused with the facet message; an unknown one finds nothing", async () => {
    const d = planSearch({ q: "猫", person: "x1" });
    expect(d.ok).toBe(false);
    expect((await searchCatalog(db, { q: "猫", person: "999999" })).total).toBe(0);
  });
});

describe("Issue 6 §2 (R10): the results page offers the author as a link that works without JavaScript", () => {
  it("GET /search?q=あくたがわ: 「著者：芥川 竜之介（N件）」, then the narrowed page with 解除", async () => {
    const n = worksBy(AKUTAGAWA).size;
    const res = await page(`/search?q=${encodeURIComponent("あくたがわ")}`);
    expect(res.status).toBe(200);
    const html = await res.text();
    const link = new RegExp(`<p class="author-refinement"><a href="([^"]+)">著者：芥川 竜之介（${n}件）</a></p>`).exec(html);
    expect(link, "refinement link").not.toBeNull();
    const href = decode(link![1]!);
    expect(href).toMatch(/^\/search\?q=%E3%81%82%E3%81%8F%E3%81%9F%E3%81%8C%E3%82%8F&person=\d+$/);

    const narrowed = await (await page(href)).text();
    expect(narrowed).toContain(`${n}件見つかりました`);
    expect(narrowed).toContain("著者：芥川 竜之介 で絞り込み中");
    const clear = /<a href="([^"]+)" aria-label="著者：芥川 竜之介 の絞り込みを解除">解除<\/a>/.exec(narrowed);
    expect(decode(clear![1]!)).toBe(`/search?q=${encodeURIComponent("あくたがわ")}`);
    // Facet and sort links keep the refinement.
    expect(narrowed).toMatch(/name="person" value="\d+"/);
  });

  it("the JSON API carries the refinement with its link", async () => {
    const res = await exports.default.fetch(`${BASE}/api/search?q=${encodeURIComponent("あくたがわ")}`);
    const body = (await res.json()) as { authors: { name: string; count: number; url: string }[] };
    expect(body.authors).toMatchObject([{ name: AKUTAGAWA, count: worksBy(AKUTAGAWA).size }]);
    expect(body.authors[0]!.url).toMatch(/&person=\d+$/);
  });
});

describe("Issue 6 §2 (R10): a title-reading prefix puts the closest title first", () => {
  it("ワガハイ: 吾輩は猫である first, before わが俳諧修業 and 我輩の智識吸収法", async () => {
    for (const q of ["ワガハイ", "わがはい", "ﾜｶﾞﾊｲ"]) {
      const r = await searchCatalog(db, { q });
      expect(r.hits[0]?.id, q).toBe(idOf(WAGAHAI));
      const titles = r.hits.map((h) => h.title);
      expect(titles, q).toEqual(expect.arrayContaining(["わが俳諧修業", "我輩の智識吸収法"]));
    }
  });
});

describe("Issue 6 §2 (R10): an ISBN as the record carries it", () => {
  const sfJapan = () => idOf(`ndl:${slice.records.find((r) => r.note?.includes("ISBN 4-19-862631-0"))!.sourceId}`);

  it("4-19-862631-0 (wrong check digit, 「チェックディジット不正」 on the record) finds SF Japan, with or without hyphens", async () => {
    const rec = slice.records.find((r) => r.note?.includes("ISBN 4-19-862631-0（チェックディジット不正）"));
    expect(rec?.isbn13 ?? null).toBeNull();
    for (const input of [{ q: "4-19-862631-0" }, { q: "4198626310" }, { q: "ISBN 4-19-862631-0" }, { isbn: "4-19-862631-0" }, { q: "４１９８６２６３１０" }]) {
      const r = await searchCatalog(db, input);
      expect(r.hits.map((h) => h.id), JSON.stringify(input)).toEqual([sfJapan()]);
    }
  });

  it("the VIZ Case Closed ISBNs NDL lists with wrong check digits find their volumes", async () => {
    const viz = slice.records.filter((r) => /（チェックディジット不正）/.test(r.note ?? "") && !r.note!.includes("4-19-862631-0"));
    expect(viz.length).toBeGreaterThan(0);
    for (const rec of viz) {
      const printed = /ISBN (\S+)（チェックディジット不正）/.exec(rec.note!)![1]!;
      const r = await searchCatalog(db, { q: printed });
      expect(r.hits.map((h) => h.id), printed).toContain(idOf(`ndl:${rec.sourceId}`));
    }
  });

  it("valid ISBN-10 and ISBN-13 forms still find their record; a wrong digit nobody carries finds nothing", async () => {
    const clean = slice.records.find((r) => /^Clean Architecture/.test(r.title))!;
    for (const q of ["978-4-04-893065-9", "9784048930659", "4-04-893065-6", "4048930656"]) {
      expect((await searchCatalog(db, { q })).hits.map((h) => h.id), q).toEqual([idOf(`ndl:${clean.sourceId}`)]);
    }
    expect((await searchCatalog(db, { q: "4-19-862631-1" })).total).toBe(0);
    expect((await searchCatalog(db, { q: "978-4-04-893065-0" })).total).toBe(0);
  });
});

describe("Issue 6 §2 (R10): the bounds on work still hold", () => {
  const SCANS = /^SCAN (records|record_grams|items|record_search_keys|record_people|people|r|i|s|rp|pe)\b/;

  it("capped, the author's works still come first and the refinement's count reads as a floor", async () => {
    const tiny = { candidates: 5, tested: 5, count: 5 };
    const r = await searchCatalog(db, { q: "あくたがわ" }, tiny);
    const his = worksBy(AKUTAGAWA);
    expect(r.capped).toBe(true);
    expect(r.hits.length).toBe(5);
    expect(r.hits.every((h) => his.has(h.id))).toBe(true);
    expect(r.authors).toMatchObject([{ name: AKUTAGAWA, countExact: false }]);
    expect(r.authors[0]!.count).toBeLessThanOrEqual(5);
    expect(searchResultsMain(r).toString()).toMatch(/著者：芥川 竜之介（\d件以上）/);
  });

  it("plans stay on indexes: author keys, the person refinement, recorded ISBNs", async () => {
    const person = [...worksBy(AKUTAGAWA)][0]!;
    const row = await env.DB.prepare("SELECT person_id AS id FROM record_people WHERE record_id = ? AND role = '著者'").bind(person).first<{ id: number }>();
    for (const input of [
      { q: "あくたがわ" },
      { q: "あくたがわ 羅生", person: String(row!.id), branch: "1", decade: "1990" },
      { q: "4-19-862631-0" },
      { q: "ワガハイ", isbn: "9784048930659" },
    ]) {
      const d = planSearch(input);
      if (!d.ok) throw new Error(JSON.stringify(d.reasons));
      const queries = [pageQuery(d.plan), facetQuery(d.plan), authorQuery(d.plan)].filter((q) => q !== null);
      for (const q of queries) {
        const r = await d1Statement(db, sql`EXPLAIN QUERY PLAN ${q}`).all<{ detail: string }>();
        expect(r.results.map((x) => x.detail).filter((x) => SCANS.test(x)), JSON.stringify(input)).toEqual([]);
        expect(boundParams(q), JSON.stringify(input)).toBeLessThanOrEqual(100);
      }
    }
  });

  it("the largest search the form allows, with a person, stays under 100 bound parameters", () => {
    const d = planSearch({ q: "あ い う え お", title: "か き", author: "く け", publisher: "こ", ndc: "91", person: "1", branch: "1", type: "book", decade: "1990", page: "2" });
    if (!d.ok) throw new Error(JSON.stringify(d.reasons));
    for (const q of [pageQuery(d.plan), facetQuery(d.plan), authorQuery(d.plan)!]) expect(boundParams(q)).toBeLessThanOrEqual(100);
  });
});
