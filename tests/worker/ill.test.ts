// Issue 8 item 1, inter-library holds (ILL) inside workerd on the migrated D1: the paper form's 「市外から取り寄せ」 (R12
// reception time and channel, R14 the same limit, R16), which can't be cancelled or changed online (R34); the borrowed
// copy's arrival at 「相互貸借資料の受入」 (a new item for that hold, then 「返却」's one trap path: ready), and its loan,
// inter-library, never renewed (R32). HTTP through the whole Worker as a browser without JavaScript uses it.
// Needs the site built (pages render into /_shell/).
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { holds, items, loans } from "../../db/schema/index.ts";
import { constraintReason, type Db } from "../../worker/src/data/db.ts";
import { decideRenewal } from "../../worker/src/domain/renewal.ts";
import { HOLD_LIMIT } from "../../worker/src/domain/policy.ts";
import { MESSAGES } from "../../worker/src/domain/messages.ts";
import { hashPassword } from "../../worker/src/services/password-hash.ts";
import { checkOut } from "../../worker/src/services/circulation.ts";
import { cancelHold, changeHold, HoldChangeRefused } from "../../worker/src/services/hold-status.ts";
import { enterIllHold, receiveIllItem } from "../../worker/src/services/ill.ts";
import { formatTokyoDateTime, newFormKey } from "../../worker/src/services/hold-placement.ts";
import type { ConsoleActor } from "../../worker/src/services/staff-console.ts";
import { PEPPER, demoDb, insertPatron as insertLoginPatron } from "../support/accounts.ts";
import { refusalOf as refusal } from "../support/refusals.ts";
import { insertBranch, insertHold, insertItem, insertPatron, insertRecord, insertStaff } from "../support/factories.ts";
import { TestClient, mainOf, textOf } from "../support/session-client.ts";

let db: Db;
let staffSerial = 0;
const RUN = Math.random().toString(36).slice(2, 8);
const STAFF_PASSWORD = "Counter-Ill-2026";

beforeAll(async () => {
  db = await demoDb();
});

async function staffAt(branchId: number, role: "counter" | "admin" = "counter"): Promise<{ client: TestClient; actor: ConsoleActor }> {
  staffSerial++;
  const login = `h2-ill-${RUN}-${staffSerial}`;
  const staff = await insertStaff(db, { login, role, branchId, hash: await hashPassword(STAFF_PASSWORD, PEPPER) });
  const client = new TestClient();
  await client.loginStaff(login, STAFF_PASSWORD);
  return { client, actor: { staffId: staff.id, role, branchId, clientAddress: null } };
}

const holdRow = async (id: number) => (await db.select().from(holds).where(eq(holds.id, id)))[0]!;
const holdsOf = (patronId: number) => db.select().from(holds).where(eq(holds.patronId, patronId));

/** A catalogue record the city does not hold (no copy at all). */
const notHeld = (title = "市外にしかない本") => insertRecord(db, { title });

function illForm(o: { card: string; recordId: number; pickupBranchId: number; receivedAt?: string; contact?: string; formKey?: string }) {
  return {
    formKey: o.formKey ?? newFormKey(),
    cardNumber: o.card,
    recordId: String(o.recordId),
    pickupBranchId: String(o.pickupBranchId),
    contact: o.contact ?? "phone",
    receivedAt: o.receivedAt ?? formatTokyoDateTime(Date.now() - 3_600_000),
  };
}

