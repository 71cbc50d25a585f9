// Issue 6 §6 "the throttle races" (issue 3 item 5, R02, R04): parallel tries through the whole Worker (CSRF, session
// middleware, routes, D1) count as what they are. Before, 50 of 50 parallel wrong passwords on one card reached the
// password check (limit 5), 39 of 60 from one address (limit 20), and 「本パスワード申請」 and staff login 40 of 40:
// the count was read, then the failure written after PBKDF2. Now each attempt is reserved by one guarded statement
// before the check. Needs the site built (the pages' shell comes from ASSETS).
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { THROTTLE_ADDRESS, THROTTLE_CARD } from "../../worker/src/domain/policy.ts";
import { demoDb, freshAddress, insertPatron } from "../support/accounts.ts";
import { TestClient } from "../support/session-client.ts";
import type { Db } from "../../worker/src/data/db.ts";

let db: Db;

beforeAll(async () => {
  db = await demoDb();
});

interface Tally {
  /** Answers that went through the password (or identity) check and were refused by it. */
  checked: number;
  /** 429 answers, each of which must say when to come back. */
  throttled: number;
  other: number[];
  retryAfterMissing: number;
}

async function burst(requests: Promise<Response>[], checkedStatus: number): Promise<Tally> {
  const responses = await Promise.all(requests);
  const tally: Tally = { checked: 0, throttled: 0, other: [], retryAfterMissing: 0 };
  for (const res of responses) {
    await res.arrayBuffer();
    if (res.status === checkedStatus) tally.checked++;
    else if (res.status === 429) {
      tally.throttled++;
      if (!/^[1-9][0-9]*$/.test(res.headers.get("retry-after") ?? "")) tally.retryAfterMissing++;
    } else tally.other.push(res.status);
  }
  return tally;
}

async function count(query: string, ...binds: unknown[]): Promise<number> {
  return (await env.DB.prepare(query).bind(...binds).first<{ n: number }>())!.n;
}

let cardSerial = 0;
/** A card number nobody holds (card-shaped, unique in this file). */
function unknownCard(): string {
  cardSerial++;
  return `47${String(Date.now() % 1e5).padStart(5, "0")}${String(cardSerial).padStart(3, "0")}`;
}

const N = 50;

describe("issue 6 §6: 50 parallel patron logins", () => {
  it("wrong passwords on one card from 50 addresses: exactly 5 reach the password check, 45 wait (429, Retry-After)", async () => {
    const p = await insertPatron(db);
    const client = new TestClient();
    await client.page("/login");
    const tally = await burst(
      Array.from({ length: N }, () => client.request("/login", { form: { card: p.cardNumber, password: "WrongPass1", next: "" }, headers: { "cf-connecting-ip": freshAddress() } })),
      400,
    );
    expect(tally).toEqual({ checked: THROTTLE_CARD.free, throttled: N - THROTTLE_CARD.free, other: [], retryAfterMissing: 0 });
    // N parallel tries count as N: every failure that was let through is on record, none lost between count and write.
    expect(await count("SELECT count(*) AS n FROM auth_failures WHERE kind = 'login' AND subject = ?", p.cardNumber)).toBe(THROTTLE_CARD.free);
    expect(await count("SELECT count(*) AS n FROM audit_log WHERE action = 'login_failed' AND target_id = ?", p.id)).toBe(THROTTLE_CARD.free);
  });

  it("the JSON API alike: 5 × 401, 45 × 429 with Retry-After in the envelope's response", async () => {
    const p = await insertPatron(db);
    const client = new TestClient();
    const tally = await burst(
      Array.from({ length: N }, () => client.request("/api/session", { json: { card: p.cardNumber, password: "WrongPass1" }, headers: { "cf-connecting-ip": freshAddress() } })),
      401,
    );
    expect(tally).toEqual({ checked: THROTTLE_CARD.free, throttled: N - THROTTLE_CARD.free, other: [], retryAfterMissing: 0 });
  });

  it("60 cards from one address: exactly 20 reach the password check", async () => {
    const client = new TestClient();
    await client.page("/login");
    const tally = await burst(
      Array.from({ length: 60 }, () => client.request("/login", { form: { card: unknownCard(), password: "Tosho2026", next: "" } })),
      400,
    );
    expect(tally).toEqual({ checked: THROTTLE_ADDRESS.free, throttled: 60 - THROTTLE_ADDRESS.free, other: [], retryAfterMissing: 0 });
    expect(await count("SELECT count(*) AS n FROM audit_log WHERE action = 'login_failed' AND client_address = ?", client.address)).toBe(THROTTLE_ADDRESS.free);
  });
});

describe("issue 6 §6: 50 parallel 「本パスワード申請」 (R04)", () => {
  const form = (card: string, phone: string) => ({ agreed: "1", card, birthDate: "1981-01-01", phone, password: "Honyomu77", confirm: "Honyomu77" });

  it("wrong facts for one card from 50 addresses: exactly 5 are compared, 45 wait", async () => {
    const p = await insertPatron(db, { password: null, birthDate: "1981-01-01", phone: "093-555-7777" });
    const client = new TestClient();
    await client.page("/password/apply/form");
    const tally = await burst(
      Array.from({ length: N }, (_, i) => client.request("/password/apply", { form: form(p.cardNumber, `093-555-${String(1000 + i)}`), headers: { "cf-connecting-ip": freshAddress() } })),
      400,
    );
    expect(tally).toEqual({ checked: THROTTLE_CARD.free, throttled: N - THROTTLE_CARD.free, other: [], retryAfterMissing: 0 });
    expect(await count("SELECT count(*) AS n FROM auth_failures WHERE kind = 'apply' AND subject = ?", p.cardNumber)).toBe(THROTTLE_CARD.free);
  });

  it("60 cards from one address: exactly 20 are compared", async () => {
    const client = new TestClient();
    await client.page("/password/apply/form");
    const tally = await burst(
      Array.from({ length: 60 }, () => client.request("/password/apply", { form: form(unknownCard(), "093-555-0000") })),
      400,
    );
    expect(tally).toEqual({ checked: THROTTLE_ADDRESS.free, throttled: 60 - THROTTLE_ADDRESS.free, other: [], retryAfterMissing: 0 });
  });
});

describe("issue 6 §6: 50 parallel staff logins (issue 3 item 11)", () => {
  it("wrong passwords on one staff login from 50 addresses: exactly 5 reach the password check", async () => {
    const client = new TestClient();
    await client.page("/staff/login");
    const tally = await burst(
      Array.from({ length: N }, () =>
        client.request("/staff/login", { form: { login: "counter-chuo", password: "Wrong-Pass-2026", next: "" }, headers: { "cf-connecting-ip": freshAddress() } }),
      ),
      400,
    );
    expect(tally).toEqual({ checked: THROTTLE_CARD.free, throttled: N - THROTTLE_CARD.free, other: [], retryAfterMissing: 0 });
    expect(await count("SELECT count(*) AS n FROM auth_failures WHERE kind = 'staff_login' AND subject = 'counter-chuo'")).toBe(THROTTLE_CARD.free);
  });

  it("60 logins from one address: exactly 20 reach the password check", async () => {
    const client = new TestClient();
    await client.page("/staff/login");
    const tally = await burst(
      Array.from({ length: 60 }, (_, i) => client.request("/staff/login", { form: { login: `nobody-${i}`, password: "Wrong-Pass-2026", next: "" } })),
      400,
    );
    expect(tally).toEqual({ checked: THROTTLE_ADDRESS.free, throttled: 60 - THROTTLE_ADDRESS.free, other: [], retryAfterMissing: 0 });
  });
});
