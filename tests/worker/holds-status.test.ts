// R15, R16, R33, R34 inside workerd on the migrated D1: 「予約状況一覧」 (states, reasons, two weeks of cancelled holds,
// positions and estimates, chains, pickup deadlines), 「取消」 and the changes of 「受取館」 / 「連絡方法」 (only while
// waiting, never ILL, one guarded statement, audit rows), what patron A can do to patron B's holds (nothing), a
// concurrent double cancel, and the R15 allocation rule against trigger holds_series_order. Holds are made with the
// factories (placing them is another part of issue 7).
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { branches, holds } from "../../db/schema/index.ts";
import type { Db } from "../../worker/src/data/db.ts";
import { queueCopies, queuePositions } from "../../worker/src/data/hold-queue.ts";
import { isListed, listedSinceMs } from "../../worker/src/domain/hold-status.ts";
import { mayAllocate } from "../../worker/src/domain/ordered-holds.ts";
import { CANCELLED_VISIBLE_DAYS } from "../../worker/src/domain/policy.ts";
import type { HoldStatus } from "../../worker/src/domain/vocabulary.ts";
import { demoDb, insertPatron as insertLoginPatron, type TestPatron } from "../support/accounts.ts";
import { insertBranch, insertHold, insertHoldGroup, insertItem, insertMailAddress, insertPatron, insertRecord } from "../support/factories.ts";
import { TestClient, mainOf } from "../support/session-client.ts";
import { listHolds } from "../../worker/src/services/hold-status.ts";
import { holdsMain } from "../../worker/src/views/holds.ts";
import { h } from "../../worker/src/views/forms.ts";

const DAY = 24 * 60 * 60_000;
const CENTRAL_PHONE = "093-571-1481";

let db: Db;
let chuo: number;
let moji: number;
let outside: number;
let phoned: number;

beforeAll(async () => {
  db = await demoDb();
  const rows = await db.select({ id: branches.id, code: branches.code }).from(branches);
  const id = (code: string) => rows.find((b) => b.code === code)!.id;
  chuo = id("chuo");
  moji = id("moji");
  outside = id("fukuokapref");
  phoned = (await insertBranch(db, { name: "電話のある試験館", phone: "093-000-1234" })).id;
});

async function patron(password = "Honyomu2026"): Promise<{ p: TestPatron; client: TestClient }> {
  const p = await insertLoginPatron(db, { password });
  const client = new TestClient();
  await client.login(p.cardNumber, p.password!);
  return { p, client };
}

async function titled(title: string, extra: { volumeLabel?: string; copies?: number; onShelf?: number } = {}) {
  const record = await insertRecord(db, { title, volumeLabel: extra.volumeLabel ?? null });
  for (let i = 0; i < (extra.copies ?? 1); i++) {
    await insertItem(db, { recordId: record.id, branchId: chuo, status: i < (extra.onShelf ?? 0) ? "on_shelf" : "on_loan" });
  }
  return record;
}

const holdRow = async (id: number) => (await db.select().from(holds).where(eq(holds.id, id)))[0]!;
const audits = async (action: string, holdId: number) =>
  Number((await env.DB.prepare("SELECT count(*) AS n FROM audit_log WHERE action = ? AND target_kind = 'hold' AND target_id = ?").bind(action, holdId).first<{ n: number }>())!.n);

/** The <li> of one hold on the list page. */
function itemOf(html: string, holdId: number): string {
  return new RegExp(`<li class="hold-item" id="hold-${holdId}">([\\s\\S]*?)</li>\\s*(?=<li class="hold-item"|</ul>)`).exec(mainOf(html))?.[1] ?? "";
}