describe("R12, R16, R34: 「リクエスト（予約）申込書」 with 「市外から取り寄せ」", () => {
  it("R12/R16: the form enters an external hold — channel paper, the reception time, the member of staff, an audit row; the answer says 「市外から取り寄せ」", async () => {
    const branch = await insertBranch(db);
    const patron = await insertPatron(db, { homeBranchId: branch.id });
    const record = await notHeld("取り寄せる本");
    const { client, actor } = await staffAt(branch.id);
    const { html } = await client.page("/staff/holds/paper");
    expect(mainOf(html)).toContain('name="external" value="1"');
    expect(mainOf(html)).toContain("市外から取り寄せ（相互貸借）");
    const formKey = /name="idempotencyKey" value="([^"]+)"/.exec(html)![1]!;
    const res = await client.request("/staff/holds/paper", {
      form: { idempotencyKey: formKey, cardNumber: patron.cardNumber, recordId: String(record.id), pickupBranchId: String(branch.id), contact: "phone", receivedAt: "2026-11-30T09:15", external: "1" },
    });
    expect(res.status).toBe(303);
    const answer = await client.page(res.headers.get("location")!);
    const main = mainOf(answer.html);
    expect(textOf(main)).toContain("1件を予約しました。");
    expect(main).toContain('id="paper-external"');
    expect(main).toContain("取り寄せる本");

    const [hold] = await holdsOf(patron.id);
    expect(hold).toMatchObject({ recordId: record.id, external: true, channel: "paper", status: "waiting", enteredByStaffId: actor.staffId, placedAt: Date.UTC(2026, 10, 30, 0, 15), pickupBranchId: branch.id });
    const audit = await env.DB.prepare("SELECT actor_id FROM audit_log WHERE action = 'hold_ill_entered' AND target_id = ?").bind(patron.id).all();
    expect(audit.results).toEqual([{ actor_id: actor.staffId }]);

    // The same submission again (a double click): one hold.
    const again = await client.request("/staff/holds/paper", {
      form: { idempotencyKey: formKey, cardNumber: patron.cardNumber, recordId: String(record.id), pickupBranchId: String(branch.id), contact: "phone", receivedAt: "2026-11-30T09:15", external: "1" },
    });
    expect(again.status).toBe(303);
    expect(await holdsOf(patron.id)).toHaveLength(1);
  });

  it("R14: an ILL paper hold counts toward the limit — it fills the 10th slot, and an 11th (of any channel) is refused; at 10 the ILL hold is refused", async () => {
    const branch = await insertBranch(db);
    const patron = await insertPatron(db, { homeBranchId: branch.id });
    for (let i = 0; i < HOLD_LIMIT - 1; i++) await insertHold(db, { patronId: patron.id, pickupBranchId: branch.id });
    const { actor } = await staffAt(branch.id);
    await enterIllHold(db, { staffId: actor.staffId, clientAddress: null, form: illForm({ card: patron.cardNumber, recordId: (await notHeld()).id, pickupBranchId: branch.id }), now: Date.now() });
    const after = await holdsOf(patron.id);
    expect(after).toHaveLength(HOLD_LIMIT);
    expect(after.filter((h) => h.external)).toHaveLength(1);

    // The 11th: refused (the answer line says why), nothing written.
    const form = illForm({ card: patron.cardNumber, recordId: (await notHeld()).id, pickupBranchId: branch.id });
    await enterIllHold(db, { staffId: actor.staffId, clientAddress: null, form, now: Date.now() });
    expect(await holdsOf(patron.id)).toHaveLength(HOLD_LIMIT);
    const stored = await env.DB.prepare("SELECT response FROM idempotency_keys WHERE scope = ? AND key = ?").bind(`holds-paper:${actor.staffId}`, form.formKey).first<{ response: string }>();
    expect(JSON.parse(stored!.response).lines).toEqual([{ recordId: Number(form.recordId), placed: false, reasons: ["hold_limit_reached"], shelf: [] }]);
    // A web/opac/paper hold is refused as well: the trigger counts the ILL hold too.
    const backstop = await insertHold(db, { patronId: patron.id, pickupBranchId: branch.id }).catch((e: unknown) => e);
    expect(constraintReason(backstop)?.reason).toBe("hold_limit_reached");
  });

  it("a record the city holds is refused (use the normal paper hold); a bad form gives every reason; nothing is written", async () => {
    const branch = await insertBranch(db);
    const patron = await insertPatron(db, { homeBranchId: branch.id });
    const held = await insertItem(db, { branchId: branch.id, status: "on_loan" });
    const { actor, client } = await staffAt(branch.id);
    const err = await refusal(enterIllHold(db, { staffId: actor.staffId, clientAddress: null, form: illForm({ card: patron.cardNumber, recordId: held.recordId, pickupBranchId: branch.id }), now: Date.now() }));
    expect(err.status).toBe(400);
    expect(err.reasons.map((r) => r.code)).toEqual(["ill_record_held_in_city"]);
    const bad = await refusal(enterIllHold(db, { staffId: actor.staffId, clientAddress: null, form: { ...illForm({ card: "12", recordId: 1, pickupBranchId: branch.id }), recordId: "x", contact: "fax", receivedAt: "soon" }, now: Date.now() }));
    expect(bad.reasons.map((r) => r.code).sort()).toEqual(["card_number_invalid", "hold_contact_invalid", "hold_lines_invalid", "reception_time_invalid"].sort());
    expect(await holdsOf(patron.id)).toHaveLength(0);

    // Through the page: the form comes back with the message and 「市外から取り寄せ」 still ticked.
    const { html } = await client.page("/staff/holds/paper");
    const formKey = /name="idempotencyKey" value="([^"]+)"/.exec(html)![1]!;
    const res = await client.request("/staff/holds/paper", {
      form: { idempotencyKey: formKey, cardNumber: patron.cardNumber, recordId: String(held.recordId), pickupBranchId: String(branch.id), contact: "phone", receivedAt: formatTokyoDateTime(Date.now() - 60_000), external: "1" },
    });
    expect(res.status).toBe(400);
    const page = mainOf(await res.text());
    expect(textOf(page)).toContain(MESSAGES.ill_record_held_in_city);
    expect(page).toMatch(/name="external" value="1"[^>]* checked/);
  });

  it("R34: an ILL hold can't be cancelled or changed online — the patron's 「取消」 is refused (hold_external), unchanged", async () => {
    const branch = await insertBranch(db);
    const login = await insertLoginPatron(db);
    const { actor } = await staffAt(branch.id);
    await enterIllHold(db, { staffId: actor.staffId, clientAddress: null, form: illForm({ card: login.cardNumber, recordId: (await notHeld()).id, pickupBranchId: branch.id }), now: Date.now() });
    const [hold] = await holdsOf(login.id);
    const err = await refusal(cancelHold(db, { patronId: login.id, holdId: hold!.id, now: Date.now(), clientAddress: null }));
    expect(err).toBeInstanceOf(HoldChangeRefused);
    expect(err.reasons.map((r) => r.code)).toEqual(["hold_external"]);
    const change = await refusal(changeHold(db, { patronId: login.id, holdId: hold!.id, now: Date.now(), clientAddress: null, pickupBranchId: null, contact: "none" }));
    expect(change.reasons.map((r) => r.code)).toEqual(["hold_external"]);
    // Through the page, as the patron.
    const client = new TestClient();
    await client.login(login.cardNumber, login.password!);
    const list = await client.page("/holds");
    expect(mainOf(list.html)).not.toContain(`action="/holds/${hold!.id}/cancel"`);
    const res = await client.request(`/holds/${hold!.id}/cancel`, { form: { confirm: "yes" } });
    expect(res.status).toBe(409);
    await res.arrayBuffer();
    expect(await holdRow(hold!.id)).toEqual(hold);
  });
});

