// Issue 7 item 8 (R03, R36 enrolment side): in-library OPAC terminals recognised by a device secret. Through the
// whole Worker (CSRF, session middleware, cookies) inside workerd on the migrated D1, plus the service with `now`
// where time matters. A terminal is registered by an admin, enrolled once with a one-time code, and then every
// request carrying its cookie is the terminal; a forged, altered, retired or re-issued cookie vouches for nothing.
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { MESSAGES } from "../../worker/src/domain/messages.ts";
import { OPAC_SESSION_ABSOLUTE_MS, OPAC_SESSION_IDLE_MS, TERMINAL_ENROLMENT_MS } from "../../worker/src/domain/policy.ts";
import { ENROLMENT_ALPHABET, enrolmentCodeFrom, parseTerminalCookie, readEnrolmentCode } from "../../worker/src/domain/terminals.ts";
import type { Db } from "../../worker/src/data/db.ts";
import { COOKIE_NAMES } from "../../worker/src/middleware/cookies.ts";
import { loadSession } from "../../worker/src/services/sessions.ts";
import { enrolTerminal, issueEnrolmentForCode, recogniseTerminal, registerTerminal } from "../../worker/src/services/terminals.ts";
import { AppError } from "../../worker/src/errors.ts";
import { AUTH_ENV, demoDb, freshAddress, insertPatron } from "../support/accounts.ts";
import { TestClient, mainOf, textOf } from "../support/session-client.ts";

const ADMIN = { login: "admin", password: "Admin-Demo-2026" };
const COUNTER = { login: "counter-chuo", password: "Counter-Chuo-2026" };
const TARO = { card: "2100000001", password: "Tosho2026" };
const TERMINAL_COOKIE = COOKIE_NAMES.terminal;
const SESSION_COOKIE = COOKIE_NAMES.session;

let db: Db;
let chuoId: number;
let serial = 0;

beforeAll(async () => {
  db = await demoDb();
  chuoId = (await env.DB.prepare("SELECT id FROM branches WHERE code = 'chuo'").first<{ id: number }>())!.id;
});

function newCode(): string {
  serial++;
  return `t-opac-${serial}-${crypto.getRandomValues(new Uint32Array(1))[0]!.toString(36)}`;
}

async function admin(): Promise<TestClient> {
  const c = new TestClient();
  await c.loginStaff(ADMIN.login, ADMIN.password);
  await c.page("/staff/terminals");
  return c;
}

/** Registers a terminal through the admin's form; answers its id and the code shown once. */
async function registerViaForm(client: TestClient, values: { code?: string; branch?: string; label?: string } = {}) {
  const code = values.code ?? newCode();
  const res = await client.request("/staff/terminals", { form: { code, branch: values.branch ?? String(chuoId), label: values.label ?? "2階 参考図書コーナー" } });
  const html = await res.text();
  const enrolment = /id="enrolment-code">([^<]+)</.exec(html)?.[1];
  const row = await env.DB.prepare("SELECT id FROM opac_terminals WHERE code = ?").bind(code).first<{ id: number }>();
  return { res, html, code, enrolment, id: row?.id };
}

/** A fresh browser that types `code` at /opac/enrol. */
async function enrolBrowser(code: string, client = new TestClient()): Promise<{ client: TestClient; res: Response; html: string }> {
  await client.page("/opac/enrol");
  const res = await client.request("/opac/enrol", { form: { code } });
  const html = res.status === 303 ? "" : await res.text();
  return { client, res, html };
}

function terminalRow(id: number) {
  return env.DB.prepare("SELECT * FROM opac_terminals WHERE id = ?").bind(id).first<Record<string, unknown>>();
}

async function sessionRowOf(client: TestClient) {
  const token = client.cookies.get(SESSION_COOKIE);
  if (!token) return null;
  const hash = Array.from(new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(token))), (b) => b.toString(16).padStart(2, "0")).join("");
  return env.DB.prepare("SELECT * FROM sessions WHERE token_hash = ?").bind(hash).first<{ terminal_id: number | null; expires_at: number; created_at: number }>();
}

