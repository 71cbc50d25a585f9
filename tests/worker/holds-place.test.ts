// Issue 7 items 2, 3, 5, 8 — placing holds, rule by rule, inside workerd on the migrated D1 over the real worker
// (「予約申込」 GET/POST /holds/apply, its answer, the staff paper form), plus the pure decision
// (domain/hold-placement.ts). Every patron is new and logs in once before filling its cart.
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import type { Db } from "../../worker/src/data/db.ts";
import { placeHolds, placedByKeys } from "../../worker/src/data/hold-placement.ts";
import { decideHoldPlacement, type PlacementLineFacts } from "../../worker/src/domain/hold-placement.ts";
import { MESSAGES } from "../../worker/src/domain/messages.ts";
import { HOLD_LIMIT } from "../../worker/src/domain/policy.ts";
import { newFormKey, submitApply, applyAnswer, parseTokyoDateTime } from "../../worker/src/services/hold-placement.ts";
import { demoDb, insertPatron, type TestPatron } from "../support/accounts.ts";
import { insertBranch, insertHold, insertItem, insertMailAddress, insertRecord } from "../support/factories.ts";
import { TestClient, mainOf, textOf } from "../support/session-client.ts";
import { opacTerminals } from "../../db/schema/index.ts";

let db: Db;
let pickupA: number;
let pickupB: number;

beforeAll(async () => {
  db = await demoDb();
  pickupA = (await insertBranch(db, { name: "試験中央館" })).id;
  pickupB = (await insertBranch(db, { name: "試験東館" })).id;
});

/** A holdable record (one loanable copy on the shelf at pickupA). */
async function holdable(title?: string): Promise<number> {
  const record = await insertRecord(db, title ? { title } : {});
  await insertItem(db, { recordId: record.id, branchId: pickupA });
  return record.id;
}

async function patronWithClient(opts: { mail?: boolean } = {}): Promise<{ patron: TestPatron; client: TestClient }> {
  const patron = await insertPatron(db);
  if (opts.mail) await insertMailAddress(db, { patronId: patron.id });
  const client = new TestClient();
  await client.login(patron.cardNumber, patron.password!);
  return { patron, client };
}

async function addToCart(client: TestClient, recordId: number): Promise<void> {
  const res = await client.request("/cart", { form: { recordId: String(recordId) } });
  expect(res.status).toBe(303);
  await res.arrayBuffer();
}

async function activeHolds(patronId: number, n: number): Promise<void> {
  for (let i = 0; i < n; i++) await insertHold(db, { patronId, recordId: await holdable(), pickupBranchId: pickupA });
}

function formKeyOf(html: string): string {
  const key = /name="idempotencyKey" value="([^"]+)"/.exec(html)?.[1];
  if (!key) throw new Error("no idempotencyKey on the page");
  return key;
}

interface Submit {
  recordIds: number[];
  pickup?: number;
  contact?: string;
  mail?: number[];
  key?: string;
}

async function submit(client: TestClient, s: Submit): Promise<Response> {
  const { html } = await client.page("/holds/apply");
  const pairs: [string, string][] = [
    ["idempotencyKey", s.key ?? formKeyOf(html)],
    ["pickupBranchId", String(s.pickup ?? pickupA)],
    ["contact", s.contact ?? "phone"],
    ...s.recordIds.map((id): [string, string] => ["recordId", String(id)]),
    ...(s.mail ?? []).map((id): [string, string] => ["mailRecordId", String(id)]),
  ];
  return client.request("/holds/apply", { form: pairs });
}

async function answerOf(client: TestClient, res: Response): Promise<string> {
  expect(res.status).toBe(303);
  const location = res.headers.get("location")!;
  expect(location).toMatch(/^\/holds\/apply\/answer\?key=/);
  const { res: page, html } = await client.page(location);
  expect(page.status).toBe(200);
  return textOf(mainOf(html));
}

async function holdsOf(patronId: number) {
  return (
    await env.DB.prepare("SELECT id, record_id, status, channel, contact, mail_address_id, pickup_branch_id, placed_at, entered_by_staff_id, terminal_id FROM holds WHERE patron_id = ? ORDER BY id")
      .bind(patronId)
      .all<{ id: number; record_id: number; status: string; channel: string; contact: string; mail_address_id: number | null; pickup_branch_id: number; placed_at: number; entered_by_staff_id: number | null; terminal_id: number | null }>()
  ).results;
}

