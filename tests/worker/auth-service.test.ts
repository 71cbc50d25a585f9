// R01–R08 and issue 3 items 1–8, 10 (audit), 11 (staff): the account services, inside workerd on the migrated D1.
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import * as loginService from "../../worker/src/services/login.ts";
import * as passwordService from "../../worker/src/services/passwords.ts";
import * as sessionService from "../../worker/src/services/sessions.ts";
import { loginPatron, loginStaff } from "../../worker/src/services/login.ts";
import { applyPassword, changePassword, issueTemporaryPassword } from "../../worker/src/services/passwords.ts";
import { hashSessionToken, loadSession, logout } from "../../worker/src/services/sessions.ts";
import { ThrottledError } from "../../worker/src/errors.ts";
import { PBKDF2_ITERATIONS, hashPassword, verifyPassword } from "../../worker/src/services/password-hash.ts";
import { checkNewPassword } from "../../worker/src/domain/password-rules.ts";
import { AppError } from "../../worker/src/errors.ts";
import { AUTH_ENV, PEPPER, auditActions, demoDb, freshAddress, insertPatron, patronIdOf, sessionCount, storedCredential } from "../support/accounts.ts";
import { demoTerminalId } from "../support/terminals.ts";

const MIN = 60_000;
const HOUR = 60 * MIN;
const NOW = Date.UTC(2026, 10, 30, 1, 0, 0);

afterEach(() => {
  vi.restoreAllMocks();
});

/** The refusal a promise ends with, as the error envelope a route would send. */
async function refusal(p: Promise<unknown>): Promise<{ status: number; code: string; reasons: string[]; fields: (string | undefined)[]; body: unknown }> {
  try {
    await p;
  } catch (e) {
    if (!(e instanceof AppError)) throw e;
    return { status: e.status, code: e.code, reasons: e.reasons.map((r) => r.code), fields: e.reasons.map((r) => r.field), body: e.toJSON() };
  }
  throw new Error("expected a refusal");
}

async function count(sql: string, ...binds: unknown[]): Promise<number> {
  const row = await env.DB.prepare(sql).bind(...binds).first<{ n: number }>();
  return row!.n;
}

describe("R01 the web never creates patrons", () => {
  it("no account service registers a patron", () => {
    const verbs = [...Object.keys(loginService), ...Object.keys(passwordService), ...Object.keys(sessionService)];
    expect(verbs).toContain("loginPatron");
    expect(verbs.filter((k) => /create|register|signup|addPatron/i.test(k))).toEqual([]);
  });

  it("a login or an application for an unknown card creates nothing", async () => {
    const db = await demoDb();
    const before = await count("SELECT count(*) AS n FROM patrons");
    const address = freshAddress();
    expect((await refusal(loginPatron(db, AUTH_ENV, { card: "2199999999", password: "Tosho2026", clientAddress: address, now: NOW }))).reasons).toEqual(["login_failed"]);
    const applied = await refusal(
      applyPassword(db, AUTH_ENV, { agreed: true, card: "2199999999", birthDate: "1985-04-12", phone: "093-555-0001", password: "Honyomu77", confirm: "Honyomu77", clientAddress: address, now: NOW }),
    );
    expect(applied.reasons).toEqual(["identity_not_confirmed"]);
    expect(await count("SELECT count(*) AS n FROM patrons")).toBe(before);
    expect(await count("SELECT count(*) AS n FROM credentials c LEFT JOIN patrons p ON p.id = c.patron_id WHERE p.id IS NULL")).toBe(0);
  });
});

