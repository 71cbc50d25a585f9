// Issue 6 item 1 ("any port") and item 4, against the running server (SHIORI_URL): every URL the site names for
// itself — canonical links of static and Worker pages, JSON-LD, sitemaps, robots.txt, OpenSearch — names the
// origin actually served, not wrangler.toml's. `npm test` / `npm run test:e2e` build for and serve on one port
// (tests/support/run-all.ts, server.ts); `PORT=8801 npm start` does the same on 8801. Builds nothing itself.
import { before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { BASE } from "./browser.ts";
import { openCatalogReader } from "../../db/cli/platform.ts";
import { devServerArgs, localOrigin } from "../../db/cli/paths.ts";

const served = new URL(BASE);
let recordId: number;
let seriesRecordId: number;

/** Same host as served, or localhost for 127.0.0.1 (both loopback), and the same port. */
function assertServedOrigin(url: string, where: string): void {
  const u = new URL(url);
  const loopback = (h: string) => (h === "127.0.0.1" || h === "[::1]" ? "localhost" : h);
  assert.equal(u.port, served.port, `${where}: ${url} names port ${u.port || "(default)"}, the server is on ${served.port}`);
  assert.equal(loopback(u.hostname), loopback(served.hostname), `${where}: ${url}`);
  assert.equal(u.protocol, served.protocol, `${where}: ${url}`);
}

async function text(path: string, init: RequestInit = {}): Promise<{ res: Response; body: string }> {
  const res = await fetch(BASE + path, { redirect: "manual", ...init });
  return { res, body: await res.text() };
}

before(async () => {
  const reader = await openCatalogReader();
  try {
    recordId = (await reader.d1.prepare("SELECT min(id) AS id FROM records").first<{ id: number }>())!.id;
    seriesRecordId = (await reader.d1.prepare("SELECT min(id) AS id FROM records WHERE series_id IS NOT NULL").first<{ id: number }>())!.id;
  } finally {
    await reader.dispose();
  }
});

describe("Issue 6 item 1: the site names the origin it is served at", () => {
  it("robots.txt names the served sitemap and disallows nothing", async () => {
    const { res, body } = await text("/robots.txt");
    assert.equal(res.status, 200);
    const sitemap = /^Sitemap: (\S+)$/m.exec(body)?.[1];
    assert.ok(sitemap, body);
    assertServedOrigin(sitemap, "robots.txt");
    assert.doesNotMatch(body, /^Disallow:\s*\S/m);
  });

  it("the sitemap index and every sitemap name served URLs, each record with a <lastmod>", async () => {
    const index = (await text("/sitemap.xml")).body;
    const files = [...index.matchAll(/<loc>([^<]+)<\/loc>/g)].map((m) => m[1]!);
    assert.ok(files.length >= 2, index);
    for (const f of files) assertServedOrigin(f, "sitemap.xml");
    assert.match(index, /<sitemap><loc>[^<]+records-1\.xml<\/loc><lastmod>\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z<\/lastmod><\/sitemap>/);
    for (const f of files) {
      const body = (await text(new URL(f).pathname)).body;
      const urls = [...body.matchAll(/<url><loc>([^<]+)<\/loc>(<lastmod>[^<]+<\/lastmod>)?<\/url>/g)];
      assert.ok(urls.length > 0, f);
      assertServedOrigin(urls[0]![1]!, f);
      assertServedOrigin(urls.at(-1)![1]!, f);
      if (f.includes("records-")) assert.ok(urls.every((u) => /^<lastmod>\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z<\/lastmod>$/.test(u[2] ?? "")), `${f}: every record has a lastmod`);
    }
  });

  it("a static record page: canonical and JSON-LD (url, isPartOf) on the served origin", async () => {
    for (const id of [recordId, seriesRecordId]) {
      const { res, body } = await text(`/catalog/${id}/`);
      assert.equal(res.status, 200);
      assertServedOrigin(/<link rel="canonical" href="([^"]+)"/.exec(body)![1]!, `record ${id} canonical`);
      const ld = JSON.parse(/<script type="application\/ld\+json">(.*?)<\/script>/s.exec(body)![1]!);
      assertServedOrigin(ld.url, `record ${id} JSON-LD url`);
      assertServedOrigin(ld["@id"], `record ${id} JSON-LD @id`);
      if (id === seriesRecordId) assertServedOrigin(ld.isPartOf.url, `record ${id} isPartOf`);
    }
  });

  it("the home page and the guide have a canonical link on the served origin", async () => {
    for (const path of ["/", "/guide/", "/guide/search/"]) {
      const { body } = await text(path);
      const canonical = /<link rel="canonical" href="([^"]+)"/.exec(body)?.[1];
      assert.ok(canonical, `${path} has a canonical link`);
      assertServedOrigin(canonical, path);
      assert.equal(new URL(canonical).pathname, path);
    }
  });

  it("opensearch.xml: its own media type, and the search template on the served origin", async () => {
    const os = await text("/opensearch.xml");
    assert.equal(os.res.headers.get("content-type"), "application/opensearchdescription+xml; charset=utf-8");
    const template = /template="([^"]+)"/.exec(os.body)![1]!;
    assertServedOrigin(template.replace("{searchTerms}", "x"), "opensearch.xml");
  });

  it("the Worker is started with the same origin (wrangler dev --var SITE_ORIGIN), for its own pages and mails", () => {
    const args = devServerArgs(served.port, localOrigin(served.port));
    assert.deepEqual(args.slice(args.indexOf("--var"), args.indexOf("--var") + 2), ["--var", `SITE_ORIGIN:http://localhost:${served.port}`]);
    assert.deepEqual(args.slice(0, 5), ["dev", "--port", served.port, "--ip", "127.0.0.1"]);
  });
});

describe("Issue 6 items 4 and 6 on the served site", () => {
  it("a static path asked with POST: 405 with Allow: GET, HEAD", async () => {
    const res = await fetch(`${BASE}/guide/`, { method: "POST", body: "a=1", headers: { "content-type": "application/x-www-form-urlencoded" } });
    assert.equal(res.status, 405);
    assert.equal(res.headers.get("allow"), "GET, HEAD");
  });

  it("a Worker path asked with the wrong method: 405 with Allow and a page", async () => {
    const res = await fetch(`${BASE}/search`, { method: "DELETE", body: "{}", headers: { accept: "text/html", "content-type": "application/json", origin: served.origin, "sec-fetch-site": "same-origin" } });
    assert.equal(res.status, 405);
    assert.equal(res.headers.get("allow"), "GET, HEAD");
    assert.match(await res.text(), /この操作はできません/);
  });

  it("POST /cart with multipart without a boundary: 400 with a page, not 500", async () => {
    const res = await fetch(`${BASE}/cart`, {
      method: "POST",
      body: "--x\r\nContent-Disposition: form-data; name=\"recordId\"\r\n\r\n1\r\n--x--\r\n",
      headers: { "content-type": "multipart/form-data", accept: "text/html", origin: served.origin, "sec-fetch-site": "same-origin" },
      redirect: "manual",
    });
    assert.equal(res.status, 400);
    assert.match(await res.text(), /送信された内容を読み取れませんでした/);
  });

  it("the pages for one visitor are crawlable but noindex by header", async () => {
    for (const path of ["/cart", "/login", "/search?q=%E7%8C%AB"]) {
      const res = await fetch(BASE + path, { headers: { accept: "text/html" }, redirect: "manual" });
      assert.equal(res.headers.get("x-robots-tag"), "noindex", path);
    }
  });
});