async function cartRecords(patronId: number): Promise<number[]> {
  const rows = await env.DB.prepare("SELECT record_id FROM cart_lines WHERE patron_id = ? ORDER BY record_id").bind(patronId).all<{ record_id: number }>();
  return rows.results.map((r) => r.record_id);
}

describe("R01: login required, and back to 「予約申込」 after it", () => {
  it("R01: GET /holds/apply without a session → /login?next=%2Fholds%2Fapply; the login sends the patron back", async () => {
    const client = new TestClient();
    const res = await client.request("/holds/apply", { html: true });
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/login?next=%2Fholds%2Fapply");
    const patron = await insertPatron(db);
    const login = await client.loginWithForm(patron.cardNumber, patron.password!, "/holds/apply");
    expect(login.status).toBe(303);
    expect(login.headers.get("location")).toBe("/holds/apply");
  });

  it("R01: POST /holds/apply without a session is refused (401) and places nothing", async () => {
    const client = new TestClient();
    await client.page("/password/apply/form");
    const res = await client.request("/holds/apply", { form: { idempotencyKey: newFormKey(), recordId: "1", pickupBranchId: String(pickupA), contact: "phone" } });
    expect(res.status).toBe(401);
  });
});

describe("R05: a temporary password places nothing", () => {
  it("R05: the screen sends it to 「パスワード変更」 and a post is refused with password_change_required", async () => {
    const patron = await insertPatron(db, { password: "Kari5555", temporary: true });
    const client = new TestClient();
    await client.login(patron.cardNumber, "Kari5555");
    const res = await client.request("/holds/apply", { html: true });
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/account/password");
    const post = await client.request("/holds/apply", { json: {} });
    expect(post.status).toBe(403);
    expect(await holdsOf(patron.id)).toEqual([]);
  });

  it("R05: the decision refuses every line of a temporary-password patron with password_change_required", () => {
    const d = decideHoldPlacement({ patron: { temporaryPassword: true, activeHolds: 0 }, terminalBranchId: null, cartRequired: true, lines: [line(1)] });
    expect(d.patronReasons).toEqual(["password_change_required"]);
    expect(d.lines[0]).toMatchObject({ ok: false, reasons: ["password_change_required"] });
  });
});

function line(recordId: number, extra: Partial<PlacementLineFacts> = {}): PlacementLineFacts {
  return {
    recordId,
    holdable: { ok: true },
    alreadyHeld: false,
    inCart: true,
    items: [{ branchId: 1, loanable: true, status: "on_loan", shelfMark: null }],
    ...extra,
  };
}