describe("R03 one password for the web and the OPAC; hashing (item 4)", () => {
  it("2100000001 logs in with Tosho2026 on the web and at an OPAC terminal, case-sensitive", async () => {
    const db = await demoDb();
    const web = await loginPatron(db, AUTH_ENV, { card: "2100000001", password: "Tosho2026", clientAddress: freshAddress(), now: NOW });
    expect(web.patron).toMatchObject({ cardNumber: "2100000001", name: "北九 太郎", temporary: false });
    const opac = await loginPatron(db, AUTH_ENV, { card: "2100000001", password: "Tosho2026", clientAddress: freshAddress(), terminalId: await demoTerminalId(), now: NOW });
    expect((await loadSession(db, opac.token, NOW))).toMatchObject({ kind: "patron", cardNumber: "2100000001" });
    expect(((await loadSession(db, opac.token, NOW)) as { terminalId: number | null }).terminalId).not.toBeNull();
    expect(((await loadSession(db, web.token, NOW)) as { terminalId: number | null }).terminalId).toBeNull();
    expect((await refusal(loginPatron(db, AUTH_ENV, { card: "2100000001", password: "tosho2026", clientAddress: freshAddress(), now: NOW }))).reasons).toEqual(["login_failed"]);
  });

  it("takes the card number as a patron types it (full-width digits, spaces)", async () => {
    const db = await demoDb();
    const r = await loginPatron(db, AUTH_ENV, { card: "２１００ ０００ ００１", password: "Tosho2026", clientAddress: freshAddress(), now: NOW });
    expect(r.patron.cardNumber).toBe("2100000001");
  });

  it("pins PBKDF2 at no more than 100,000 iterations (workerd's production maximum)", async () => {
    expect(PBKDF2_ITERATIONS).toBeLessThanOrEqual(100_000);
    const hash = await hashPassword("Tosho2026", PEPPER);
    expect(hash.split("$").slice(0, 2)).toEqual(["pbkdf2-sha256", String(PBKDF2_ITERATIONS)]);
    // A stored hash asking for more is refused rather than run (production would throw).
    const tooMany = hash.replace(`$${PBKDF2_ITERATIONS}$`, "$100001$");
    expect(await verifyPassword("Tosho2026", tooMany, PEPPER)).toEqual({ ok: false, needsUpgrade: false });
  });

  it("the pepper matters: the same password and hash with another pepper do not log in", async () => {
    const db = await demoDb();
    const p = await insertPatron(db);
    expect((await verifyPassword(p.password!, (await storedCredential(p.id))!.hash, "another-pepper")).ok).toBe(false);
    const r = await refusal(loginPatron(db, { PASSWORD_PEPPER: "another-pepper" }, { card: p.cardNumber, password: p.password!, clientAddress: freshAddress(), now: NOW }));
    expect(r.reasons).toEqual(["login_failed"]);
    await expect(loginPatron(db, { PASSWORD_PEPPER: "" }, { card: p.cardNumber, password: p.password!, clientAddress: freshAddress(), now: NOW })).rejects.toThrow(/PEPPER/);
  });

  it("upgrades a hash with old parameters at the next good login, keeping the password", async () => {
    const db = await demoDb();
    const p = await insertPatron(db, { iterations: 1000 });
    expect((await storedCredential(p.id))!.hash).toMatch(/^pbkdf2-sha256\$1000\$/);
    await loginPatron(db, AUTH_ENV, { card: p.cardNumber, password: p.password!, clientAddress: freshAddress(), now: NOW });
    const after = (await storedCredential(p.id))!;
    expect(after.hash).toMatch(/^pbkdf2-sha256\$100000\$/);
    expect(after.changed_at).toBe(0);
    expect((await verifyPassword(p.password!, after.hash, PEPPER)).ok).toBe(true);
  });
});

