// R11, R13: the reservation cart (予約カート) inside workerd on the migrated D1 — add, list, 「解除」, idempotent adds,
// R11 refusals, the cart's limit (also under concurrent adds), bad ids, cart A never touching cart B, and the CSRF
// token on 「解除」. Ids start at 910,000,001 so no pre-rendered page in site/dist names them.
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { createDb } from "../../worker/src/data/db.ts";
import { decideCartAdd } from "../../worker/src/domain/cart.ts";
import { MESSAGES } from "../../worker/src/domain/messages.ts";
import { CART_LIMIT, HOLD_LIMIT } from "../../worker/src/domain/policy.ts";
import { CSRF_MESSAGE } from "../../worker/src/middleware/csrf.ts";
import { CART_COOKIE } from "../../worker/src/routes/cart.ts";
import { COOKIES_NEEDED_TEXT } from "../../worker/src/views/cart.ts";
import { insertPatron } from "../support/accounts.ts";
import { branches, items, people, recordPeople, records } from "../../db/schema/index.ts";
import { TestClient, mainOf, textOf } from "../support/session-client.ts";

const ID = 910_000_001;
const now = Date.now();
const ids = {
  holdable: ID,
  volume: ID + 1,
  reference: ID + 2,
  outside: ID + 3,
  unknown: ID + 999_000,
  /** CART_LIMIT + 5 more holdable records, for the limit. */
  filler: (n: number) => ID + 100 + n,
};
const FILLERS = CART_LIMIT + 5;

function record(id: number, title: string, extra: Partial<typeof records.$inferInsert> = {}): typeof records.$inferInsert {
  return { id, source: "test", sourceId: String(id), title, createdAt: now, updatedAt: now, ...extra };
}

let barcode = 0;
function copy(recordId: number, branchId: number, loanable: boolean): typeof items.$inferInsert {
  return { barcode: `C${++barcode}`, recordId, branchId, loanable, status: "on_shelf", shelfMark: "913.6", createdAt: now };
}

beforeAll(async () => {
  const db = createDb(env.DB);
  await db.insert(branches).values([
    { id: 1, code: "chuo", name: "中央図書館", inCity: true, isPickup: true, sortOrder: 1 },
    { id: 9, code: "fukuokapref", name: "福岡県立図書館", inCity: false, isPickup: false, sortOrder: 9 },
  ]);
  const fillers = Array.from({ length: FILLERS }, (_, n) => record(ids.filler(n), `候補の本 ${n + 1}`));
  await db.insert(records).values([
    record(ids.holdable, "吾輩は猫である"),
    record(ids.volume, "夜明け前 第一部上", { volumeLabel: "第一部上", responsibility: "島崎藤村 著" }),
    record(ids.reference, "広辞苑"),
    record(ids.outside, "県立にしかない本"),
  ]);
  for (let i = 0; i < fillers.length; i += 10) await db.insert(records).values(fillers.slice(i, i + 10));
  await db.insert(people).values({ id: 1, sourceKey: "test:soseki", name: "夏目漱石", nameReading: "ナツメ ソウセキ" });
  await db.insert(recordPeople).values({ recordId: ids.holdable, personId: 1, role: "著者", position: 1 });
  const copies = [
    copy(ids.holdable, 1, true),
    copy(ids.volume, 1, true),
    copy(ids.reference, 1, false),
    copy(ids.outside, 9, true),
    ...Array.from({ length: FILLERS }, (_, n) => copy(ids.filler(n), 1, true)),
  ];
  for (let i = 0; i < copies.length; i += 10) await db.insert(items).values(copies.slice(i, i + 10));
});

/** 「予約カートに入れる」 as the static record page sends it: a plain form, no token. */
function add(client: TestClient, recordId: number | string): Promise<Response> {
  return client.request("/cart", { form: { recordId: String(recordId) } });
}

/** 「解除」 as the cart page sends it: with the page's token (an empty cart has no form: another page's, then). */
async function remove(client: TestClient, recordId: number | string): Promise<Response> {
  await client.page("/cart");
  if (!client.csrf) await client.page("/password/apply/form");
  return client.request("/cart/remove", { form: { recordId: String(recordId) } });
}