describe("R13: 「予約申込」 from the cart — ticked lines are placed and leave the cart, unticked ones stay", () => {
  it("R13: the screen lists every cart line ticked, 「受取館」 (home branch chosen) and 「連絡方法」", async () => {
    const { patron, client } = await patronWithClient();
    const a = await holdable("申込画面の本 甲");
    const b = await holdable("申込画面の本 乙");
    await addToCart(client, a);
    await addToCart(client, b);
    const { res, html } = await client.page("/holds/apply");
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toContain("no-store");
    expect(html).toContain('<meta name="robots" content="noindex">');
    const main = mainOf(html);
    expect(main).toContain(`name="recordId" value="${a}" checked`);
    expect(main).toContain(`name="recordId" value="${b}" checked`);
    expect(textOf(main)).toContain("受取館");
    const home = await env.DB.prepare("SELECT home_branch_id AS id FROM patrons WHERE card_number = ?").bind(patron.cardNumber).first<{ id: number }>();
    expect(main).toContain(`<option value="${home!.id}" selected>`);
    expect(textOf(main)).toContain("連絡方法");
    expect(textOf(main)).toContain(`予約できる残り冊数: ${HOLD_LIMIT}／${HOLD_LIMIT}`);
    expect(main).toMatch(/name="idempotencyKey" value="[A-Za-z0-9_-]{24}"/);
  });

  it("R13: two of three lines ticked → two holds (channel web, waiting), they leave the cart, the third stays", async () => {
    const { patron, client } = await patronWithClient();
    const ids = [await holdable("三冊の本 一"), await holdable("三冊の本 二"), await holdable("三冊の本 三")];
    for (const id of ids) await addToCart(client, id);
    const text = await answerOf(client, await submit(client, { recordIds: [ids[0]!, ids[2]!], pickup: pickupB }));
    expect(text).toContain("2件を予約しました。");
    expect(text).toContain("予約順位（目安）1番目");
    const holds = await holdsOf(patron.id);
    expect(holds.map((h) => h.record_id).sort()).toEqual([ids[0], ids[2]].sort());
    expect(holds.every((h) => h.status === "waiting" && h.channel === "web" && h.pickup_branch_id === pickupB)).toBe(true);
    expect(await cartRecords(patron.id)).toEqual([ids[1]]);
  });

  it("R13: a ticked record that is not in the patron's cart is refused with not_in_cart", async () => {
    const { patron, client } = await patronWithClient();
    const inCart = await holdable();
    const other = await holdable("カートにない本");
    await addToCart(client, inCart);
    const text = await answerOf(client, await submit(client, { recordIds: [inCart, other] }));
    expect(text).toContain(MESSAGES.not_in_cart);
    expect((await holdsOf(patron.id)).map((h) => h.record_id)).toEqual([inCart]);
  });

  it("R13: nothing ticked → 400 with 「予約する資料にチェックを入れてください。」, nothing placed", async () => {
    const { patron, client } = await patronWithClient();
    await addToCart(client, await holdable());
    const res = await submit(client, { recordIds: [] });
    expect(res.status).toBe(400);
    expect(textOf(await res.text())).toContain(MESSAGES.hold_lines_none);
    expect(await holdsOf(patron.id)).toEqual([]);
  });
});

describe("R14: at most 10 active holds — shown before submitting, enforced atomically", () => {
  it("R14: with 8 active and 3 lines the screen says 「予約できる残り冊数: 2／10」 and names the line that would not fit", async () => {
    const { patron, client } = await patronWithClient();
    await activeHolds(patron.id, 8);
    const ids = [await holdable("入る本 一"), await holdable("入る本 二"), await holdable("入らない本 三")];
    for (const id of ids) await addToCart(client, id);
    const { html } = await client.page("/holds/apply");
    const text = textOf(mainOf(html));
    expect(text).toContain("予約できる残り冊数: 2／10");
    expect(text).toMatch(/残り冊数をこえる次の資料は予約できません.*入らない本 三/);
    expect(text).toContain("ほかの資料のチェックを外すと予約できます。");
  });

  it("R14: 3 lines with 2 slots → 2 placed in cart order, 1 refused with hold_limit_reached (stays in the cart)", async () => {
    const { patron, client } = await patronWithClient();
    await activeHolds(patron.id, 8);
    const ids = [await holdable(), await holdable(), await holdable("三番目の本")];
    for (const id of ids) await addToCart(client, id);
    const text = await answerOf(client, await submit(client, { recordIds: ids }));
    expect(text).toContain("2件を予約しました。1件は予約できませんでした。");
    expect(text).toContain(MESSAGES.hold_limit_reached);
    const placed = (await holdsOf(patron.id)).filter((h) => ids.includes(h.record_id)).map((h) => h.record_id);
    expect(placed.sort()).toEqual([ids[0], ids[1]].sort());
    expect(await cartRecords(patron.id)).toEqual([ids[2]]);
  });

  it("R14: the batch's guarded INSERTs themselves place 2 of 3 with 2 slots (no check before them) and fail nothing", async () => {
    const patron = await insertPatron(db);
    await activeHolds(patron.id, 8);
    const ids = [await holdable(), await holdable(), await holdable()];
    const key = newFormKey();
    const lines = ids.map((id) => ({ recordId: id, contact: "none" as const, mailAddressId: null, idempotencyKey: `${key}:${id}` }));
    const now = Date.now();
    await placeHolds(db, { patronId: patron.id, channel: "web", terminalId: null, pickupBranchId: pickupA, placedAt: now, enteredByStaffId: null, now, lines, cartKey: null });
    const placed = await placedByKeys(db, patron.id, lines.map((l) => l.idempotencyKey));
    expect(placed.map((p) => p.recordId)).toEqual([ids[0], ids[1]]);
    expect((await holdsOf(patron.id)).filter((h) => h.status === "waiting")).toHaveLength(HOLD_LIMIT);
  });

  it("R14: a record the patron already holds is refused with already_held (and no second hold)", async () => {
    const { patron, client } = await patronWithClient();
    const id = await holdable();
    await insertHold(db, { patronId: patron.id, recordId: id, pickupBranchId: pickupA });
    await addToCart(client, id);
    const { html } = await client.page("/holds/apply");
    expect(textOf(mainOf(html))).toContain(MESSAGES.already_held);
    const text = await answerOf(client, await submit(client, { recordIds: [id] }));
    expect(text).toContain(MESSAGES.already_held);
    expect((await holdsOf(patron.id)).filter((h) => h.record_id === id)).toHaveLength(1);
  });

  it("R14: with 10 active every line is refused with hold_limit_reached and 「予約できる残り冊数: 0／10」", async () => {
    const { patron, client } = await patronWithClient();
    await activeHolds(patron.id, 10);
    const id = await holdable();
    await addToCart(client, id);
    const { html } = await client.page("/holds/apply");
    expect(textOf(mainOf(html))).toContain("予約できる残り冊数: 0／10");
    expect(textOf(mainOf(html))).toContain("予約できる残り冊数がないため、予約できません。");
    const text = await answerOf(client, await submit(client, { recordIds: [id] }));
    expect(text).toContain(MESSAGES.hold_limit_reached);
    expect((await holdsOf(patron.id)).filter((h) => h.record_id === id)).toEqual([]);
  });

  it("R14: every reason — a line refused for its own reasons also carries hold_limit_reached when no slot is left", () => {
    const d = decideHoldPlacement({
      patron: { temporaryPassword: false, activeHolds: 9 },
      terminalBranchId: null,
      cartRequired: true,
      lines: [line(1), line(2, { holdable: { ok: false, reasons: ["not_loanable"] }, alreadyHeld: true }), line(3)],
    });
    expect(d.remaining).toBe(1);
    expect(d.lines[0]).toEqual({ recordId: 1, ok: true });
    expect(d.lines[1]).toMatchObject({ ok: false, reasons: ["not_loanable", "already_held", "hold_limit_reached"] });
    expect(d.lines[2]).toMatchObject({ ok: false, reasons: ["hold_limit_reached"] });
    expect(d.wouldNotFit).toEqual([3]);
  });
});