describe("login (item 1) and sessions (item 2)", () => {
  it("stores only the SHA-256 of a random 256-bit token", async () => {
    const db = await demoDb();
    const p = await insertPatron(db);
    const r = await loginPatron(db, AUTH_ENV, { card: p.cardNumber, password: p.password!, clientAddress: freshAddress(), now: NOW });
    expect(r.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(r.expiresAt).toBe(NOW + 12 * HOUR);
    const rows = await env.DB.prepare("SELECT * FROM sessions WHERE patron_id = ?").bind(p.id).all<Record<string, unknown>>();
    expect(rows.results).toHaveLength(1);
    expect(rows.results[0]!.token_hash).toBe(await hashSessionToken(r.token));
    expect(rows.results[0]!.token_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(rows.results)).not.toContain(r.token);
    expect(rows.results[0]).toMatchObject({ created_at: NOW, last_seen_at: NOW, expires_at: NOW + 30 * MIN, terminal_id: null });
  });

  it("rotates: every login gets a new token, and the one the browser came with ends", async () => {
    const db = await demoDb();
    const p = await insertPatron(db);
    const first = await loginPatron(db, AUTH_ENV, { card: p.cardNumber, password: p.password!, clientAddress: freshAddress(), now: NOW });
    const second = await loginPatron(db, AUTH_ENV, { card: p.cardNumber, password: p.password!, clientAddress: freshAddress(), previousToken: first.token, now: NOW + MIN });
    expect(second.token).not.toBe(first.token);
    expect(await loadSession(db, first.token, NOW + MIN)).toBeNull();
    expect(await loadSession(db, second.token, NOW + MIN)).toMatchObject({ kind: "patron", patronId: p.id });
    expect(await sessionCount(p.id)).toBe(1);
  });

  it("wrong card, wrong password and no password yet give the same answer after the same PBKDF2 work", async () => {
    const db = await demoDb();
    const p = await insertPatron(db);
    const noPassword = await insertPatron(db, { password: null });
    const derive = vi.spyOn(crypto.subtle, "deriveBits");
    const answers: unknown[] = [];
    for (const [card, password] of [
      [p.cardNumber, "WrongPass1"],
      ["2199999998", p.password!],
      [noPassword.cardNumber, "Anything1"],
      ["not a card", "x"],
    ] as const) {
      derive.mockClear();
      const r = await refusal(loginPatron(db, AUTH_ENV, { card, password, clientAddress: freshAddress(), now: NOW }));
      expect(derive, card).toHaveBeenCalledTimes(1);
      expect(derive.mock.calls[0]![0]).toMatchObject({ name: "PBKDF2", iterations: PBKDF2_ITERATIONS });
      answers.push(r.body);
    }
    expect(answers.every((a) => JSON.stringify(a) === JSON.stringify(answers[0]))).toBe(true);
    expect(answers[0]).toEqual({ error: { code: "unauthorized", message: "図書館カード番号またはパスワードが正しくありません。", reasons: [{ code: "login_failed", message: "図書館カード番号またはパスワードが正しくありません。" }] } });
  });

  it("writes an audit row for a login and for a failure, never the password", async () => {
    const db = await demoDb();
    const p = await insertPatron(db);
    const at = NOW + 3 * HOUR;
    await refusal(loginPatron(db, AUTH_ENV, { card: p.cardNumber, password: "WrongPass1", clientAddress: "192.0.2.55", now: at }));
    await loginPatron(db, AUTH_ENV, { card: p.cardNumber, password: p.password!, clientAddress: "192.0.2.55", now: at });
    expect(await auditActions(at, p.id)).toEqual(["login_failed", "login"]);
    const rows = await env.DB.prepare("SELECT * FROM audit_log WHERE at = ? AND (actor_id = ? OR target_id = ?)").bind(at, p.id, p.id).all();
    expect(JSON.stringify(rows.results)).not.toMatch(/WrongPass1|Honyomu2026/);
    expect(rows.results.every((r) => r.client_address === "192.0.2.55")).toBe(true);
  });

  it("a suspended card is told so only after the right password", async () => {
    const db = await demoDb();
    const p = await insertPatron(db, { status: "suspended" });
    expect((await refusal(loginPatron(db, AUTH_ENV, { card: p.cardNumber, password: "WrongPass1", clientAddress: freshAddress(), now: NOW }))).reasons).toEqual(["login_failed"]);
    expect(await refusal(loginPatron(db, AUTH_ENV, { card: p.cardNumber, password: p.password!, clientAddress: freshAddress(), now: NOW }))).toMatchObject({
      status: 403,
      reasons: ["account_suspended"],
    });
  });

  it("logout deletes the session row on the server", async () => {
    const db = await demoDb();
    const p = await insertPatron(db);
    const r = await loginPatron(db, AUTH_ENV, { card: p.cardNumber, password: p.password!, clientAddress: freshAddress(), now: NOW });
    await logout(db, r.token, NOW + MIN);
    expect(await sessionCount(p.id)).toBe(0);
    expect(await loadSession(db, r.token, NOW + MIN)).toBeNull();
    expect(await auditActions(NOW + MIN, p.id)).toContain("logout");
    await logout(db, r.token, NOW + 2 * MIN); // twice is harmless
    await logout(db, "garbage", NOW);
  });

  it("refuses tokens nobody issued", async () => {
    const db = await demoDb();
    expect(await loadSession(db, "", NOW)).toBeNull();
    expect(await loadSession(db, "x".repeat(43), NOW)).toBeNull();
    expect(await loadSession(db, "x".repeat(5000), NOW)).toBeNull();
  });
});

describe("session timeouts (item 2): web idle 30 min, absolute 12 h; OPAC idle 3 min, absolute 30 min", () => {
  async function webLogin() {
    const db = await demoDb();
    const p = await insertPatron(db);
    const r = await loginPatron(db, AUTH_ENV, { card: p.cardNumber, password: p.password!, clientAddress: freshAddress(), now: NOW });
    return { db, p, token: r.token };
  }

  it("a web session ends after 30 idle minutes, and its row goes", async () => {
    const { db, p, token } = await webLogin();
    expect(await loadSession(db, token, NOW + 30 * MIN - 1)).not.toBeNull();
    const { db: db2, p: p2, token: token2 } = await webLogin();
    expect(await loadSession(db2, token2, NOW + 30 * MIN)).toBeNull();
    expect(await sessionCount(p2.id)).toBe(0);
    expect(p.id).not.toBe(p2.id);
  });

  it("activity keeps it open, but never past 12 hours", async () => {
    const { db, token } = await webLogin();
    for (let t = NOW + 20 * MIN; t < NOW + 12 * HOUR; t += 20 * MIN) {
      expect(await loadSession(db, token, t), new Date(t).toISOString()).not.toBeNull();
    }
    expect(await loadSession(db, token, NOW + 12 * HOUR)).toBeNull();
  });

  it("writes last_seen_at at most once a minute", async () => {
    const { db, p, token } = await webLogin();
    const seen = async () => (await env.DB.prepare("SELECT last_seen_at AS t, expires_at AS e FROM sessions WHERE patron_id = ?").bind(p.id).first<{ t: number; e: number }>())!;
    await loadSession(db, token, NOW + 59_000);
    expect(await seen()).toEqual({ t: NOW, e: NOW + 30 * MIN });
    await loadSession(db, token, NOW + 60_000);
    expect(await seen()).toEqual({ t: NOW + 60_000, e: NOW + 60_000 + 30 * MIN });
  });

  it("an OPAC terminal session ends after 3 idle minutes and 30 minutes in all", async () => {
    const db = await demoDb();
    const p = await insertPatron(db);
    const terminalId = await demoTerminalId();
    const login = () => loginPatron(db, AUTH_ENV, { card: p.cardNumber, password: p.password!, clientAddress: freshAddress(), terminalId, now: NOW });
    const a = await login();
    expect(a.expiresAt).toBe(NOW + 30 * MIN);
    expect(await loadSession(db, a.token, NOW + 3 * MIN - 1)).not.toBeNull();
    const b = await login();
    expect(await loadSession(db, b.token, NOW + 3 * MIN)).toBeNull();
    const c = await login();
    for (let t = NOW + MIN; t < NOW + 30 * MIN; t += MIN) expect(await loadSession(db, c.token, t)).not.toBeNull();
    expect(await loadSession(db, c.token, NOW + 30 * MIN)).toBeNull();
  });
});

describe("throttling (item 5)", () => {
  it("after 5 failures on a card the next try waits 30 s, even with the right password; then it works", async () => {
    const db = await demoDb();
    const p = await insertPatron(db);
    const try_ = (password: string, now: number) => loginPatron(db, AUTH_ENV, { card: p.cardNumber, password, clientAddress: freshAddress(), now });
    for (let i = 0; i < 5; i++) expect((await refusal(try_("WrongPass1", NOW + i * 1000))).reasons).toEqual(["login_failed"]);
    const last = NOW + 4000;
    const err = await try_(p.password!, last + 10_000).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ThrottledError);
    expect((err as ThrottledError).retryAfterSeconds).toBe(20);
    expect((err as ThrottledError).status).toBe(429);
    expect((err as ThrottledError).message).toContain("20秒");
    expect((err as ThrottledError).reasons.map((r) => r.code)).toEqual(["too_many_attempts"]);
    // The refused try is not a failure: the wait does not grow while the patron waits.
    expect(await try_(p.password!, last + 30_000)).toMatchObject({ patron: { id: p.id } });
    // A good login forgets the card's failures.
    expect(await count("SELECT count(*) AS n FROM auth_failures WHERE subject = ?", p.cardNumber)).toBe(0);
    expect(await auditActions(NOW, p.id)).toEqual(["login_failed", "login_failed", "login_failed", "login_failed", "login_failed", "login"]);
  });

  it("password spraying: one password over sequential card numbers from one address is stopped; other addresses are not", async () => {
    const db = await demoDb();
    const sprayer = freshAddress();
    const start = NOW + 5 * HOUR;
    for (let i = 0; i < 20; i++) {
      const r = await refusal(loginPatron(db, AUTH_ENV, { card: String(2150000000 + i), password: "Tosho2026", clientAddress: sprayer, now: start + i * 100 }));
      expect(r.reasons).toEqual(["login_failed"]);
    }
    const next = await refusal(loginPatron(db, AUTH_ENV, { card: "2150000020", password: "Tosho2026", clientAddress: sprayer, now: start + 2100 }));
    expect(next).toMatchObject({ status: 429, code: "too_many_requests" });
    // The real 2100000001 logging in from home is not affected.
    expect(await loginPatron(db, AUTH_ENV, { card: "2100000001", password: "Tosho2026", clientAddress: freshAddress(), now: start + 2200 })).toMatchObject({ patron: { cardNumber: "2100000001" } });
  });

  it("no permanent lock: the counter's temporary password lifts the wait a stranger caused", async () => {
    const db = await demoDb();
    const p = await insertPatron(db);
    for (let i = 0; i < 12; i++) {
      await refusal(loginPatron(db, AUTH_ENV, { card: p.cardNumber, password: "WrongPass1", clientAddress: freshAddress(), now: NOW + i * 16 * MIN }));
    }
    const after = NOW + 11 * 16 * MIN + MIN;
    expect(await refusal(loginPatron(db, AUTH_ENV, { card: p.cardNumber, password: p.password!, clientAddress: freshAddress(), now: after }))).toMatchObject({ status: 429 });
    // The longest wait is 15 minutes after the stranger's last failure…
    expect(await loginPatron(db, AUTH_ENV, { card: p.cardNumber, password: p.password!, clientAddress: freshAddress(), now: after + 14 * MIN })).toMatchObject({ patron: { id: p.id } });
    // …and R05 at the counter clears it at once.
    for (let i = 0; i < 6; i++) await refusal(loginPatron(db, AUTH_ENV, { card: p.cardNumber, password: "WrongPass1", clientAddress: freshAddress(), now: after + 20 * MIN + i }));
    const issued = await issueTemporaryPassword(db, AUTH_ENV, { card: p.cardNumber, staffId: null, now: after + 21 * MIN });
    expect(await loginPatron(db, AUTH_ENV, { card: p.cardNumber, password: issued.password, clientAddress: freshAddress(), now: after + 21 * MIN })).toMatchObject({ patron: { temporary: true } });
  });
});

