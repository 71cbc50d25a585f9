// R30, R31, R32 inside workerd on the migrated D1 (issue 8 items 4 and 5): 「貸出状況一覧」 (only the patron's own open
// loans, returned ones gone, 「あと n 日」 / 「今日まで」 / 「延滞」, 「延長済み」, the lending library, 「延長」 or every reason
// it cannot be renewed), 「延長」 (the confirmation with the new due date, the guarded renewal, every refusal reason
// with its message, 20 concurrent renewals → one, the due-date arithmetic across the Tokyo midnight), patron A on
// patron B's loans (404, nothing changed) and CSRF. Loans are made with the factories (tests/support/factories.ts
// insertLoan): checkout is another part of issue 8.
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { branches, items, loans } from "../../db/schema/index.ts";
import type { Db } from "../../worker/src/data/db.ts";
import { addDays, tokyoDay, tokyoDayStartMs, type Day } from "../../worker/src/domain/calendar.ts";
import { MESSAGES } from "../../worker/src/domain/messages.ts";
import { RENEWAL_DAYS } from "../../worker/src/domain/policy.ts";
import type { HoldStatus } from "../../worker/src/domain/vocabulary.ts";
import { listLoans, renewLoan, RenewalRefused } from "../../worker/src/services/loans.ts";
import { AppError } from "../../worker/src/errors.ts";
import { dayWords } from "../../worker/src/views/holds.ts";
import { demoDb, insertPatron as insertLoginPatron, type TestPatron } from "../support/accounts.ts";
import { insertHold, insertItem, insertLoan, insertPatron, insertRecord } from "../support/factories.ts";
import { TestClient, mainOf, textOf } from "../support/session-client.ts";
import { expectLoginWall, reasonCodes } from "../support/refusals.ts";

let db: Db;
let chuo: number;
let moji: number;

beforeAll(async () => {
  db = await demoDb();
  const rows = await db.select({ id: branches.id, code: branches.code }).from(branches);
  const id = (code: string) => rows.find((b) => b.code === code)!.id;
  chuo = id("chuo");
  moji = id("moji");
});

/** The routes' today: the library's now is the real clock in these tests (no local clock is set). */
const today = (): Day => tokyoDay(Date.now());

async function patron(): Promise<{ p: TestPatron; client: TestClient }> {
  const p = await insertLoginPatron(db, { password: "Karita2026" });
  const client = new TestClient();
  await client.login(p.cardNumber, p.password!);
  return { p, client };
}

/** An open loan of a fresh record titled `title` (a copy of 中央図書館 unless told), to `patronId`. */
async function loanOf(patronId: number, title: string, extra: Partial<typeof loans.$inferInsert> & { volumeLabel?: string; branchId?: number } = {}) {
  const { volumeLabel, branchId, ...overrides } = extra;
  const record = await insertRecord(db, { title, volumeLabel: volumeLabel ?? null });
  const item = await insertItem(db, { recordId: record.id, branchId: branchId ?? chuo, status: "on_loan" });
  const loan = await insertLoan(db, { patronId, itemId: item.id, dueDate: addDays(today(), 7), loanedAt: Date.now() - 7 * 86_400_000, ...overrides });
  return { loan, record, item };
}

const loanRow = async (id: number) => (await db.select().from(loans).where(eq(loans.id, id)))[0]!;
const audits = async (loanId: number) =>
  Number((await env.DB.prepare("SELECT count(*) AS n FROM audit_log WHERE action = 'loan_renewed' AND target_kind = 'loan' AND target_id = ?").bind(loanId).first<{ n: number }>())!.n);

/** The <li> of one loan on the list page. */
function itemOf(html: string, loanId: number): string {
  return new RegExp(`<li class="loan-item" id="loan-${loanId}">([\\s\\S]*?)\\n</li>(?=<li class="loan-item"|</ul>)`).exec(mainOf(html))?.[1] ?? "";
}