async function illHoldAt(branchId: number, patronId?: number) {
  const record = await notHeld(`借りてきた本 ${Math.random().toString(36).slice(2, 6)}`);
  const hold = await insertHold(db, { recordId: record.id, pickupBranchId: branchId, external: true, channel: "paper", contact: "phone", placedAt: Date.now() - 86_400_000, ...(patronId ? { patronId } : {}) });
  return { record, hold };
}

describe("R32, R34: 「相互貸借資料の受入」 — the borrowed copy arrives", () => {
  it("lists the ILL holds waiting at this branch only; receiving the copy makes the hold ready through 「返却」's trap", async () => {
    const here = await insertBranch(db);
    const there = await insertBranch(db);
    const { hold, record } = await illHoldAt(here.id);
    const { hold: elsewhere } = await illHoldAt(there.id);
    const { client } = await staffAt(here.id);
    const { res, html } = await client.page("/staff/ill");
    expect(res.status).toBe(200);
    const main = mainOf(html);
    expect(main).toContain("<h1>相互貸借資料の受入</h1>");
    expect(main).toContain(`name="holdId" value="${hold.id}"`);
    expect(main).not.toContain(`value="${elsewhere.id}"`);
    expect(main).toMatch(/<input id="ill-barcode" name="barcode"[^>]* autofocus/);

    const barcode = `ILL-${RUN}-1`;
    const post = await client.request("/staff/ill", { form: { holdId: String(hold.id), barcode } });
    expect(post.status).toBe(200);
    const answer = mainOf(await post.text());
    expect(textOf(answer)).toContain(`${barcode} を受け入れました。`);
    expect(textOf(answer)).toContain("「ご用意できました」");
    expect(answer).not.toContain(`value="${hold.id}"`);

    const [item] = await db.select().from(items).where(eq(items.barcode, barcode));
    expect(item).toMatchObject({ recordId: record.id, branchId: here.id, currentBranchId: here.id, loanable: true, illHoldId: hold.id, status: "on_hold_shelf" });
    const ready = await holdRow(hold.id);
    expect(ready).toMatchObject({ status: "ready", itemId: item!.id, contactDate: null });
    expect(ready.shelfUntil).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    const audit = await env.DB.prepare("SELECT count(*) AS n FROM audit_log WHERE action = 'ill_item_received' AND target_id = ?").bind(hold.id).first<{ n: number }>();
    expect(audit!.n).toBe(1);

    // Received twice: refused with the message, nothing more.
    const twice = await client.request("/staff/ill", { form: { holdId: String(hold.id), barcode: `${barcode}-b` } });
    expect(twice.status).toBe(409);
    expect(textOf(mainOf(await twice.text()))).toContain(MESSAGES.ill_already_received);
    expect(await db.select().from(items).where(eq(items.illHoldId, hold.id))).toHaveLength(1);
  });

  it("refusals: another branch's ILL hold (404), a barcode already used (409), a malformed barcode (400) — nothing inserted", async () => {
    const here = await insertBranch(db);
    const there = await insertBranch(db);
    const { hold } = await illHoldAt(here.id);
    const { hold: theirs } = await illHoldAt(there.id);
    const { actor } = await staffAt(here.id);
    const used = await insertItem(db, { branchId: here.id });
    const cases: [number, string, number, string][] = [
      [theirs.id, `ILL-${RUN}-x1`, 404, "ill_hold_not_found"],
      [hold.id, used.barcode, 409, "ill_barcode_taken"],
      [hold.id, "ILL 0001 ／ bad!", 400, "ill_barcode_invalid"],
    ];
    for (const [holdId, barcode, status, code] of cases) {
      const err = await refusal(receiveIllItem(db, actor, { holdId, barcode, now: Date.now() }));
      expect([err.status, err.reasons.map((r) => r.code)]).toEqual([status, [code]]);
    }
    // A city (non-external) waiting hold is no ILL hold.
    const city = await insertHold(db, { pickupBranchId: here.id, recordId: used.recordId });
    expect((await refusal(receiveIllItem(db, actor, { holdId: city.id, barcode: `ILL-${RUN}-x2`, now: Date.now() }))).reasons[0]!.code).toBe("ill_hold_not_found");
    expect(await db.select().from(items).where(eq(items.illHoldId, hold.id))).toHaveLength(0);
    expect((await holdRow(hold.id)).status).toBe("waiting");
  });

  it("R32: the ILL copy is lent to its patron only, as an inter-library loan that can never be renewed", async () => {
    const here = await insertBranch(db);
    const holder = await insertPatron(db, { homeBranchId: here.id });
    const other = await insertPatron(db, { homeBranchId: here.id });
    const { hold } = await illHoldAt(here.id, holder.id);
    const { actor } = await staffAt(here.id);
    const barcode = `ILL-${RUN}-loan`;
    const answer = await receiveIllItem(db, actor, { holdId: hold.id, barcode, now: Date.now() });
    expect(answer.outcome.kind).toBe("ready");

    // Another patron can't borrow it.
    const refused = await refusal(checkOut(db, actor, { cardNumber: other.cardNumber, barcode, now: Date.now() }));
    expect(refused.status).toBeGreaterThanOrEqual(400);

    const loan = await checkOut(db, actor, { cardNumber: holder.cardNumber, barcode, now: Date.now() });
    expect(loan.interLibrary).toBe(true);
    expect(loan.fulfilledHoldId).toBe(hold.id);
    const [row] = await db.select().from(loans).where(eq(loans.id, loan.loanId));
    expect(row!.interLibrary).toBe(true);
    expect((await holdRow(hold.id)).status).toBe("fulfilled");
    // R32: the rule refuses the renewal, and the database would too.
    const decision = decideRenewal({ dueDate: row!.dueDate, renewals: row!.renewals, interLibrary: row!.interLibrary, returned: false, othersHolding: 0 }, row!.dueDate);
    expect(decision).toEqual({ ok: false, reasons: ["renewal_not_allowed_inter_library"] });
    await expect(env.DB.prepare("UPDATE loans SET renewals = 1, renewed_at = 1 WHERE id = ?").bind(loan.loanId).run()).rejects.toThrow(/loans_ill_no_renewal/);
  });
});