describe("R05 temporary password", () => {
  it("2100000002 logs in with the counter-issued Kari0002 and the session says so", async () => {
    const db = await demoDb();
    const r = await loginPatron(db, AUTH_ENV, { card: "2100000002", password: "Kari0002", clientAddress: freshAddress(), now: NOW });
    expect(r.patron).toMatchObject({ cardNumber: "2100000002", temporary: true });
    expect(await loadSession(db, r.token, NOW)).toMatchObject({ kind: "patron", temporary: true });
  });

  it("issues 8 unambiguous characters valid under R02, marks them temporary, ends sessions, audits", async () => {
    const db = await demoDb();
    const p = await insertPatron(db);
    const old = await loginPatron(db, AUTH_ENV, { card: p.cardNumber, password: p.password!, clientAddress: freshAddress(), now: NOW });
    const staffId = (await env.DB.prepare("SELECT id FROM staff_users WHERE login = 'counter-chuo'").first<{ id: number }>())!.id;
    const issued = await issueTemporaryPassword(db, AUTH_ENV, { card: p.cardNumber, staffId, now: NOW + MIN });
    expect(issued).toMatchObject({ patronId: p.id, cardNumber: p.cardNumber });
    expect(issued.password).toMatch(/^[A-HJ-NP-Za-km-np-z2-9]{8}$/);
    expect(checkNewPassword(issued.password, { cardNumber: p.cardNumber, birthDate: p.birthDate })).toEqual({ ok: true });
    expect((await storedCredential(p.id))!.temporary).toBe(1);
    expect(await loadSession(db, old.token, NOW + MIN)).toBeNull();
    expect(await refusal(loginPatron(db, AUTH_ENV, { card: p.cardNumber, password: p.password!, clientAddress: freshAddress(), now: NOW + 2 * MIN }))).toMatchObject({ reasons: ["login_failed"] });
    const r = await loginPatron(db, AUTH_ENV, { card: p.cardNumber, password: issued.password, clientAddress: freshAddress(), now: NOW + 2 * MIN });
    expect(r.patron.temporary).toBe(true);
    const row = await env.DB.prepare("SELECT actor_kind, actor_id, target_id FROM audit_log WHERE action = 'temporary_password_issued' AND target_id = ?").bind(p.id).first();
    expect(row).toEqual({ actor_kind: "staff", actor_id: staffId, target_id: p.id });
  });

  it("gives a different password each time, and refuses an unknown card", async () => {
    const db = await demoDb();
    const p = await insertPatron(db, { password: null });
    const a = await issueTemporaryPassword(db, AUTH_ENV, { card: p.cardNumber, staffId: null, now: NOW });
    const b = await issueTemporaryPassword(db, AUTH_ENV, { card: p.cardNumber, staffId: null, now: NOW });
    expect(a.password).not.toBe(b.password);
    expect(await refusal(issueTemporaryPassword(db, AUTH_ENV, { card: "2199999997", staffId: null, now: NOW }))).toMatchObject({ status: 404, reasons: ["patron_not_found"] });
  });
});