describe("R33 「予約状況一覧」: states in the guide's words", () => {
  it("R33: waiting 「予約中です」, in transit 「取寄・準備中です」, ready 「ご用意できました」 with 「お取り置き期限」, cancelled 「取り消し」 with each reason; fulfilled not listed", async () => {
    const { p, client } = await patron();
    const now = Date.now();
    const w = await insertHold(db, { patronId: p.id, pickupBranchId: chuo, recordId: (await titled("待つ本")).id });
    const t = await insertHold(db, { patronId: p.id, pickupBranchId: chuo, status: "in_transit", recordId: (await titled("運ばれる本")).id });
    const r = await insertHold(db, { patronId: p.id, pickupBranchId: chuo, status: "ready", shelfUntil: "2026-11-10", recordId: (await titled("届いた本")).id });
    const reasons = { patron: "ご本人による取消", expired: "取置期限切れ", staff: "図書館による取消" } as const;
    const cancelled: Record<string, number> = {};
    for (const reason of Object.keys(reasons) as (keyof typeof reasons)[]) {
      cancelled[reason] = (await insertHold(db, { patronId: p.id, pickupBranchId: chuo, status: "cancelled", cancelReason: reason, cancelledAt: now - DAY, recordId: (await titled(`取り消した本 ${reason}`)).id })).id;
    }
    await insertHold(db, { patronId: p.id, pickupBranchId: chuo, status: "fulfilled", recordId: (await titled("借りた本")).id });

    const { res, html } = await client.page("/holds");
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toContain("no-store");
    expect(html).toContain('<meta name="robots" content="noindex">');
    expect(mainOf(html)).toContain("<h1>予約状況一覧</h1>");
    expect(itemOf(html, w.id)).toContain("<strong>予約中です</strong>");
    expect(itemOf(html, t.id)).toContain("<strong>取寄・準備中です</strong>");
    expect(itemOf(html, r.id)).toContain("<strong>ご用意できました</strong>");
    // R21: the deadline, and beside it the open days left (this factory hold's deadline is in the past).
    expect(itemOf(html, r.id)).toContain("<dt>お取り置き期限</dt><dd>2026年11月10日（火）まで（お取り置き期限を過ぎています）</dd>");
    for (const [reason, words] of Object.entries(reasons)) {
      const item = itemOf(html, cancelled[reason]!);
      expect(item).toContain(`<strong>取り消し</strong>（${words}）`);
      expect(item).toContain("まで表示されます");
    }
    expect(mainOf(html)).not.toContain("借りた本");
    expect(mainOf(html)).toContain("予約中の資料: 3冊");
    // Pickup library and contact on every row.
    expect(itemOf(html, w.id)).toContain("<dt>受取館</dt><dd>中央図書館</dd>");
    expect(itemOf(html, w.id)).toContain("<dt>連絡方法</dt><dd>連絡不要</dd>");
  });

  it(`R33: a cancelled hold stays ${CANCELLED_VISIBLE_DAYS} Tokyo days after the day it was cancelled, then disappears`, async () => {
    const { p, client } = await patron();
    const now = Date.now();
    const recent = await insertHold(db, { patronId: p.id, pickupBranchId: chuo, status: "cancelled", cancelledAt: now - 10 * DAY, recordId: (await titled("十日前に取り消した本")).id });
    const old = await insertHold(db, { patronId: p.id, pickupBranchId: chuo, status: "cancelled", cancelledAt: now - 16 * DAY, recordId: (await titled("十六日前に取り消した本")).id });
    const { html } = await client.page("/holds");
    expect(itemOf(html, recent.id)).toContain("十日前に取り消した本");
    expect(mainOf(html)).not.toContain("十六日前に取り消した本");
    void old;
  });

  it("R33: the boundary is the Tokyo day: cancelled on day D, listed through D + 14, gone on D + 15", () => {
    const cancelledAt = Date.UTC(2026, 10, 1, 14, 59); // 2026-11-01 23:59 Asia/Tokyo
    const at = (y: number, m: number, d: number, hh = 12) => Date.UTC(y, m, d, hh - 9);
    expect(isListed({ status: "cancelled", cancelledAt }, at(2026, 10, 15, 23))).toBe(true);
    expect(isListed({ status: "cancelled", cancelledAt }, at(2026, 10, 16, 0))).toBe(false);
    expect(listedSinceMs(at(2026, 10, 15))).toBe(Date.UTC(2026, 10, 1) - 9 * 60 * 60_000);
    expect(isListed({ status: "fulfilled", cancelledAt: null }, at(2026, 10, 2))).toBe(false);
    expect(isListed({ status: "ready", cancelledAt: null }, at(2026, 10, 2))).toBe(true);
  });

  it("R33: the list is private: no-store, noindex, same-origin referrer — as a page and as JSON", async () => {
    const { p, client } = await patron();
    await insertHold(db, { patronId: p.id, pickupBranchId: chuo });
    for (const html of [true, false]) {
      const res = await client.request("/holds", { html });
      expect(res.status).toBe(200);
      expect(res.headers.get("cache-control")).toContain("no-store");
      expect(res.headers.get("x-robots-tag")).toBe("noindex");
      expect(res.headers.get("referrer-policy")).toBe("same-origin");
      if (!html) expect(((await res.json()) as { items: unknown[] }).items).toHaveLength(1);
      else await res.arrayBuffer();
    }
  });

  it("R33: a patron with no holds is told so", async () => {
    const { client } = await patron();
    const { html } = await client.page("/holds");
    expect(mainOf(html)).toContain("予約している資料はありません。");
  });
});