describe("R30 「貸出状況一覧」", () => {
  it("R30: the patron's open loans with due date, 「あと n 日」 / 「今日まで」 / 「延滞」, 延長済み, the lending library; returned loans and other patrons' loans are not listed", async () => {
    const { p, client } = await patron();
    const later = await loanOf(p.id, "来週返す本", { dueDate: addDays(today(), 3), volumeLabel: "上" });
    const due = await loanOf(p.id, "今日返す本", { dueDate: today(), branchId: moji });
    const late = await loanOf(p.id, "延滞している本", { dueDate: addDays(today(), -2) });
    const renewedAt = Date.now() - 86_400_000;
    const renewed = await loanOf(p.id, "延長した本", { dueDate: addDays(today(), 10), renewals: 1, renewedAt });
    await loanOf(p.id, "返した本", { returnedAt: Date.now() - 1000 });
    const other = await insertPatron(db);
    await loanOf(other.id, "ほかの人が借りた本");

    const { res, html } = await client.page("/loans");
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toContain("no-store");
    expect(html).toContain('<meta name="robots" content="noindex">');
    const main = mainOf(html);
    expect(main).toContain("<h1>貸出状況一覧</h1>");
    expect(main).toContain("借りている資料: 4点（1人10点まで）");
    expect(main).not.toContain("返した本");
    expect(main).not.toContain("ほかの人が借りた本");
    expect(itemOf(html, later.loan.id)).toContain(`<dt>返却期限</dt><dd>${dayWords(addDays(today(), 3))}（<strong>あと3日</strong>）</dd>`);
    expect(itemOf(html, later.loan.id)).toContain('<span class="volume">上</span>');
    expect(itemOf(html, later.loan.id)).toContain("<dt>延長</dt><dd>まだ延長していません</dd>");
    expect(itemOf(html, later.loan.id)).toContain("<dt>貸出館</dt><dd>中央図書館</dd>");
    expect(itemOf(html, due.loan.id)).toContain("（<strong>今日まで</strong>）");
    expect(itemOf(html, due.loan.id)).toContain("<dt>貸出館</dt><dd>門司図書館</dd>");
    expect(itemOf(html, late.loan.id)).toContain('（<strong class="overdue">延滞</strong>）');
    expect(itemOf(html, renewed.loan.id)).toContain(`<dt>延長</dt><dd>延長済み（${dayWords(tokyoDay(renewedAt))}）</dd>`);
    // Soonest due first.
    const order = [late, due, later, renewed].map((l) => main.indexOf(`id="loan-${l.loan.id}"`));
    expect(order).toEqual([...order].sort((a, b) => a - b));
  });

  it("R30: as JSON the same list (the island's API); private headers", async () => {
    const { p, client } = await patron();
    const { loan } = await loanOf(p.id, "JSONで見る本");
    const res = await client.request("/loans");
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toContain("no-store");
    const body = (await res.json()) as { items: { id: number; dueDate: string; renewable: boolean; newDueDate: string; due: { text: string } }[]; count: number; limit: number };
    expect(body.count).toBe(1);
    expect(body.limit).toBe(10);
    expect(body.items[0]).toMatchObject({ id: loan.id, dueDate: addDays(today(), 7), renewable: true, newDueDate: addDays(today(), RENEWAL_DAYS), due: { text: "あと7日" } });
  });

  it("R30: a patron with no loans is told so; 「利用者情報メンテナンス」 links to 「貸出状況一覧」 beside 「予約状況一覧」", async () => {
    const { client } = await patron();
    const { html } = await client.page("/loans");
    expect(mainOf(html)).toContain("借りている資料はありません。");
    const account = mainOf((await client.page("/account")).html);
    expect(account).toContain('<li><a href="/holds">予約状況一覧</a></li>\n<li><a href="/loans">貸出状況一覧</a></li>');
  });

  it("R30: login needed — a browser without a session is sent to the login page and back; JSON answers 401", async () => {
    await expectLoginWall(new TestClient(), "/loans");
  });
});

