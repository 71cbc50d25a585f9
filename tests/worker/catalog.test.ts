// Record pages past the static cap, live availability, 404s (R10, R11, R15) — inside workerd on the migrated D1.
// Ids start at 900,000,001 so no pre-rendered page in site/dist shadows the Worker's fallback route.
import { env, exports } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { createDb } from "../../worker/src/data/db.ts";
import { branches, items, people, recordPeople, records, series } from "../../db/schema/index.ts";

const BASE = "https://shiori.test";
const ID = 900_000_001;
const now = Date.now();

const ids = {
  holdable: ID,
  reference: ID + 1,
  outside: ID + 2,
  vol1: ID + 10,
  vol2: ID + 11,
  vol3: ID + 12,
  evil: ID + 20,
};

function record(id: number, title: string, extra: Partial<typeof records.$inferInsert> = {}): typeof records.$inferInsert {
  return { id, source: "test", sourceId: String(id), title, createdAt: now, updatedAt: now, ...extra };
}

let barcode = 0;
function copy(recordId: number, branchId: number, loanable: boolean, status: "on_shelf" | "on_loan" = "on_shelf"): typeof items.$inferInsert {
  return { barcode: `T${++barcode}`, recordId, branchId, loanable, status, shelfMark: "913.6/ナ", createdAt: now };
}

beforeAll(async () => {
  const db = createDb(env.DB);
  await db.insert(branches).values([
    { id: 1, code: "chuo", name: "中央図書館", inCity: true, isPickup: true, sortOrder: 1 },
    { id: 2, code: "move", name: "ムーブ図書・情報室", inCity: true, isPickup: true, sortOrder: 2 },
    { id: 9, code: "fukuokapref", name: "福岡県立図書館", inCity: false, isPickup: false, sortOrder: 9 },
  ]);
  await db.insert(series).values({ id: 70, sourceKey: "test:yoake", title: "夜明け前", titleReading: "ヨアケマエ" });
  await db.insert(records).values([
    record(ids.holdable, "吾輩は猫である", {
      titleReading: "ワガハイ ワ ネコ デ アル",
      publisher: "岩波書店",
      pubYear: 1990,
      ndc: "913.6",
      isbn13: "9784003101018",
    }),
    record(ids.reference, "広辞苑", { titleReading: "コウジエン" }),
    record(ids.outside, "県立にしかない本"),
    // Inserted out of order: the page must list them by volume_order.
    record(ids.vol3, "夜明け前 第二部下", { seriesId: 70, volumeLabel: "第二部下", volumeOrder: 4 }),
    record(ids.vol1, "夜明け前", { seriesId: 70, subtitle: "第一部上", volumeLabel: "第一部上", volumeOrder: 1 }),
    record(ids.vol2, "夜明け前 第一部下", { seriesId: 70, volumeLabel: "第一部下", volumeOrder: 2 }),
    record(ids.evil, '</script><script>alert("x")</script><b>太字</b>', {
      titleReading: "<i>よみ</i>",
      publisher: "A & B <出版>",
    }),
  ]);
  await db.insert(people).values([
    { id: 1, sourceKey: "test:soseki", name: "夏目漱石", nameReading: "ナツメ ソウセキ" },
    { id: 2, sourceKey: "test:evil", name: '"><img src=x onerror=alert(1)>', nameReading: null },
  ]);
  await db.insert(recordPeople).values([
    { recordId: ids.holdable, personId: 1, role: "著者", position: 1 },
    { recordId: ids.evil, personId: 2, role: "著者", position: 1 },
  ]);
  await db.insert(items).values([
    copy(ids.holdable, 1, true, "on_loan"),
    copy(ids.holdable, 2, true),
    copy(ids.holdable, 1, false),
    copy(ids.reference, 1, false),
    copy(ids.outside, 9, true),
    copy(ids.vol1, 1, true),
    copy(ids.vol2, 1, true),
    copy(ids.vol3, 1, true),
    copy(ids.evil, 1, true),
  ]);
});