async function linesOf(client: TestClient): Promise<number[]> {
  const key = client.cookies.get(CART_COOKIE);
  if (!key) return [];
  const rows = await env.DB.prepare("SELECT record_id FROM cart_lines WHERE cart_key = ? ORDER BY id").bind(key).all<{ record_id: number }>();
  return rows.results.map((r) => r.record_id);
}

function cartCookieOf(res: Response): string | undefined {
  return res.headers.getSetCookie().find((c) => c.startsWith(`${CART_COOKIE}=`));
}

async function expect303(res: Response, location: string): Promise<void> {
  expect(res.status, await res.clone().text()).toBe(303);
  expect(res.headers.get("location")).toBe(location);
  await res.arrayBuffer();
}

describe("R13 decideCartAdd", () => {
  const holdable = { ok: true } as const;
  it("lets a holdable record into a cart with room", () => {
    expect(decideCartAdd({ holdable, linesInCart: 0, alreadyInCart: false })).toEqual({ ok: true, alreadyInCart: false });
  });
  it("collects R11's reasons and the full cart together", () => {
    expect(decideCartAdd({ holdable: { ok: false, reasons: ["not_held_in_city", "not_loanable"] }, linesInCart: CART_LIMIT, alreadyInCart: false })).toEqual({
      ok: false,
      reasons: ["not_held_in_city", "not_loanable", "cart_full"],
    });
  });
  it("refuses a new record at the limit, but a record already in a full cart is fine (idempotent)", () => {
    expect(decideCartAdd({ holdable, linesInCart: CART_LIMIT, alreadyInCart: false })).toEqual({ ok: false, reasons: ["cart_full"] });
    expect(decideCartAdd({ holdable, linesInCart: CART_LIMIT - 1, alreadyInCart: false }).ok).toBe(true);
    expect(decideCartAdd({ holdable, linesInCart: CART_LIMIT, alreadyInCart: true })).toEqual({ ok: true, alreadyInCart: true });
  });
});