describe("R16 queue position and estimated wait", () => {
  it("R16: 「予約順位（目安）3番目／所蔵2冊」 and 「目安：約4週間」; cancelled holds ahead do not count", async () => {
    const { p, client } = await patron();
    const record = await titled("人気の本", { copies: 2 });
    // A reference-only copy and a copy outside the city are not 所蔵 for the queue.
    await insertItem(db, { recordId: record.id, branchId: chuo, loanable: false });
    await insertItem(db, { recordId: record.id, branchId: outside });
    const t0 = Date.now() - 10 * DAY;
    await insertHold(db, { recordId: record.id, pickupBranchId: chuo, placedAt: t0 });
    await insertHold(db, { recordId: record.id, pickupBranchId: chuo, placedAt: t0 + 1000 });
    await insertHold(db, { recordId: record.id, pickupBranchId: chuo, placedAt: t0 + 1500, status: "cancelled" });
    const mine = await insertHold(db, { patronId: p.id, recordId: record.id, pickupBranchId: chuo, placedAt: t0 + 2000 });
    const { html } = await client.page("/holds");
    const item = itemOf(html, mine.id);
    expect(item).toContain("予約順位（目安）3番目／所蔵2冊");
    expect(item).toContain("目安：約4週間");
    expect(mainOf(html)).toContain("申込書");
  });

  it("R16: a paper-form hold entered later with an earlier reception time moves ahead (placed_at, then id)", async () => {
    const record = await titled("申込書で抜かれる本", { copies: 1 });
    const t0 = Date.now() - 5 * DAY;
    const a = await insertHold(db, { recordId: record.id, pickupBranchId: chuo, placedAt: t0 + 2000 });
    const b = await insertHold(db, { recordId: record.id, pickupBranchId: chuo, placedAt: t0 + 2000 });
    expect([...(await queuePositions(db, [a.id, b.id])).entries()].map(([id, q]) => [id, q.position])).toEqual([
      [a.id, 1],
      [b.id, 2],
    ]);
    const paper = await insertHold(db, { recordId: record.id, pickupBranchId: chuo, placedAt: t0, channel: "paper" });
    const after = await queuePositions(db, [a.id, b.id, paper.id]);
    expect(after.get(paper.id)).toMatchObject({ position: 1, queueLength: 3 });
    expect(after.get(a.id)?.position).toBe(2);
    expect(after.get(b.id)?.position).toBe(3);
  });

  it("R16: positions for many holds come from one query (no 100-parameter limit); inactive holds have none", async () => {
    const record = await titled("長い行列の本", { copies: 3, onShelf: 1 });
    const ids: number[] = [];
    for (let i = 0; i < 120; i++) ids.push((await insertHold(db, { recordId: record.id, pickupBranchId: chuo, placedAt: 1_000 + i })).id);
    const gone = await insertHold(db, { recordId: record.id, pickupBranchId: chuo, placedAt: 0, status: "fulfilled" });
    const positions = await queuePositions(db, [...ids, gone.id]);
    expect(positions.size).toBe(120);
    expect(ids.map((id) => positions.get(id)!.position)).toEqual(ids.map((_, i) => i + 1));
    expect(positions.has(gone.id)).toBe(false);
    // The fulfilled hold's copy (lent to its patron) is a copy of the record too: 3 + 1.
    expect((await queueCopies(db, [record.id])).get(record.id)).toEqual({ copies: 4, onShelf: 1 });
  });

  it("R16: no loanable copy in the city: the wait cannot be estimated; a copy on the shelf: soon", async () => {
    const { p, client } = await patron();
    const none = await insertRecord(db, { title: "所蔵のない本" });
    const shelf = await titled("書架にある本", { copies: 1, onShelf: 1 });
    const h1 = await insertHold(db, { patronId: p.id, recordId: none.id, pickupBranchId: chuo });
    const h2 = await insertHold(db, { patronId: p.id, recordId: shelf.id, pickupBranchId: chuo });
    const { html } = await client.page("/holds");
    expect(itemOf(html, h1.id)).toContain("予約順位（目安）1番目／所蔵0冊");
    expect(itemOf(html, h1.id)).toContain("目安はお出しできません");
    expect(itemOf(html, h2.id)).toContain("まもなくご用意できます");
  });
});