describe("R11: a line no longer holdable is refused with its reason", () => {
  it("R11: a record whose only copy became reference-only (禁帯出) after it went into the cart → not_loanable", async () => {
    const { patron, client } = await patronWithClient();
    const record = await insertRecord(db, { title: "禁帯出になった本" });
    const item = await insertItem(db, { recordId: record.id, branchId: pickupA });
    await addToCart(client, record.id);
    await env.DB.prepare("UPDATE items SET loanable = 0 WHERE id = ?").bind(item.id).run();
    const { html } = await client.page("/holds/apply");
    expect(textOf(mainOf(html))).toContain(MESSAGES.not_loanable);
    expect(mainOf(html)).not.toContain(`name="recordId" value="${record.id}"`);
    const text = await answerOf(client, await submit(client, { recordIds: [record.id] }));
    expect(text).toContain(MESSAGES.not_loanable);
    expect(await holdsOf(patron.id)).toEqual([]);
  });

  it("R11/R12: a pickup library that is not one (outside the city) → 400 pickup_not_allowed, nothing placed", async () => {
    const { patron, client } = await patronWithClient();
    const outside = await insertBranch(db, { inCity: false, isPickup: false });
    const id = await holdable();
    await addToCart(client, id);
    const res = await submit(client, { recordIds: [id], pickup: outside.id });
    expect(res.status).toBe(400);
    expect(textOf(await res.text())).toContain(MESSAGES.pickup_not_allowed);
    expect(await holdsOf(patron.id)).toEqual([]);
  });
});