describe("R06 「パスワード変更」", () => {
  async function loggedIn(opts: { temporary?: boolean } = {}) {
    const db = await demoDb();
    const p = await insertPatron(db, { temporary: opts.temporary ?? false });
    const mine = await loginPatron(db, AUTH_ENV, { card: p.cardNumber, password: p.password!, clientAddress: freshAddress(), now: NOW });
    const other = await loginPatron(db, AUTH_ENV, { card: p.cardNumber, password: p.password!, clientAddress: freshAddress(), now: NOW });
    return { db, p, mine, other, before: (await storedCredential(p.id))! };
  }

  it("nothing changes unless current, new and confirmation are all right — every reason given", async () => {
    const { db, p, mine, other, before } = await loggedIn();
    const change = (current: string, next: string, confirm: string) =>
      refusal(changePassword(db, AUTH_ENV, { patronId: p.id, currentToken: mine.token, current, next, confirm, clientAddress: freshAddress(), now: NOW + MIN }));

    expect(await change("WrongPass1", "ｱｲｳｴｵ1", "Different9")).toMatchObject({
      status: 400,
      reasons: ["current_password_wrong", "password_half_width_katakana", "password_confirm_mismatch"],
      fields: ["current", "next", "confirm"],
    });
    expect((await change("WrongPass1", "Shinkan2027", "Shinkan2027")).reasons).toEqual(["current_password_wrong"]);
    expect((await change(p.password!, "Shinkan2027", "Shinkan2028")).reasons).toEqual(["password_confirm_mismatch"]);
    expect((await change(p.password!, "123456", "123456")).reasons).toEqual(["password_common"]);
    expect((await change(p.password!, p.cardNumber, p.cardNumber)).reasons).toEqual(["password_same_as_card"]);
    expect((await change(p.password!, "Mori19900102", "Mori19900102")).reasons).toEqual(["password_contains_birth_date"]);
    expect((await change(p.password!, p.password!, p.password!)).reasons).toEqual(["password_unchanged"]);

    expect(await storedCredential(p.id)).toEqual(before);
    expect(await loadSession(db, other.token, NOW + MIN)).not.toBeNull();
    expect(await auditActions(NOW + MIN, p.id)).toEqual(Array(7).fill("password_change_failed"));
  });

  it("on success: the new password works, the old does not, other sessions end, this one stays, audited", async () => {
    const { db, p, mine, other } = await loggedIn();
    await changePassword(db, AUTH_ENV, { patronId: p.id, currentToken: mine.token, current: p.password!, next: "Shinkan2027", confirm: "Shinkan2027", clientAddress: freshAddress(), now: NOW + MIN });
    expect(await loadSession(db, mine.token, NOW + MIN)).toMatchObject({ patronId: p.id });
    expect(await loadSession(db, other.token, NOW + MIN)).toBeNull();
    expect(await sessionCount(p.id)).toBe(1);
    expect((await storedCredential(p.id))!.changed_at).toBe(NOW + MIN);
    expect(await refusal(loginPatron(db, AUTH_ENV, { card: p.cardNumber, password: p.password!, clientAddress: freshAddress(), now: NOW + 2 * MIN }))).toMatchObject({ reasons: ["login_failed"] });
    expect(await loginPatron(db, AUTH_ENV, { card: p.cardNumber, password: "Shinkan2027", clientAddress: freshAddress(), now: NOW + 2 * MIN })).toMatchObject({ patron: { id: p.id } });
    expect(await auditActions(NOW + MIN, p.id)).toContain("password_changed");
  });

  it("R05: changing a temporary password makes it a normal one, and the session is no longer gated", async () => {
    const { db, p, mine } = await loggedIn({ temporary: true });
    expect(await loadSession(db, mine.token, NOW)).toMatchObject({ temporary: true });
    await changePassword(db, AUTH_ENV, { patronId: p.id, currentToken: mine.token, current: p.password!, next: "Shinkan2027", confirm: "Shinkan2027", now: NOW + MIN });
    expect((await storedCredential(p.id))!.temporary).toBe(0);
    expect(await loadSession(db, mine.token, NOW + MIN)).toMatchObject({ temporary: false });
  });

  it("a wrong current password counts toward the card's throttle (a stolen session cannot guess it at full speed)", async () => {
    const { db, p, mine } = await loggedIn();
    for (let i = 0; i < 5; i++) {
      await refusal(changePassword(db, AUTH_ENV, { patronId: p.id, currentToken: mine.token, current: `Guess${i}abc`, next: "Shinkan2027", confirm: "Shinkan2027", now: NOW + i }));
    }
    expect(await refusal(changePassword(db, AUTH_ENV, { patronId: p.id, currentToken: mine.token, current: p.password!, next: "Shinkan2027", confirm: "Shinkan2027", now: NOW + 10 }))).toMatchObject({ status: 429 });
  });
});

