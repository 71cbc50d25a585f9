// Issue 8 item 1, the counter's lists and look-up, inside workerd on the migrated D1: 「ピックリスト」 (R16 reception order,
// R15 ordered-hold chains, one copy per hold, ILL holds excluded, bounded), 「取置棚」 (this branch's only, oldest
// first, the phone list), 「連絡済み」 (R21: the contact day and the deadline around closed days; twice → once; a
// counter of another branch can't, an admin can), 「利用者照会」 and 「仮パスワード発行」 (R05). Data from the factories
// on fresh branches, so the demo's holds never get in the way; HTTP through the whole Worker as a browser without
// JavaScript uses it. Needs the site built (pages render into /_shell/).
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { holds } from "../../db/schema/index.ts";
import type { Db } from "../../worker/src/data/db.ts";
import { loadCalendar } from "../../worker/src/data/calendar.ts";
import { tokyoDay } from "../../worker/src/domain/calendar.ts";
import { holdShelfUntil } from "../../worker/src/domain/hold-shelf.ts";
import { MESSAGES } from "../../worker/src/domain/messages.ts";
import { hashPassword } from "../../worker/src/services/password-hash.ts";
import { holdShelf, pickList, recordPhoneContact, type ConsoleActor } from "../../worker/src/services/staff-console.ts";
import type { AppError } from "../../worker/src/errors.ts";
import { checkIn } from "../../worker/src/services/circulation.ts";
import { PEPPER, demoDb, insertPatron as insertLoginPatron, storedCredential } from "../support/accounts.ts";
import { auditCount, refusalOf as refusal } from "../support/refusals.ts";
import { insertBranch, insertHold, insertHoldGroup, insertItem, insertLoan, insertPatron, insertRecord, insertStaff, type Branch } from "../support/factories.ts";
import { TestClient, mainOf, textOf } from "../support/session-client.ts";

let db: Db;
let staffSerial = 0;
const RUN = Math.random().toString(36).slice(2, 8);
const STAFF_PASSWORD = "Counter-Test-2026";

/** 2026-12-04 (Friday) 10:00 Asia/Tokyo. */
const FRI = Date.UTC(2026, 11, 4, 1, 0, 0);
const THU = FRI - 86_400_000;

beforeAll(async () => {
  db = await demoDb();
});

async function staffAt(branchId: number, role: "counter" | "admin" = "counter"): Promise<{ client: TestClient; staffId: number; actor: ConsoleActor }> {
  staffSerial++;
  const login = `h2-${role}-${RUN}-${staffSerial}`;
  const staff = await insertStaff(db, { login, role, branchId, hash: await hashPassword(STAFF_PASSWORD, PEPPER) });
  const client = new TestClient();
  await client.loginStaff(login, STAFF_PASSWORD);
  return { client, staffId: staff.id, actor: { staffId: staff.id, role, branchId, clientAddress: null } };
}

const holdRow = async (id: number) => (await db.select().from(holds).where(eq(holds.id, id)))[0]!;

describe("the console menu (issue 8 item 1)", () => {
  it("an admin sees the counter's screens, the branch and 「利用者端末の管理」", async () => {
    const branch = await insertBranch(db, { name: "メニューの試験館" });
    const { client } = await staffAt(branch.id, "admin");
    const main = mainOf((await client.page("/staff/")).html);
    for (const [href, label] of [
      ["/staff/checkout", "貸出"],
      ["/staff/checkin", "返却"],
      ["/staff/arrival", "到着"],
      ["/staff/picklist", "ピックリスト"],
      ["/staff/shelf", "取置棚"],
      ["/staff/patrons", "利用者照会"],
      ["/staff/holds/paper", "リクエスト（予約）申込書"],
      ["/staff/ill", "相互貸借資料の受入"],
      ["/staff/terminals", "利用者端末の管理"],
    ]) {
      expect(main).toContain(`<a href="${href}">${label}</a>`);
    }
    expect(textOf(main)).toContain("所属館 メニューの試験館");
  });
});