describe("R20, R43: 「連絡方法」 for the application and mail per hold", () => {
  it("R43: メール chosen — a ticked line is told by mail (with the patron's address), an unticked one is 'none'", async () => {
    const { patron, client } = await patronWithClient({ mail: true });
    const a = await holdable();
    const b = await holdable();
    await addToCart(client, a);
    await addToCart(client, b);
    const { html } = await client.page("/holds/apply");
    expect(mainOf(html)).toMatch(/name="contact" value="mail" checked/);
    await answerOf(client, await submit(client, { recordIds: [a, b], contact: "mail", mail: [a] }));
    const address = await env.DB.prepare("SELECT id FROM mail_addresses WHERE patron_id = ?").bind(patron.id).first<{ id: number }>();
    const holds = await holdsOf(patron.id);
    expect(holds.find((h) => h.record_id === a)).toMatchObject({ contact: "mail", mail_address_id: address!.id });
    expect(holds.find((h) => h.record_id === b)).toMatchObject({ contact: "none", mail_address_id: null });
  });

  it("R20: without a mail address メール is not offered (the screen says why) and a post choosing it is refused", async () => {
    const { patron, client } = await patronWithClient();
    const id = await holdable();
    await addToCart(client, id);
    const { html } = await client.page("/holds/apply");
    expect(mainOf(html)).toMatch(/name="contact" value="mail" disabled/);
    expect(textOf(mainOf(html))).toContain("メールアドレスが登録されていないため、メールは選べません。");
    const res = await submit(client, { recordIds: [id], contact: "mail", mail: [id] });
    expect(res.status).toBe(400);
    expect(textOf(await res.text())).toContain(MESSAGES.hold_mail_unavailable);
    expect(await holdsOf(patron.id)).toEqual([]);
  });

  it("R20: 電話 and 連絡不要 are kept as they are; an unknown contact is refused (400)", async () => {
    const { patron, client } = await patronWithClient();
    const id = await holdable();
    await addToCart(client, id);
    const bad = await submit(client, { recordIds: [id], contact: "fax" });
    expect(bad.status).toBe(400);
    expect(textOf(await bad.text())).toContain(MESSAGES.hold_contact_invalid);
    await answerOf(client, await submit(client, { recordIds: [id], contact: "none" }));
    expect((await holdsOf(patron.id))[0]).toMatchObject({ contact: "none" });
  });
});

describe("R36: on an OPAC terminal, a copy on this branch's shelf is taken from the shelf, not held", () => {
  it("R36: refused with on_shelf_at_terminal naming the branch and call number; a record not on the shelf here is placed as channel opac", async () => {
    const terminalBranch = await insertBranch(db, { name: "端末のある館" });
    const [terminal] = await db.insert(opacTerminals).values({ code: `t-${crypto.randomUUID()}`, branchId: terminalBranch.id }).returning();
    const patron = await insertPatron(db);
    const onShelf = await insertRecord(db, { title: "書架にある本" });
    await insertItem(db, { recordId: onShelf.id, branchId: terminalBranch.id, shelfMark: "913.6/シ" });
    const elsewhere = await insertRecord(db, { title: "よその館の本" });
    await insertItem(db, { recordId: elsewhere.id, branchId: pickupA });
    // Lines in the patron's cart.
    const cartKey = `r36-${crypto.randomUUID().replace(/-/g, "")}`;
    for (const r of [onShelf.id, elsewhere.id]) {
      await env.DB.prepare("INSERT INTO cart_lines (cart_key, patron_id, record_id, added_at) VALUES (?, ?, ?, 0)").bind(cartKey, patron.id, r).run();
    }
    const formKey = newFormKey();
    await submitApply(db, {
      patronId: patron.id,
      temporary: false,
      terminalId: terminal!.id,
      cartKey,
      now: Date.now(),
      form: { formKey, recordIds: [String(onShelf.id), String(elsewhere.id)], pickupBranchId: String(pickupA), contact: "phone", mailRecordIds: [] },
    });
    const answer = await applyAnswer(db, { patronId: patron.id, formKey });
    const refused = answer!.lines.find((l) => l.recordId === onShelf.id)!;
    expect(refused).toMatchObject({ placed: false, reasons: ["on_shelf_at_terminal"], shelf: [{ branchName: "端末のある館", shelfMark: "913.6/シ" }] });
    expect(answer!.lines.find((l) => l.recordId === elsewhere.id)).toMatchObject({ placed: true, position: 1 });
    const holds = await holdsOf(patron.id);
    expect(holds).toHaveLength(1);
    expect(holds[0]).toMatchObject({ record_id: elsewhere.id, channel: "opac", terminal_id: terminal!.id });
  });

  it("R36: off a terminal the same record is placed (channel web)", () => {
    const items = [{ branchId: 7, loanable: true, status: "on_shelf", shelfMark: "913" }];
    const web = decideHoldPlacement({ patron: { temporaryPassword: false, activeHolds: 0 }, terminalBranchId: null, cartRequired: true, lines: [line(1, { items })] });
    expect(web.lines[0]).toEqual({ recordId: 1, ok: true });
    const opac = decideHoldPlacement({ patron: { temporaryPassword: false, activeHolds: 0 }, terminalBranchId: 7, cartRequired: true, lines: [line(1, { items })] });
    expect(opac.lines[0]).toMatchObject({ ok: false, reasons: ["on_shelf_at_terminal"], shelf: [{ branchId: 7, shelfMark: "913" }] });
    // A reference-only copy on the shelf there is not one to take home: the hold goes on.
    const reference = decideHoldPlacement({
      patron: { temporaryPassword: false, activeHolds: 0 },
      terminalBranchId: 7,
      cartRequired: true,
      lines: [line(1, { items: [{ ...items[0]!, loanable: false }, { branchId: 8, loanable: true, status: "on_shelf", shelfMark: null }] })],
    });
    expect(reference.lines[0]).toEqual({ recordId: 1, ok: true });
  });
});

