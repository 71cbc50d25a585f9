// 「マイブックリスト」 (issue 7 item 9) inside workerd on the migrated D1: names (valibot: trimmed, 1–100 characters,
// no control characters), every limit at its edge (list 21, record 501, a taken name) as a 409 page and never a 500,
// the triggers as the backstop, add/remove/rename/delete, 「予約カートに入れる」 for a whole list within R13's limit
// (R11: not-holdable records named), and patron A never reaching patron B's lists by any id in a URL or a form.
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import type { Db } from "../../worker/src/data/db.ts";
import { parseBookListName, planListToCart } from "../../worker/src/domain/book-lists.ts";
import { MESSAGES } from "../../worker/src/domain/messages.ts";
import { BOOK_LIST_ENTRY_LIMIT, BOOK_LIST_LIMIT, BOOK_LIST_NAME_MAX, CART_LIMIT } from "../../worker/src/domain/policy.ts";
import { demoDb, insertPatron, type TestPatron } from "../support/accounts.ts";
import { insertItem, insertRecord } from "../support/factories.ts";
import { TestClient, mainOf, textOf } from "../support/session-client.ts";

let db: Db;
beforeAll(async () => {
  db = await demoDb();
});

async function loggedIn(p: TestPatron): Promise<TestClient> {
  const client = new TestClient();
  await client.login(p.cardNumber, p.password!);
  await client.page("/lists");
  return client;
}

async function post(client: TestClient, path: string, form: Record<string, string> = {}): Promise<Response> {
  return client.request(path, { form });
}

function listIdFrom(res: Response): number {
  const m = /^\/lists\/(\d+)\?/.exec(res.headers.get("location") ?? "");
  if (!m) throw new Error(`no list in ${res.status} ${res.headers.get("location")}`);
  return Number(m[1]);
}

async function createList(client: TestClient, name: string): Promise<number> {
  const res = await post(client, "/lists", { name });
  expect(res.status).toBe(303);
  return listIdFrom(res);
}

const listsOf = (p: TestPatron) =>
  env.DB.prepare("SELECT id, name FROM book_lists WHERE patron_id = ? ORDER BY id").bind(p.id).all<{ id: number; name: string }>().then((r) => r.results);
const entriesOf = (listId: number) =>
  env.DB.prepare("SELECT record_id FROM book_list_entries WHERE list_id = ? ORDER BY id").bind(listId).all<{ record_id: number }>().then((r) => r.results.map((e) => e.record_id));

async function holdable(title: string): Promise<number> {
  const record = await insertRecord(db, { title });
  await insertItem(db, { recordId: record.id });
  return record.id;
}

describe("マイブックリスト: the name (domain/book-lists.ts parseBookListName)", () => {
  it("trims, and takes 1 to 100 characters counted as characters (not UTF-16 units)", () => {
    expect(parseBookListName("  夏休みに読む本　")).toEqual({ ok: true, name: "夏休みに読む本" });
    expect(parseBookListName("本".repeat(BOOK_LIST_NAME_MAX))).toEqual({ ok: true, name: "本".repeat(BOOK_LIST_NAME_MAX) });
    expect(parseBookListName("📚".repeat(BOOK_LIST_NAME_MAX)).ok).toBe(true);
    expect(parseBookListName("本".repeat(BOOK_LIST_NAME_MAX + 1))).toEqual({ ok: false, reasons: ["book_list_name_too_long"] });
  });
  it("refuses an empty or blank name, a control character, and a name that is not text", () => {
    expect(parseBookListName("")).toEqual({ ok: false, reasons: ["book_list_name_empty"] });
    expect(parseBookListName(" 　 ")).toEqual({ ok: false, reasons: ["book_list_name_empty"] });
    expect(parseBookListName("読む\n本")).toEqual({ ok: false, reasons: ["book_list_name_control"] });
    expect(parseBookListName("読む\u0000本")).toEqual({ ok: false, reasons: ["book_list_name_control"] });
    expect(parseBookListName(undefined)).toEqual({ ok: false, reasons: ["book_list_name_empty"] });
  });
  it("collects every reason", () => {
    expect(parseBookListName(`\t${"本".repeat(BOOK_LIST_NAME_MAX)}\u0007x`)).toEqual({ ok: false, reasons: ["book_list_name_too_long", "book_list_name_control"] });
  });
  it("R11, R13 planListToCart: in the list's order, not-holdable and already-in-cart records apart", () => {
    expect(
      planListToCart([
        { recordId: 1, holdable: true, inCart: false },
        { recordId: 2, holdable: false, inCart: false },
        { recordId: 3, holdable: true, inCart: true },
        { recordId: 4, holdable: true, inCart: false },
      ]),
    ).toEqual({ tryAdd: [1, 4], notHoldable: [2], alreadyInCart: [3] });
  });
});