describe("R31 「延長」: the button, the confirmation, the renewal", () => {
  it("R31: a renewable loan has 「延長」 (a plain GET form) naming the new due date; the confirmation shows it and 「延長する」; the renewal sets it, once", async () => {
    const { p, client } = await patron();
    const { loan } = await loanOf(p.id, "延長する本", { dueDate: addDays(today(), 2) });
    const newDue = addDays(today(), RENEWAL_DAYS);
    const list = itemOf((await client.page("/loans")).html, loan.id);
    expect(list).toContain(`<form method="get" action="/loans/${loan.id}/renew" class="loan-renew" data-new-due="${dayWords(newDue)}">`);
    expect(list).toContain(`延長すると、返却期限は${dayWords(newDue)}になります。`);
    expect(list).toContain(`<button type="submit" aria-describedby="loan-${loan.id}-title">延長</button>`);

    const confirm = await client.page(`/loans/${loan.id}/renew`);
    expect(confirm.res.status).toBe(200);
    const main = mainOf(confirm.html);
    expect(main).toContain("<h1>貸出の延長</h1>");
    expect(main).toContain("「延長する本」の貸出を延長しますか。");
    expect(main).toContain(`<dt>延長後の返却期限</dt><dd><strong>${dayWords(newDue)}</strong></dd>`);
    expect(main).toMatch(new RegExp(`<form method="post" action="/loans/${loan.id}/renew"><input type="hidden" name="_csrf" value="[^"]+"><p><button type="submit">延長する</button></p></form>`));
    // Looking changes nothing.
    expect((await loanRow(loan.id)).renewals).toBe(0);

    const before = Date.now();
    const res = await client.request(`/loans/${loan.id}/renew`, { form: {} });
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe(`/loans?renewed=${loan.id}`);
    const row = await loanRow(loan.id);
    expect(row).toMatchObject({ dueDate: newDue, renewals: 1 });
    expect(row.renewedAt).toBeGreaterThanOrEqual(before);
    expect(await audits(loan.id)).toBe(1);

    const after = await client.page(`/loans?renewed=${loan.id}`);
    expect(mainOf(after.html)).toContain(`<p class="note" role="status">「延長する本」の貸出を延長しました。新しい返却期限は<strong>${dayWords(newDue)}</strong>です。</p>`);
    const item = itemOf(after.html, loan.id);
    expect(item).toContain(`${dayWords(newDue)}（<strong>あと${RENEWAL_DAYS}日</strong>）`);
    expect(item).toContain(`延長済み（${dayWords(today())}）`);
    expect(item).not.toContain("loan-renew");
    expect(item).toContain(MESSAGES.renewal_limit_reached);

    // R31: once. The confirmation and the renewal both refuse now, saying why; nothing changes.
    const again = await client.page(`/loans/${loan.id}/renew`);
    expect(again.res.status).toBe(409);
    expect(textOf(mainOf(again.html))).toContain(MESSAGES.renewal_limit_reached);
    const twice = await client.request(`/loans/${loan.id}/renew`, { form: {} });
    expect(twice.status).toBe(409);
    expect(mainOf(await twice.text())).toContain("「延長する本」は延長できません。");
    expect(await loanRow(loan.id)).toEqual(row);
    expect(await audits(loan.id)).toBe(1);
  });

  it("R31: the island's JSON: POST answers the renewed loan (new due date, renewed); a refusal is the error envelope with every reason", async () => {
    const { p, client } = await patron();
    const { loan } = await loanOf(p.id, "島から延長する本");
    await client.page("/loans");
    const res = await client.request(`/loans/${loan.id}/renew`, { json: {} });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ loan: { id: loan.id, dueDate: addDays(today(), RENEWAL_DAYS), renewed: true, renewedOn: today(), renewable: false } });
    const again = await client.request(`/loans/${loan.id}/renew`, { json: {} });
    expect(again.status).toBe(409);
    expect(await again.json()).toMatchObject({ error: { code: "conflict", message: MESSAGES.renewal_limit_reached, reasons: [{ code: "renewal_limit_reached" }] } });
  });

  it("R31: on the due date itself it may be renewed; the day after (「延滞」) it may not", async () => {
    const { p, client } = await patron();
    const onTime = await loanOf(p.id, "期限日の本", { dueDate: today() });
    const late = await loanOf(p.id, "期限を過ぎた本", { dueDate: addDays(today(), -1) });
    const { html } = await client.page("/loans");
    expect(itemOf(html, onTime.loan.id)).toContain("loan-renew");
    expect(itemOf(html, late.loan.id)).not.toContain("loan-renew");
    expect(itemOf(html, late.loan.id)).toContain(`<li>${MESSAGES.renewal_overdue}</li>`);
    expect((await client.request(`/loans/${onTime.loan.id}/renew`, { form: {} })).status).toBe(303);
    expect((await loanRow(onTime.loan.id)).dueDate).toBe(addDays(today(), RENEWAL_DAYS));
    const res = await client.request(`/loans/${late.loan.id}/renew`, { json: {} });
    expect(res.status).toBe(409);
    expect(await reasonCodes(res)).toEqual(["renewal_overdue"]);
    expect((await loanRow(late.loan.id)).renewals).toBe(0);
  });

  for (const status of ["waiting", "in_transit", "ready"] as const satisfies readonly HoldStatus[]) {
    it(`R31: another patron's ${status} hold on the record stops the renewal; the message says so`, async () => {
      const { p, client } = await patron();
      const { loan, record } = await loanOf(p.id, `予約の入った本 ${status}`);
      await insertHold(db, { recordId: record.id, pickupBranchId: chuo, status });
      const { html } = await client.page("/loans");
      expect(itemOf(html, loan.id)).not.toContain("loan-renew");
      expect(itemOf(html, loan.id)).toContain(`<li>${MESSAGES.renewal_held_by_others}</li>`);
      const confirm = await client.request(`/loans/${loan.id}/renew`, { html: true });
      expect(confirm.status).toBe(409);
      expect(textOf(mainOf(await confirm.text()))).toContain(MESSAGES.renewal_held_by_others);
      const res = await client.request(`/loans/${loan.id}/renew`, { json: {} });
      expect(res.status).toBe(409);
      expect(await reasonCodes(res)).toEqual(["renewal_held_by_others"]);
      expect(await loanRow(loan.id)).toMatchObject({ renewals: 0, dueDate: loan.dueDate, renewedAt: null });
      expect(await audits(loan.id)).toBe(0);
    });
  }

  it("R31: the borrower's own hold, and other patrons' cancelled or fulfilled holds, do not stop it", async () => {
    const { p, client } = await patron();
    const { loan, record } = await loanOf(p.id, "自分の予約がある本");
    await insertHold(db, { patronId: p.id, recordId: record.id, pickupBranchId: chuo });
    await insertHold(db, { recordId: record.id, pickupBranchId: chuo, status: "cancelled" });
    await insertHold(db, { recordId: record.id, pickupBranchId: chuo, status: "fulfilled" });
    expect(itemOf((await client.page("/loans")).html, loan.id)).toContain("loan-renew");
    expect((await client.request(`/loans/${loan.id}/renew`, { form: {} })).status).toBe(303);
    expect((await loanRow(loan.id)).renewals).toBe(1);
  });

  it("R31: 20 concurrent renewals of one loan renew it once (one 303, nineteen 409 renewal_limit_reached, one audit row)", async () => {
    const { p, client } = await patron();
    const { loan } = await loanOf(p.id, "同時に延長する本");
    await client.page("/loans");
    const answers = await Promise.all(Array.from({ length: 20 }, () => client.request(`/loans/${loan.id}/renew`, { form: {} })));
    const statuses = answers.map((r) => r.status).sort();
    expect(statuses).toEqual([303, ...Array(19).fill(409)]);
    await Promise.all(answers.map((r) => r.arrayBuffer()));
    expect(await loanRow(loan.id)).toMatchObject({ renewals: 1, dueDate: addDays(today(), RENEWAL_DAYS) });
    expect(await audits(loan.id)).toBe(1);
  });
});