describe("R16: the answer's queue position, in reception order", () => {
  it("R16: a second patron's hold on the same record is 「予約順位（目安）2番目」", async () => {
    const id = await holdable("順番待ちの本");
    const first = await patronWithClient();
    await addToCart(first.client, id);
    expect(await answerOf(first.client, await submit(first.client, { recordIds: [id] }))).toContain("予約順位（目安）1番目");
    const second = await patronWithClient();
    await addToCart(second.client, id);
    expect(await answerOf(second.client, await submit(second.client, { recordIds: [id] }))).toContain("予約順位（目安）2番目");
  });
});

describe("idempotency: a retried or double-clicked submission places nothing twice and shows the first answer", () => {
  it("the same key twice → one hold, the same answer page, the first answer replayed", async () => {
    const { patron, client } = await patronWithClient();
    const a = await holdable();
    const b = await holdable();
    await addToCart(client, a);
    await addToCart(client, b);
    const key = newFormKey();
    const one = await submit(client, { recordIds: [a], key });
    const first = await answerOf(client, one);
    // The retry even names another line: the first answer stands, nothing more is placed.
    const two = await submit(client, { recordIds: [a, b], key });
    expect(two.headers.get("location")).toBe(one.headers.get("location"));
    expect(await answerOf(client, two)).toBe(first);
    expect((await holdsOf(patron.id)).map((h) => h.record_id)).toEqual([a]);
    expect(await cartRecords(patron.id)).toEqual([b]);
  });

  it("a malformed key → 400 hold_form_expired, nothing placed", async () => {
    const { patron, client } = await patronWithClient();
    const id = await holdable();
    await addToCart(client, id);
    const res = await submit(client, { recordIds: [id], key: "short" });
    expect(res.status).toBe(400);
    expect(textOf(await res.text())).toContain(MESSAGES.hold_form_expired);
    expect(await holdsOf(patron.id)).toEqual([]);
  });

  it("an answer page for an unknown key is 404", async () => {
    const { client } = await patronWithClient();
    const { res } = await client.page(`/holds/apply/answer?key=${newFormKey()}`);
    expect(res.status).toBe(404);
  });
});