describe("R16 「ピックリスト」: holds a copy on this branch's shelf can fill, oldest first", () => {
  it("R16: in reception order, with title and volume, shelf mark, barcode, pickup branch and reception time; only loanable on-shelf copies at home here", async () => {
    const here = await insertBranch(db);
    const other = await insertBranch(db, { name: "受取の試験館" });
    const older = await insertRecord(db, { title: "古い受付の本", volumeLabel: "第3巻" });
    const newer = await insertRecord(db, { title: "新しい受付の本" });
    const c1 = await insertItem(db, { recordId: older.id, branchId: here.id, shelfMark: "913.6/ア" });
    const c2 = await insertItem(db, { recordId: newer.id, branchId: here.id, shelfMark: "210.1/イ" });
    const hNew = await insertHold(db, { recordId: newer.id, pickupBranchId: here.id, placedAt: FRI });
    const hOld = await insertHold(db, { recordId: older.id, pickupBranchId: other.id, placedAt: THU });
    // Not pickable: a reference copy, a copy on loan, a copy at another branch, a copy shelved here but owned elsewhere.
    for (const [extra, title] of [
      [{ branchId: here.id, loanable: false }, "禁帯出の本"],
      [{ branchId: here.id, status: "on_loan" as const }, "貸出中の本"],
      [{ branchId: other.id }, "よその館の本"],
    ] as const) {
      const r = await insertRecord(db, { title });
      await insertItem(db, { recordId: r.id, ...extra });
      await insertHold(db, { recordId: r.id, pickupBranchId: here.id, placedAt: THU - 1000 });
    }
    const list = await pickList(db, { branchId: here.id });
    expect(list.lines.map((l) => l.holdId)).toEqual([hOld.id, hNew.id]);
    expect(list.lines[0]).toMatchObject({ barcode: c1.barcode, shelfMark: "913.6/ア", pickupName: "受取の試験館", placedAt: THU, title: "古い受付の本", volumeLabel: "第3巻" });
    expect(list.lines[1]).toMatchObject({ barcode: c2.barcode, shelfMark: "210.1/イ" });
    expect(list.more).toBe(false);

    // Through the page: an admin chooses the branch.
    const { client } = await staffAt(other.id, "admin");
    const { res, html } = await client.page(`/staff/picklist?branch=${here.id}`);
    expect(res.status).toBe(200);
    const main = mainOf(html);
    expect(main).toContain("<h1>ピックリスト</h1>");
    const rows = [...main.matchAll(/<tr id="pick-(\d+)">([\s\S]*?)<\/tr>/g)];
    expect(rows.map((r) => Number(r[1]))).toEqual([hOld.id, hNew.id]);
    expect(textOf(rows[0]![2]!)).toContain("913.6/ア 古い受付の本 第3巻");
    expect(textOf(rows[0]![2]!)).toContain(c1.barcode);
    expect(textOf(rows[0]![2]!)).toContain("受取の試験館");
    expect(textOf(rows[0]![2]!)).toContain("2026/12/3 10:00");
    expect(main).not.toContain("禁帯出の本");
    expect(main).not.toContain("よその館の本");
  });

  it("R16: one line per hold — a record with 2 copies on the shelf and 3 waiting holds lists the 2 oldest holds, each with its own copy", async () => {
    const here = await insertBranch(db);
    const record = await insertRecord(db, { title: "人気の本" });
    const a = await insertItem(db, { recordId: record.id, branchId: here.id });
    const b = await insertItem(db, { recordId: record.id, branchId: here.id });
    const h3 = await insertHold(db, { recordId: record.id, pickupBranchId: here.id, placedAt: FRI + 2000 });
    const h1 = await insertHold(db, { recordId: record.id, pickupBranchId: here.id, placedAt: FRI });
    const h2 = await insertHold(db, { recordId: record.id, pickupBranchId: here.id, placedAt: FRI + 1000 });
    const list = await pickList(db, { branchId: here.id });
    expect(list.lines.map((l) => l.holdId)).toEqual([h1.id, h2.id]);
    expect(new Set(list.lines.map((l) => l.barcode))).toEqual(new Set([a.barcode, b.barcode]));
    expect(list.lines.map((l) => l.holdId)).not.toContain(h3.id);
  });

  it("R16: a hold placed at the same time as another comes after it by id (the queue's tie-break)", async () => {
    const here = await insertBranch(db);
    const record = await insertRecord(db);
    await insertItem(db, { recordId: record.id, branchId: here.id });
    const first = await insertHold(db, { recordId: record.id, pickupBranchId: here.id, placedAt: FRI });
    await insertHold(db, { recordId: record.id, pickupBranchId: here.id, placedAt: FRI });
    expect((await pickList(db, { branchId: here.id })).lines.map((l) => l.holdId)).toEqual([first.id]);
  });

  it("R15: a later volume of an ordered hold is not listed while an earlier volume waits; once the earlier one is allocated it is", async () => {
    const here = await insertBranch(db);
    const elsewhere = await insertBranch(db);
    const patron = await insertPatron(db, { homeBranchId: here.id });
    const v1 = await insertRecord(db, { title: "順番の本", volumeLabel: "第1巻" });
    const v2 = await insertRecord(db, { title: "順番の本", volumeLabel: "第2巻" });
    await insertItem(db, { recordId: v1.id, branchId: elsewhere.id, status: "on_loan" });
    const v2copy = await insertItem(db, { recordId: v2.id, branchId: here.id });
    const group = await insertHoldGroup(db, { patronId: patron.id });
    const h1 = await insertHold(db, { patronId: patron.id, recordId: v1.id, pickupBranchId: here.id, groupId: group.id, groupPosition: 1, placedAt: THU });
    const h2 = await insertHold(db, { patronId: patron.id, recordId: v2.id, pickupBranchId: here.id, groupId: group.id, groupPosition: 2, placedAt: THU });
    // Another patron's plain hold on volume 2 placed later is not held back by the chain: it takes the copy.
    const later = await insertHold(db, { recordId: v2.id, pickupBranchId: here.id, placedAt: FRI });
    expect((await pickList(db, { branchId: here.id })).lines.map((l) => l.holdId)).toEqual([later.id]);

    // Volume 1 is set aside (in transit to here): volume 2 may now take the copy, before the later hold.
    const v1copy = await insertItem(db, { recordId: v1.id, branchId: elsewhere.id, status: "in_transit" });
    await env.DB.prepare("UPDATE holds SET status = 'in_transit', item_id = ? WHERE id = ?").bind(v1copy.id, h1.id).run();
    const list = await pickList(db, { branchId: here.id });
    expect(list.lines.map((l) => l.holdId)).toEqual([h2.id]);
    expect(list.lines[0]!.barcode).toBe(v2copy.barcode);
  });

  it("R16, R15: scanning each listed copy at 「返却」 (checkIn) sets it aside for the very hold the pick list named", async () => {
    const here = await insertBranch(db);
    const there = await insertBranch(db);
    const record = await insertRecord(db);
    await insertItem(db, { recordId: record.id, branchId: here.id });
    await insertItem(db, { recordId: record.id, branchId: here.id });
    await insertHold(db, { recordId: record.id, pickupBranchId: here.id, placedAt: FRI + 2000 });
    await insertHold(db, { recordId: record.id, pickupBranchId: there.id, placedAt: FRI });
    await insertHold(db, { recordId: record.id, pickupBranchId: here.id, placedAt: FRI + 1000 });
    const { actor } = await staffAt(here.id);
    const list = await pickList(db, { branchId: here.id });
    expect(list.lines).toHaveLength(2);
    for (const line of list.lines) {
      const answer = await checkIn(db, actor, { barcode: line.barcode, now: FRI + 10_000 });
      expect(answer.outcome.kind === "ready" || answer.outcome.kind === "transit" ? answer.outcome.holdId : null).toBe(line.holdId);
    }
    expect((await pickList(db, { branchId: here.id })).lines).toEqual([]);
  });

  it("R34: ILL holds (external) are never on the pick list; cancelled, ready and fulfilled holds neither", async () => {
    const here = await insertBranch(db);
    const record = await insertRecord(db);
    await insertItem(db, { recordId: record.id, branchId: here.id });
    await insertHold(db, { recordId: record.id, pickupBranchId: here.id, placedAt: THU, external: true });
    await insertHold(db, { recordId: record.id, pickupBranchId: here.id, placedAt: THU, status: "cancelled" });
    const waiting = await insertHold(db, { recordId: record.id, pickupBranchId: here.id, placedAt: FRI });
    expect((await pickList(db, { branchId: here.id })).lines.map((l) => l.holdId)).toEqual([waiting.id]);
  });

  it("bounded: past the limit it says there are more", async () => {
    const here = await insertBranch(db);
    const ids: number[] = [];
    for (let i = 0; i < 3; i++) {
      const record = await insertRecord(db);
      await insertItem(db, { recordId: record.id, branchId: here.id });
      ids.push((await insertHold(db, { recordId: record.id, pickupBranchId: here.id, placedAt: THU + i })).id);
    }
    const list = await pickList(db, { branchId: here.id, limit: 2 });
    expect(list.lines.map((l) => l.holdId)).toEqual(ids.slice(0, 2));
    expect(list.more).toBe(true);
  });

  it("a counter sees their own branch's list; naming another branch is refused (403), an admin may", async () => {
    const mine = await insertBranch(db, { name: "自分の館" });
    const theirs = await insertBranch(db, { name: "よその館" });
    const { client } = await staffAt(mine.id);
    const own = await client.page("/staff/picklist");
    expect(own.res.status).toBe(200);
    expect(textOf(mainOf(own.html))).toContain("館: 自分の館");
    expect(mainOf(own.html)).not.toContain("<select");
    const other = await client.page(`/staff/picklist?branch=${theirs.id}`);
    expect(other.res.status).toBe(403);
    expect(textOf(mainOf(other.html))).toContain(MESSAGES.console_branch_forbidden);
    const bad = await client.page("/staff/picklist?branch=abc");
    expect(bad.res.status).toBe(400);
  });
});