describe("R13 add, list, 「解除」", () => {
  it("adds without a login: 303 to /cart?added=<id>, and a new cart cookie (__Host-, Secure, HttpOnly, Lax, 30 days)", async () => {
    const client = new TestClient();
    const res = await add(client, ids.holdable);
    const cookie = cartCookieOf(res);
    await expect303(res, `/cart?added=${ids.holdable}`);
    expect(cookie).toMatch(new RegExp(`^${CART_COOKIE}=[A-Za-z0-9_-]{32};`));
    for (const attr of ["Secure", "HttpOnly", "SameSite=Lax", "Path=/", `Max-Age=${30 * 24 * 60 * 60}`]) expect(cookie).toContain(attr);
    expect(client.hasSession()).toBe(false);
    expect(await linesOf(client)).toEqual([ids.holdable]);
  });

  it("「予約カート」 lists the lines (title → record page, author, volume), each with a 「解除」 form carrying the token", async () => {
    const client = new TestClient();
    await expect303(await add(client, ids.holdable), `/cart?added=${ids.holdable}`);
    await expect303(await add(client, ids.volume), `/cart?added=${ids.volume}`);
    const { res, html } = await client.page(`/cart?added=${ids.volume}`);
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toContain("no-store");
    expect(html).toContain('<meta name="robots" content="noindex">');
    const main = mainOf(html);
    const text = textOf(main);
    expect(text).toContain("予約カート");
    expect(text).toContain("「夜明け前 第一部上」を予約カートに入れました。");
    expect(main).toContain(`href="/catalog/${ids.holdable}/"`);
    expect(main).toContain(`href="/catalog/${ids.volume}/"`);
    expect(text).toContain("吾輩は猫である");
    expect(text).toContain("夏目漱石");
    expect(text).toContain("第一部上");
    expect(text).toContain("島崎藤村 著");
    const forms = main.match(/<form method="post" action="\/cart\/remove">[\s\S]*?<\/form>/g) ?? [];
    expect(forms).toHaveLength(2);
    for (const f of forms) {
      expect(f).toMatch(/name="_csrf" value="[^"]+"/);
      expect(f).toContain(">解除</button>");
    }
    expect(text).toContain("予約カートに入れただけでは予約になりません");
    // Issue 6 item 4: one unit (冊) for the limits. Issue 7: 「予約申込」 works now and the cart leads to it.
    expect(text).toContain(`${HOLD_LIMIT}冊まで`);
    expect(text).toContain(`${CART_LIMIT}冊まで`);
    expect(text).not.toMatch(/件まで/);
    expect(main).toContain('<a href="/holds/apply">予約申込へ進む</a>');
    expect(text).not.toContain("まだできません");
    expect(text).not.toContain("次回の更新");
    // The title order is the order of adding.
    expect(main.indexOf(`href="/catalog/${ids.holdable}/"`)).toBeLessThan(main.indexOf(`href="/catalog/${ids.volume}/"`));
  });

  it("「解除」 removes the line and answers 303 /cart?removed=<id>; the cart is then empty", async () => {
    const client = new TestClient();
    await expect303(await add(client, ids.holdable), `/cart?added=${ids.holdable}`);
    await expect303(await remove(client, ids.holdable), `/cart?removed=${ids.holdable}`);
    expect(await linesOf(client)).toEqual([]);
    const { html } = await client.page("/cart");
    expect(textOf(mainOf(html))).toContain("予約カートに資料はありません。");
    // A second press changes nothing and answers the same.
    await expect303(await remove(client, ids.holdable), "/cart");
  });

  it("an empty cart without a cookie: the page says so and no cart is made", async () => {
    const client = new TestClient();
    const { res, html } = await client.page("/cart");
    expect(res.status).toBe(200);
    expect(cartCookieOf(res)).toBeUndefined();
    expect(textOf(mainOf(html))).toContain("予約カートに資料はありません。");
  });

  it("adding the same record twice is not an error and leaves one line (idempotent); the answer says it was there", async () => {
    const client = new TestClient();
    await expect303(await add(client, ids.holdable), `/cart?added=${ids.holdable}`);
    await expect303(await add(client, ids.holdable), `/cart?already=${ids.holdable}`);
    const same = await Promise.all([add(client, ids.volume), add(client, ids.volume), add(client, ids.volume)]);
    const locations = same.map((r) => r.headers.get("location")).sort();
    expect(same.map((r) => r.status)).toEqual([303, 303, 303]);
    expect(locations).toEqual([`/cart?added=${ids.volume}`, `/cart?already=${ids.volume}`, `/cart?already=${ids.volume}`]);
    expect(await linesOf(client)).toEqual([ids.holdable, ids.volume]);
  });

  it("a cart cookie that is not a key this service made is no cart: the add makes a new one", async () => {
    const client = new TestClient();
    client.cookies.set(CART_COOKIE, "short");
    const res = await add(client, ids.holdable);
    expect(cartCookieOf(res)).not.toContain(`${CART_COOKIE}=short;`);
    await expect303(res, `/cart?added=${ids.holdable}`);
    expect(await linesOf(client)).toEqual([ids.holdable]);
  });
});

describe("R11: only holdable records go in", () => {
  it.each([
    ["a reference-only record (禁帯出)", ids.reference, "not_loanable"],
    ["a record not held in the city", ids.outside, "not_held_in_city"],
  ] as const)("refuses %s: 400 「この書誌は予約できません。」 with the reason, no cart made", async (_what, id, code) => {
    const client = new TestClient();
    const res = await add(client, id);
    expect(res.status).toBe(400);
    expect(cartCookieOf(res)).toBeUndefined();
    const text = textOf(mainOf(await res.text()));
    expect(text).toContain("この書誌は予約できません。");
    expect(text).toContain(MESSAGES[code]);
    const rows = await env.DB.prepare("SELECT count(*) AS n FROM cart_lines WHERE record_id = ?").bind(id).first<{ n: number }>();
    expect(rows!.n).toBe(0);
  });
});