function get(path: string, accept = "text/html") {
  return exports.default.fetch(BASE + path, { headers: { accept }, redirect: "manual" });
}

describe("R10 record page rendered by the Worker (past the static cap)", () => {
  it("renders the record into the shell: title, reading, authors, details, JSON-LD, canonical", async () => {
    const res = await get(`/catalog/${ids.holdable}/`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/text\/html/);
    const body = await res.text();
    expect(body).toMatch(/<html lang="ja">/);
    expect(body).toContain("<title>吾輩は猫である | ");
    expect(body).toContain("<ruby>吾輩は猫である<rp>（</rp><rt>ワガハイ ワ ネコ デ アル</rt>");
    expect(body).toContain("夏目漱石");
    expect(body).toContain("（著者）");
    expect(body).toContain("岩波書店");
    expect(body).toContain("1990年");
    expect(body).toContain("913.6");
    expect(body).toContain("9784003101018");
    expect(body).toContain(`<link rel="canonical" href="${(env as unknown as { SITE_ORIGIN: string }).SITE_ORIGIN}/catalog/${ids.holdable}/">`);
    expect(body).not.toContain('name="robots"');
    // The shell's header stays: R13's link top right, and the search form.
    expect(body).toContain("予約カートを見る");
    expect(body).toContain('action="/search"');
    const ld = JSON.parse(/<script type="application\/ld\+json">(.*?)<\/script>/s.exec(body)![1]!);
    expect(ld["@type"]).toBe("Book");
    expect(ld.name).toBe("吾輩は猫である");
    expect(ld.author).toEqual([{ "@type": "Person", name: "夏目漱石" }]);
    expect(ld.isbn).toBe("9784003101018");
  });

  it("lists holdings by branch with 禁帯出 for the reference-only copy and each copy's status", async () => {
    const body = await (await get(`/catalog/${ids.holdable}/`)).text();
    expect(body).toContain("中央図書館");
    expect(body).toContain("ムーブ図書・情報室");
    expect(body).toContain("禁帯出");
    expect(body).toContain("貸出中");
    expect(body).toContain(`<a href="/availability/${ids.holdable}">最新の所蔵状況を見る</a>`);
  });

  it("R11: a holdable record has the plain cart form 「予約カートに入れる」", async () => {
    const body = await (await get(`/catalog/${ids.holdable}/`)).text();
    expect(body).toMatch(/<form method="post" action="\/cart"[^>]*><input type="hidden" name="recordId" value="900000001"><button type="submit">予約カートに入れる<\/button><\/form>/);
    expect(body).not.toContain("この書誌は予約できません。");
  });

  it("R11: a reference-only record says 「この書誌は予約できません。」 and has no cart form", async () => {
    const body = await (await get(`/catalog/${ids.reference}/`)).text();
    expect(body).toContain("この書誌は予約できません。");
    expect(body).not.toContain("予約カートに入れる");
    expect(body).not.toContain('action="/cart"');
  });

  it("R12: a record held only outside the city is not holdable online and points to the paper request", async () => {
    const body = await (await get(`/catalog/${ids.outside}/`)).text();
    expect(body).toContain("この書誌は予約できません。");
    expect(body).toContain("リクエスト（予約）申込書");
    expect(body).not.toContain("予約カートに入れる");
  });

  it("R15: links the other volumes of the series in order, marking this one", async () => {
    const body = await (await get(`/catalog/${ids.vol2}/`)).text();
    const list = /<ol class="volumes">(.*?)<\/ol>/s.exec(body)![1]!;
    expect(list).toBe(
      `<li><a href="/catalog/${ids.vol1}/">第一部上</a></li>` +
        `<li><span aria-current="page">第一部下</span></li>` +
        `<li><a href="/catalog/${ids.vol3}/">第二部下</a></li>`,
    );
  });

  it("Issue 6 item 4: a volume's JSON-LD: isPartOf with the series' URL, position for the order, no volumeNumber for 「第一部下」", async () => {
    const origin = (env as unknown as { SITE_ORIGIN: string }).SITE_ORIGIN;
    const body = await (await get(`/catalog/${ids.vol2}/`)).text();
    const ld = JSON.parse(/<script type="application\/ld\+json">(.*?)<\/script>/s.exec(body)![1]!);
    expect(ld["@type"]).toBe("Book");
    expect(ld.isPartOf).toEqual({ "@type": "BookSeries", "@id": `${origin}/catalog/${ids.vol1}/#series`, url: `${origin}/catalog/${ids.vol1}/#series`, name: "夜明け前" });
    expect(ld.position).toBe(2);
    expect(ld.volumeNumber).toBeUndefined();
  });

  it("names the volume once when the subtitle already says it", async () => {
    const body = await (await get(`/catalog/${ids.vol1}/`)).text();
    expect(body).toContain("<title>夜明け前 : 第一部上 | ");
    expect(body).toMatch(/<h1>夜明け前<\/h1><p class="subtitle">第一部上<\/p>/);
  });

  it("escapes catalogue text everywhere, JSON-LD included", async () => {
    const body = await (await get(`/catalog/${ids.evil}/`)).text();
    expect(body).not.toContain('<script>alert("x")</script>');
    expect(body).not.toContain("<b>太字</b>");
    expect(body).not.toContain("<img src=x");
    expect(body).not.toContain("<i>よみ</i>");
    expect(body).toContain("&lt;b&gt;太字&lt;/b&gt;");
    expect(body).toContain("A &amp; B &lt;出版&gt;");
    // Exactly one </script> per script element: the JSON-LD cannot be closed early.
    const ldText = /<script type="application\/ld\+json">(.*?)<\/script>/s.exec(body)![1]!;
    expect(ldText).not.toContain("<");
    expect(JSON.parse(ldText).name).toBe('</script><script>alert("x")</script><b>太字</b>');
  });

  it("redirects /catalog/{id} to /catalog/{id}/", async () => {
    const res = await get(`/catalog/${ids.holdable}`);
    expect(res.status).toBe(301);
    expect(res.headers.get("location")).toBe(`/catalog/${ids.holdable}/`);
  });

  it("answers an unknown record with the 404 page", async () => {
    const res = await get(`/catalog/${ID + 999}/`);
    expect(res.status).toBe(404);
    const body = await res.text();
    expect(body).toContain("この書誌は見つかりませんでした。");
    expect(body).toContain("予約カートを見る");
  });

  it.each(["abc", "0", "-1", "1e3", "0x10", "12.5", "99999999999999999999", "%00", "1%20OR%201=1", "%E5%90%BE"])(
    "answers the bad id %s with a 404, never a 500",
    async (bad) => {
      for (const path of [`/catalog/${bad}/`, `/catalog/${bad}`, `/availability/${bad}`]) {
        const res = await get(path);
        expect(res.status, path).toBe(404);
      }
      const api = await get(`/api/records/${bad}/availability`, "application/json");
      expect(api.status).toBe(404);
      expect(await api.json()).toMatchObject({ error: { code: "not_found" } });
    },
  );
});

