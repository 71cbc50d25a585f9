// Issue 8 items 1–3 over HTTP through the real worker (staff sessions of the demo library, counter-chuo and
// counter-moji): the scanner screens 「貸出」「返却」「到着」 and the 搬送票 — one autofocused barcode field, the answer
// above a fresh focused field, a Japanese message for every refusal, never a 500 — and the lifecycle of a hold:
// placed on the web → checked in at another branch → in transit (slip) → 「到着」 at the pickup library → ready, seen by
// the patron → its deadline → the expiry job (scheduled()) → the next patron's hold ready; and the same ending in
// checkout by the holder (hold fulfilled, loan made).
import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { holds, items, loans } from "../../db/schema/index.ts";
import worker from "../../worker/src/index.ts";
import type { Env } from "../../worker/src/env.ts";
import type { Db } from "../../worker/src/data/db.ts";
import { placeHolds } from "../../worker/src/data/hold-placement.ts";
import { addDays, tokyoDayStartMs } from "../../worker/src/domain/calendar.ts";
import { CRON_NIGHTLY } from "../../worker/src/jobs/schedule.ts";
import { demoDb, insertPatron as insertLoginPatron, type TestPatron } from "../support/accounts.ts";
import { insertItem, insertLoan, insertPatron, insertRecord } from "../support/factories.ts";
import { TestClient, mainOf, textOf } from "../support/session-client.ts";

let db: Db;
let chuo: number;
let moji: number;
let chuoDesk: TestClient;
let mojiDesk: TestClient;

beforeAll(async () => {
  db = await demoDb();
  const id = async (code: string) => (await env.DB.prepare("SELECT id FROM branches WHERE code = ?").bind(code).first<{ id: number }>())!.id;
  chuo = await id("chuo");
  moji = await id("moji");
  chuoDesk = new TestClient();
  await chuoDesk.loginStaff("counter-chuo", "Counter-Chuo-2026");
  mojiDesk = new TestClient();
  await mojiDesk.loginStaff("counter-moji", "Counter-Moji-2026");
});

const holdOf = async (id: number) => (await db.select().from(holds).where(eq(holds.id, id)))[0]!;

/** POST a scan on a counter screen (the token from the screen's GET) and the answer's <main>. */
async function scan(desk: TestClient, path: string, form: Record<string, string>): Promise<{ status: number; main: string; text: string }> {
  await desk.page(path.split("?")[0]!);
  const res = await desk.request(path, { form });
  const html = await res.text();
  if (/name="_csrf" value="([^"]+)"/.test(html)) desk.csrf = /name="_csrf" value="([^"]+)"/.exec(html)![1];
  return { status: res.status, main: mainOf(html), text: textOf(mainOf(html)) };
}

/** The one focused field of a counter screen. */
function focused(main: string): string[] {
  return [...main.matchAll(/<input[^>]*\bautofocus\b[^>]*>/g)].map((m) => /name="([^"]+)"/.exec(m[0])![1]!);
}

async function runNightly(day: string): Promise<void> {
  const controller = createScheduledController({ scheduledTime: tokyoDayStartMs(day) + 3 * 60 * 60_000, cron: CRON_NIGHTLY });
  const ctx = createExecutionContext();
  await worker.scheduled(controller, env as unknown as Env, ctx);
  await waitOnExecutionContext(ctx);
}

async function webHold(patronId: number, recordId: number, pickupBranchId: number, placedAt: number): Promise<number> {
  const key = `test-${crypto.randomUUID()}:${recordId}`;
  await placeHolds(db, { patronId, channel: "web", terminalId: null, pickupBranchId, placedAt, enteredByStaffId: null, now: placedAt, cartKey: null, lines: [{ recordId, contact: "none", mailAddressId: null, idempotencyKey: key }] });
  return (await env.DB.prepare("SELECT id FROM holds WHERE patron_id = ? AND idempotency_key = ?").bind(patronId, key).first<{ id: number }>())!.id;
}

