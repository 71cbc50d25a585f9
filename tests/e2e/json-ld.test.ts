// Issue 6 item 4: the JSON-LD of every record page in the built catalogue keeps to schema.org's vocabulary (as
// schema-dts declares it: tests/support/schema-org.ts), and says what the data says: volumeNumber only for real
// volume numbers, position for the order, translators as translator, responsibility statements split by role,
// isPartOf with the series' URL. Reads the built pages (site/dist) and the local D1 they were built from; the
// server is not needed.
import { before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { openCatalogReader } from "../../db/cli/platform.ts";
import { SITE_DIST } from "../../db/cli/paths.ts";
import { getRecordPages, listRecordIds } from "../../worker/src/data/catalog-read.ts";
import { recordJsonLd } from "../../worker/src/views/record.ts";
import { creditProperty, splitResponsibility, volumeNumberOf } from "../../worker/src/views/record-json-ld.ts";
import { parseSchemaDts, vocabularyProblems, type Vocabulary } from "../support/schema-org.ts";

const require = createRequire(import.meta.url);
let vocab: Vocabulary;
type Ld = Record<string, unknown> & { "@type": string | string[] };
/** Every record page's JSON-LD as the static page carries it, by record id. */
const pages = new Map<number, Ld>();
const records = new Map<number, { volumeLabel: string | null; volumeOrder: number | null; seriesId: number | null; responsibility: string | null; roles: string[] }>();

before(async () => {
  vocab = parseSchemaDts(readFileSync(require.resolve("schema-dts/dist/schema.d.ts"), "utf8"));
  const reader = await openCatalogReader();
  try {
    const ids = await listRecordIds(reader.db, { limit: 1_000_000 });
    for (let i = 0; i < ids.length; i += 1000) {
      for (const p of await getRecordPages(reader.db, ids.slice(i, i + 1000))) {
        const r = p.record;
        records.set(r.id, { volumeLabel: r.volumeLabel, volumeOrder: r.volumeOrder, seriesId: r.seriesId, responsibility: r.responsibility, roles: p.people.map((x) => x.role) });
        const file = path.join(SITE_DIST, "catalog", String(r.id), "index.html");
        // Past the static cap the Worker renders the page from the same builder.
        const ld = existsSync(file)
          ? JSON.parse(/<script type="application\/ld\+json">(.*?)<\/script>/s.exec(readFileSync(file, "utf8"))![1]!)
          : recordJsonLd(p, "http://localhost:8787");
        pages.set(r.id, ld);
      }
    }
  } finally {
    await reader.dispose();
  }
  assert.ok(pages.size > 10_000, `the demo catalogue is built (${pages.size} record pages)`);
});

const types = (ld: Ld) => (Array.isArray(ld["@type"]) ? ld["@type"] : [ld["@type"]]);

describe("Issue 6 item 4: every record's JSON-LD against schema.org", () => {
  it("keeps to the vocabulary: known types, declared properties, values in range", () => {
    const problems: string[] = [];
    for (const [id, ld] of pages) for (const p of vocabularyProblems(vocab, ld)) problems.push(`record ${id} ${p}`);
    assert.deepEqual(problems.slice(0, 20), [], `${problems.length} problems`);
  });

  it("the checker itself refuses what schema.org does not have (volumeNumber on a plain Book, a Person as publisher's address)", () => {
    assert.ok(vocabularyProblems(vocab, { "@context": "https://schema.org", "@type": "Book", name: "x", volumeNumber: "1" }).length > 0);
    assert.ok(vocabularyProblems(vocab, { "@type": "Book", author: { "@type": "BookSeries", name: "x" } }).length > 0);
    assert.ok(vocabularyProblems(vocab, { "@type": "Book", position: { "@type": "Person" } }).length > 0);
    assert.ok(vocabularyProblems(vocab, { "@type": "Bok" }).length > 0);
    assert.deepEqual(vocabularyProblems(vocab, { "@type": ["Book", "PublicationVolume"], volumeNumber: "2", isbn: "9784003101018" }), []);
  });

  it("volumeNumber only for real volume numbers; 「跋」「序」 and dates are not; position carries the order", () => {
    let numbered = 0;
    let notNumbers = 0;
    for (const [id, ld] of pages) {
      const r = records.get(id)!;
      if (ld.volumeNumber !== undefined) {
        numbered++;
        assert.equal(ld.volumeNumber, volumeNumberOf(r.volumeLabel), `record ${id}`);
        assert.ok(types(ld).includes("PublicationVolume"), `record ${id}: volumeNumber needs PublicationVolume`);
      } else if (r.volumeLabel && r.seriesId !== null) {
        notNumbers++;
        assert.equal(volumeNumberOf(r.volumeLabel), null, `record ${id}: 「${r.volumeLabel}」 is a volume number`);
      }
      if (r.seriesId !== null && r.volumeOrder !== null) assert.equal(ld.position, r.volumeOrder, `record ${id}`);
    }
    assert.ok(numbered > 50, `${numbered} records with a volume number`);
    assert.ok(notNumbers > 1000, `${notNumbers} records whose volume label is not a number`);
    for (const label of ["跋", "序", "南洲手抄言志録", "3 解決編", "一八九五年一月二日"]) assert.equal(volumeNumberOf(label), null, label);
    for (const label of ["1", "第3巻", "Volume 11", "no. 1894", "上", "後編", "[5]"]) assert.ok(volumeNumberOf(label), label);
  });

  it("translators are translator, and a translator-only record has no author", () => {
    let translatorOnly = 0;
    for (const [id, ld] of pages) {
      const roles = records.get(id)!.roles;
      if (roles.length && roles.every((r) => r === "翻訳者")) {
        translatorOnly++;
        assert.equal(ld.author, undefined, `record ${id}`);
        assert.ok(Array.isArray(ld.translator) && ld.translator.length === roles.length, `record ${id}`);
      }
    }
    assert.ok(translatorOnly > 100, `${translatorOnly} translator-only records`);
  });

  it("a responsibility statement is split by role, never one Person named after the whole statement", () => {
    let split = 0;
    for (const [id, ld] of pages) {
      const r = records.get(id)!;
      if (r.roles.length || !r.responsibility) continue;
      for (const key of ["author", "translator", "editor", "illustrator", "contributor"]) {
        for (const p of (ld[key] as { name: string }[] | undefined) ?? []) {
          assert.notEqual(p.name, r.responsibility, `record ${id}: the whole statement as a name`);
          assert.ok(!/[,，]/.test(p.name), `record ${id}: ${p.name}`);
        }
      }
      if (/[,，]/.test(r.responsibility) && ld.author) split++;
    }
    assert.ok(split > 10, `${split} statements split`);
    assert.deepEqual(splitResponsibility("中田ヤスタカ 作曲,山里佐和子 編曲"), [
      { name: "中田ヤスタカ", property: "author" },
      { name: "山里佐和子", property: "contributor" },
    ]);
    assert.deepEqual(splitResponsibility("中田ヤスタカ [作詞・作曲],山本躍 編曲・浄書"), [
      { name: "中田ヤスタカ", property: "author" },
      { name: "山本躍", property: "contributor" },
    ]);
    assert.deepEqual(splitResponsibility("スピッツ"), []);
    assert.deepEqual(splitResponsibility("今夜、あの街から"), []);
    assert.equal(creditProperty("翻訳者"), "translator");
    assert.equal(creditProperty("校訂者"), "editor");
  });

  it("isPartOf names the series with its URL, the same on every volume", () => {
    const bySeries = new Map<number, string>();
    let parts = 0;
    for (const [id, ld] of pages) {
      const r = records.get(id)!;
      if (r.seriesId === null) {
        assert.equal(ld.isPartOf, undefined, `record ${id}`);
        continue;
      }
      const part = ld.isPartOf as { url?: string; "@id"?: string; name?: string };
      assert.match(part.url ?? "", /^https?:\/\/[^/]+\/catalog\/\d+\/#series$/, `record ${id}`);
      assert.equal(part["@id"], part.url);
      assert.ok(part.name, `record ${id}`);
      const seen = bySeries.get(r.seriesId);
      if (seen) assert.equal(part.url, seen, `record ${id}`);
      else bySeries.set(r.seriesId, part.url!);
      parts++;
    }
    assert.ok(parts > 500, `${parts} volumes in series`);
  });
});