describe("bad record ids: a Japanese page, never a 500", () => {
  it.each(["", "abc", "0", "-1", "1.5", "1e3", " 1", "9".repeat(40), "<script>"])("POST /cart recordId=%j → 400", async (raw) => {
    const client = new TestClient();
    const res = await add(client, raw);
    expect(res.status).toBe(400);
    const text = textOf(mainOf(await res.text()));
    expect(text).toContain(MESSAGES.cart_record_invalid);
    expect(text).not.toContain("<script>");
  });

  it("POST /cart with no recordId field, or as JSON → 400", async () => {
    const res = await new TestClient().request("/cart", { form: {} });
    expect(res.status).toBe(400);
    await res.arrayBuffer();
    const json = await new TestClient().request("/cart", { json: { recordId: ids.holdable } });
    expect(json.status).toBe(400);
    await json.arrayBuffer();
  });

  it("an unknown record → 404 「この書誌は見つかりませんでした。」", async () => {
    const res = await add(new TestClient(), ids.unknown);
    expect(res.status).toBe(404);
    expect(textOf(mainOf(await res.text()))).toContain(MESSAGES.record_not_found);
  });

  it("POST /cart/remove with a bad id → 400", async () => {
    const client = new TestClient();
    await expect303(await add(client, ids.holdable), `/cart?added=${ids.holdable}`);
    for (const raw of ["", "abc", "0"]) {
      const res = await remove(client, raw);
      expect(res.status).toBe(400);
      expect(textOf(mainOf(await res.text()))).toContain(MESSAGES.cart_record_invalid);
    }
    expect(await linesOf(client)).toEqual([ids.holdable]);
  });
});

describe(`R13 the cart's limit (${CART_LIMIT} lines)`, () => {
  it("refuses a new record in a full cart, still accepts one already in it", async () => {
    const client = new TestClient();
    for (let n = 0; n < CART_LIMIT; n++) await expect303(await add(client, ids.filler(n)), `/cart?added=${ids.filler(n)}`);
    const res = await add(client, ids.filler(CART_LIMIT));
    expect(res.status).toBe(400);
    const text = textOf(mainOf(await res.text()));
    expect(text).toContain(MESSAGES.cart_full);
    expect(MESSAGES.cart_full).toContain(`${CART_LIMIT}冊`);
    await expect303(await add(client, ids.filler(0)), `/cart?already=${ids.filler(0)}`);
    expect(await linesOf(client)).toHaveLength(CART_LIMIT);
    // 「解除」 makes room again.
    await expect303(await remove(client, ids.filler(0)), `/cart?removed=${ids.filler(0)}`);
    await expect303(await add(client, ids.filler(CART_LIMIT)), `/cart?added=${ids.filler(CART_LIMIT)}`);
    expect(await linesOf(client)).toHaveLength(CART_LIMIT);
  });

  it("concurrent adds at the limit never push a cart past it", async () => {
    const client = new TestClient();
    for (let n = 0; n < CART_LIMIT - 1; n++) await expect303(await add(client, ids.filler(n)), `/cart?added=${ids.filler(n)}`);
    const racing = [0, 1, 2, 3, 4].map((k) => ids.filler(CART_LIMIT - 1 + k)).concat(ids.holdable);
    const results = await Promise.all(racing.map((id) => add(client, id)));
    const statuses = results.map((r) => r.status);
    await Promise.all(results.map((r) => r.arrayBuffer()));
    expect(statuses.filter((s) => s === 303)).toHaveLength(1);
    expect(statuses.filter((s) => s === 400)).toHaveLength(racing.length - 1);
    expect(await linesOf(client)).toHaveLength(CART_LIMIT);
  });
});

