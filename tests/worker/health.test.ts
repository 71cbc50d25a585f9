import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";

describe("worker", () => {
  it("answers the trivial endpoint", async () => {
    const res = await exports.default.fetch("https://shiori.test/health");
    expect(res.status).toBe(200);
    expect(await res.text()).toBe("ok");
  });
  it("has the migrated schema, FTS5 trigram included", async () => {
    const row = await env.DB.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name IN ('records','holds','record_search_fts')").first<{ n: number }>();
    expect(row?.n).toBe(3);
  });
});