describe("マイブックリスト: pages and writes", () => {
  it("login required: GET /lists sends a browser to the login and back; a form post without a session is 401", async () => {
    const anonymous = new TestClient();
    const res = await anonymous.request("/lists/add?record=1", { html: true });
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe(`/login?next=${encodeURIComponent("/lists/add?record=1")}`);
    await anonymous.page("/password/apply/form");
    expect((await post(anonymous, "/lists", { name: "x" })).status).toBe(401);
  });

  it("create → 303 to the list, which says so; the lists page names it with its count; private pages (no-store, noindex)", async () => {
    const p = await insertPatron(db);
    const client = await loggedIn(p);
    const id = await createList(client, "  夏休みに読む本 ");
    expect(await listsOf(p)).toEqual([{ id, name: "夏休みに読む本" }]);
    const { res, html } = await client.page(`/lists/${id}?created=1`);
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toContain("no-store");
    expect(html).toContain('<meta name="robots" content="noindex">');
    expect(textOf(mainOf(html))).toContain("マイブックリスト「夏休みに読む本」を作りました。");
    const lists = textOf(mainOf((await client.page("/lists")).html));
    expect(lists).toContain("夏休みに読む本");
    expect(lists).toContain("（0件）");
    expect(lists).toContain(`${BOOK_LIST_LIMIT}件まで`);
  });

  it("a name with markup is shown as text, never as markup", async () => {
    const client = await loggedIn(await insertPatron(db));
    const id = await createList(client, '<script>alert(1)</script>"');
    const { html } = await client.page(`/lists/${id}`);
    expect(html).not.toContain("<script>alert(1)</script>");
    expect(html).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
  });

  it("a bad name → 400 with the reason, the form kept, nothing made", async () => {
    const p = await insertPatron(db);
    const client = await loggedIn(p);
    for (const [name, code] of [
      [" 　", "book_list_name_empty"],
      ["本".repeat(BOOK_LIST_NAME_MAX + 1), "book_list_name_too_long"],
      ["改行\r\nあり", "book_list_name_control"],
    ] as const) {
      const res = await post(client, "/lists", { name });
      expect(res.status).toBe(400);
      const main = mainOf(await res.text());
      expect(textOf(main)).toContain(MESSAGES[code]);
      expect(main).toContain('aria-invalid="true"');
    }
    expect(await listsOf(p)).toEqual([]);
  });

  it("a taken name → 409 「同じ名前…」, nothing made; another patron may use the same name", async () => {
    const p = await insertPatron(db);
    const client = await loggedIn(p);
    await createList(client, "読みたい本");
    const res = await post(client, "/lists", { name: "読みたい本 " });
    expect(res.status).toBe(409);
    expect(textOf(mainOf(await res.text()))).toContain(MESSAGES.book_list_name_taken);
    expect(await listsOf(p)).toHaveLength(1);
    const other = await loggedIn(await insertPatron(db));
    await createList(other, "読みたい本");
  });

  it(`list ${BOOK_LIST_LIMIT + 1} → 409 「…${BOOK_LIST_LIMIT}件まで…」; the page then offers no create form; the trigger refuses a raw insert past it`, async () => {
    const p = await insertPatron(db);
    for (let n = 1; n < BOOK_LIST_LIMIT; n++) await env.DB.prepare("INSERT INTO book_lists (patron_id, name, created_at) VALUES (?, ?, ?)").bind(p.id, `リスト${n}`, n).run();
    const client = await loggedIn(p);
    await createList(client, `リスト${BOOK_LIST_LIMIT}`);
    const res = await post(client, "/lists", { name: "もう一つ" });
    expect(res.status).toBe(409);
    expect(textOf(mainOf(await res.text()))).toContain(MESSAGES.book_list_limit_reached);
    expect(await listsOf(p)).toHaveLength(BOOK_LIST_LIMIT);
    expect(mainOf((await client.page("/lists")).html)).not.toContain('action="/lists"');
    await expect(env.DB.prepare("INSERT INTO book_lists (patron_id, name, created_at) VALUES (?, 'raw', 0)").bind(p.id).run()).rejects.toThrow(/book_list_limit_reached/);
    // Concurrent creates at the limit after deleting one: exactly one more.
    await env.DB.prepare("DELETE FROM book_lists WHERE patron_id = ? AND name = 'リスト1'").bind(p.id).run();
    const answers = await Promise.all(Array.from({ length: 5 }, (_, n) => post(client, "/lists", { name: `同時${n}` })));
    expect(answers.map((r) => r.status).sort()).toEqual([303, 409, 409, 409, 409]);
    expect(await listsOf(p)).toHaveLength(BOOK_LIST_LIMIT);
  });

  it("add from the add page: a select of the patron's own lists; added → the list says so; again → 「すでに…」, one entry", async () => {
    const p = await insertPatron(db);
    const client = await loggedIn(p);
    const a = await createList(client, "一つ目");
    const b = await createList(client, "二つ目");
    const recordId = await holdable("坊っちゃん");
    const { html } = await client.page(`/lists/add?record=${recordId}`);
    const main = mainOf(html);
    expect(main).toContain("坊っちゃん");
    expect(main).toContain(`<option value="${a}">一つ目（0件）</option>`);
    expect(main).toContain(`<option value="${b}">`);
    expect(main).toContain("マイブックリストに追加</button>");
    let res = await post(client, "/lists/add", { listId: String(b), recordId: String(recordId) });
    expect(res.headers.get("location")).toBe(`/lists/${b}?added=${recordId}`);
    expect(textOf(mainOf((await client.page(`/lists/${b}?added=${recordId}`)).html))).toContain("「坊っちゃん」をこのリストに追加しました。");
    res = await post(client, "/lists/add", { listId: String(b), recordId: String(recordId) });
    expect(res.headers.get("location")).toBe(`/lists/${b}?already=${recordId}`);
    expect(await entriesOf(b)).toEqual([recordId]);
    expect(await entriesOf(a)).toEqual([]);
  });

  it("a new list from the add page takes the record in; a bad name there keeps the page (400)", async () => {
    const p = await insertPatron(db);
    const client = await loggedIn(p);
    const recordId = await holdable("草枕");
    expect(mainOf((await client.page(`/lists/add?record=${recordId}`)).html)).toContain("マイブックリストはまだありません。");
    const bad = await post(client, "/lists", { name: "", recordId: String(recordId) });
    expect(bad.status).toBe(400);
    expect(textOf(mainOf(await bad.text()))).toContain("草枕");
    const res = await post(client, "/lists", { name: "漱石", recordId: String(recordId) });
    const id = listIdFrom(res);
    expect(res.headers.get("location")).toBe(`/lists/${id}?added=${recordId}`);
    expect(await entriesOf(id)).toEqual([recordId]);
  });

  it("bad and unknown ids: 400 / 404 pages in Japanese, never a 500", async () => {
    const client = await loggedIn(await insertPatron(db));
    const id = await createList(client, "試し");
    const cases: [string, Record<string, string> | null, number][] = [
      ["/lists/add?record=abc", null, 400],
      ["/lists/add?record=999999999", null, 404],
      ["/lists/add?record=99999999999999999999999", null, 400],
      ["/lists/999999999", null, 404],
      ["/lists/99999999999999999999999", null, 404],
      ["/lists/999999999/delete", null, 404],
      ["/lists/add", { listId: String(id), recordId: "x" }, 400],
      ["/lists/add", { listId: "", recordId: "1" }, 400],
      ["/lists/add", { listId: String(id), recordId: "999999999" }, 404],
      ["/lists/add", { listId: "999999999", recordId: "1" }, 404],
      [`/lists/${id}/remove`, { recordId: "-1" }, 400],
      ["/lists/999999999/remove", { recordId: "1" }, 404],
      ["/lists/999999999/rename", { name: "x" }, 404],
      ["/lists/999999999/delete", {}, 404],
      ["/lists/999999999/cart", {}, 404],
      ["/lists", { name: "x", recordId: "999999999" }, 404],
    ];
    for (const [path, form, status] of cases) {
      const res = form ? await post(client, path, form) : await client.request(path, { html: true });
      expect(res.status, path).toBe(status);
      expect(await res.text(), path).toMatch(/見つかりませんでした|正しくありません|選んでください/);
    }
  });

  it(`record ${BOOK_LIST_ENTRY_LIMIT + 1} → 409 「…${BOOK_LIST_ENTRY_LIMIT}件まで…」; the trigger refuses a raw insert past it`, async () => {
    const p = await insertPatron(db);
    const client = await loggedIn(p);
    const id = await createList(client, "大きなリスト");
    const tag = `bl-${crypto.randomUUID()}`;
    await env.DB.prepare(`WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < ${BOOK_LIST_ENTRY_LIMIT + 1})
      INSERT INTO records (source, source_id, title, created_at, updated_at) SELECT ?, ? || x, '大量の本 ' || x, 0, 0 FROM n`).bind("test", tag).run();
    await env.DB.prepare(`INSERT INTO book_list_entries (list_id, record_id, added_at)
      SELECT ?, id, id FROM records WHERE source = 'test' AND source_id LIKE ? || '%' ORDER BY id LIMIT ${BOOK_LIST_ENTRY_LIMIT - 1}`).bind(id, tag).run();
    const rest = await env.DB.prepare("SELECT id FROM records WHERE source = 'test' AND source_id LIKE ? || '%' ORDER BY id DESC LIMIT 2").bind(tag).all<{ id: number }>();
    const [last, over] = rest.results.map((r) => r.id);
    expect((await post(client, "/lists/add", { listId: String(id), recordId: String(over) })).status).toBe(303); // the 500th
    const res = await post(client, "/lists/add", { listId: String(id), recordId: String(last) });
    expect(res.status).toBe(409);
    expect(textOf(mainOf(await res.text()))).toContain(MESSAGES.book_list_full);
    expect((await entriesOf(id)).length).toBe(BOOK_LIST_ENTRY_LIMIT);
    await expect(env.DB.prepare("INSERT INTO book_list_entries (list_id, record_id, added_at) VALUES (?, ?, 0)").bind(id, last).run()).rejects.toThrow(/book_list_full/);
    const page = await client.page(`/lists/${id}`);
    expect(page.res.status).toBe(200);
    expect(textOf(mainOf(page.html))).toContain(`${BOOK_LIST_ENTRY_LIMIT}件／${BOOK_LIST_ENTRY_LIMIT}件まで`);
  });

  it("「削除」 removes the record (303 ?removed, the page names it); a second press changes nothing", async () => {
    const client = await loggedIn(await insertPatron(db));
    const id = await createList(client, "削除の試し");
    const keep = await holdable("残す本");
    const drop = await holdable("消す本");
    for (const r of [keep, drop]) await post(client, "/lists/add", { listId: String(id), recordId: String(r) });
    const { html } = await client.page(`/lists/${id}`);
    expect(html).toContain(`aria-describedby="list-entry-${drop}">削除</button>`);
    let res = await post(client, `/lists/${id}/remove`, { recordId: String(drop) });
    expect(res.headers.get("location")).toBe(`/lists/${id}?removed=${drop}`);
    expect(textOf(mainOf((await client.page(`/lists/${id}?removed=${drop}`)).html))).toContain("「消す本」をこのリストから削除しました。");
    res = await post(client, `/lists/${id}/remove`, { recordId: String(drop) });
    expect(res.headers.get("location")).toBe(`/lists/${id}`);
    expect(await entriesOf(id)).toEqual([keep]);
  });

  it("rename: 303 ?renamed; the same name again is fine; a taken name → 409, a bad one → 400, the list unchanged", async () => {
    const p = await insertPatron(db);
    const client = await loggedIn(p);
    const id = await createList(client, "旧い名前");
    await createList(client, "別のリスト");
    expect((await post(client, `/lists/${id}/rename`, { name: "新しい名前" })).headers.get("location")).toBe(`/lists/${id}?renamed=1`);
    expect((await post(client, `/lists/${id}/rename`, { name: "新しい名前" })).status).toBe(303);
    const taken = await post(client, `/lists/${id}/rename`, { name: "別のリスト" });
    expect(taken.status).toBe(409);
    expect(textOf(mainOf(await taken.text()))).toContain(MESSAGES.book_list_name_taken);
    expect((await post(client, `/lists/${id}/rename`, { name: "" })).status).toBe(400);
    expect((await listsOf(p)).map((l) => l.name)).toEqual(["新しい名前", "別のリスト"]);
  });

  it("delete asks first (a page with the POST form); the post deletes the list and its entries → /lists?deleted=1", async () => {
    const p = await insertPatron(db);
    const client = await loggedIn(p);
    const id = await createList(client, "消すリスト");
    await post(client, "/lists/add", { listId: String(id), recordId: String(await holdable("中の本")) });
    const confirm = mainOf((await client.page(`/lists/${id}/delete`)).html);
    expect(confirm).toContain("「消すリスト」（1件）を削除します");
    expect(confirm).toContain(`action="/lists/${id}/delete"`);
    const res = await post(client, `/lists/${id}/delete`);
    expect(res.headers.get("location")).toBe("/lists?deleted=1");
    expect(await listsOf(p)).toEqual([]);
    expect(await entriesOf(id)).toEqual([]);
    expect((await post(client, `/lists/${id}/delete`)).status).toBe(404);
  });

  it(`R11, R13 「予約カートに入れる」 for a list: holdable records in the list's order, within ${CART_LIMIT} lines; the answer counts what did not fit and what is not holdable; the list stays`, async () => {
    const p = await insertPatron(db);
    const client = await loggedIn(p);
    const id = await createList(client, "まとめて");
    // The cart already holds CART_LIMIT - 2 lines.
    for (let n = 0; n < CART_LIMIT - 2; n++) {
      expect((await client.request("/cart", { form: { recordId: String(await holdable(`カートの本 ${n}`)) } })).status).toBe(303);
    }
    const inCart = (await env.DB.prepare("SELECT record_id FROM cart_lines WHERE patron_id = ? ORDER BY id LIMIT 1").bind(p.id).first<{ record_id: number }>())!.record_id;
    const reference = await insertRecord(db, { title: "禁帯出の辞典" });
    await insertItem(db, { recordId: reference.id, loanable: false });
    const wanted = [await holdable("一冊目"), await holdable("二冊目"), await holdable("三冊目")];
    for (const r of [inCart, reference.id, ...wanted]) await post(client, "/lists/add", { listId: String(id), recordId: String(r) });
    const before = textOf(mainOf((await client.page(`/lists/${id}`)).html));
    expect(before).toContain("予約カートに入っています");
    expect(before).toContain("この書誌は予約できません。");
    const res = await post(client, `/lists/${id}/cart`);
    expect(res.headers.get("location")).toBe(`/lists/${id}?carted=2&full=1&unholdable=1&inCart=1`);
    const cart = await env.DB.prepare("SELECT record_id FROM cart_lines WHERE patron_id = ? ORDER BY id").bind(p.id).all<{ record_id: number }>();
    expect(cart.results).toHaveLength(CART_LIMIT);
    expect(cart.results.map((r) => r.record_id).slice(-2)).toEqual(wanted.slice(0, 2));
    const answer = textOf(mainOf((await client.page(res.headers.get("location")!)).html));
    expect(answer).toContain("2件を予約カートに入れました。");
    expect(answer).toContain("1件はすでに予約カートに入っています。");
    expect(answer).toContain(`1件は、予約カートが${CART_LIMIT}冊までのため入りませんでした`);
    expect(answer).toContain("1件は予約できない資料のため入れていません");
    expect(await entriesOf(id)).toEqual([inCart, reference.id, ...wanted]);
  });

  it("R05: a temporary password opens no list page", async () => {
    const p = await insertPatron(db, { password: "Kari7777", temporary: true });
    const client = new TestClient();
    await client.login(p.cardNumber, p.password!);
    const res = await client.request("/lists", { html: true });
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/account/password");
  });

  it("「利用者情報メンテナンス」 links 「マイブックリスト」", async () => {
    const client = await loggedIn(await insertPatron(db));
    expect(mainOf((await client.page("/account")).html)).toContain('<a href="/lists">マイブックリスト</a>');
  });
});