describe("cross-cart isolation: cart A's cookie can never list or remove cart B's lines", () => {
  it("A lists only A's lines, and A's 「解除」 of B's record leaves B's line", async () => {
    const a = new TestClient();
    const b = new TestClient();
    await expect303(await add(a, ids.holdable), `/cart?added=${ids.holdable}`);
    await expect303(await add(b, ids.volume), `/cart?added=${ids.volume}`);
    expect(a.cookies.get(CART_COOKIE)).not.toBe(b.cookies.get(CART_COOKIE));

    const listA = textOf(mainOf((await a.page(`/cart?added=${ids.volume}`)).html));
    expect(listA).toContain("吾輩は猫である");
    expect(listA).not.toContain("夜明け前");

    await expect303(await remove(a, ids.volume), "/cart");
    expect(await linesOf(b)).toEqual([ids.volume]);
    expect(await linesOf(a)).toEqual([ids.holdable]);
    expect(textOf(mainOf((await b.page("/cart")).html))).toContain("夜明け前 第一部上");
  });

  it("a guessed or foreign-looking key opens an empty cart and removes nothing", async () => {
    const b = new TestClient();
    await expect303(await add(b, ids.holdable), `/cart?added=${ids.holdable}`);
    const stranger = new TestClient();
    stranger.cookies.set(CART_COOKIE, "A".repeat(32));
    expect(textOf(mainOf((await stranger.page("/cart")).html))).toContain("予約カートに資料はありません。");
    await expect303(await remove(stranger, ids.holdable), "/cart");
    expect(await linesOf(b)).toEqual([ids.holdable]);
  });
});

describe("CSRF: 「解除」 is a Worker-rendered form and needs its token", () => {
  it("refuses a remove without the token (403) and keeps the line", async () => {
    const client = new TestClient();
    await expect303(await add(client, ids.holdable), `/cart?added=${ids.holdable}`);
    await client.page("/cart");
    const res = await client.request("/cart/remove", { form: { recordId: String(ids.holdable), _csrf: "" } });
    expect(res.status).toBe(403);
    expect(await res.text()).toContain(CSRF_MESSAGE);
    expect(await linesOf(client)).toEqual([ids.holdable]);
  });

  it("refuses a cross-site add (only the token is waived for POST /cart, not the origin checks)", async () => {
    const client = new TestClient();
    const res = await client.request("/cart", {
      form: { recordId: String(ids.holdable) },
      headers: { origin: "https://evil.example", "sec-fetch-site": "cross-site" },
    });
    expect(res.status).toBe(403);
    await res.arrayBuffer();
    expect(await linesOf(client)).toEqual([]);
  });
});

describe("issue 6 item 4: the cart's answers", () => {
  it("re-adding a record already in the cart says so", async () => {
    const client = new TestClient();
    await expect303(await add(client, ids.holdable), `/cart?added=${ids.holdable}`);
    await expect303(await add(client, ids.holdable), `/cart?already=${ids.holdable}`);
    const text = textOf(mainOf((await client.page(`/cart?already=${ids.holdable}`)).html));
    expect(text).toContain("「吾輩は猫である」はすでに予約カートに入っています。");
    expect(text).not.toContain("を予約カートに入れました");
  });

  it("「解除」 without JavaScript is safe: the answer names the record and offers 「元に戻す」, which puts it back", async () => {
    const client = new TestClient();
    await expect303(await add(client, ids.volume), `/cart?added=${ids.volume}`);
    await expect303(await remove(client, ids.volume), `/cart?removed=${ids.volume}`);
    const { html } = await client.page(`/cart?removed=${ids.volume}`);
    const main = mainOf(html);
    expect(textOf(main)).toContain("「夜明け前 第一部上」を予約カートから解除しました。");
    const undo = /<form method="post" action="\/cart">[\s\S]*?<\/form>/.exec(main)?.[0] ?? "";
    expect(undo).toContain(`<input type="hidden" name="recordId" value="${ids.volume}">`);
    expect(undo).toContain(">元に戻す</button>");
    await expect303(await client.request("/cart", { form: { recordId: String(ids.volume) } }), `/cart?added=${ids.volume}`);
    expect(await linesOf(client)).toEqual([ids.volume]);
    // Once the record is back, the old answer no longer offers to undo anything.
    expect(mainOf((await client.page(`/cart?removed=${ids.volume}`)).html)).not.toContain("元に戻す");
  });

  it("a browser that refuses cookies: after the add, the cart says that it needs cookies instead of showing an empty cart", async () => {
    const client = new TestClient();
    const res = await add(client, ids.holdable);
    await expect303(res, `/cart?added=${ids.holdable}`);
    client.cookies.clear(); // the browser kept none of them
    const text = textOf(mainOf((await client.page(`/cart?added=${ids.holdable}`)).html));
    expect(text).toContain(COOKIES_NEEDED_TEXT);
    expect(textOf(mainOf((await client.page(`/cart?already=${ids.holdable}`)).html))).toContain(COOKIES_NEEDED_TEXT);
    // A plain visit to an empty cart is not a cookie problem; a browser that kept its cookie is not told so.
    expect(textOf(mainOf((await client.page("/cart")).html))).not.toContain(COOKIES_NEEDED_TEXT);
    const keeps = new TestClient();
    await add(keeps, ids.holdable);
    expect(textOf(mainOf((await keeps.page(`/cart?added=${ids.holdable}`)).html))).not.toContain(COOKIES_NEEDED_TEXT);
  });
});