describe("R32 inter-library loans are never renewed", () => {
  it("R32: an inter-library loan has no 「延長」 and is refused with its message", async () => {
    const { p, client } = await patron();
    const { loan } = await loanOf(p.id, "市外から借りた本", { interLibrary: true });
    const { html } = await client.page("/loans");
    expect(itemOf(html, loan.id)).not.toContain("loan-renew");
    expect(itemOf(html, loan.id)).toContain(`<li>${MESSAGES.renewal_not_allowed_inter_library}</li>`);
    const res = await client.request(`/loans/${loan.id}/renew`, { form: {} });
    expect(res.status).toBe(409);
    expect(textOf(mainOf(await res.text()))).toContain(MESSAGES.renewal_not_allowed_inter_library);
    expect((await loanRow(loan.id)).renewals).toBe(0);
  });

  it("R32: a copy fetched from outside for a hold (items.ill_hold_id) counts as inter-library even if its loan's flag is not set", async () => {
    const { p, client } = await patron();
    const { loan, record, item } = await loanOf(p.id, "取り寄せた本");
    const hold = await insertHold(db, { patronId: p.id, recordId: record.id, pickupBranchId: chuo, status: "fulfilled", itemId: item.id, external: true });
    await db.update(items).set({ illHoldId: hold.id }).where(eq(items.id, item.id));
    const res = await client.request(`/loans/${loan.id}/renew`, { json: {} });
    expect(res.status).toBe(409);
    expect(await reasonCodes(res)).toEqual(["renewal_not_allowed_inter_library"]);
    expect((await loanRow(loan.id)).renewals).toBe(0);
  });
});