describe("R15 ordered holds: the chain, and the allocation rule", () => {
  it("R15: the list shows 「第一部下：第一部上のご用意後に確保します」; cancelling the first volume releases the next", async () => {
    const { p, client } = await patron();
    const v1 = await titled("夜明け前", { volumeLabel: "第一部上" });
    const v2 = await titled("夜明け前", { volumeLabel: "第一部下" });
    const group = await insertHoldGroup(db, { patronId: p.id });
    const h1 = await insertHold(db, { patronId: p.id, recordId: v1.id, pickupBranchId: chuo, groupId: group.id, groupPosition: 1 });
    const h2 = await insertHold(db, { patronId: p.id, recordId: v2.id, pickupBranchId: chuo, groupId: group.id, groupPosition: 2 });
    let { html } = await client.page("/holds");
    expect(itemOf(html, h2.id)).toContain("第一部下：第一部上のご用意後に確保します");
    expect(itemOf(html, h1.id)).toContain("第一部上：順番が来しだい確保します");

    // Volume 2 cannot be allocated while volume 1 waits (the trigger says what mayAllocate says).
    const item = await insertItem(db, { recordId: v2.id, branchId: chuo, status: "on_shelf" });
    await expect(env.DB.prepare("UPDATE holds SET status = 'in_transit', item_id = ? WHERE id = ?").bind(item.id, h2.id).run()).rejects.toThrow(/series_order_pending/);

    await client.page("/holds");
    const res = await client.request(`/holds/${h1.id}/cancel`, { form: { confirm: "yes" } });
    expect(res.status).toBe(303);
    ({ html } = await client.page("/holds"));
    expect(itemOf(html, h2.id)).toContain("第一部下：順番が来しだい確保します");
    // Released: nothing was written to volume 2, and now it may be allocated.
    await env.DB.prepare("UPDATE holds SET status = 'in_transit', item_id = ? WHERE id = ?").bind(item.id, h2.id).run();
    expect((await holdRow(h2.id)).status).toBe("in_transit");
  });

  it("R15: mayAllocate agrees with trigger holds_series_order for every state of the earlier volume", async () => {
    for (const earlier of ["waiting", "in_transit", "ready", "cancelled", "fulfilled"] as HoldStatus[]) {
      const owner = await insertPatron(db, { homeBranchId: chuo });
      const group = await insertHoldGroup(db, { patronId: owner.id });
      const first = await insertHold(db, { patronId: owner.id, pickupBranchId: chuo, groupId: group.id, groupPosition: 1, status: earlier });
      const later = await insertHold(db, { patronId: owner.id, pickupBranchId: chuo, groupId: group.id, groupPosition: 2 });
      const members = [
        { position: 1, status: first.status, volumeLabel: "第1巻" },
        { position: 2, status: later.status, volumeLabel: "第2巻" },
      ];
      const decided = mayAllocate(members[1]!, members).ok;
      const item = await insertItem(db, { recordId: later.recordId, branchId: chuo, status: "in_transit" });
      const allowed = await env.DB.prepare("UPDATE holds SET status = 'in_transit', item_id = ? WHERE id = ?")
        .bind(item.id, later.id)
        .run()
        .then(() => true)
        .catch((e: unknown) => (String(e).includes("series_order_pending") ? false : Promise.reject(e)));
      expect(allowed, earlier).toBe(decided);
    }
  });
});

