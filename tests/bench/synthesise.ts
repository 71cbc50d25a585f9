// The large benchmark library: the demo library plus copies of the real records until there are `target`
// records. A copy keeps the real title, reading, people, publisher and NDC (so queries hit realistic result
// sizes, as a big library holds many editions of the same work), gets its own source id, a later year, no
// ISBN and no series, and its own demo holdings.
import { readFileSync } from "node:fs";
import { DEMO_CATALOG_FILES } from "../../db/cli/paths.ts";
import { openLocalPlatform } from "../../db/cli/platform.ts";
import { log } from "../../db/cli/run.ts";
import { readDemoFixture } from "../../db/cli/seed.ts";
import { importCatalogFiles, importHoldings, parseCatalogText } from "../../db/cli/catalog-import.ts";
import { seedDemo } from "../../db/seed/demo.ts";
import type { ImportRecord } from "../../db/import/types.ts";
import { upsertCatalog } from "../../worker/src/data/catalog-write.ts";

export async function synthesiseLibrary(persistTo: string, target: number) {
  process.env.SHIORI_PERSIST_TO = persistTo;
  const platform = await openLocalPlatform();
  try {
    await seedDemo(platform.db, readDemoFixture(), "bench-pepper", Date.now());
    const have = (await platform.d1.prepare("SELECT count(*) AS n FROM records").first<{ n: number }>())!.n;
    if (have === 0) await importCatalogFiles(platform.db, DEMO_CATALOG_FILES, log);
    const real: ImportRecord[] = [];
    for (const file of DEMO_CATALOG_FILES) real.push(...parseCatalogText(readFileSync(file, "utf8"), file).result.records);
    let count = (await platform.d1.prepare("SELECT count(*) AS n FROM records").first<{ n: number }>())!.n;
    const t0 = performance.now();
    let round = 0;
    while (count < target) {
      round++;
      const batch: ImportRecord[] = [];
      for (const r of real) {
        if (count + batch.length >= target) break;
        batch.push({
          ...r,
          sourceId: `${r.sourceId}~ed${round}`,
          series: null,
          volumeLabel: null,
          volumeOrder: null,
          isbn13: null,
          isbn10: null,
          pubYear: (r.pubYear ?? 1950) + round,
          note: `ベンチマーク用の合成書誌（第${round}版）`,
        });
      }
      // Already written in an earlier run: upsert keeps the count steady, so move on to the next round.
      for (let i = 0; i < batch.length; i += 5000) {
        const part = batch.slice(i, i + 5000);
        const written = await upsertCatalog(platform.db, part);
        await importHoldings(
          platform.db,
          part.map((r, j) => ({ id: written.ids[j]!, sourceKey: `${r.source}:${r.sourceId}`, inSeries: false, ndc: r.ndc })),
          () => {},
        );
      }
      count = (await platform.d1.prepare("SELECT count(*) AS n FROM records").first<{ n: number }>())!.n;
      log(`synthesised round ${round}: ${count} records`);
    }
    return { rounds: round, write_seconds: Math.round((performance.now() - t0) / 100) / 10 };
  } finally {
    await platform.dispose();
    delete process.env.SHIORI_PERSIST_TO;
  }
}