async function readyHold(branch: Branch, extra: Partial<typeof holds.$inferInsert> = {}) {
  const record = await insertRecord(db, { title: `取置の本 ${Math.random().toString(36).slice(2, 6)}` });
  return insertHold(db, { recordId: record.id, pickupBranchId: branch.id, status: "ready", readyAt: THU, contactDate: "2026-12-03", shelfUntil: "2026-12-11", ...extra });
}

describe("R21 「取置棚」: ready holds at this branch with their deadlines; the phone list", () => {
  it("R21: only this branch's ready holds, oldest first, with the deadline and 「あと n 開館日」; the phone list has the uncontacted phone holds with the phone number", async () => {
    const here = await insertBranch(db);
    const there = await insertBranch(db);
    const patron = await insertPatron(db, { homeBranchId: here.id, phone: "093-111-2222", name: "電話 待子" });
    const second = await readyHold(here, { readyAt: FRI });
    const first = await readyHold(here, { readyAt: THU });
    const phone = await readyHold(here, { readyAt: FRI + 1000, patronId: patron.id, contact: "phone", contactDate: null, shelfUntil: "2026-12-12" });
    const called = await readyHold(here, { readyAt: FRI + 2000, contact: "phone", contactDate: "2026-12-04", shelfUntil: "2026-12-12" });
    const elsewhere = await readyHold(there);
    await insertHold(db, { pickupBranchId: here.id, status: "in_transit" });

    const shelf = await holdShelf(db, { branchId: here.id, branchCode: here.code, now: FRI });
    expect(shelf.lines.map((l) => l.holdId)).toEqual([first.id, second.id, phone.id, called.id]);
    expect(shelf.lines.map((l) => l.holdId)).not.toContain(elsewhere.id);
    expect(shelf.phoneList.map((l) => l.holdId)).toEqual([phone.id]);
    // Fri 12/4 (today, counted) … Fri 12/11, Monday 12/7 closed: 7 open days.
    expect(shelf.lines[0]!.daysLeftText).toBe("あと7開館日");

    const { client } = await staffAt(here.id);
    const { res, html } = await client.page("/staff/shelf");
    expect(res.status).toBe(200);
    const main = mainOf(html);
    expect(main).toContain("<h1>取置棚</h1>");
    expect(main).toMatch(new RegExp(`<li id="phone-${phone.id}">[\\s\\S]*093-111-2222[\\s\\S]*action="/staff/holds/${phone.id}/contacted"[\\s\\S]*連絡済み`));
    expect(main).not.toContain(`id="phone-${called.id}"`);
    expect([...main.matchAll(/<tr id="shelf-(\d+)"/g)].map((m) => Number(m[1]))).toEqual([first.id, second.id, phone.id, called.id]);
    expect(main).not.toContain(`shelf-${elsewhere.id}`);
  });

  it("R21 「連絡済み」: the call's day becomes the contact day and the deadline is 7 open days after it, skipping Monday and a temporary closure; a second click says it was already recorded", async () => {
    const here = await insertBranch(db);
    await env.DB.prepare("INSERT INTO branch_closures (branch_id, kind, from_date, to_date, reason, created_at) VALUES (?, 'closed', '2026-12-08', '2026-12-08', '臨時休館', 0)").bind(here.id).run();
    const hold = await readyHold(here, { contact: "phone", contactDate: null, readyAt: THU, shelfUntil: "2026-12-12" });
    const { actor, staffId } = await staffAt(here.id);
    const done = await recordPhoneContact(db, actor, { holdId: hold.id, now: FRI });
    // After Fri 12/4: Sat 5, Sun 6, (Mon 7 closed), (Tue 8 臨時休館), Wed 9, Thu 10, Fri 11, Sat 12, Sun 13.
    expect(done).toEqual({ holdId: hold.id, contactDay: "2026-12-04", shelfUntil: "2026-12-13" });
    const row = await holdRow(hold.id);
    expect(row.contactDate).toBe("2026-12-04");
    expect(row.shelfUntil).toBe("2026-12-13");
    expect(row.status).toBe("ready");
    const audit = await env.DB.prepare("SELECT actor_kind, actor_id, target_kind FROM audit_log WHERE action = 'hold_contact_recorded' AND target_id = ?").bind(hold.id).all();
    expect(audit.results).toEqual([{ actor_kind: "staff", actor_id: staffId, target_kind: "hold" }]);

    const again = await refusal(recordPhoneContact(db, actor, { holdId: hold.id, now: FRI + 60_000 }));
    expect(again.status).toBe(409);
    expect(again.reasons.map((r) => r.code)).toEqual(["contact_already_recorded"]);
    expect((await holdRow(hold.id)).shelfUntil).toBe("2026-12-13");
    expect(await auditCount("hold_contact_recorded", hold.id)).toBe(1);
  });

  it("R21: concurrent 「連絡済み」 clicks record the call once (one guarded UPDATE, one audit row)", async () => {
    const here = await insertBranch(db);
    const hold = await readyHold(here, { contact: "phone", contactDate: null });
    const { actor } = await staffAt(here.id);
    const results = await Promise.allSettled(Array.from({ length: 6 }, () => recordPhoneContact(db, actor, { holdId: hold.id, now: FRI })));
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    for (const r of results) if (r.status === "rejected") expect((r.reason as AppError).reasons[0]!.code).toBe("contact_already_recorded");
    expect(await auditCount("hold_contact_recorded", hold.id)).toBe(1);
  });

  it("R21 through the page: 「連絡済み」 → 303 back to 「取置棚」 with the new deadline; twice → the message, 409", async () => {
    const here = await insertBranch(db);
    const hold = await readyHold(here, { contact: "phone", contactDate: null, readyAt: Date.now() - 3_600_000 });
    const { client } = await staffAt(here.id);
    await client.page("/staff/shelf");
    const res = await client.request(`/staff/holds/${hold.id}/contacted`, { form: {} });
    expect(res.status).toBe(303);
    const today = tokyoDay(Date.now());
    const expected = holdShelfUntil(await loadCalendar(db, { from: today }), here.code, today);
    expect(res.headers.get("location")).toBe(`/staff/shelf?recorded=${hold.id}&until=${expected}`);
    expect(await holdRow(hold.id)).toMatchObject({ contactDate: today, shelfUntil: expected });
    const { html } = await client.page(res.headers.get("location")!);
    expect(textOf(mainOf(html))).toContain("連絡を記録しました。");
    expect(mainOf(html)).not.toContain(`id="phone-${hold.id}"`);
    const twice = await client.request(`/staff/holds/${hold.id}/contacted`, { form: {} });
    expect(twice.status).toBe(409);
    expect(textOf(mainOf(await twice.text()))).toContain(MESSAGES.contact_already_recorded);
  });

  it("a counter of branch A can't record the call for branch B's hold (403, unchanged); an admin of A can", async () => {
    const a = await insertBranch(db);
    const b = await insertBranch(db);
    const hold = await readyHold(b, { contact: "phone", contactDate: null });
    const { client, actor } = await staffAt(a.id);
    const before = await holdRow(hold.id);
    const refused = await refusal(recordPhoneContact(db, actor, { holdId: hold.id, now: FRI }));
    expect(refused.status).toBe(403);
    expect(refused.reasons.map((r) => r.code)).toEqual(["contact_other_branch"]);
    await client.page("/staff/shelf");
    const res = await client.request(`/staff/holds/${hold.id}/contacted`, { form: {} });
    expect(res.status).toBe(403);
    await res.arrayBuffer();
    expect(await holdRow(hold.id)).toEqual(before);
    expect(await auditCount("hold_contact_recorded", hold.id)).toBe(0);

    const admin = await staffAt(a.id, "admin");
    expect((await recordPhoneContact(db, admin.actor, { holdId: hold.id, now: FRI })).contactDay).toBe("2026-12-04");
  });

  it("「連絡済み」 on a hold that is not a ready phone hold: 404 with the message, nothing changes", async () => {
    const here = await insertBranch(db);
    const { actor } = await staffAt(here.id);
    const mail = await readyHold(here, { contact: "mail", contactDate: null });
    const waiting = await insertHold(db, { pickupBranchId: here.id, contact: "phone" });
    for (const id of [mail.id, waiting.id, 99_999_999]) {
      const err = await refusal(recordPhoneContact(db, actor, { holdId: id, now: FRI }));
      expect(err.status).toBe(404);
      expect(err.reasons.map((r) => r.code)).toEqual(["contact_hold_not_found"]);
    }
    expect((await holdRow(mail.id)).contactDate).toBeNull();
  });
});

