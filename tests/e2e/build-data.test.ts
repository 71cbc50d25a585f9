// Issue 6 item 1 ("a build that does not fall over on a busy machine"): the pre-render reads the local D1 through
// node:sqlite, without a socket (db/cli/local-d1.ts), from the very file wrangler uses; and where a socket is
// unavoidable (SHIORI_REMOTE=1), reads are retried on connection errors only. Node-side; needs `npm run build`.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { openCatalogReader, openLocalPlatform, isTransientError, localDatabaseFile, withRetry } from "../../db/cli/platform.ts";
import { durableObjectIdFromName, openSqliteD1 } from "../../db/cli/local-d1.ts";
import { getRecordPages, listRecordIds } from "../../worker/src/data/catalog-read.ts";
import { buildOrigin, localOrigin } from "../../db/cli/paths.ts";

describe("Issue 6 item 1: the build reads the local D1 without a socket", () => {
  it("the catalogue reader is socketless and reads the same file wrangler's local D1 is", async () => {
    const file = localDatabaseFile();
    assert.ok(existsSync(file), `${file} exists`);
    const reader = await openCatalogReader();
    const proxy = await openLocalPlatform();
    try {
      assert.equal(reader.socketless, true);
      // A marker only the proxy's database can know: write through wrangler's D1, read it back through the file.
      const marker = `probe-${process.pid}-${Date.now()}`;
      await proxy.d1.prepare("CREATE TABLE IF NOT EXISTS _shiori_probe (v TEXT)").run();
      await proxy.d1.prepare("INSERT INTO _shiori_probe (v) VALUES (?)").bind(marker).run();
      try {
        const seen = await reader.d1.prepare("SELECT v FROM _shiori_probe WHERE v = ?").bind(marker).first<{ v: string }>();
        assert.equal(seen?.v, marker);
      } finally {
        await proxy.d1.prepare("DROP TABLE _shiori_probe").run();
      }
    } finally {
      await reader.dispose();
      await proxy.dispose();
    }
  });

  it("the record pages read through the file equal those read through wrangler's D1 (getRecordPages, one batch)", async () => {
    const reader = await openCatalogReader();
    const proxy = await openLocalPlatform();
    try {
      const ids = await listRecordIds(reader.db, { limit: 1_000_000 });
      assert.deepEqual(ids, await listRecordIds(proxy.db, { limit: 1_000_000 }));
      // The first chunk, a middle one with series, and the last: what the build renders.
      for (const part of [ids.slice(0, 300), ids.slice(Math.floor(ids.length / 2), Math.floor(ids.length / 2) + 300), ids.slice(-300)]) {
        assert.deepEqual(await getRecordPages(reader.db, part), await getRecordPages(proxy.db, part));
      }
    } finally {
      await reader.dispose();
      await proxy.dispose();
    }
  });

  it("the reader is read-only: nothing the pre-render runs can change the database", async () => {
    const local = openSqliteD1(localDatabaseFile(), { readOnly: true });
    try {
      await assert.rejects(local.d1.prepare("CREATE TABLE _nope (x)").run(), /readonly|read-only/i);
    } finally {
      local.close();
    }
  });

  it("the file name is workerd's Durable Object id for the database id (as miniflare derives it)", () => {
    // The id of the object named "00000000-0000-0000-0000-000000000000" (wrangler.toml's local database_id).
    assert.equal(
      durableObjectIdFromName("miniflare-D1DatabaseObject", "00000000-0000-0000-0000-000000000000"),
      "9ba2b04bf514d9facfd57ed57d849e77241a7adc99d1c1545d06688b43d84248",
    );
  });
});

describe("Issue 6 item 1: retry with backoff, for connection errors only", () => {
  const reset = () => Object.assign(new TypeError("fetch failed"), { cause: Object.assign(new Error("other side closed"), { code: "UND_ERR_SOCKET" }) });

  it("a read that fails twice with `fetch failed … other side closed` succeeds on the third try", async () => {
    let calls = 0;
    const retries: number[] = [];
    const value = await withRetry(
      async () => {
        calls++;
        if (calls < 3) throw reset();
        return "rows";
      },
      { baseDelayMs: 1, onRetry: (_e, attempt) => retries.push(attempt) },
    );
    assert.equal(value, "rows");
    assert.equal(calls, 3);
    assert.deepEqual(retries, [1, 2]);
  });

  it("a query error is not retried, and the last connection error is thrown after the last attempt", async () => {
    let calls = 0;
    await assert.rejects(
      withRetry(async () => {
        calls++;
        throw new Error("D1_ERROR: no such table: recordz");
      }, { baseDelayMs: 1 }),
      /no such table/,
    );
    assert.equal(calls, 1);
    calls = 0;
    await assert.rejects(
      withRetry(async () => {
        calls++;
        throw reset();
      }, { attempts: 3, baseDelayMs: 1 }),
      /fetch failed/,
    );
    assert.equal(calls, 3);
  });

  it("tells connection errors from the rest", () => {
    assert.equal(isTransientError(reset()), true);
    assert.equal(isTransientError(Object.assign(new Error("read ECONNRESET"), { code: "ECONNRESET" })), true);
    assert.equal(isTransientError(new TypeError("fetch failed", { cause: Object.assign(new Error("read"), { code: "ECONNRESET" }) })), true);
    assert.equal(isTransientError(new Error("D1_ERROR: UNIQUE constraint failed")), false);
    assert.equal(isTransientError("nope"), false);
  });
});

describe("Issue 6 item 1: the origin a build is made for", () => {
  it("SITE_ORIGIN wins, else the local server's for PORT, else wrangler.toml's (undefined here)", () => {
    assert.equal(buildOrigin({ PORT: "8801" }), "http://localhost:8801");
    assert.equal(buildOrigin({ PORT: "8801", SITE_ORIGIN: "https://opac.example.jp/" }), "https://opac.example.jp");
    assert.equal(buildOrigin({}), undefined);
    assert.equal(localOrigin(8845), "http://localhost:8845");
  });
});