describe("R31, R32: every refusal reason at once, each with its message", () => {
  it("a returned, inter-library, renewed, overdue loan that another patron holds: all five reasons, in the page and the JSON", async () => {
    const { p, client } = await patron();
    const { loan, record, item } = await loanOf(p.id, "何重にも延長できない本", {
      dueDate: addDays(today(), -3),
      renewals: 1,
      renewedAt: Date.now() - 10 * 86_400_000,
      returnedAt: Date.now() - 1000,
    });
    const own = await insertHold(db, { patronId: p.id, recordId: record.id, pickupBranchId: chuo, status: "fulfilled", itemId: item.id, external: true });
    await db.update(items).set({ illHoldId: own.id }).where(eq(items.id, item.id));
    await insertHold(db, { recordId: record.id, pickupBranchId: chuo });
    const codes = ["loan_returned", "renewal_not_allowed_inter_library", "renewal_limit_reached", "renewal_overdue", "renewal_held_by_others"] as const;
    const json = await client.request(`/loans/${loan.id}/renew`, { json: {} });
    expect(json.status).toBe(409);
    expect(await reasonCodes(json)).toEqual([...codes]);
    await client.page("/loans");
    const page = await client.request(`/loans/${loan.id}/renew`, { form: {} });
    expect(page.status).toBe(409);
    const text = textOf(mainOf(await page.text()));
    for (const c of codes) expect(text).toContain(MESSAGES[c]);
  });

  it("an open loan that is overdue, renewed and held by another patron lists its three reasons on 「貸出状況一覧」", async () => {
    const { p, client } = await patron();
    const { loan, record } = await loanOf(p.id, "三つの理由の本", { dueDate: addDays(today(), -1), renewals: 1, renewedAt: Date.now() - 86_400_000 });
    await insertHold(db, { recordId: record.id, pickupBranchId: chuo });
    const item = itemOf((await client.page("/loans")).html, loan.id);
    expect(item).toContain(
      `<ul class="reasons"><li>${MESSAGES.renewal_limit_reached}</li><li>${MESSAGES.renewal_overdue}</li><li>${MESSAGES.renewal_held_by_others}</li></ul>`,
    );
  });
});

describe("R31: the due date across the Tokyo midnight (the library's now passed in)", () => {
  const at = (day: Day, hh: number, mm: number) => tokyoDayStartMs(day) + (hh * 60 + mm) * 60_000;
  const D = "2026-12-10";

  it("due on D: at 23:59 JST on D it is 「今日まで」 and renews to D + 14; at 00:00 JST on D + 1 it is 「延滞」 and refused", async () => {
    const borrower = await insertPatron(db);
    const { loan: a } = await loanOf(borrower.id, "真夜中前に延長する本", { dueDate: D });
    const { loan: b } = await loanOf(borrower.id, "真夜中後に延長する本", { dueDate: D });
    const before = await listLoans(db, borrower.id, at(D, 23, 59));
    expect(before.items.find((i) => i.id === a.id)).toMatchObject({ due: { text: "今日まで" }, renewable: true, newDueDate: addDays(D, RENEWAL_DAYS) });
    const renewed = await renewLoan(db, { patronId: borrower.id, loanId: a.id, now: at(D, 23, 59), clientAddress: null });
    expect(renewed).toMatchObject({ dueDate: "2026-12-24", renewed: true, renewedOn: D });

    const after = await listLoans(db, borrower.id, at(addDays(D, 1), 0, 0));
    expect(after.items.find((i) => i.id === b.id)).toMatchObject({ due: { text: "延滞", kind: "overdue" }, renewable: false, newDueDate: null });
    const err = await renewLoan(db, { patronId: borrower.id, loanId: b.id, now: at(addDays(D, 1), 0, 0), clientAddress: null }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RenewalRefused);
    expect((err as AppError).reasons.map((r) => r.code)).toEqual(["renewal_overdue"]);
    expect((await loanRow(b.id)).renewals).toBe(0);
  });

  it("renewed at 00:00 JST on D + 1 (due D + 1) the new due date counts from D + 1: D + 15 (UTC is still on D)", async () => {
    const borrower = await insertPatron(db);
    const { loan } = await loanOf(borrower.id, "日付が変わってから延長する本", { dueDate: addDays(D, 1) });
    const renewed = await renewLoan(db, { patronId: borrower.id, loanId: loan.id, now: at(addDays(D, 1), 0, 0), clientAddress: null });
    expect(renewed.dueDate).toBe(addDays(D, 15));
    expect(renewed.renewedOn).toBe(addDays(D, 1));
  });

  it("a renewal never moves a due date earlier: a loan due later than renewal day + 14 keeps its due date", async () => {
    const borrower = await insertPatron(db);
    const { loan } = await loanOf(borrower.id, "長く借りている本", { dueDate: addDays(D, 20) });
    const list = await listLoans(db, borrower.id, at(D, 12, 0));
    expect(list.items.find((i) => i.id === loan.id)?.newDueDate).toBe(addDays(D, 20));
    const renewed = await renewLoan(db, { patronId: borrower.id, loanId: loan.id, now: at(D, 12, 0), clientAddress: null });
    expect(renewed).toMatchObject({ dueDate: addDays(D, 20), renewed: true });
  });
});