describe("R07 a password may be changed any number of times", () => {
  it("changes three times in a row; only the last one logs in", async () => {
    const db = await demoDb();
    const p = await insertPatron(db);
    const session = await loginPatron(db, AUTH_ENV, { card: p.cardNumber, password: p.password!, clientAddress: freshAddress(), now: NOW });
    let current = p.password!;
    for (const [i, next] of ["Haru2027", "Natsu2027", "Aki2027x"].entries()) {
      await changePassword(db, AUTH_ENV, { patronId: p.id, currentToken: session.token, current, next, confirm: next, now: NOW + (i + 1) * MIN });
      current = next;
    }
    for (const old of [p.password!, "Haru2027", "Natsu2027"]) {
      expect((await refusal(loginPatron(db, AUTH_ENV, { card: p.cardNumber, password: old, clientAddress: freshAddress(), now: NOW + HOUR }))).reasons).toEqual(["login_failed"]);
    }
    expect(await loginPatron(db, AUTH_ENV, { card: p.cardNumber, password: "Aki2027x", clientAddress: freshAddress(), now: NOW + HOUR })).toMatchObject({ patron: { id: p.id } });
    expect(await loadSession(db, session.token, NOW + 4 * MIN)).not.toBeNull();
  });
});

describe("R04/R08 「本パスワード申請」", () => {
  const apply = (db: Awaited<ReturnType<typeof demoDb>>, over: Partial<Parameters<typeof applyPassword>[2]>) =>
    applyPassword(db, AUTH_ENV, {
      agreed: true,
      card: "2100000003",
      birthDate: "1978-11-23",
      phone: "093-555-0003",
      password: "Wakamatsu78",
      confirm: "Wakamatsu78",
      clientAddress: freshAddress(),
      now: NOW,
      ...over,
    });

  it("2100000003 issues his own password with card, birth date and the phone with hyphens, then logs in", async () => {
    const db = await demoDb();
    expect(await storedCredential(await patronIdOf(db, "2100000003"))).toBeNull();
    expect(await apply(db, {})).toMatchObject({ cardNumber: "2100000003" });
    const id = await patronIdOf(db, "2100000003");
    expect((await storedCredential(id))!.temporary).toBe(0);
    expect(await loginPatron(db, AUTH_ENV, { card: "2100000003", password: "Wakamatsu78", clientAddress: freshAddress(), now: NOW + MIN })).toMatchObject({ patron: { temporary: false } });
    expect(await auditActions(NOW, id)).toContain("password_applied");
  });

  it("tolerates full-width digits and hyphens, no hyphens, and a full-width birth date", async () => {
    const db = await demoDb();
    const p = await insertPatron(db, { password: null, birthDate: "1970-03-04", phone: "093-555-7777" });
    for (const [phone, birthDate] of [
      ["０９３－５５５－７７７７", "１９７０－０３－０４"],
      ["0935557777", "1970/3/4"],
      ["093 555 7777", "1970年3月4日"],
      ["093ー555ー7777", "19700304"],
    ] as const) {
      expect(await apply(db, { card: p.cardNumber, phone, birthDate, password: "Shinkan2027", confirm: "Shinkan2027" }), `${phone} ${birthDate}`).toMatchObject({ patronId: p.id });
    }
  });

  it("gives one answer whichever of card, birth date and phone is wrong", async () => {
    const db = await demoDb();
    const p = await insertPatron(db, { password: null, birthDate: "1980-05-06", phone: "093-555-8888" });
    const good = { card: p.cardNumber, birthDate: "1980-05-06", phone: "093-555-8888" };
    const answers: string[] = [];
    for (const wrong of [
      { card: "2100000004" },
      { card: "2199999996" },
      { birthDate: "1980-05-07" },
      { phone: "093-555-8889" },
      { card: "2199999996", birthDate: "1999-01-01", phone: "0120-000-000" },
    ]) {
      const r = await refusal(apply(db, { ...good, ...wrong, password: "Shinkan2027", confirm: "Shinkan2027" }));
      answers.push(JSON.stringify(r.body));
    }
    expect(new Set(answers).size).toBe(1);
    expect(JSON.parse(answers[0]!).error.reasons.map((r: { code: string }) => r.code)).toEqual(["identity_not_confirmed"]);
    expect(await storedCredential(p.id)).toBeNull();
  });

  it("collects every reason in the form before looking anybody up", async () => {
    const db = await demoDb();
    const r = await refusal(apply(db, { agreed: false, card: "abc", birthDate: "1978-02-30", phone: "--", password: "ｱｲｳｴｵ1", confirm: "other" }));
    expect(r.reasons).toEqual(["terms_not_agreed", "card_number_invalid", "birth_date_invalid", "phone_invalid", "password_half_width_katakana", "password_confirm_mismatch"]);
    expect(r.fields).toEqual(["agreed", "card", "birthDate", "phone", "password", "confirm"]);
    expect(await count("SELECT count(*) AS n FROM auth_failures WHERE kind = 'apply' AND subject = 'abc'")).toBe(0);
    // R02 with the patron's own facts: not the card number, not the birth date.
    expect((await refusal(apply(db, { password: "Jiro19781123", confirm: "Jiro19781123" }))).reasons).toEqual(["password_contains_birth_date"]);
    expect((await refusal(apply(db, { password: "2100000003", confirm: "2100000003" }))).reasons).toEqual(["password_same_as_card"]);
  });

  it("is throttled like login", async () => {
    const db = await demoDb();
    const p = await insertPatron(db, { password: null, birthDate: "1981-01-01", phone: "093-555-9999" });
    for (let i = 0; i < 5; i++) {
      expect((await refusal(apply(db, { card: p.cardNumber, birthDate: "1981-01-01", phone: `093-555-000${i}`, now: NOW + i }))).reasons).toEqual(["identity_not_confirmed"]);
    }
    const r = await refusal(apply(db, { card: p.cardNumber, birthDate: "1981-01-01", phone: "093-555-9999", now: NOW + 10 }));
    expect(r).toMatchObject({ status: 429, reasons: ["too_many_attempts"] });
    expect(await apply(db, { card: p.cardNumber, birthDate: "1981-01-01", phone: "093-555-9999", now: NOW + 4 + 30_000 })).toMatchObject({ patronId: p.id });
  });

  it("R08: re-issuing a forgotten password (or a temporary one) ends every session and sets a normal password", async () => {
    const db = await demoDb();
    const p = await insertPatron(db, { temporary: true, birthDate: "1975-12-12", phone: "093-555-4321" });
    const s = await loginPatron(db, AUTH_ENV, { card: p.cardNumber, password: p.password!, clientAddress: freshAddress(), now: NOW });
    await apply(db, { card: p.cardNumber, birthDate: "1975-12-12", phone: "093-555-4321", password: "Wasureta99", confirm: "Wasureta99", now: NOW + MIN });
    expect(await loadSession(db, s.token, NOW + MIN)).toBeNull();
    expect((await storedCredential(p.id))!.temporary).toBe(0);
    expect((await refusal(loginPatron(db, AUTH_ENV, { card: p.cardNumber, password: p.password!, clientAddress: freshAddress(), now: NOW + 2 * MIN }))).reasons).toEqual(["login_failed"]);
    expect(await loginPatron(db, AUTH_ENV, { card: p.cardNumber, password: "Wasureta99", clientAddress: freshAddress(), now: NOW + 2 * MIN })).toMatchObject({ patron: { temporary: false } });
  });
});