describe("R34 「取消」: only while 「予約中です」, never ILL, one guarded statement", () => {
  it("R34: without JavaScript 「取消」 asks once more; 「取り消す」 cancels (ご本人による取消), audit row, back to the list", async () => {
    const { p, client } = await patron();
    const hold = await insertHold(db, { patronId: p.id, pickupBranchId: chuo, recordId: (await titled("取り消す本")).id });
    const list = await client.page("/holds");
    expect(itemOf(list.html, hold.id)).toContain(`action="/holds/${hold.id}/cancel"`);
    const ask = await client.request(`/holds/${hold.id}/cancel`, { form: {} });
    expect(ask.status).toBe(200);
    const askHtml = await ask.text();
    expect(mainOf(askHtml)).toContain("「取り消す本」");
    expect(mainOf(askHtml)).toContain('name="confirm" value="yes"');
    expect((await holdRow(hold.id)).status).toBe("waiting");

    const before = Date.now();
    const res = await client.request(`/holds/${hold.id}/cancel`, { form: { confirm: "yes" } });
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe(`/holds?cancelled=${hold.id}`);
    const row = await holdRow(hold.id);
    expect(row).toMatchObject({ status: "cancelled", cancelReason: "patron" });
    expect(row.cancelledAt!).toBeGreaterThanOrEqual(before);
    expect(row.updatedAt).toBe(row.cancelledAt);
    expect(await audits("hold_cancelled", hold.id)).toBe(1);
    const { html } = await client.page(`/holds?cancelled=${hold.id}`);
    expect(mainOf(html)).toContain("「取り消す本」の予約を取り消しました。");
    expect(itemOf(html, hold.id)).toContain("<strong>取り消し</strong>（ご本人による取消）");
    expect(itemOf(html, hold.id)).not.toContain("<button");
  });

  it("R34: in transit or ready: no buttons, the sentence to come or phone the pickup library (its number); the worker refuses whatever is sent", async () => {
    const { p, client } = await patron();
    const t = await insertHold(db, { patronId: p.id, pickupBranchId: phoned, status: "in_transit", recordId: (await titled("運ばれる本")).id });
    const r = await insertHold(db, { patronId: p.id, pickupBranchId: moji, status: "ready", recordId: (await titled("届いた本")).id });
    const { html } = await client.page("/holds");
    for (const id of [t.id, r.id]) {
      expect(itemOf(html, id)).not.toContain("<button");
      expect(itemOf(html, id)).not.toContain("<select");
      expect(itemOf(html, id)).toContain("ご来館時にお申し出いただくか、開館時間内にお電話ください");
    }
    expect(itemOf(html, t.id)).toContain("受取館の電話のある試験館：電話 093-000-1234");
    // 門司図書館's number is not known (db/seed/data/README.md): the 中央図書館's is named.
    expect(itemOf(html, r.id)).toContain(`中央図書館：電話 ${CENTRAL_PHONE}`);

    for (const [id, path, form] of [
      [t.id, "cancel", { confirm: "yes" }],
      [t.id, "cancel", {}],
      [r.id, "change", { pickupBranchId: String(chuo), contact: "phone" }],
    ] as const) {
      const before = await holdRow(id);
      const res = await client.request(`/holds/${id}/${path}`, { form: { ...form } });
      expect(res.status).toBe(409);
      const body = mainOf(await res.text());
      expect(body).toContain("「予約中です」ではないため");
      expect(body).toContain("お電話ください");
      expect(await holdRow(id)).toEqual(before);
    }
    expect(await audits("hold_cancelled", t.id)).toBe(0);
  });

  it("R34: a waiting hold on a copy from outside the city (ILL) cannot be cancelled or changed online", async () => {
    const { p, client } = await patron();
    const ill = await insertHold(db, { patronId: p.id, pickupBranchId: chuo, external: true, recordId: (await titled("市外から来る本")).id });
    const { html } = await client.page("/holds");
    expect(itemOf(html, ill.id)).not.toContain("<button");
    expect(itemOf(html, ill.id)).toContain("市外の図書館から取り寄せる資料の予約は");
    expect(itemOf(html, ill.id)).toContain(`中央図書館：電話 ${CENTRAL_PHONE}`);
    const res = await client.request(`/holds/${ill.id}/cancel`, { json: { confirm: true } });
    expect(res.status).toBe(409);
    const body = (await res.json()) as { error: { reasons: { code: string }[]; contactSentence: string } };
    expect(body.error.reasons.map((r) => r.code)).toEqual(["hold_external"]);
    expect(body.error.contactSentence).toContain(CENTRAL_PHONE);
    expect((await holdRow(ill.id)).status).toBe("waiting");
  });

  it("R34: an island's JSON 「取消」 gets the hold back", async () => {
    const { p, client } = await patron();
    const hold = await insertHold(db, { patronId: p.id, pickupBranchId: chuo });
    const res = await client.request(`/holds/${hold.id}/cancel`, { json: { confirm: true } });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ hold: { id: hold.id, status: "cancelled", cancelReason: "patron" } });
  });

  it("R34: two 「取消」 at once change one row and write one audit row; the other is refused", async () => {
    const { p, client } = await patron();
    const hold = await insertHold(db, { patronId: p.id, pickupBranchId: chuo });
    await client.page("/holds");
    const answers = await Promise.all([0, 1, 2, 3].map(() => client.request(`/holds/${hold.id}/cancel`, { form: { confirm: "yes" } })));
    const statuses = answers.map((r) => r.status).sort();
    expect(statuses).toEqual([303, 409, 409, 409]);
    await Promise.all(answers.map((r) => r.arrayBuffer()));
    expect(await audits("hold_cancelled", hold.id)).toBe(1);
    expect((await holdRow(hold.id)).status).toBe("cancelled");
  });

  it("R34: bad ids answer 400, unknown ones 404; nothing changes", async () => {
    const { client } = await patron();
    await client.page("/holds");
    for (const id of ["abc", "0", "-1", "1e3", "99999999999999999999"]) {
      const res = await client.request(`/holds/${id}/cancel`, { form: { confirm: "yes" } });
      expect(res.status, id).toBe(400);
      await res.arrayBuffer();
    }
    const res = await client.request(`/holds/987654321/cancel`, { form: { confirm: "yes" } });
    expect(res.status).toBe(404);
    expect(mainOf(await res.text())).toContain("その予約は見つかりませんでした。");
  });
});