async function loginPage(client: TestClient): Promise<string> {
  return mainOf((await client.page("/login")).html);
}

describe("the enrolment code (pure)", () => {
  it("R03: 10 symbols of an alphabet without look-alikes (0/O, 1/I/L); typed with spaces, hyphens, full width or lower case it still reads", () => {
    expect(ENROLMENT_ALPHABET).not.toMatch(/[0O1IL]/);
    const code = enrolmentCodeFrom(crypto.getRandomValues(new Uint8Array(32)));
    expect(code).toMatch(new RegExp(`^[${ENROLMENT_ALPHABET}]{10}$`));
    expect(readEnrolmentCode(`${code.slice(0, 5).toLowerCase()} - ${code.slice(5)}`)).toBe(code);
    expect(readEnrolmentCode(code.replace(/[A-Z2-9]/g, (ch) => String.fromCharCode(ch.charCodeAt(0) + 0xfee0)))).toBe(code);
    expect(readEnrolmentCode("ABCDE-FGHJ")).toBeNull();
    expect(readEnrolmentCode("ABCDE-FGHJO")).toBeNull();
    // Bytes of 248 and above are skipped: every symbol equally likely.
    expect(enrolmentCodeFrom(new Uint8Array([255, 248, 0, 1, 2, 3, 4, 5, 6, 7, 8, 30]))).toBe("23456789AZ");
  });

  it("the cookie value is `<terminal id>.<43-character secret>`; anything else is no cookie", () => {
    const secret = "a".repeat(43);
    expect(parseTerminalCookie(`12.${secret}`)).toEqual({ terminalId: 12, secret });
    for (const bad of ["", "12", `0.${secret}`, `12.${secret}x`, `x.${secret}`, `12.${"a".repeat(42)}!`, `-1.${secret}`]) expect(parseTerminalCookie(bad), bad).toBeNull();
  });
});