describe("R12, R16: the counter's paper form (/staff/holds/paper)", () => {
  async function staff(): Promise<TestClient> {
    const client = new TestClient();
    await client.loginStaff("counter-chuo", "Counter-Chuo-2026");
    return client;
  }

  async function paper(client: TestClient, form: Record<string, string>): Promise<Response> {
    const { html } = await client.page("/staff/holds/paper");
    return client.request("/staff/holds/paper", { form: { idempotencyKey: formKeyOf(html), pickupBranchId: String(pickupA), contact: "phone", ...form } });
  }

  it("R12/R16: a paper form enters a hold with channel paper, the staff member, and its reception time — ahead of a later web hold", async () => {
    const id = await holdable("申込書の本");
    const web = await patronWithClient();
    await addToCart(web.client, id);
    await answerOf(web.client, await submit(web.client, { recordIds: [id] }));
    const patron = await insertPatron(db);
    const client = await staff();
    const { html } = await client.page("/staff/holds/paper");
    expect(textOf(mainOf(html))).toContain("受付日時");
    const res = await paper(client, { cardNumber: patron.cardNumber, recordId: String(id), receivedAt: "2026-11-30T10:15" });
    expect(res.status).toBe(303);
    const { html: answer } = await client.page(res.headers.get("location")!);
    expect(textOf(mainOf(answer))).toContain("予約順位（目安）1番目");
    const [hold] = await holdsOf(patron.id);
    const staffId = (await env.DB.prepare("SELECT id FROM staff_users WHERE login = 'counter-chuo'").first<{ id: number }>())!.id;
    expect(hold).toMatchObject({ channel: "paper", entered_by_staff_id: staffId, placed_at: parseTokyoDateTime("2026-11-30T10:15"), record_id: id });
    expect(parseTokyoDateTime("2026-11-30T10:15")).toBe(Date.UTC(2026, 10, 30, 1, 15));
    // The web hold placed earlier today now stands second.
    const position = await env.DB.prepare(
      "SELECT count(*) AS n FROM holds q, holds h WHERE h.patron_id = ? AND h.record_id = ? AND q.record_id = h.record_id AND q.status IN ('waiting','in_transit','ready') AND (q.placed_at < h.placed_at OR (q.placed_at = h.placed_at AND q.id <= h.id))",
    )
      .bind(web.patron.id, id)
      .first<{ n: number }>();
    expect(position!.n).toBe(2);
    const audit = await env.DB.prepare("SELECT actor_kind, actor_id, target_id FROM audit_log WHERE action = 'hold_paper_entered' AND target_id = ?").bind(patron.id).first();
    expect(audit).toEqual({ actor_kind: "staff", actor_id: staffId, target_id: patron.id });
  });

  it("R14: the paper form obeys the same limit (10 active → refused with hold_limit_reached, no audit row)", async () => {
    const patron = await insertPatron(db);
    await activeHolds(patron.id, 10);
    const id = await holdable();
    const client = await staff();
    const res = await paper(client, { cardNumber: patron.cardNumber, recordId: String(id), receivedAt: "2026-11-30T09:00" });
    const { html } = await client.page(res.headers.get("location")!);
    expect(textOf(mainOf(html))).toContain(MESSAGES.hold_limit_reached);
    expect((await holdsOf(patron.id)).filter((h) => h.record_id === id)).toEqual([]);
    const audit = await env.DB.prepare("SELECT count(*) AS n FROM audit_log WHERE action = 'hold_paper_entered' AND target_id = ?").bind(patron.id).first<{ n: number }>();
    expect(audit!.n).toBe(0);
  });

  it("R12: bad input — unknown card, bad record id, a reception time in the future or malformed → 400, nothing placed", async () => {
    const client = await staff();
    const unknown = await paper(client, { cardNumber: "9999999999", recordId: "1", receivedAt: "2026-11-30T09:00" });
    expect(unknown.status).toBe(400);
    expect(textOf(await unknown.text())).toContain(MESSAGES.patron_not_found);
    const patron = await insertPatron(db);
    const badTime = await paper(client, { cardNumber: patron.cardNumber, recordId: "abc", receivedAt: "2099-01-01T00:00" });
    expect(badTime.status).toBe(400);
    const text = textOf(await badTime.text());
    expect(text).toContain(MESSAGES.hold_lines_invalid);
    expect(text).toContain(MESSAGES.reception_time_invalid);
    expect(parseTokyoDateTime("2026-02-30T10:00")).toBeNull();
    expect(await holdsOf(patron.id)).toEqual([]);
  });

  it("the staff menu links to 「予約申込書の入力」", async () => {
    const client = await staff();
    const { html } = await client.page("/staff/");
    expect(html).toContain('href="/staff/holds/paper"');
  });
});

describe("the cart links to 「予約申込」", () => {
  it("R13: 「予約カート」 with lines offers 「予約申込へ進む」 (/holds/apply)", async () => {
    const { client } = await patronWithClient();
    await addToCart(client, await holdable());
    const { html } = await client.page("/cart");
    expect(mainOf(html)).toMatch(/<a href="\/holds\/apply">予約申込へ進む<\/a>/);
  });
});