describe("R34 changing 「受取館」 and 「連絡方法」", () => {
  it("R34: 「変更」 sets the pickup library and the contact in one guarded UPDATE, with an audit row", async () => {
    const { p, client } = await patron();
    const hold = await insertHold(db, { patronId: p.id, pickupBranchId: chuo, contact: "none", recordId: (await titled("受取館を変える本")).id });
    const { html } = await client.page("/holds");
    const item = itemOf(html, hold.id);
    expect(item).toContain(`<label for="hold-${hold.id}-pickup">受取館</label>`);
    expect(item).toContain(`<label for="hold-${hold.id}-contact">連絡方法</label>`);
    expect(item).not.toContain("福岡県立図書館"); // R12: never a pickup library
    expect(item).toMatch(/<option value="mail" disabled>メール<\/option>/); // no mail address yet
    const res = await client.request(`/holds/${hold.id}/change`, { form: { pickupBranchId: String(moji), contact: "phone" } });
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe(`/holds?changed=${hold.id}`);
    expect(await holdRow(hold.id)).toMatchObject({ pickupBranchId: moji, contact: "phone", mailAddressId: null, status: "waiting" });
    expect(await audits("hold_changed", hold.id)).toBe(1);
    const after = await client.page(`/holds?changed=${hold.id}`);
    expect(mainOf(after.html)).toContain("「受取館を変える本」の受取館・連絡方法を変更しました。");
    expect(itemOf(after.html, hold.id)).toContain("<dt>受取館</dt><dd>門司図書館</dd>");
  });

  it("R34, R11/R12: a library outside the city or an unknown branch is refused; nothing changes", async () => {
    const { p, client } = await patron();
    const hold = await insertHold(db, { patronId: p.id, pickupBranchId: chuo });
    await client.page("/holds");
    for (const pickupBranchId of [String(outside), "987654", "中央"]) {
      const before = await holdRow(hold.id);
      const res = await client.request(`/holds/${hold.id}/change`, { form: { pickupBranchId } });
      expect(res.status, pickupBranchId).toBe(400);
      expect(mainOf(await res.text())).toContain("受取館の指定が正しくありません");
      expect(await holdRow(hold.id)).toEqual(before);
    }
    expect(await audits("hold_changed", hold.id)).toBe(0);
  });

  it("R34, R43: 「メール」 only with a confirmed mail address, which the hold then names; an unknown contact is refused", async () => {
    const { p, client } = await patron();
    const hold = await insertHold(db, { patronId: p.id, pickupBranchId: chuo, contact: "phone" });
    await client.page("/holds");
    let res = await client.request(`/holds/${hold.id}/change`, { form: { contact: "mail" } });
    expect(res.status).toBe(400);
    expect(mainOf(await res.text())).toContain("「メール」は選べません");
    res = await client.request(`/holds/${hold.id}/change`, { form: { contact: "fax" } });
    expect(res.status).toBe(400);
    await res.arrayBuffer();
    await insertMailAddress(db, { patronId: p.id, confirmedAt: null });
    res = await client.request(`/holds/${hold.id}/change`, { form: { contact: "mail" } });
    expect(res.status).toBe(400);
    await res.arrayBuffer();
    expect((await holdRow(hold.id)).contact).toBe("phone");

    const address = await insertMailAddress(db, { patronId: p.id });
    res = await client.request(`/holds/${hold.id}/change`, { form: { contact: "mail" } });
    expect(res.status).toBe(303);
    expect(await holdRow(hold.id)).toMatchObject({ contact: "mail", mailAddressId: address.id, pickupBranchId: chuo });
    const { html } = await client.page("/holds");
    expect(itemOf(html, hold.id)).toMatch(/<option value="mail" selected>メール<\/option>/);
  });

  it("R34: an empty change is refused", async () => {
    const { p, client } = await patron();
    const hold = await insertHold(db, { patronId: p.id, pickupBranchId: chuo });
    await client.page("/holds");
    const res = await client.request(`/holds/${hold.id}/change`, { form: { pickupBranchId: "", contact: "" } });
    expect(res.status).toBe(400);
    expect(mainOf(await res.text())).toContain("変更する受取館または連絡方法を選んでください。");
  });
});