describe("staff accounts (item 11)", () => {
  it("staff log in with their own accounts, separate from patrons, with role and branch", async () => {
    const db = await demoDb();
    const r = await loginStaff(db, AUTH_ENV, { login: "counter-chuo", password: "Counter-Chuo-2026", clientAddress: freshAddress(), now: NOW });
    const chuo = (await env.DB.prepare("SELECT id FROM branches WHERE code = 'chuo'").first<{ id: number }>())!.id;
    expect(r.staff).toMatchObject({ login: "counter-chuo", role: "counter", branchId: chuo });
    expect(await loadSession(db, r.token, NOW + MIN)).toEqual({ kind: "staff", staffId: r.staff.id, login: "counter-chuo", role: "counter", branchId: chuo });
    expect((await loginStaff(db, AUTH_ENV, { login: "admin", password: "Admin-Demo-2026", clientAddress: freshAddress(), now: NOW })).staff.role).toBe("admin");
    expect(await auditActions(NOW, r.staff.id)).toContain("staff_login");
  });

  it("a patron's card and password open no staff session, and a wrong staff password is refused alike", async () => {
    const db = await demoDb();
    expect((await refusal(loginStaff(db, AUTH_ENV, { login: "2100000001", password: "Tosho2026", clientAddress: freshAddress(), now: NOW }))).reasons).toEqual(["staff_login_failed"]);
    expect((await refusal(loginStaff(db, AUTH_ENV, { login: "counter-chuo", password: "counter-chuo-2026", clientAddress: freshAddress(), now: NOW }))).reasons).toEqual(["staff_login_failed"]);
    expect((await refusal(loginPatron(db, AUTH_ENV, { card: "counter-chuo", password: "Counter-Chuo-2026", clientAddress: freshAddress(), now: NOW }))).reasons).toEqual(["login_failed"]);
  });
});

