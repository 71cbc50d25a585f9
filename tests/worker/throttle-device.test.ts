// Issue 6 §6 "a stranger can keep a patron out" (issue 3 item 5, R02): a browser that has logged in to a card
// before carries a signed device cookie naming that card, and keeps its own allowance there; the card's, the
// address's and the overall counts — what a stranger fills — slow unknown clients only. docs/accounts.md.
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { THROTTLE_OVERALL } from "../../worker/src/domain/policy.ts";
import { ThrottledError } from "../../worker/src/errors.ts";
import { cookieHeader } from "../../worker/src/middleware/cookies.ts";
import { DEVICE_COOKIE } from "../../worker/src/middleware/session.ts";
import { DEVICE_MAX_AGE_MS, deviceCookieAfterLogin, recognisedDevice } from "../../worker/src/services/devices.ts";
import { loginPatron } from "../../worker/src/services/login.ts";
import { AUTH_ENV, demoDb, freshAddress, insertPatron, type TestPatron } from "../support/accounts.ts";
import { TestClient } from "../support/session-client.ts";
import type { Db } from "../../worker/src/data/db.ts";
import { demoTerminalId } from "../support/terminals.ts";

const MIN = 60_000;
const NOW = Date.UTC(2026, 11, 1, 1, 0, 0);
let db: Db;

beforeAll(async () => {
  db = await demoDb();
});

function login(p: TestPatron, o: { password?: string; device?: string | null; now: number; address?: string; terminal?: number }) {
  return loginPatron(db, AUTH_ENV, {
    card: p.cardNumber,
    password: o.password ?? p.password!,
    clientAddress: o.address ?? freshAddress(),
    deviceCookie: o.device ?? null,
    terminalId: o.terminal ?? null,
    now: o.now,
  });
}

async function outcome(p: Promise<unknown>): Promise<"ok" | "throttled" | "refused"> {
  try {
    await p;
    return "ok";
  } catch (e) {
    if (e instanceof ThrottledError) return "throttled";
    return "refused";
  }
}

/** A stranger's wrong passwords on the card, one a second from changing addresses. */
async function strangerFails(p: TestPatron, times: number, from: number): Promise<void> {
  for (let i = 0; i < times; i++) await outcome(login(p, { password: "Guess" + i + "x", now: from + i * 1000 }));
}

describe("issue 6 §6: the owner's browser keeps its allowance", () => {
  it("stranger fails 20× → the owner with the device cookie still logs in; without it the card waits", async () => {
    const p = await insertPatron(db);
    const first = await login(p, { now: NOW });
    expect(first.deviceCookie).toMatch(/^[A-Za-z0-9_-]{12}\.[0-9a-z]+\.[A-Za-z0-9_-]{22}$/);
    await strangerFails(p, 20, NOW + MIN);
    const after = NOW + MIN + 20_000;
    expect(await outcome(login(p, { now: after }))).toBe("throttled");
    const owner = await login(p, { device: first.deviceCookie, now: after });
    expect(owner.patron.id).toBe(p.id);
    // The owner's login did not lift the stranger's wait for everybody else.
    expect(await outcome(login(p, { now: after + 1000 }))).toBe("throttled");
  });

  it("a forged, altered or other-card device cookie gives no allowance", async () => {
    const p = await insertPatron(db);
    const other = await insertPatron(db);
    const mine = (await login(p, { now: NOW })).deviceCookie!;
    const others = (await login(other, { now: NOW })).deviceCookie!;
    await strangerFails(p, 20, NOW + MIN);
    const after = NOW + MIN + 20_000;
    const [id, issued, mac] = mine.split(".");
    const altered = `${id}.${issued}.${mac!.slice(0, -1)}${mac!.endsWith("A") ? "B" : "A"}`;
    const otherDevice = `${"x".repeat(12)}.${issued}.${mac}`;
    for (const cookie of [others, altered, otherDevice, "", "garbage", `${mine}`.replace(issued!, (Number.parseInt(issued!, 36) + 1).toString(36))]) {
      expect(await outcome(login(p, { device: cookie, now: after }))).toBe("throttled");
    }
    expect(await recognisedDevice(AUTH_ENV, others, p.cardNumber, after)).toBeNull();
    expect(await recognisedDevice(AUTH_ENV, mine, p.cardNumber, after)).toBe(id);
    // Another pepper (another deployment) does not know this browser either.
    expect(await recognisedDevice({ PASSWORD_PEPPER: "another" }, mine, p.cardNumber, after)).toBeNull();
  });

  it("the device's own failures are throttled like a card's: 5 free, then it waits too", async () => {
    const p = await insertPatron(db);
    const cookie = (await login(p, { now: NOW })).deviceCookie!;
    for (let i = 0; i < 5; i++) expect(await outcome(login(p, { password: "Typo" + i + "xx", device: cookie, now: NOW + MIN + i }))).toBe("refused");
    expect(await outcome(login(p, { device: cookie, now: NOW + MIN + 10 }))).toBe("throttled");
    // …while the card itself (unknown clients) has not been slowed by the owner's typos.
    expect(await outcome(login(p, { now: NOW + MIN + 20 }))).toBe("ok");
  });

  it("a flood past the overall limit (1,000 failures in 10 minutes) slows unknown clients, not a known browser", async () => {
    const p = await insertPatron(db);
    const at = NOW + 3 * 60 * MIN;
    const cookie = (await login(p, { now: at - 20 * MIN })).deviceCookie!;
    await env.DB.prepare(
      `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?1)
       INSERT INTO auth_failures (kind, subject, client_address, at) SELECT 'login', '45' || printf('%08d', i), '203.0.113.' || (i % 250), ?2 - i FROM n`,
    )
      .bind(THROTTLE_OVERALL.free, at)
      .run();
    const stranger = await insertPatron(db);
    expect(await outcome(login(stranger, { now: at + 100 }))).toBe("throttled");
    expect(await outcome(login(p, { now: at + 100 }))).toBe("throttled");
    expect(await outcome(login(p, { device: cookie, now: at + 100 }))).toBe("ok");
  });

  it("one browser remembers up to 5 cards; an OPAC terminal (a shared machine) is given none", async () => {
    let cookie: string | null = null;
    const patrons: TestPatron[] = [];
    for (let i = 0; i < 6; i++) {
      const p = await insertPatron(db);
      patrons.push(p);
      cookie = (await login(p, { device: cookie, now: NOW + i })).deviceCookie;
    }
    expect(cookie!.split("~")).toHaveLength(5);
    expect(await recognisedDevice(AUTH_ENV, cookie, patrons[0]!.cardNumber, NOW + 10)).toBeNull();
    for (const p of patrons.slice(1)) expect(await recognisedDevice(AUTH_ENV, cookie, p.cardNumber, NOW + 10)).not.toBeNull();
    // Renewing keeps the device id (its bucket) and moves the card to the front.
    const renewed = await deviceCookieAfterLogin(AUTH_ENV, cookie, patrons[3]!.cardNumber, NOW + 20);
    expect(await recognisedDevice(AUTH_ENV, renewed, patrons[3]!.cardNumber, NOW + 20)).toBe(await recognisedDevice(AUTH_ENV, cookie, patrons[3]!.cardNumber, NOW + 10));
    expect(renewed.split("~")[0]).not.toBe(cookie!.split("~")[0]);
    const opac = await login(patrons[5]!, { terminal: await demoTerminalId(), now: NOW + 30 });
    expect(opac.deviceCookie).toBeNull();
  });

  it("an entry expires 180 days after the login that issued it", async () => {
    const p = await insertPatron(db);
    const cookie = (await login(p, { now: NOW })).deviceCookie!;
    expect(await recognisedDevice(AUTH_ENV, cookie, p.cardNumber, NOW + 179 * 24 * 60 * MIN)).not.toBeNull();
    expect(await recognisedDevice(AUTH_ENV, cookie, p.cardNumber, NOW + 180 * 24 * 60 * MIN)).toBeNull();
  });
});