describe("the scanner screens", () => {
  it("GET screens: one autofocused field each, inputmode numeric, autocomplete off, a CSRF field", async () => {
    for (const [path, name] of [["/staff/checkout", "cardNumber"], ["/staff/checkin", "barcode"], ["/staff/arrival", "barcode"]] as const) {
      const { res, html } = await chuoDesk.page(path);
      expect(res.status).toBe(200);
      const main = mainOf(html);
      expect(focused(main)).toEqual([name]);
      expect(main).toMatch(/inputmode="numeric"[^>]*autocomplete="off"/);
      expect(main).toContain('name="_csrf"');
      expect((main.match(/<h1>/g) ?? []).length).toBe(1);
    }
  });

  it("「貸出」: card first (n/10 and the ready holds here), then item barcodes with the patron kept; a refusal keeps the patron and the focus", async () => {
    const patron = await insertPatron(db, { homeBranchId: chuo });
    const step1 = await scan(chuoDesk, "/staff/checkout", { cardNumber: patron.cardNumber });
    expect(step1.status).toBe(200);
    expect(step1.text).toContain(patron.name);
    expect(step1.text).toContain("貸出中: 0/10点");
    expect(step1.main).toContain(`name="cardNumber" value="${patron.cardNumber}"`);
    expect(focused(step1.main)).toEqual(["barcode"]);
    const copy = await insertItem(db, { branchId: chuo });
    const lent = await scan(chuoDesk, "/staff/checkout", { cardNumber: patron.cardNumber, barcode: copy.barcode });
    expect(lent.status).toBe(200);
    expect(lent.text).toContain("貸し出しました");
    expect(lent.text).toContain("返却期限:");
    expect(lent.text).toContain("貸出中: 1/10点");
    expect(focused(lent.main)).toEqual(["barcode"]);
    const again = await scan(chuoDesk, "/staff/checkout", { cardNumber: patron.cardNumber, barcode: copy.barcode });
    expect(again.status).toBe(409);
    expect(again.text).toContain("この資料はすでに貸出中です。");
    expect(focused(again.main)).toEqual(["barcode"]);
    const unknown = await scan(chuoDesk, "/staff/checkout", { cardNumber: "0000000000" });
    expect(unknown.status).toBe(404);
    expect(unknown.text).toContain("その図書館カード番号の利用者は登録されていません。");
    expect(focused(unknown.main)).toEqual(["cardNumber"]);
    const viaQuery = await chuoDesk.page(`/staff/checkout?card=${patron.cardNumber}`);
    expect(textOf(mainOf(viaQuery.html))).toContain("貸出中: 1/10点");
  });

  it("「返却」: 「貸出中ではありませんでした」 for a copy not on loan; the loan's patron and due date for one that was; unknown barcode refused", async () => {
    const copy = await insertItem(db, { branchId: chuo });
    const notLent = await scan(chuoDesk, "/staff/checkin", { barcode: copy.barcode });
    expect(notLent.status).toBe(200);
    expect(notLent.text).toContain("貸出中ではありませんでした");
    expect(notLent.text).toContain("書架に戻してください");
    expect(focused(notLent.main)).toEqual(["barcode"]);
    const loan = await insertLoan(db, { itemId: (await insertItem(db, { branchId: chuo, status: "on_loan" })).id, dueDate: "2026-01-05" });
    const barcode = (await db.select().from(items).where(eq(items.id, loan.itemId)))[0]!.barcode;
    const back = await scan(chuoDesk, "/staff/checkin", { barcode });
    expect(back.text).toContain("返却を受け付けました");
    expect(back.text).toContain("返却期限 2026-01-05");
    expect(back.text).toContain("延滞");
    const nope = await scan(chuoDesk, "/staff/checkin", { barcode: "NO-SUCH-CODE" });
    expect(nope.status).toBe(404);
    expect(nope.text).toContain("そのバーコードの資料は登録されていません");
    expect(focused(nope.main)).toEqual(["barcode"]);
    const empty = await scan(chuoDesk, "/staff/arrival", { barcode: "" });
    expect(empty.status).toBe(400);
    expect(empty.text).toContain("資料のバーコード（資料番号）を読み取ってください。");
  });
});

