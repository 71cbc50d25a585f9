// Issue 7 item 1 (R13), inside workerd on the migrated D1: the patron's cart is the same on every device they log in
// from; lines collected before the login join it (no duplicates, CART_LIMIT kept, counted over the patron's lines
// from every device); the header's 「予約カートを見る (n)」 on every page the Worker renders, and its JSON for the static
// pages' script; 「予約カートに入れる」 and 「マイブックリストに追加」 on each search result.
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import type { Db } from "../../worker/src/data/db.ts";
import { reindexRecords } from "../../worker/src/data/search-index.ts";
import { CART_LIMIT } from "../../worker/src/domain/policy.ts";
import { CART_COOKIE } from "../../worker/src/routes/cart.ts";
import { demoDb, insertPatron, type TestPatron } from "../support/accounts.ts";
import { insertItem, insertRecord } from "../support/factories.ts";
import { TestClient, mainOf, textOf } from "../support/session-client.ts";

let db: Db;
beforeAll(async () => {
  db = await demoDb();
});

async function holdable(title = "装置の本"): Promise<number> {
  const record = await insertRecord(db, { title });
  await insertItem(db, { recordId: record.id });
  return record.id;
}

function add(client: TestClient, recordId: number): Promise<Response> {
  return client.request("/cart", { form: { recordId: String(recordId) } });
}

async function device(p: TestPatron): Promise<TestClient> {
  const client = new TestClient();
  await client.login(p.cardNumber, p.password!);
  return client;
}

async function cartIds(client: TestClient): Promise<number[]> {
  const { html } = await client.page("/cart");
  return [...mainOf(html).matchAll(/<a id="cart-line-(\d+)"/g)].map((m) => Number(m[1]));
}

const patronLines = (p: TestPatron) =>
  env.DB.prepare("SELECT record_id FROM cart_lines WHERE patron_id = ? ORDER BY added_at, id").bind(p.id).all<{ record_id: number }>().then((r) => r.results.map((l) => l.record_id));

function headerCount(html: string): string | undefined {
  return /<a class="cart-link" href="\/cart" data-cart-lines="(\d+)">予約カートを見る \((\d+)\)<\/a>/.exec(html)?.[2];
}

describe("R13, issue 7 item 1: the same cart on every device", () => {
  it("a line added on one device is in the cart on the other; 「解除」 on either removes it from both", async () => {
    const p = await insertPatron(db);
    const phone = await device(p);
    const library = await device(p);
    const [a, b] = [await holdable("電話で入れた本"), await holdable("図書館で入れた本")];
    expect((await add(phone, a)).status).toBe(303);
    expect((await add(library, b)).status).toBe(303);
    expect(phone.cookies.get(CART_COOKIE)).not.toBe(library.cookies.get(CART_COOKIE));
    expect(await cartIds(phone)).toEqual([a, b]);
    expect(await cartIds(library)).toEqual([a, b]);
    // The same record from the other device: one line (cart_lines_patron_record), the answer says it was there.
    expect((await add(library, a)).headers.get("location")).toBe(`/cart?already=${a}`);
    expect(await patronLines(p)).toEqual([a, b]);
    await library.request("/cart/remove", { form: { recordId: String(a) } });
    expect(await cartIds(phone)).toEqual([b]);
  });

  it(`the limit (${CART_LIMIT}) is counted over the patron's lines on every device, also under concurrent adds from two devices`, async () => {
    const p = await insertPatron(db);
    const phone = await device(p);
    const library = await device(p);
    for (let n = 0; n < CART_LIMIT - 2; n++) expect((await add(n % 2 ? phone : library, await holdable(`上限の本 ${n}`))).status).toBe(303);
    const extra = await Promise.all(Array.from({ length: 6 }, () => holdable("同時の本")));
    const answers = await Promise.all(extra.map((r, i) => add(i % 2 ? phone : library, r)));
    expect(answers.filter((r) => r.status === 303)).toHaveLength(2);
    expect(answers.filter((r) => r.status === 400)).toHaveLength(4);
    expect(await patronLines(p)).toHaveLength(CART_LIMIT);
    const refused = await add(phone, await holdable("もう一冊"));
    expect(refused.status).toBe(400);
    expect(textOf(mainOf(await refused.text()))).toContain(`予約カートがいっぱいです（${CART_LIMIT}冊まで）`);
  });

  it("lines collected before the login join the patron's cart (no duplicates), and show on the other device", async () => {
    const p = await insertPatron(db);
    const home = await device(p);
    const [mine, both, fresh] = [await holdable("前からの本"), await holdable("両方の本"), await holdable("新しい本")];
    await add(home, mine);
    await add(home, both);
    const kiosk = new TestClient();
    await add(kiosk, both);
    await add(kiosk, fresh);
    const res = await kiosk.loginWithForm(p.cardNumber, p.password!, "/cart");
    expect(res.headers.get("location")).toBe("/cart");
    expect(await patronLines(p)).toEqual([mine, both, fresh]);
    expect(await cartIds(kiosk)).toEqual([mine, both, fresh]);
    expect(await cartIds(home)).toEqual([mine, both, fresh]);
  });

  it("logout on one device leaves the cart on the other; the logged-out browser shows nothing of it", async () => {
    const p = await insertPatron(db);
    const a = await device(p);
    const b = await device(p);
    const r = await holdable("残る本");
    await add(a, r);
    await a.page("/account");
    expect((await a.request("/logout", { form: {} })).status).toBe(303);
    expect(await cartIds(a)).toEqual([]);
    expect(await cartIds(b)).toEqual([r]);
  });

  it("another patron's lines under the same browser key are never shown or counted", async () => {
    const p = await insertPatron(db);
    const q = await insertPatron(db);
    const client = await device(p);
    const r = await holdable("甲の本");
    await add(client, r);
    client.cookies.delete("__Host-shiori_session"); // the session ended; the cart cookie stayed
    await client.login(q.cardNumber, q.password!);
    expect(await cartIds(client)).toEqual([]);
    expect(headerCount((await client.page("/account")).html)).toBe("0");
    expect(await patronLines(p)).toEqual([r]);
  });
});