describe("the Worker's pepper binding in tests", () => {
  it("is the test pepper the demo seed uses, so requests through the Worker log in", () => {
    expect((env as unknown as { PASSWORD_PEPPER: string }).PASSWORD_PEPPER).toBe(PEPPER);
  });
});

describe("R06 two changes at once", () => {
  it("exactly one wins; the other changes nothing", async () => {
    const db = await demoDb();
    const p = await insertPatron(db);
    const s = await loginPatron(db, AUTH_ENV, { card: p.cardNumber, password: p.password!, clientAddress: freshAddress(), now: NOW });
    const change = (next: string) =>
      changePassword(db, AUTH_ENV, { patronId: p.id, currentToken: s.token, current: p.password!, next, confirm: next, now: NOW + MIN });
    const results = await Promise.allSettled([change("Ichiban2027"), change("Niban20270")]);
    const won = results.findIndex((r) => r.status === "fulfilled");
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const lost = results[1 - won] as PromiseRejectedResult;
    expect(lost.reason).toBeInstanceOf(AppError);
    expect(["session_conflict", "current_password_wrong"]).toContain((lost.reason as AppError).reasons[0]!.code);
    const winner = won === 0 ? "Ichiban2027" : "Niban20270";
    expect((await verifyPassword(winner, (await storedCredential(p.id))!.hash, PEPPER)).ok).toBe(true);
    expect(await auditActions(NOW + MIN, p.id)).toContain("password_changed");
    expect((await auditActions(NOW + MIN, p.id)).filter((a) => a === "password_changed")).toHaveLength(1);
  });
});

describe("issue 6 §6 secrets in logs: what was typed into the card box is kept only when it is card-shaped", () => {
  async function stored(address: string): Promise<{ subjects: string[]; details: string[] }> {
    const f = await env.DB.prepare("SELECT subject FROM auth_failures WHERE client_address = ? ORDER BY id").bind(address).all<{ subject: string }>();
    const a = await env.DB.prepare("SELECT detail FROM audit_log WHERE client_address = ? ORDER BY id").bind(address).all<{ detail: string | null }>();
    return { subjects: f.results.map((r) => r.subject), details: a.results.map((r) => r.detail ?? "") };
  }

  it("a password typed into the card box is stored only as a keyed hash, in auth_failures and in audit_log", async () => {
    const db = await demoDb();
    const address = freshAddress();
    for (const typed of ["Tosho2026", "Tosho2026", "ひみつのパスワード"]) {
      expect((await refusal(loginPatron(db, AUTH_ENV, { card: typed, password: "x", clientAddress: address, now: NOW }))).reasons).toEqual(["login_failed"]);
    }
    const { subjects, details } = await stored(address);
    expect(subjects).toHaveLength(3);
    for (const s of subjects) expect(s).toMatch(/^#[A-Za-z0-9_-]{22}$/);
    // The same text gives the same key: its repeated tries still count together for the throttle.
    expect(subjects[0]).toBe(subjects[1]);
    expect(subjects[2]).not.toBe(subjects[0]);
    for (const text of [...subjects, ...details]) {
      expect(text).not.toContain("Tosho2026");
      expect(text).not.toContain("ひみつ");
    }
    expect(details.map((d) => JSON.parse(d).card)).toEqual(subjects);
    // Another pepper gives another key: the hash is keyed, not a plain digest anyone can recompute.
    const other = freshAddress();
    await refusal(loginPatron(db, { PASSWORD_PEPPER: "another-pepper" }, { card: "Tosho2026", password: "x", clientAddress: other, now: NOW }));
    expect((await stored(other)).subjects[0]).not.toBe(subjects[0]);
  });

  it("a card number (as a patron types it) is stored as the cleaned number", async () => {
    const db = await demoDb();
    const address = freshAddress();
    await refusal(loginPatron(db, AUTH_ENV, { card: "２１００ ０００ ００１", password: "WrongPass1", clientAddress: address, now: NOW }));
    const { subjects, details } = await stored(address);
    expect(subjects).toEqual(["2100000001"]);
    expect(JSON.parse(details[0]!)).toMatchObject({ card: "2100000001" });
  });

  it("the staff login box: an existing login is kept, anything else (a password typed there) only hashed", async () => {
    const db = await demoDb();
    const address = freshAddress();
    await refusal(loginStaff(db, AUTH_ENV, { login: "counter-chuo", password: "wrong-one-2026", clientAddress: address, now: NOW }));
    await refusal(loginStaff(db, AUTH_ENV, { login: "Counter-Chuo-2026", password: "x", clientAddress: address, now: NOW }));
    const { subjects, details } = await stored(address);
    expect(subjects[0]).toBe("counter-chuo");
    expect(subjects[1]).toMatch(/^#[A-Za-z0-9_-]{22}$/);
    expect(details.join(" ")).not.toContain("Counter-Chuo-2026");
  });
});