describe("patron A and patron B's holds", () => {
  it("A never sees B's holds, and cannot cancel or change them by any id in the URL or the body", async () => {
    const a = await patron();
    const b = await patron("Otsusan2026");
    const secret = "乙さんだけが予約した本";
    const bHold = await insertHold(db, { patronId: b.p.id, pickupBranchId: chuo, recordId: (await titled(secret)).id });
    const aHold = await insertHold(db, { patronId: a.p.id, pickupBranchId: chuo });
    const before = await holdRow(bHold.id);

    const list = await a.client.page(`/holds?patronId=${b.p.id}&cancelled=${bHold.id}&changed=${bHold.id}`);
    expect(list.html).not.toContain(secret);
    expect(list.html).not.toContain(`hold-${bHold.id}`);

    for (const [path, form] of [
      [`/holds/${bHold.id}/cancel`, { confirm: "yes", patronId: String(b.p.id) }],
      [`/holds/${bHold.id}/cancel`, {}],
      [`/holds/${bHold.id}/change`, { pickupBranchId: String(moji), contact: "phone", patronId: String(b.p.id) }],
    ] as const) {
      const res = await a.client.request(path, { form: { ...form } });
      expect(res.status, path).toBe(404);
      expect(await res.text()).not.toContain(secret);
    }
    // A's own id in the URL with B's in the body changes A's hold only.
    const res = await a.client.request(`/holds/${aHold.id}/cancel`, { form: { confirm: "yes", holdId: String(bHold.id), id: String(bHold.id) } });
    expect(res.status).toBe(303);
    expect((await holdRow(aHold.id)).status).toBe("cancelled");
    expect(await holdRow(bHold.id)).toEqual(before);
    expect(await audits("hold_cancelled", bHold.id)).toBe(0);
    expect(await audits("hold_changed", bHold.id)).toBe(0);
  });
});

describe("R21 the pickup deadline counts down in open days of the pickup library", () => {
  it("R21: a ready hold shows 「お取り置き期限」 with 「あと3開館日」, then 「本日まで」, then that it has passed", async () => {
    const p = await insertPatron(db, { homeBranchId: chuo });
    const record = await titled("取置棚の本");
    const ready = await insertHold(db, { patronId: p.id, recordId: record.id, pickupBranchId: chuo, status: "ready", contactDate: "2026-12-02", shelfUntil: "2026-12-10" });
    const at = (day: string) => Date.parse(`${day}T10:00:00+09:00`);
    const itemOn = async (day: string) => (await listHolds(db, p.id, at(day))).items.find((i) => i.id === ready.id)!;
    // Tue 8, Wed 9, Thu 10 are open days of 中央図書館 (no closure in the demo calendar then).
    expect((await itemOn("2026-12-08")).shelfDaysLeft).toBe("あと3開館日");
    expect((await itemOn("2026-12-10")).shelfDaysLeft).toBe("本日まで");
    expect((await itemOn("2026-12-11")).shelfDaysLeft).toBe("お取り置き期限を過ぎています");
    const page = holdsMain({ list: await listHolds(db, p.id, at("2026-12-08")), csrf: h``, notice: null }).toString();
    expect(page).toContain("お取り置き期限</dt><dd>2026年12月10日");
    expect(page).toContain("（あと3開館日）");
  });
});