describe("R36/R03: an admin registers a terminal at /staff/terminals", () => {
  it("registering shows a one-time enrolment code ONCE; only its keyed hash and expiry are kept", async () => {
    const client = await admin();
    const before = Date.now();
    const r = await registerViaForm(client);
    expect(r.res.status).toBe(200);
    expect(r.res.headers.get("cache-control")).toContain("no-store");
    expect(r.enrolment).toMatch(new RegExp(`^[${ENROLMENT_ALPHABET}]{5}-[${ENROLMENT_ALPHABET}]{5}$`));
    expect(textOf(mainOf(r.html))).toContain("中央図書館 館内利用者端末（2階 参考図書コーナー）");
    const row = (await terminalRow(r.id!))!;
    expect(row).toMatchObject({ code: r.code, branch_id: chuoId, label: "2階 参考図書コーナー", active: 1, secret_hash: null, enrolled_at: null });
    expect(row.enrolment_hash).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(String(row.enrolment_hash)).not.toContain(r.enrolment!.replace("-", ""));
    expect(row.enrolment_expires_at as number).toBeGreaterThanOrEqual(before + TERMINAL_ENROLMENT_MS);
    expect(row.created_at as number).toBeGreaterThanOrEqual(before);
    // The list never shows the code again.
    const list = await client.page("/staff/terminals");
    expect(list.res.status).toBe(200);
    expect(list.html).toContain(r.code);
    expect(list.html).not.toContain(r.enrolment!);
    expect(textOf(list.html)).toContain("登録コード発行済み");
  });

  it("every mistake in the form at once (400); a taken code is 409; nothing is written", async () => {
    const client = await admin();
    const count = async () => (await env.DB.prepare("SELECT count(*) AS n FROM opac_terminals").first<{ n: number }>())!.n;
    const n = await count();
    const outside = (await env.DB.prepare("SELECT id FROM branches WHERE in_city = 0").first<{ id: number }>())!.id;
    const bad = await client.request("/staff/terminals", { form: { code: "Chuo OPAC!", branch: String(outside), label: "x".repeat(41) } });
    expect(bad.status).toBe(400);
    const text = textOf(await bad.text());
    for (const code of ["terminal_code_invalid", "terminal_branch_invalid", "terminal_label_invalid"] as const) expect(text).toContain(MESSAGES[code]);
    const taken = await client.request("/staff/terminals", { form: { code: "chuo-opac-1", branch: String(chuoId), label: "" } });
    expect(taken.status).toBe(409);
    expect(textOf(await taken.text())).toContain(MESSAGES.terminal_code_taken);
    expect(await count()).toBe(n);
  });

  it("a counter (non-admin) member of staff cannot list, register, re-issue or retire (403); a patron is sent to the staff login", async () => {
    const owner = await admin();
    const existing = await registerViaForm(owner);
    const counter = new TestClient();
    await counter.loginStaff(COUNTER.login, COUNTER.password);
    await counter.page("/staff/");
    const n = (await env.DB.prepare("SELECT count(*) AS n FROM opac_terminals").first<{ n: number }>())!.n;
    const before = await terminalRow(existing.id!);
    expect((await counter.request("/staff/terminals", { html: true })).status).toBe(403);
    expect((await counter.request("/staff/terminals", { form: { code: newCode(), branch: String(chuoId), label: "" } })).status).toBe(403);
    expect((await counter.request(`/staff/terminals/${existing.id}/enrolment`, { form: {} })).status).toBe(403);
    expect((await counter.request(`/staff/terminals/${existing.id}/retire`, { form: {} })).status).toBe(403);
    const patron = new TestClient();
    await patron.login(TARO.card, TARO.password);
    await patron.page("/account");
    const asPatron = await patron.request("/staff/terminals", { html: true });
    expect(asPatron.status).toBe(303);
    expect(asPatron.headers.get("location")).toBe("/staff/login?next=%2Fstaff%2Fterminals");
    expect((await patron.request("/staff/terminals", { form: { code: newCode(), branch: String(chuoId), label: "" } })).status).toBe(401);
    expect((await patron.request(`/staff/terminals/${existing.id}/retire`, { form: {} })).status).toBe(401);
    expect((await env.DB.prepare("SELECT count(*) AS n FROM opac_terminals").first<{ n: number }>())!.n).toBe(n);
    expect(await terminalRow(existing.id!)).toEqual(before);
  });

  it("the admin's 職員メニュー links to 「利用者端末の管理」; a counter's does not", async () => {
    const a = await admin();
    expect((await a.page("/staff/")).html).toContain('href="/staff/terminals"');
    const counter = new TestClient();
    await counter.loginStaff(COUNTER.login, COUNTER.password);
    expect((await counter.page("/staff/")).html).not.toContain('href="/staff/terminals"');
  });
});