/** 「ログアウト」 from the account page (its form carries the token of the rotated CSRF cookie). */
async function logOut(client: TestClient): Promise<void> {
  await client.page("/account");
  const res = await client.request("/logout", { form: {} });
  expect(res.status).toBe(303);
  expect(client.hasSession()).toBe(false);
}

describe("issue 6 §6 through the Worker: the device cookie", () => {
  it("is set at login with the session cookie's attributes (__Host-, Secure, HttpOnly, SameSite=Lax, Path=/), 180 days", async () => {
    expect(cookieHeader("device", "production", "v", DEVICE_MAX_AGE_MS / 1000)).toBe(`${DEVICE_COOKIE}=v; Secure; HttpOnly; SameSite=Lax; Path=/; Max-Age=15552000`);
    // Local development (the cookie module's other mode) drops only `__Host-` and Secure, as for the session.
    expect(cookieHeader("device", "local", "v", DEVICE_MAX_AGE_MS / 1000)).toBe("shiori_device=v; HttpOnly; SameSite=Lax; Path=/; Max-Age=15552000");
    const p = await insertPatron(db);
    const owner = new TestClient();
    const res = await owner.loginWithForm(p.cardNumber, p.password!);
    expect(res.status).toBe(303);
    const set = res.headers.getSetCookie().find((c) => c.startsWith(`${DEVICE_COOKIE}=`));
    expect(set).toMatch(/^__Host-shiori_device=[A-Za-z0-9_.~-]+; Secure; HttpOnly; SameSite=Lax; Path=\/; Max-Age=15552000$/);
    // Logout ends the session, not the browser's standing with the card.
    await logOut(owner);
    expect(owner.cookies.has(DEVICE_COOKIE)).toBe(true);
  });

  it("stranger fails 20× → the owner's browser logs in; a new browser, or one with a forged cookie, is told to wait", async () => {
    const p = await insertPatron(db);
    const owner = new TestClient();
    expect((await owner.loginWithForm(p.cardNumber, p.password!)).status).toBe(303);
    await logOut(owner);

    const stranger = new TestClient();
    await stranger.page("/login");
    const answers: number[] = [];
    for (let i = 0; i < 20; i++) {
      const res = await stranger.request("/login", { form: { card: p.cardNumber, password: `Guess${i}xx`, next: "" }, headers: { "cf-connecting-ip": freshAddress() } });
      answers.push(res.status);
      await res.arrayBuffer();
    }
    expect(answers.filter((s) => s === 400)).toHaveLength(5);
    expect(answers.filter((s) => s === 429)).toHaveLength(15);

    const elsewhere = new TestClient();
    const refused = await elsewhere.loginWithForm(p.cardNumber, p.password!);
    expect(refused.status).toBe(429);
    expect(refused.headers.get("retry-after")).toMatch(/^[1-9][0-9]*$/);

    const forger = new TestClient();
    forger.cookies.set(DEVICE_COOKIE, owner.cookies.get(DEVICE_COOKIE)!.replace(/.$/, (c) => (c === "A" ? "B" : "A")));
    expect((await forger.loginWithForm(p.cardNumber, p.password!)).status).toBe(429);

    const back = await owner.loginWithForm(p.cardNumber, p.password!);
    expect(back.status).toBe(303);
    expect(owner.hasSession()).toBe(true);
  });
});