describe("authorization: patron A never reaches patron B's lists, by any id in a URL or a form", () => {
  it("every route on B's list answers A 404, shows nothing of B's, and changes nothing", async () => {
    const a = await insertPatron(db);
    const b = await insertPatron(db);
    const bClient = await loggedIn(b);
    const bList = await createList(bClient, "乙の秘密のリスト");
    const bRecord = await holdable("乙の秘密の本");
    await post(bClient, "/lists/add", { listId: String(bList), recordId: String(bRecord) });
    const snapshot = async () => ({ lists: await listsOf(b), entries: await entriesOf(bList), cart: (await env.DB.prepare("SELECT count(*) AS n FROM cart_lines WHERE record_id = ?").bind(bRecord).first())!.n });
    const before = await snapshot();
    const aClient = await loggedIn(a);
    const aList = await createList(aClient, "甲のリスト");
    const other = await holdable("甲の本");
    const gets = [`/lists/${bList}`, `/lists/${bList}/delete`];
    for (const path of gets) {
      const res = await aClient.request(path, { html: true });
      expect(res.status, path).toBe(404);
      expect(await res.text(), path).not.toContain("乙の秘密");
    }
    const posts: [string, Record<string, string>][] = [
      [`/lists/${bList}/remove`, { recordId: String(bRecord) }],
      [`/lists/${bList}/rename`, { name: "甲が付けた名前" }],
      [`/lists/${bList}/delete`, {}],
      [`/lists/${bList}/cart`, {}],
      ["/lists/add", { listId: String(bList), recordId: String(other) }],
      // A's own list in the path, B's id in the body: only A's list is touched.
      [`/lists/${aList}/remove`, { recordId: String(bRecord), listId: String(bList) }],
    ];
    for (const [path, form] of posts) {
      const res = await post(aClient, path, form);
      expect([303, 404], path).toContain(res.status);
      if (path.includes(String(bList))) expect(res.status, path).toBe(404);
      expect(await res.text(), path).not.toContain("乙の秘密");
    }
    // The lists page, the add page: A's lists only.
    for (const path of ["/lists", `/lists/add?record=${other}&listId=${bList}`]) {
      const html = (await aClient.page(path)).html;
      expect(html, path).not.toContain("乙の秘密のリスト");
      expect(html, path).toContain("甲のリスト");
    }
    expect(await snapshot()).toEqual(before);
  });
});