describe("lifecycle: web → check-in elsewhere → transit → 「到着」 → ready → deadline → expiry → next patron ready; and pickup", () => {
  let first: TestPatron;
  let firstClient: TestClient;

  it("R16, R21, R33: the hold's journey, seen by the patron, ending in expiry and the next patron's hold ready", async () => {
    const record = await insertRecord(db, { title: "旅する予約の本" });
    const copy = await insertItem(db, { recordId: record.id, branchId: chuo, status: "on_loan" });
    await insertLoan(db, { itemId: copy.id });
    first = await insertLoginPatron(db);
    firstClient = new TestClient();
    await firstClient.login(first.cardNumber, first.password!);
    const second = await insertPatron(db, { homeBranchId: moji });
    const h1 = await webHold(first.id, record.id, moji, Date.now() - 2 * 60_000);
    const h2 = await webHold(second.id, record.id, moji, Date.now() - 60_000);
    expect(textOf(mainOf((await firstClient.page("/holds")).html))).toContain("予約中です");

    // Returned at 中央: in transit to 門司, with a slip.
    const returned = await scan(chuoDesk, "/staff/checkin", { barcode: copy.barcode });
    expect(returned.text).toContain("門司");
    expect(returned.text).toContain("へ搬送してください");
    const slipPath = /href="(\/staff\/transits\/\d+\/slip)"/.exec(returned.main)![1]!;
    const slip = await chuoDesk.page(slipPath);
    expect(slip.res.status).toBe(200);
    expect(textOf(mainOf(slip.html))).toContain(copy.barcode);
    expect(textOf(mainOf(slip.html))).toContain("旅する予約の本");
    expect(slip.html).toContain('class="slip-to"');
    expect((await holdOf(h1)).status).toBe("in_transit");
    expect(textOf(mainOf((await firstClient.page("/holds")).html))).toContain("取寄・準備中です");

    // 「到着」 at 門司: ready, with its deadline; the patron sees 「ご用意できました」.
    const arrived = await scan(mojiDesk, "/staff/arrival", { barcode: copy.barcode });
    expect(arrived.status).toBe(200);
    expect(arrived.text).toContain("取置棚に置いてください");
    const ready = await holdOf(h1);
    expect(ready.status).toBe("ready");
    const seen = textOf(mainOf((await firstClient.page("/holds")).html));
    expect(seen).toContain("ご用意できました");
    expect(seen).toContain("お取り置き期限");

    // Kept through its last shelf day, expired the night after; the next patron's hold is ready at 門司.
    await runNightly(ready.shelfUntil!);
    expect((await holdOf(h1)).status).toBe("ready");
    await runNightly(addDays(ready.shelfUntil!, 1));
    expect(await holdOf(h1)).toMatchObject({ status: "cancelled", cancelReason: "expired" });
    expect(await holdOf(h2)).toMatchObject({ status: "ready", itemId: copy.id });
    // The nightly run also pruned the sessions that had ended by its (future) time: log in again to look.
    firstClient = new TestClient();
    await firstClient.login(first.cardNumber, first.password!);
    expect(textOf(mainOf((await firstClient.page("/holds")).html))).toContain("取り消し");
  });

  it("R22: the same journey ending in checkout by the holder — the hold fulfilled and the loan made", async () => {
    // Fresh staff sessions (the previous test's nightly run, at a later time, pruned the old ones).
    chuoDesk = new TestClient();
    await chuoDesk.loginStaff("counter-chuo", "Counter-Chuo-2026");
    mojiDesk = new TestClient();
    await mojiDesk.loginStaff("counter-moji", "Counter-Moji-2026");
    const record = await insertRecord(db, { title: "受け取られる本" });
    const copy = await insertItem(db, { recordId: record.id, branchId: chuo });
    const holder = await insertPatron(db, { homeBranchId: moji });
    const h = await webHold(holder.id, record.id, moji, Date.now() - 60_000);
    await scan(chuoDesk, "/staff/checkin", { barcode: copy.barcode });
    await scan(mojiDesk, "/staff/arrival", { barcode: copy.barcode });
    const atDesk = await scan(mojiDesk, "/staff/checkout", { cardNumber: holder.cardNumber });
    expect(atDesk.text).toContain("受け取られる本");
    expect(atDesk.text).toContain(copy.barcode);
    const lent = await scan(mojiDesk, "/staff/checkout", { cardNumber: holder.cardNumber, barcode: copy.barcode });
    expect(lent.text).toContain("この利用者の予約の資料です");
    expect(await holdOf(h)).toMatchObject({ status: "fulfilled" });
    const [loan] = await db.select().from(loans).where(eq(loans.itemId, copy.id));
    expect(loan).toMatchObject({ holdId: h, patronId: holder.id, checkoutBranchId: moji, returnedAt: null });
  });
});
