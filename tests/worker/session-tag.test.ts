// Issue 10 items 1, 2 (R50): the session tag the service worker keys its personal cache by (middleware/session-tag.ts)
// and the idempotency key on replayed offline cart adds (services/cart-replay.ts), on the whole app inside workerd.
// Ids start at 920,000,001 so no pre-rendered page names them.
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { createDb } from "../../worker/src/data/db.ts";
import { MESSAGES } from "../../worker/src/domain/messages.ts";
import { NO_SESSION_TAG, SESSION_TAG_HEADER, sessionTagOf } from "../../worker/src/middleware/session-tag.ts";
import { CART_COOKIE } from "../../worker/src/routes/cart.ts";
import { AUTH_ENV, demoDb, insertPatron } from "../support/accounts.ts";
import { branches, items, records } from "../../db/schema/index.ts";
import { TestClient, textOf } from "../support/session-client.ts";

const ID = 920_000_001;
const now = Date.now();

beforeAll(async () => {
  await demoDb();
  const db = createDb(env.DB);
  const [branch] = await db.select({ id: branches.id }).from(branches).limit(1);
  await db.insert(records).values([
    { id: ID, source: "test", sourceId: String(ID), title: "オフラインで選んだ本", createdAt: now, updatedAt: now },
    { id: ID + 1, source: "test", sourceId: String(ID + 1), title: "もう一冊", createdAt: now, updatedAt: now },
  ]);
  await db.insert(items).values([
    { barcode: "PWA1", recordId: ID, branchId: branch!.id, loanable: true, status: "on_shelf", shelfMark: "913.6", createdAt: now },
    { barcode: "PWA2", recordId: ID + 1, branchId: branch!.id, loanable: true, status: "on_shelf", shelfMark: "913.6", createdAt: now },
  ]);
});

async function patronClient(): Promise<TestClient> {
  const db = await demoDb();
  const p = await insertPatron(db);
  const client = new TestClient();
  await client.login(p.cardNumber, p.password!);
  return client;
}

const tagOf = async (client: TestClient, path = "/account") => {
  const res = await client.request(path, { html: true });
  await res.arrayBuffer();
  return res.headers.get(SESSION_TAG_HEADER);
};

describe("R50 session tag (the service worker's personal cache)", () => {
  it("names no session for a visitor: \"none\", on pages, JSON and errors alike", async () => {
    const client = new TestClient();
    expect(await tagOf(client, "/health")).toBe(NO_SESSION_TAG);
    expect(await tagOf(client, "/api/cart/lines")).toBe(NO_SESSION_TAG);
    expect(await tagOf(client, "/no-such-page")).toBe(NO_SESSION_TAG);
    expect(await tagOf(client, "/loans")).toBe(NO_SESSION_TAG); // the login redirect
  });

  it("is opaque: not the token, 22 base64url characters, the same on every page of one session", async () => {
    const client = await patronClient();
    const tag = await tagOf(client, "/loans");
    expect(tag).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(await tagOf(client, "/holds")).toBe(tag);
    expect(await tagOf(client, "/cart")).toBe(tag);
    const token = [...client.cookies].find(([k]) => k.includes("session"))![1];
    expect(tag).not.toContain(token.slice(0, 8));
    expect(tag).toBe(await sessionTagOf({ ...env, ...AUTH_ENV }, token));
  });

  it("differs for another patron's session and for a second login of the same patron", async () => {
    const db = await demoDb();
    const p = await insertPatron(db);
    const a = new TestClient();
    await a.login(p.cardNumber, p.password!);
    const b = new TestClient();
    await b.login(p.cardNumber, p.password!);
    const other = await patronClient();
    const tags = [await tagOf(a), await tagOf(b), await tagOf(other)];
    expect(new Set(tags).size).toBe(3);
  });

  it("goes back to \"none\" after 「ログアウト」 (the page after logout names no session)", async () => {
    const client = await patronClient();
    const page = await client.page("/account");
    expect(page.res.headers.get(SESSION_TAG_HEADER)).not.toBe(NO_SESSION_TAG);
    const out = await client.request("/logout", { form: {} });
    expect(out.status).toBe(303);
    expect(await tagOf(client, "/account")).toBe(NO_SESSION_TAG);
  });
});

describe("R50 offline cart adds replayed with an idempotency key (R13)", () => {
  const add = (client: TestClient, recordId: number, key?: string) =>
    client.request("/cart", { form: key === undefined ? { recordId: String(recordId) } : { recordId: String(recordId), idempotencyKey: key } });

  async function linesOf(client: TestClient): Promise<number[]> {
    const key = client.cookies.get(CART_COOKIE) ?? [...client.cookies].find(([k]) => k.includes("cart"))?.[1];
    if (!key) return [];
    const rows = await env.DB.prepare("SELECT record_id FROM cart_lines WHERE cart_key = ? ORDER BY id").bind(key).all<{ record_id: number }>();
    return rows.results.map((r) => r.record_id);
  }

  it("adds once with a key; the same key again adds nothing, even after the line was removed", async () => {
    const client = new TestClient();
    const key = crypto.randomUUID();
    const first = await add(client, ID, key);
    expect(first.status).toBe(303);
    expect(first.headers.get("location")).toBe(`/cart?added=${ID}`);
    expect(await linesOf(client)).toEqual([ID]);
    // The patron removes it; a late second copy of the same offline add (sync, then the next start) must not bring it back.
    await client.page("/cart");
    const removed = await client.request("/cart/remove", { form: { recordId: String(ID) } });
    expect(removed.status).toBe(303);
    expect(await linesOf(client)).toEqual([]);
    const again = await add(client, ID, key);
    expect(again.status).toBe(303);
    expect(again.headers.get("location")).toBe(`/cart?already=${ID}`);
    expect(await linesOf(client)).toEqual([]);
  });

  it("keeps the add idempotent by record: two keys for one record make one line; no key works as before", async () => {
    const client = new TestClient();
    await add(client, ID + 1, crypto.randomUUID());
    const second = await add(client, ID + 1, crypto.randomUUID());
    expect(second.headers.get("location")).toBe(`/cart?already=${ID + 1}`);
    const plain = await add(client, ID + 1);
    expect(plain.headers.get("location")).toBe(`/cart?already=${ID + 1}`);
    expect(await linesOf(client)).toEqual([ID + 1]);
  });

  it("refuses a malformed key with a page in Japanese (400), and adds nothing", async () => {
    const client = new TestClient();
    const res = await add(client, ID, "短い");
    expect(res.status).toBe(400);
    expect(textOf(await res.text())).toContain(MESSAGES.cart_replay_key_invalid);
    expect(await linesOf(client)).toEqual([]);
  });

  it("works for a logged-in patron too (the line is the patron's)", async () => {
    const client = await patronClient();
    const res = await add(client, ID, crypto.randomUUID());
    expect(res.headers.get("location")).toBe(`/cart?added=${ID}`);
    await res.arrayBuffer();
    const page = await client.page("/cart");
    expect(textOf(page.html)).toContain("オフラインで選んだ本");
  });
});