describe("R11 live availability", () => {
  it("answers JSON: copies per branch with status, and the holdable decision", async () => {
    const res = await get(`/api/records/${ids.holdable}/availability`, "application/json");
    expect(res.status).toBe(200);
    const body = (await res.json()) as any;
    expect(body.recordId).toBe(ids.holdable);
    expect(body.holdable).toEqual({ ok: true });
    expect(body.branches.map((b: any) => b.name)).toEqual(["中央図書館", "ムーブ図書・情報室"]);
    const chuo = body.branches[0];
    expect(chuo.copies.map((c: any) => [c.status, c.loanable, c.statusLabel])).toEqual([
      ["on_loan", true, "貸出中"],
      ["on_shelf", false, "在架"],
    ]);
    expect(chuo.availableCopies).toBe(0);
    expect(body.branches[1].availableCopies).toBe(1);
    expect(typeof body.checkedAt).toBe("string");
  });

  it("gives the reasons a record is not holdable, with their messages", async () => {
    const reference = (await (await get(`/api/records/${ids.reference}/availability`, "application/json")).json()) as any;
    expect(reference.holdable.ok).toBe(false);
    expect(reference.holdable.reasons.map((r: any) => r.code)).toEqual(["not_loanable"]);
    const outside = (await (await get(`/api/records/${ids.outside}/availability`, "application/json")).json()) as any;
    expect(outside.holdable.reasons.map((r: any) => r.code)).toEqual(["not_held_in_city"]);
    expect(outside.holdable.reasons[0].message).toContain("リクエスト（予約）申込書");
  });

  it("reflects a status change at once (live, not the build's copy)", async () => {
    await env.DB.prepare("UPDATE items SET status = 'on_loan' WHERE record_id = ? AND branch_id = 2").bind(ids.holdable).run();
    const body = (await (await get(`/api/records/${ids.holdable}/availability`, "application/json")).json()) as any;
    expect(body.branches[1].copies[0].statusLabel).toBe("貸出中");
    await env.DB.prepare("UPDATE items SET status = 'on_shelf' WHERE record_id = ? AND branch_id = 2").bind(ids.holdable).run();
  });

  it("answers an unknown record with the JSON 404 envelope", async () => {
    const res = await get(`/api/records/${ID + 999}/availability`, "application/json");
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ error: { code: "not_found", message: "この書誌は見つかりませんでした。" } });
  });

  it("serves /availability/{id} as an HTML page with no JavaScript", async () => {
    const res = await get(`/availability/${ids.holdable}`);
    expect(res.status).toBe(200);
    const body = await res.text();
    expect(body).toContain("所蔵状況：吾輩は猫である");
    expect(body).toContain("貸出中");
    expect(body).toContain("予約カートに入れる");
    expect(body).toContain('<meta name="robots" content="noindex">');
    // The page itself needs no script (the header's session island is the shell's, an enhancement).
    const main = body.slice(body.indexOf("<main"), body.indexOf("</main>"));
    expect(main).toContain("所蔵状況");
    expect(main).not.toMatch(/<script(?![^>]*application\/ld\+json)/);
    const ref = await (await get(`/availability/${ids.reference}`)).text();
    expect(ref).toContain("この書誌は予約できません。");
  });
});

describe("issue 6: the holdings 「区分」 and 「状態」 columns say different things", () => {
  it("区分 is 貸出可 / 禁帯出, 状態 is where the copy is (在架, 貸出中, …)", async () => {
    const { holdingsTable, itemStatusLabel } = await import("../../worker/src/views/record.ts");
    const item = { id: 1, branchId: 1, branchCode: "C", branchName: "中央図書館", inCity: true, shelfMark: "913.6/ナ" };
    const cells = (html: string) => [...html.matchAll(/<td[^>]*>(?:<strong>)?([^<]*)/g)].map((m) => m[1]);
    const rows = [
      { ...item, loanable: true, status: "on_shelf" },
      { ...item, id: 2, loanable: false, status: "on_shelf" },
      { ...item, id: 3, loanable: true, status: "on_loan" },
    ];
    expect(cells(holdingsTable(rows).toString())).toEqual(["913.6/ナ", "貸出可", "在架", "913.6/ナ", "禁帯出", "在架", "913.6/ナ", "貸出可", "貸出中"]);
    for (const r of rows) expect(["貸出可", "禁帯出"]).not.toContain(itemStatusLabel(r));
  });
});