/** Which records a patron's lines hold, wherever they are, and which of them are in this browser's cart. */
async function patronLines(patronId: number): Promise<{ key: string; recordId: number }[]> {
  const rows = await env.DB.prepare("SELECT cart_key, record_id FROM cart_lines WHERE patron_id = ? ORDER BY record_id").bind(patronId).all<{ cart_key: string; record_id: number }>();
  return rows.results.map((r) => ({ key: r.cart_key, recordId: r.record_id }));
}

async function logoutWithForm(client: TestClient): Promise<Response> {
  await client.page("/account");
  const res = await client.request("/logout", { form: {} });
  expect(res.status).toBe(303);
  return res;
}

describe("issue 6 item 5: the cart and logout — the lines stay with their patron, the browser's cart is emptied", () => {
  it("logout clears the cart cookie; the lines keep the patron's id; the next person at the browser sees none of them", async () => {
    const p = await insertPatron(createDb(env.DB));
    const client = new TestClient();
    await expect303(await add(client, ids.holdable), `/cart?added=${ids.holdable}`); // anonymous, before the login
    await client.login(p.cardNumber, p.password!);
    await expect303(await add(client, ids.volume), `/cart?added=${ids.volume}`);
    expect(await linesOf(client)).toEqual([ids.holdable, ids.volume]);
    const res = await logoutWithForm(client);
    expect(res.headers.getSetCookie().some((c) => new RegExp(`^${CART_COOKIE}=;.*Max-Age=0`).test(c))).toBe(true);
    expect(client.cookies.has(CART_COOKIE)).toBe(false);
    expect((await patronLines(p.id)).map((l) => l.recordId)).toEqual([ids.holdable, ids.volume]);
    const next = textOf(mainOf((await client.page("/cart")).html));
    expect(next).toContain("予約カートに資料はありません。");
    expect(next).not.toContain("吾輩は猫である");
  });

  it("at the next login the patron's lines come back, merged with what the browser collected meanwhile, once each", async () => {
    const p = await insertPatron(createDb(env.DB));
    const client = new TestClient();
    await client.login(p.cardNumber, p.password!);
    for (const n of [0, 1, 2, 3, 4]) await add(client, ids.filler(n));
    await logoutWithForm(client);
    for (const n of [3, 4, 5, 6, 7]) await add(client, ids.filler(n)); // anonymous: two of them the patron has already
    const anonymousKey = client.cookies.get(CART_COOKIE);
    await client.login(p.cardNumber, p.password!);
    expect(client.cookies.get(CART_COOKIE)).not.toBe(anonymousKey); // a new key at login
    expect(await linesOf(client)).toEqual([0, 1, 2, 3, 4, 5, 6, 7].map(ids.filler));
    const lines = await patronLines(p.id);
    expect(lines).toHaveLength(8);
    expect(new Set(lines.map((l) => l.key))).toEqual(new Set([client.cookies.get(CART_COOKIE)]));
    const text = textOf(mainOf((await client.page("/cart")).html));
    expect(text).toContain("予約カートの資料: 8冊");
  });

  it(`the merge keeps the limit (${CART_LIMIT}): the earliest lines come in, the rest stay with the patron for later`, async () => {
    const p = await insertPatron(createDb(env.DB));
    const client = new TestClient();
    await client.login(p.cardNumber, p.password!);
    for (let n = 0; n < 20; n++) await add(client, ids.filler(n));
    await logoutWithForm(client);
    for (let n = 20; n < CART_LIMIT + 5; n++) await add(client, ids.filler(n));
    const anonymousKey = client.cookies.get(CART_COOKIE);
    await client.login(p.cardNumber, p.password!);
    expect(await linesOf(client)).toEqual(Array.from({ length: CART_LIMIT }, (_, n) => ids.filler(n)));
    const behind = (await patronLines(p.id)).filter((l) => l.key !== client.cookies.get(CART_COOKIE));
    expect(behind.map((l) => l.recordId)).toEqual(Array.from({ length: 5 }, (_, n) => ids.filler(CART_LIMIT + n)));
    // Nothing the browser collected is left without its patron.
    const orphans = await env.DB.prepare("SELECT count(*) AS n FROM cart_lines WHERE cart_key = ? AND patron_id IS NULL").bind(anonymousKey!).first<{ n: number }>();
    expect(orphans!.n).toBe(0);
  });

  it("a shared browser whose patron did not log out: once the session is gone, the next person sees nothing of theirs and collects in a cart of their own", async () => {
    const p = await insertPatron(createDb(env.DB));
    const client = new TestClient();
    await client.login(p.cardNumber, p.password!);
    await add(client, ids.holdable);
    const patronKey = client.cookies.get(CART_COOKIE);
    client.cookies.delete("__Host-shiori_session"); // the session ended (idle timeout); the cart cookie stayed
    expect(textOf(mainOf((await client.page("/cart")).html))).toContain("予約カートに資料はありません。");
    await remove(client, ids.holdable); // changes nothing of the patron's
    await expect303(await add(client, ids.volume), `/cart?added=${ids.volume}`);
    expect(client.cookies.get(CART_COOKIE)).not.toBe(patronKey);
    expect(await linesOf(client)).toEqual([ids.volume]);
    expect((await patronLines(p.id)).map((l) => l.recordId)).toEqual([ids.holdable]);
  });

  it("another patron logging in on the same browser does not inherit the first one's lines", async () => {
    const db = createDb(env.DB);
    const a = await insertPatron(db);
    const b = await insertPatron(db);
    const client = new TestClient();
    await client.login(a.cardNumber, a.password!);
    await add(client, ids.holdable);
    await client.login(b.cardNumber, b.password!);
    expect(await linesOf(client)).toEqual([]);
    expect(await patronLines(b.id)).toEqual([]);
    expect((await patronLines(a.id)).map((l) => l.recordId)).toEqual([ids.holdable]);
  });
});

describe("R05 (issue 6 item 5): a temporary-password session may not use the cart", () => {
  it("the cart page goes to 「パスワード変更」; adding and 「解除」 are refused and change nothing", async () => {
    const p = await insertPatron(createDb(env.DB), { temporary: true });
    const client = new TestClient();
    await add(client, ids.volume); // collected before the login
    await client.login(p.cardNumber, p.password!);
    const page = await client.request("/cart", { html: true });
    expect(page.status).toBe(303);
    expect(page.headers.get("location")).toBe("/account/password");
    await page.arrayBuffer();
    const added = await add(client, ids.holdable);
    expect(added.status).toBe(403);
    const text = textOf(mainOf(await added.text()));
    expect(text).toContain(MESSAGES.password_change_required);
    expect(text).toContain("パスワード変更");
    await client.page("/account/password");
    const removed = await client.request("/cart/remove", { form: { recordId: String(ids.volume) } });
    expect(removed.status).toBe(403);
    await removed.arrayBuffer();
    expect((await patronLines(p.id)).map((l) => l.recordId)).toEqual([ids.volume]);
  });
});