describe("R03: enrolment at /opac/enrol", () => {
  it("a code works once: the browser gets an HttpOnly, Secure, SameSite=Strict __Host- cookie; the code is cleared; a second use is refused", async () => {
    const r = await registerViaForm(await admin());
    const { client, res } = await enrolBrowser(r.enrolment!);
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/login?notice=terminal_enrolled");
    const line = res.headers.getSetCookie().find((l) => l.startsWith(`${TERMINAL_COOKIE}=`))!;
    expect(line).toMatch(new RegExp(`^${TERMINAL_COOKIE}=${r.id}\\.[A-Za-z0-9_-]{43}; Secure; HttpOnly; SameSite=Strict; Path=/; Max-Age=\\d+$`));
    expect(TERMINAL_COOKIE).toBe("__Host-shiori_terminal");
    const row = (await terminalRow(r.id!))!;
    expect(row).toMatchObject({ enrolment_hash: null, enrolment_expires_at: null });
    expect(row.secret_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(row.enrolled_at).not.toBeNull();
    // Only the secret's hash is stored.
    expect(String(row.secret_hash)).not.toBe(client.cookies.get(TERMINAL_COOKIE)!.split(".")[1]);
    const again = await enrolBrowser(r.enrolment!);
    expect(again.res.status).toBe(400);
    expect(textOf(again.html)).toContain(MESSAGES.enrolment_code_invalid);
    expect(again.client.cookies.has(TERMINAL_COOKIE)).toBe(false);
    // The first browser is still the terminal.
    expect(textOf(await loginPage(client))).toContain("中央図書館 館内利用者端末（2階 参考図書コーナー）");
  });

  it("a wrong or malformed code gets the Japanese message (400), changes nothing, and is throttled like other guessing (429 + Retry-After)", async () => {
    const r = await registerViaForm(await admin());
    const before = await terminalRow(r.id!);
    const client = new TestClient();
    await client.page("/opac/enrol");
    let last: Response | undefined;
    const statuses: number[] = [];
    for (let i = 0; i < 25; i++) {
      // A different wrong text each time: only the per-address count (20 free, as for logins) can stop it.
      last = await client.request("/opac/enrol", { form: { code: i % 2 ? `${ENROLMENT_ALPHABET.slice(i % 20, (i % 20) + 10)}` : `nonsense-${i}` } });
      statuses.push(last.status);
      if (last.status === 429) break;
      expect(textOf(await last.text())).toContain(MESSAGES.enrolment_code_invalid);
    }
    expect(statuses.slice(0, 20)).toEqual(Array(20).fill(400));
    expect(last!.status).toBe(429);
    expect(Number(last!.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(textOf(await last!.text())).toContain(MESSAGES.too_many_attempts);
    // Even the right code waits at this address now; from another browser (address) it works.
    expect((await client.request("/opac/enrol", { form: { code: r.enrolment! } })).status).toBe(429);
    expect(await terminalRow(r.id!)).toEqual(before);
    expect((await enrolBrowser(r.enrolment!)).res.status).toBe(303);
  });

  it("the same wrong text typed again and again waits after 5 tries, from any address (its own bucket)", async () => {
    const typed = "ZZZZZ-ZZZZZ";
    const outcomes: number[] = [];
    for (let i = 0; i < 6; i++) outcomes.push((await enrolBrowser(typed)).res.status);
    expect(outcomes).toEqual([400, 400, 400, 400, 400, 429]);
  });

  it("an expired code (after 24 hours) is refused and enrols nothing", async () => {
    const now = Date.now();
    const issued = await registerTerminal(db, AUTH_ENV, { code: newCode(), branchId: String(chuoId), label: "", staffId: null, now: now - TERMINAL_ENROLMENT_MS - 1000 });
    const { res, html } = await enrolBrowser(issued.enrolmentCode);
    expect(res.status).toBe(400);
    expect(textOf(html)).toContain(MESSAGES.enrolment_code_invalid);
    expect((await terminalRow(issued.id))!.secret_hash).toBeNull();
    // Just before the expiry, the service redeems it.
    const fresh = await registerTerminal(db, AUTH_ENV, { code: newCode(), branchId: String(chuoId), label: "", staffId: null, now });
    await expect(enrolTerminal(db, AUTH_ENV, { typed: fresh.enrolmentCode, clientAddress: freshAddress(), now: now + TERMINAL_ENROLMENT_MS })).rejects.toBeInstanceOf(AppError);
    expect((await enrolTerminal(db, AUTH_ENV, { typed: fresh.enrolmentCode, clientAddress: freshAddress(), now: now + TERMINAL_ENROLMENT_MS - 1 })).terminal.id).toBe(fresh.id);
  });

  it("two (and ten) concurrent redemptions of one code: exactly one wins", async () => {
    for (const n of [2, 10]) {
      const r = await registerViaForm(await admin());
      const clients = await Promise.all(
        Array.from({ length: n }, async () => {
          const c = new TestClient();
          await c.page("/opac/enrol");
          return c;
        }),
      );
      const answers = await Promise.all(clients.map((c) => c.request("/opac/enrol", { form: { code: r.enrolment! } })));
      expect(answers.filter((a) => a.status === 303), `of ${n}`).toHaveLength(1);
      // The losers are told the code is used (400) — or, past 5 tries of one text at once, to wait (429).
      expect(answers.filter((a) => a.status === 400 || a.status === 429), `of ${n}`).toHaveLength(n - 1);
      if (n === 2) expect(answers.map((a) => a.status).sort()).toEqual([303, 400]);
      const winners = clients.filter((c) => c.cookies.has(TERMINAL_COOKIE));
      expect(winners).toHaveLength(1);
      expect(await recogniseTerminal(db, winners[0]!.cookies.get(TERMINAL_COOKIE))).toMatchObject({ id: r.id });
      await Promise.all(answers.map((a) => a.arrayBuffer()));
    }
  });

  it("enrolling ends a session the browser had (the member of staff who typed the code is logged out)", async () => {
    const r = await registerViaForm(await admin());
    const staffBrowser = new TestClient();
    await staffBrowser.loginStaff(ADMIN.login, ADMIN.password);
    const { res } = await enrolBrowser(r.enrolment!, staffBrowser);
    expect(res.status).toBe(303);
    expect(staffBrowser.hasSession()).toBe(false);
    expect(staffBrowser.cookies.has(TERMINAL_COOKIE)).toBe(true);
  });
});

describe("R03: a browser holding a valid terminal cookie is the terminal", () => {
  it("its login page names the branch; a login there has the OPAC timeouts, the terminal's id and no device cookie; idle 3 min ends it", async () => {
    const r = await registerViaForm(await admin());
    const { client } = await enrolBrowser(r.enrolment!);
    const main = await loginPage(client);
    expect(textOf(main)).toContain("中央図書館 館内利用者端末（2階 参考図書コーナー）");
    expect(textOf(main)).toContain(`${OPAC_SESSION_IDLE_MS / 60_000}分間操作がないと自動的にログアウトします`);
    const patron = await insertPatron(db);
    const res = await client.request("/login", { form: { card: patron.cardNumber, password: patron.password!, next: "" } });
    expect(res.status).toBe(303);
    expect(res.headers.getSetCookie().some((l) => l.startsWith(`${COOKIE_NAMES.device}=`))).toBe(false);
    const row = (await sessionRowOf(client))!;
    expect(row.terminal_id).toBe(r.id);
    expect(row.expires_at - row.created_at).toBe(OPAC_SESSION_IDLE_MS);
    const maxAge = Number(/Max-Age=(\d+)/.exec(res.headers.getSetCookie().find((l) => l.startsWith(`${SESSION_COOKIE}=`))!)![1]);
    expect(maxAge).toBeLessThanOrEqual(OPAC_SESSION_ABSOLUTE_MS / 1000);
    expect(maxAge).toBeGreaterThan(OPAC_SESSION_ABSOLUTE_MS / 1000 - 60);
    // The account page says where the patron is.
    const account = await client.page("/account");
    expect(account.res.status).toBe(200);
    expect(textOf(mainOf(account.html))).toContain("中央図書館 館内利用者端末");
    // The session is the terminal's (R36 reads terminalId); it ends after 3 idle minutes.
    const token = client.cookies.get(SESSION_COOKIE)!;
    const t0 = row.created_at;
    expect(await loadSession(db, token, t0 + OPAC_SESSION_IDLE_MS - 1)).toMatchObject({ kind: "patron", patronId: patron.id, terminalId: r.id });
    expect(await loadSession(db, token, t0 + 2 * OPAC_SESSION_IDLE_MS)).toBeNull();
  });

  it("「ログアウト」 on the terminal goes back to its login page, ready for the next patron; on the web to the top page", async () => {
    const r = await registerViaForm(await admin());
    const { client } = await enrolBrowser(r.enrolment!);
    const patron = await insertPatron(db);
    await client.page("/login");
    await client.request("/login", { form: { card: patron.cardNumber, password: patron.password! } });
    await client.page("/account");
    const out = await client.request("/logout", { form: {} });
    expect(out.status).toBe(303);
    expect(out.headers.get("location")).toBe("/login?notice=logged_out");
    expect(await sessionRowOf(client)).toBeNull();
    const web = new TestClient();
    await web.loginWithForm(patron.cardNumber, patron.password!);
    await web.page("/account");
    expect((await web.request("/logout", { form: {} })).headers.get("location")).toBe("/");
  });

  it("the islands' JSON login on the terminal opens a terminal session too", async () => {
    const r = await registerViaForm(await admin());
    const { client } = await enrolBrowser(r.enrolment!);
    const patron = await insertPatron(db);
    await client.login(patron.cardNumber, patron.password!);
    expect((await sessionRowOf(client))!.terminal_id).toBe(r.id);
  });

  it("a web browser's login has the web timeouts and no terminal", async () => {
    const client = new TestClient();
    const patron = await insertPatron(db);
    expect(textOf(await loginPage(client))).not.toContain("館内利用者端末");
    await client.loginWithForm(patron.cardNumber, patron.password!);
    expect((await sessionRowOf(client))!.terminal_id).toBeNull();
  });

  it("a forged or altered cookie vouches for nothing: the page works, as a normal web browser, with a note", async () => {
    const r = await registerViaForm(await admin());
    const { client } = await enrolBrowser(r.enrolment!);
    const genuine = client.cookies.get(TERMINAL_COOKIE)!;
    const [id, secret] = genuine.split(".") as [string, string];
    const flipped = secret.slice(0, -1) + (secret.endsWith("A") ? "B" : "A");
    const otherId = (await env.DB.prepare("SELECT id FROM opac_terminals WHERE code = 'chuo-opac-1'").first<{ id: number }>())!.id;
    for (const forged of [`${id}.${flipped}`, `${otherId}.${secret}`, `${id}.${"x".repeat(43)}`, "garbage", `${id}.${secret}.extra`]) {
      const browser = new TestClient();
      browser.cookies.set(TERMINAL_COOKIE, forged);
      const { res, html } = await browser.page("/login");
      expect(res.status, forged).toBe(200);
      expect(textOf(mainOf(html)), forged).not.toContain("館内利用者端末（");
      expect(html, forged).toContain('id="terminal-not-enrolled"');
      const patron = await insertPatron(db);
      const login = await browser.request("/login", { form: { card: patron.cardNumber, password: patron.password! } });
      expect(login.status, forged).toBe(303);
      expect((await sessionRowOf(browser))!.terminal_id, forged).toBeNull();
      // A web login: it gets the device cookie a shared terminal would not.
      expect(login.headers.getSetCookie().some((l) => l.startsWith(`${COOKIE_NAMES.device}=`)), forged).toBe(true);
    }
  });

  it("re-issuing a code invalidates the old secret and ends the sessions opened on the terminal; the new code enrols again", async () => {
    const owner = await admin();
    const r = await registerViaForm(owner);
    const { client } = await enrolBrowser(r.enrolment!);
    const patron = await insertPatron(db);
    await client.request("/login", { form: { card: patron.cardNumber, password: patron.password! } });
    expect((await sessionRowOf(client))!.terminal_id).toBe(r.id);
    const re = await owner.request(`/staff/terminals/${r.id}/enrolment`, { form: {} });
    expect(re.status).toBe(200);
    const code2 = /id="enrolment-code">([^<]+)</.exec(await re.text())![1]!;
    expect(code2).not.toBe(r.enrolment);
    expect(await sessionRowOf(client)).toBeNull();
    expect(await recogniseTerminal(db, client.cookies.get(TERMINAL_COOKIE))).toBeNull();
    expect(await loginPage(client)).toContain('id="terminal-not-enrolled"');
    // The first code was used; the new one enrols (the same browser, a new secret).
    expect((await enrolBrowser(r.enrolment!)).res.status).toBe(400);
    expect((await enrolBrowser(code2, client)).res.status).toBe(303);
    expect(await recogniseTerminal(db, client.cookies.get(TERMINAL_COOKIE))).toMatchObject({ id: r.id });
  });

  it("a re-issued code replaces a pending one: the older code no longer enrols", async () => {
    const owner = await admin();
    const r = await registerViaForm(owner);
    const re = await owner.request(`/staff/terminals/${r.id}/enrolment`, { form: {} });
    const code2 = /id="enrolment-code">([^<]+)</.exec(await re.text())![1]!;
    expect((await enrolBrowser(r.enrolment!)).res.status).toBe(400);
    expect((await enrolBrowser(code2)).res.status).toBe(303);
  });

  it("a retired terminal is recognised no more, its sessions end, its pending code and re-issue are refused", async () => {
    const owner = await admin();
    const r = await registerViaForm(owner);
    const { client } = await enrolBrowser(r.enrolment!);
    const patron = await insertPatron(db);
    await client.request("/login", { form: { card: patron.cardNumber, password: patron.password! } });
    const pending = await registerViaForm(owner);
    for (const id of [r.id, pending.id]) {
      const res = await owner.request(`/staff/terminals/${id}/retire`, { form: {} });
      expect(res.status).toBe(303);
      expect(res.headers.get("location")).toBe("/staff/terminals?notice=retired");
    }
    expect(await sessionRowOf(client)).toBeNull();
    expect(await recogniseTerminal(db, client.cookies.get(TERMINAL_COOKIE))).toBeNull();
    expect((await terminalRow(r.id!))).toMatchObject({ active: 0, secret_hash: null });
    expect((await enrolBrowser(pending.enrolment!)).res.status).toBe(400);
    expect((await owner.request(`/staff/terminals/${r.id}/enrolment`, { form: {} })).status).toBe(404);
    expect((await owner.request(`/staff/terminals/${r.id}/retire`, { form: {} })).status).toBe(404);
    expect((await owner.request(`/staff/terminals/999999999/retire`, { form: {} })).status).toBe(404);
    expect((await owner.request(`/staff/terminals/abc/enrolment`, { form: {} })).status).toBe(404);
    const list = await owner.page("/staff/terminals");
    expect(textOf(list.html)).toContain("廃止");
    // The retired terminal's browser still logs in, as a web browser (with the login page's note).
    expect(await loginPage(client)).toContain('id="terminal-not-enrolled"');
    const again = await client.request("/login", { form: { card: patron.cardNumber, password: patron.password! } });
    expect(again.status).toBe(303);
    expect((await sessionRowOf(client))!.terminal_id).toBeNull();
  });
});

describe("R03: the old kiosk start page and the command line", () => {
  it("/login?terminal=CODE makes no terminal: a web session (typing a code proves nothing)", async () => {
    const client = new TestClient();
    const { html } = await client.page("/login?terminal=chuo-opac-1");
    expect(html).toContain('id="terminal-not-enrolled"');
    const patron = await insertPatron(db);
    await client.request("/login", { form: { card: patron.cardNumber, password: patron.password!, terminal: "chuo-opac-1" } });
    expect((await sessionRowOf(client))!.terminal_id).toBeNull();
  });

  it("`npm run staff -- enrol-terminal chuo-opac-1`'s service gives the demo terminal a fresh code that enrols it", async () => {
    const issued = await issueEnrolmentForCode(db, AUTH_ENV, { code: "chuo-opac-1", now: Date.now() });
    const { client, res } = await enrolBrowser(issued.enrolmentCode);
    expect(res.status).toBe(303);
    expect(textOf(await loginPage(client))).toContain("中央図書館 館内利用者端末（1階 蔵書検索コーナー）");
    await expect(issueEnrolmentForCode(db, AUTH_ENV, { code: "nowhere", now: Date.now() })).rejects.toMatchObject({ status: 404 });
  });

  it("/opac/enrol is public, has the form, and on an enrolled terminal says which it is", async () => {
    const fresh = new TestClient();
    const { res, html } = await fresh.page("/opac/enrol");
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toContain("no-store");
    expect(html).toContain('action="/opac/enrol"');
    expect(html).not.toContain('id="terminal-current"');
    const r = await registerViaForm(await admin());
    const { client } = await enrolBrowser(r.enrolment!);
    expect(textOf((await client.page("/opac/enrol")).html)).toContain(`（${r.code}）として登録されています`);
  });
});