describe("「利用者照会」 and 「仮パスワード発行」 (R05)", () => {
  it("a counter looks up any patron by card: name, home branch, status, open loans (due, 延滞, 延長済み, ILL) and holds in the guide's words; an audit row names who looked", async () => {
    const home = await insertBranch(db, { name: "登録の試験館" });
    const counterBranch = await insertBranch(db);
    const patron = await insertPatron(db, { homeBranchId: home.id, name: "照会 花子" });
    const overdueRecord = await insertRecord(db, { title: "延滞している本" });
    const renewedRecord = await insertRecord(db, { title: "延長した本" });
    await insertLoan(db, { patronId: patron.id, itemId: (await insertItem(db, { recordId: overdueRecord.id, status: "on_loan" })).id, dueDate: "2020-01-01" });
    await insertLoan(db, { patronId: patron.id, itemId: (await insertItem(db, { recordId: renewedRecord.id, status: "on_loan" })).id, dueDate: "2099-01-01", renewals: 1, renewedAt: 1 });
    await insertLoan(db, { patronId: patron.id, itemId: (await insertItem(db, { status: "on_loan" })).id, returnedAt: 5, dueDate: "2026-01-01" });
    const waiting = await insertHold(db, { patronId: patron.id, pickupBranchId: home.id, recordId: (await insertRecord(db, { title: "予約した本" })).id });
    const ready = await insertHold(db, { patronId: patron.id, pickupBranchId: home.id, status: "ready", recordId: (await insertRecord(db, { title: "届いた本" })).id });
    const { client, staffId } = await staffAt(counterBranch.id);

    const { res, html } = await client.page(`/staff/patrons?card=${patron.cardNumber}`);
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toContain("no-store");
    const main = mainOf(html);
    const text = textOf(main);
    expect(main).toMatch(/<input id="lookup-card" name="card"[^>]* autofocus/);
    expect(text).toContain("照会 花子");
    expect(text).toContain("登録館 登録の試験館");
    expect(text).toContain("状態 有効");
    expect(text).toContain("貸出中の資料（2冊）");
    expect(text).toMatch(/延滞している本 .* 2020年1月1日 延滞/);
    expect(text).toMatch(/延長した本 .* 2099年1月1日 延長済み/);
    expect(textOf(/<tr id="hold-(\d+)">[\s\S]*?<\/tr>/.exec(main.slice(main.indexOf(`hold-${waiting.id}`) - 8))![0])).toContain("予約中です");
    expect(main).toContain(`id="hold-${ready.id}"`);
    expect(text).toContain("ご用意できました");
    const audit = await env.DB.prepare("SELECT actor_kind, actor_id FROM audit_log WHERE action = 'patron_looked_up' AND target_id = ?").bind(patron.id).all();
    expect(audit.results).toEqual([{ actor_kind: "staff", actor_id: staffId }]);
  });

  it("an unknown card: 404 with the message; a malformed one: 400; nothing looked up, no audit row", async () => {
    const { client } = await staffAt((await insertBranch(db)).id);
    const unknown = await client.page("/staff/patrons?card=9999999999999");
    expect(unknown.res.status).toBe(404);
    expect(textOf(mainOf(unknown.html))).toContain(MESSAGES.patron_not_found);
    const bad = await client.page("/staff/patrons?card=abc");
    expect(bad.res.status).toBe(400);
    expect(textOf(mainOf(bad.html))).toContain(MESSAGES.card_number_invalid);
    const empty = await client.page("/staff/patrons");
    expect(empty.res.status).toBe(200);
  });

  it("R05 「仮パスワード発行」: the password on the answer page only (no-store), the old one stops working, an audit row with the staff id; the patron must then change it", async () => {
    const patron = await insertLoginPatron(db, { password: "Honyomu2026" });
    const { client, staffId } = await staffAt((await insertBranch(db)).id);
    const since = Date.now() - 1;
    await client.page(`/staff/patrons?card=${patron.cardNumber}`);
    const res = await client.request(`/staff/patrons/${patron.cardNumber}/temporary-password`, { form: {} });
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toContain("no-store");
    expect(res.headers.get("location")).toBeNull();
    const main = mainOf(await res.text());
    const password = /<strong id="temp-password"><code>([^<]+)<\/code><\/strong>/.exec(main)?.[1];
    expect(password).toMatch(/^[A-Za-z2-9]{8,}$/);
    expect((await storedCredential(patron.id))!.temporary).toBe(1);
    const audit = await env.DB.prepare("SELECT actor_kind, actor_id FROM audit_log WHERE action = 'temporary_password_issued' AND target_id = ? AND at >= ?").bind(patron.id, since).all();
    expect(audit.results).toEqual([{ actor_kind: "staff", actor_id: staffId }]);
    // The look-up page never shows it again.
    expect((await client.page(`/staff/patrons?card=${patron.cardNumber}`)).html).not.toContain(password!);

    // The old password no longer opens the account; the temporary one opens only 「パスワード変更」.
    const old = new TestClient();
    const oldRes = await old.request("/api/session", { json: { card: patron.cardNumber, password: "Honyomu2026" } });
    expect(oldRes.status).toBe(401);
    await oldRes.arrayBuffer();
    const p = new TestClient();
    await p.login(patron.cardNumber, password!);
    const holdsRes = await p.request("/holds", { html: true });
    expect(holdsRes.status).toBe(303);
    expect(holdsRes.headers.get("location")).toBe("/account/password");
    expect((await p.page("/account/password")).res.status).toBe(200);
  });

  it("R05: an unknown card gets the message (404), nothing issued", async () => {
    const { client } = await staffAt((await insertBranch(db)).id);
    await client.page("/staff/patrons");
    const res = await client.request("/staff/patrons/9999999999998/temporary-password", { form: {} });
    expect(res.status).toBe(404);
    expect(textOf(mainOf(await res.text()))).toContain(MESSAGES.patron_not_found);
  });
});