describe("patron A never sees or renews patron B's loan", () => {
  it("A naming B's loan: the confirmation and the renewal answer 404 exactly as for a loan that does not exist; B's loan unchanged; ?renewed= names nothing", async () => {
    const { client: a } = await patron();
    const { p: b } = await patron();
    const { loan } = await loanOf(b.id, "乙さんの借りた本");
    const before = await loanRow(loan.id);
    await a.page("/loans");
    const missing = await a.request(`/loans/987654321/renew`, { html: true });
    const missingText = mainOf(await missing.text());
    for (const res of [await a.request(`/loans/${loan.id}/renew`, { html: true }), await a.request(`/loans/${loan.id}/renew`, { form: {} })]) {
      expect(res.status).toBe(404);
      const main = mainOf(await res.text());
      expect(main).not.toContain("乙さんの借りた本");
      expect(main).toBe(missingText);
    }
    const json = await a.request(`/loans/${loan.id}/renew`, { json: {} });
    expect(json.status).toBe(404);
    expect(await reasonCodes(json)).toEqual(["renewal_loan_not_found"]);
    expect(mainOf((await a.page(`/loans?renewed=${loan.id}&patronId=${b.id}`)).html)).not.toContain("乙さんの借りた本");
    expect(await loanRow(loan.id)).toEqual(before);
    expect(await audits(loan.id)).toBe(0);
  });

  it("bad ids answer 400, unknown ones 404", async () => {
    const { client } = await patron();
    await client.page("/loans");
    for (const id of ["abc", "0", "-1", "1e3", "99999999999999999999"]) {
      const res = await client.request(`/loans/${id}/renew`, { form: {} });
      expect(res.status, id).toBe(400);
      expect(mainOf(await res.text())).toContain(MESSAGES.renewal_loan_invalid);
    }
    const res = await client.request(`/loans/987654321/renew`, { form: {} });
    expect(res.status).toBe(404);
    expect(mainOf(await res.text())).toContain(MESSAGES.renewal_loan_not_found);
  });
});

describe("CSRF: 「延長する」 only from the site's own form", () => {
  it("a form post without the _csrf token, or from another site, is refused (403) and renews nothing", async () => {
    const { p, client } = await patron();
    const { loan } = await loanOf(p.id, "狙われた本");
    await client.page("/loans");
    const noToken = await client.request(`/loans/${loan.id}/renew`, { form: { _csrf: "" } });
    expect(noToken.status).toBe(403);
    await noToken.arrayBuffer();
    const crossSite = await client.request(`/loans/${loan.id}/renew`, { form: {}, headers: { origin: "https://evil.example", "sec-fetch-site": "cross-site" } });
    expect(crossSite.status).toBe(403);
    await crossSite.arrayBuffer();
    const crossJson = await client.request(`/loans/${loan.id}/renew`, { json: {}, headers: { origin: "https://evil.example", "sec-fetch-site": "cross-site" } });
    expect(crossJson.status).toBe(403);
    await crossJson.arrayBuffer();
    expect((await loanRow(loan.id)).renewals).toBe(0);
    expect(await audits(loan.id)).toBe(0);
  });
});