describe("issue 7 item 1: 「予約カートを見る (n)」", () => {
  it("every Worker page carries the count in the link's text (account, cart, lists, search with a cart, refusals)", async () => {
    const p = await insertPatron(db);
    const client = await device(p);
    expect(headerCount((await client.page("/account")).html)).toBe("0");
    for (const n of [1, 2, 3]) await add(client, await holdable(`数える本 ${n}`));
    for (const path of ["/account", "/cart", "/lists", "/lists/999999999", "/search?q=%E6%95%B0%E3%81%88%E3%82%8B%E6%9C%AC"]) {
      const { html } = await client.page(path);
      expect(headerCount(html), path).toBe("3");
    }
    // A page with a count is this browser's alone.
    const search = await client.request("/search?q=%E6%95%B0%E3%81%88%E3%82%8B%E6%9C%AC", { html: true });
    expect(search.headers.get("cache-control")).toBe("private, no-store");
    await search.arrayBuffer();
  });

  it("an anonymous cart is counted too; a visitor with neither cart nor session gets the shared search page, uncounted", async () => {
    const visitor = new TestClient();
    const plain = await visitor.request("/search?q=%E6%9C%AC", { html: true });
    expect(plain.headers.get("cache-control")).toBe("public, max-age=60");
    // Once the browser has a cart, its own cache must not hand it the uncounted page.
    expect(plain.headers.get("vary")).toContain("Cookie");
    expect(await plain.text()).toContain('<a class="cart-link" href="/cart">予約カートを見る</a>');
    expect(headerCount((await visitor.page("/cart")).html)).toBe("0");
    await add(visitor, await holdable());
    expect(headerCount((await visitor.page("/cart")).html)).toBe("1");
    expect(headerCount((await visitor.page("/search?q=%E6%9C%AC")).html)).toBe("1");
  });

  it("GET /api/cart/lines answers the count as JSON, private and no-store (the static pages' /cart-lines.js)", async () => {
    const visitor = new TestClient();
    let res = await visitor.request("/api/cart/lines");
    expect(await res.json()).toEqual({ lines: 0 });
    await add(visitor, await holdable());
    await add(visitor, await holdable());
    res = await visitor.request("/api/cart/lines");
    expect(res.headers.get("cache-control")).toBe("private, no-store");
    expect(await res.json()).toEqual({ lines: 2 });
  });

  it("the static pages carry the script as a file (CSP: no inline script), a few hundred bytes, not on guide pages", async () => {
    const script = await env.ASSETS.fetch(new Request("https://assets.invalid/cart-lines.js"));
    expect(script.status).toBe(200);
    const body = await script.text();
    expect(body.length).toBeLessThan(1200); // issue 10 item 6: it fills the session slot too (the header island is gone)
    expect(body).toContain("/api/cart/lines");
    const home = await (await env.ASSETS.fetch(new Request("https://assets.invalid/"))).text();
    expect(home).toContain('<script src="/cart-lines.js" defer></script>');
    const guide = await (await env.ASSETS.fetch(new Request("https://assets.invalid/guide/"))).text();
    expect(guide).not.toContain("cart-lines.js");
  });
});

describe("issue 7 items 1 and 9: each search result", () => {
  it("R11: a holdable hit has 「予約カートに入れる」 (a plain tokenless POST /cart that works); every hit has 「マイブックリストに追加」", async () => {
    const tag = `検索結果カート${crypto.randomUUID().slice(0, 6)}`;
    const yes = await holdable(`${tag} 予約できる本`);
    const no = await insertRecord(db, { title: `${tag} 禁帯出の本` });
    await insertItem(db, { recordId: no.id, loanable: false });
    await reindexRecords(db, [yes, no.id]);
    const visitor = new TestClient();
    const { res, html } = await visitor.page(`/search?q=${encodeURIComponent(tag)}`);
    expect(res.status).toBe(200);
    const main = mainOf(html);
    expect(main).toContain(`<form method="post" action="/cart"><input type="hidden" name="recordId" value="${yes}"><button type="submit" aria-describedby="hit-${yes}">予約カートに入れる</button></form>`);
    expect(main).not.toContain(`name="recordId" value="${no.id}"`);
    expect(main).toContain(`<a href="/lists/add?record=${no.id}" aria-describedby="hit-${no.id}">マイブックリストに追加</a>`);
    expect(main).not.toContain("_csrf");
    const added = await visitor.request("/cart", { form: { recordId: String(yes) } });
    expect(added.headers.get("location")).toBe(`/cart?added=${yes}`);
  });
});
