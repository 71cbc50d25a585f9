// R15 (issue 7 item 4): 順番予約 from the 「予約カート」 inside workerd on the real migrated D1 — the order kept as chosen,
// one hold per volume in one group, all or nothing under R14 (before submitting and in the guarded batch, with the
// trigger as the backstop), already-held and non-holdable volumes refused with their reasons, idempotent replay,
// concurrent identical 「OK」s → one group, placed lines leaving the cart, and patron A never reaching B's cart lines
// or group. The pure rules (domain/series-placement.ts) first.
import { env, exports } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { constraintReason, createDb, type Db } from "../../worker/src/data/db.ts";
import { placeSeriesStatements, runSeriesPlacement } from "../../worker/src/data/series-placement.ts";
import { MESSAGES } from "../../worker/src/domain/messages.ts";
import { HOLD_LIMIT } from "../../worker/src/domain/policy.ts";
import {
  chainText,
  decideSeriesPlacement,
  orderFromPositions,
  seriesInCart,
  type SeriesVolume,
} from "../../worker/src/domain/series-placement.ts";
import { insertPatron as insertLoginPatron, type TestPatron } from "../support/accounts.ts";
import { insertBranch, insertHold, insertItem, insertRecord, type Branch } from "../support/factories.ts";
import { BASE, TestClient, mainOf, textOf } from "../support/session-client.ts";

// ---- the pure rules -------------------------------------------------------------------------------------------

const vol = (recordId: number, volumeOrder: number | null, volumeLabel: string | null, seriesId = 1): SeriesVolume => ({
  recordId,
  title: "夜明け前",
  seriesId,
  seriesTitle: seriesId === 1 ? "夜明け前" : "名探偵コナン",
  volumeLabel,
  volumeOrder,
});
const holdable = { ok: true } as const;
const line = (recordId: number, extra: Partial<{ alreadyHeld: boolean; holdable: { ok: false; reasons: ("not_loanable" | "not_held_in_city")[] } }> = {}) => ({
  recordId,
  holdable: extra.holdable ?? holdable,
  alreadyHeld: extra.alreadyHeld ?? false,
  inCart: true,
  items: [],
});

describe("R15 domain: series in the cart, order, all or nothing", () => {
  it("R15: a series needs two volumes in the cart; volumes come in volume order", () => {
    const s = seriesInCart([vol(12, 2, "第一部下"), vol(11, 1, "第一部上"), vol(21, 3, "3", 2)]);
    expect(s.map((x) => x.seriesId)).toEqual([1]);
    expect(s[0]!.volumes.map((v) => v.recordId)).toEqual([11, 12]);
    expect(chainText(s[0]!.volumes)).toBe("第一部上 → 第一部下");
    expect(chainText([vol(1, 1, "1"), vol(2, 2, null)])).toBe("第1巻 → 第2巻");
  });

  it("R15: the 「順番」 fields give the order; a blank, a repeat or a number out of 1..n is refused", () => {
    const vols = [vol(11, 1, "上"), vol(12, 2, "下"), vol(13, 3, "続")];
    expect(orderFromPositions(vols, new Map([[11, "2"], [12, "3"], [13, "1"]]))).toEqual({ ok: true, recordIds: [13, 11, 12] });
    expect(orderFromPositions(vols, new Map([[11, "１"], [12, "２"], [13, "３"]]))).toEqual({ ok: true, recordIds: [11, 12, 13] });
    for (const bad of [["1", "1", "2"], ["1", "2", ""], ["0", "1", "2"], ["1", "2", "4"], ["1", "2", "x"], ["1.5", "2", "3"]]) {
      expect(orderFromPositions(vols, new Map([[11, bad[0]!], [12, bad[1]!], [13, bad[2]!]])).ok, bad.join(",")).toBe(false);
    }
  });

  it("R14/R15: all or nothing — a group larger than the remaining slots is refused whole, with every reason", () => {
    expect(decideSeriesPlacement({ lines: [line(1), line(2)], terminalBranchId: null, activeHolds: 8, limit: HOLD_LIMIT })).toEqual({ ok: true });
    const d = decideSeriesPlacement({ lines: [line(1), line(2, { alreadyHeld: true })], terminalBranchId: null, activeHolds: 9, limit: HOLD_LIMIT });
    expect(d).toEqual({
      ok: false,
      reasons: ["series_volume_refused", "hold_limit_reached", "series_does_not_fit"],
      lines: [{ recordId: 2, reasons: ["already_held"] }],
      slotsLeft: 1,
    });
    const r11 = decideSeriesPlacement({ lines: [line(1, { holdable: { ok: false, reasons: ["not_loanable"] } })], terminalBranchId: null, activeHolds: 0, limit: HOLD_LIMIT });
    expect(r11.ok === false && r11.reasons).toEqual(["series_too_few_volumes", "series_volume_refused"]);
  });
});

// ---- on the real worker ---------------------------------------------------------------------------------------

let db: Db;
let home: Branch;
let other: Branch;
let serial = 0;

beforeAll(async () => {
  db = createDb(env.DB);
  home = await insertBranch(db, { name: "中央試験館" });
  other = await insertBranch(db, { name: "東試験館" });
});

/** A series of `n` holdable volumes (each with a loanable copy at `other`); `reference` makes volume k reference-only. */
async function series(n: number, opts: { reference?: number } = {}) {
  serial++;
  const title = `試験シリーズ ${serial}`;
  const s = await env.DB.prepare("INSERT INTO series (source_key, title) VALUES (?, ?) RETURNING id").bind(`hs-${serial}-${Date.now()}`, title).first<{ id: number }>();
  const ids: number[] = [];
  for (let v = 1; v <= n; v++) {
    const r = await insertRecord(db, { title, seriesId: s!.id, volumeLabel: `第${v}巻`, volumeOrder: v });
    await insertItem(db, { recordId: r.id, branchId: other.id, loanable: opts.reference !== v });
    ids.push(r.id);
  }
  return { seriesId: s!.id, title, ids };
}

async function patron(): Promise<TestPatron> {
  const p = await insertLoginPatron(db);
  await env.DB.prepare("UPDATE patrons SET home_branch_id = ? WHERE id = ?").bind(home.id, p.id).run();
  return p;
}

async function loggedIn(p: TestPatron): Promise<TestClient> {
  const client = new TestClient();
  await client.login(p.cardNumber, p.password!);
  return client;
}

async function addToCart(client: TestClient, recordIds: readonly number[]): Promise<void> {
  for (const id of recordIds) {
    const res = await client.request("/cart", { form: { recordId: String(id) } });
    expect(res.status).toBe(303);
    await res.arrayBuffer();
  }
}

/** The form as the page sends it: 順番 fields for `order` (record ids in the wanted order), 受取館, 連絡方法. */
async function confirm(client: TestClient, s: { seriesId: number; ids: number[] }, order: number[], extra: Record<string, string> = {}) {
  const { html } = await client.page(`/holds/series?series=${s.seriesId}`);
  expect(html).toContain('action="/holds/series/confirm"');
  const form = new URLSearchParams({ _csrf: client.csrf!, series: String(s.seriesId), pickup: String(home.id), contact: "phone", ...extra });
  for (const id of s.ids) form.append("recordId", String(id));
  order.forEach((id, i) => form.set(`order-${id}`, String(i + 1)));
  return post(client, "/holds/series/confirm", form);
}

/** A no-JS form post with repeated fields (TestClient's `form` takes one value per name), as a browser sends it. */
function post(client: TestClient, path: string, form: URLSearchParams): Promise<Response> {
  return exports.default.fetch(BASE + path, {
    method: "POST",
    headers: {
      accept: "text/html",
      "content-type": "application/x-www-form-urlencoded",
      cookie: client.cookieHeader(),
      origin: BASE,
      "sec-fetch-site": "same-origin",
      "cf-connecting-ip": client.address,
    },
    body: form.toString(),
    redirect: "manual",
  });
}

/** The confirmation page's 「OK」 form, as fields. */
function okForm(html: string): URLSearchParams {
  const form = /<form method="post" action="\/holds\/series">([\s\S]*?)<\/form>/.exec(html)?.[1];
  if (!form) throw new Error(`no OK form in ${textOf(mainOf(html))}`);
  const out = new URLSearchParams();
  for (const m of form.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) out.append(m[1]!, m[2]!.replace(/&amp;/g, "&"));
  return out;
}

async function groupsOf(patronId: number) {
  return (await env.DB.prepare("SELECT id FROM hold_groups WHERE patron_id = ? ORDER BY id").bind(patronId).all<{ id: number }>()).results;
}
async function holdsOf(patronId: number) {
  return (
    await env.DB.prepare("SELECT record_id, status, group_id, group_position, channel, pickup_branch_id, contact FROM holds WHERE patron_id = ? ORDER BY id")
      .bind(patronId)
      .all<{ record_id: number; status: string; group_id: number | null; group_position: number | null; channel: string; pickup_branch_id: number; contact: string }>()
  ).results;
}
async function cartOf(patronId: number) {
  return (await env.DB.prepare("SELECT record_id FROM cart_lines WHERE patron_id = ? ORDER BY id").bind(patronId).all<{ record_id: number }>()).results.map((r) => r.record_id);
}
async function keysOf(patronId: number) {
  return (await env.DB.prepare("SELECT key FROM idempotency_keys WHERE scope = ?").bind(`series:${patronId}`).all()).results;
}

describe("R15: 順番予約 from the cart, on the real worker", () => {
  it("R01: login required (a browser goes to /login and back); R05: a temporary password goes to 「パスワード変更」", async () => {
    const anon = await new TestClient().request("/holds/series?series=5", { html: true });
    expect(anon.status).toBe(303);
    expect(anon.headers.get("location")).toBe(`/login?next=${encodeURIComponent("/holds/series?series=5")}`);
    const temp = await insertLoginPatron(db, { password: "Kari8888", temporary: true });
    const res = await (await loggedIn(temp)).request("/holds/series", { html: true });
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/account/password");
  });

  it("R15: the cart offers 「順番予約」 with two volumes of one series; the form lists them in volume order with 「順番」 1..n and R14's slots", async () => {
    const p = await patron();
    const client = await loggedIn(p);
    const s = await series(3);
    await addToCart(client, [s.ids[2]!]);
    expect((await client.page("/cart")).html).not.toContain('href="/holds/series"');
    await addToCart(client, [s.ids[0]!, s.ids[1]!]);
    const cart = mainOf((await client.page("/cart")).html);
    expect(cart).toContain('href="/holds/series"');
    expect(textOf(cart)).toContain(`「${s.title}」3冊`);
    const { res, html } = await client.page("/holds/series");
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toContain("no-store");
    expect(html).toContain('<meta name="robots" content="noindex">');
    const main = mainOf(html);
    const fields = [...main.matchAll(/name="order-(\d+)"[^>]*value="(\d+)"/g)].map((m) => [Number(m[1]), m[2]]);
    expect(fields).toEqual([[s.ids[0], "1"], [s.ids[1], "2"], [s.ids[2], "3"]]);
    expect(textOf(main)).toContain(`予約できる残り冊数: ${HOLD_LIMIT}／${HOLD_LIMIT}`);
    expect(main).toContain(`<option value="${home.id}" selected>`);
    // メール only with a mail address: this patron has none.
    expect(main).toMatch(/value="mail" disabled/);
    expect(main).toContain("順番予約申込み");
  });

  it("R15: the order kept as chosen — one hold per volume in one group, positions 1..n; placed lines leave the cart; the answer lists them in order", async () => {
    const p = await patron();
    const client = await loggedIn(p);
    const s = await series(3);
    const keep = await insertRecord(db, { title: "ほかの本" });
    await insertItem(db, { recordId: keep.id, branchId: other.id });
    await addToCart(client, [...s.ids, keep.id]);
    const chosen = [s.ids[2]!, s.ids[0]!, s.ids[1]!];
    const res = await confirm(client, s, chosen, { pickup: String(other.id) });
    const html = await res.text();
    expect(res.status, textOf(mainOf(html))).toBe(200);
    expect(textOf(mainOf(html))).toContain("第3巻 → 第1巻 → 第2巻");
    expect(await groupsOf(p.id)).toEqual([]); // the confirmation places nothing
    const ok = await post(client, "/holds/series", okForm(html));
    expect(ok.status).toBe(303);
    const location = ok.headers.get("location")!;
    expect(location).toMatch(/^\/holds\/series\/groups\/\d+$/);
    const groups = await groupsOf(p.id);
    expect(groups.length).toBe(1);
    const placed = await holdsOf(p.id);
    expect(placed.map((h) => [h.record_id, h.group_position])).toEqual(chosen.map((id, i) => [id, i + 1]));
    for (const h of placed) {
      expect(h).toMatchObject({ status: "waiting", group_id: groups[0]!.id, channel: "web", pickup_branch_id: other.id, contact: "phone" });
    }
    expect(await cartOf(p.id)).toEqual([keep.id]);
    const answer = await client.page(location);
    expect(answer.res.status).toBe(200);
    const text = textOf(mainOf(answer.html));
    expect(text).toContain("順番予約を受け付けました");
    expect(text).toContain("第3巻 → 第1巻 → 第2巻");
    expect(text.indexOf("第3巻")).toBeLessThan(text.indexOf("第1巻"));
    expect(text).toContain("予約中です");
    expect(mainOf(answer.html)).toContain('href="/holds"');
  });

  it("R15: idempotent — a replayed 「OK」 places nothing twice and answers the first group again", async () => {
    const p = await patron();
    const client = await loggedIn(p);
    const s = await series(2);
    await addToCart(client, s.ids);
    const form = okForm(await (await confirm(client, s, s.ids)).text());
    const first = await post(client, "/holds/series", form);
    const second = await post(client, "/holds/series", form);
    expect(first.status).toBe(303);
    expect(second.status).toBe(303);
    expect(second.headers.get("location")).toBe(first.headers.get("location"));
    expect((await groupsOf(p.id)).length).toBe(1);
    expect((await holdsOf(p.id)).length).toBe(2);
  });

  it("R15: 10 concurrent identical 「OK」s → one group, every answer the same group", async () => {
    const p = await patron();
    const client = await loggedIn(p);
    const s = await series(2);
    await addToCart(client, s.ids);
    const form = okForm(await (await confirm(client, s, s.ids)).text());
    const answers = await Promise.all(Array.from({ length: 10 }, () => post(client, "/holds/series", form)));
    for (const a of answers) expect(a.status, await a.clone().text()).toBe(303);
    expect(new Set(answers.map((a) => a.headers.get("location"))).size).toBe(1);
    expect((await groupsOf(p.id)).length).toBe(1);
    expect((await holdsOf(p.id)).length).toBe(2);
    expect((await keysOf(p.id)).length).toBe(1);
  });

  it("R14: all or nothing — 9 active holds and 2 volumes: said before submitting, refused at 確認 and at 「OK」, nothing placed, lines stay in the cart", async () => {
    const p = await patron();
    for (let i = 0; i < HOLD_LIMIT - 1; i++) await insertHold(db, { patronId: p.id, pickupBranchId: home.id });
    const client = await loggedIn(p);
    const s = await series(2);
    await addToCart(client, s.ids);
    const formPage = textOf(mainOf((await client.page(`/holds/series?series=${s.seriesId}`)).html));
    expect(formPage).toContain(`予約できる残り冊数: 1／${HOLD_LIMIT}`);
    expect(formPage).toContain(MESSAGES.series_does_not_fit);
    expect(formPage).not.toContain("順番予約申込み");
    const atConfirm = await confirm(client, s, s.ids);
    expect(atConfirm.status).toBe(409);
    expect(textOf(mainOf(await atConfirm.text()))).toContain(`予約できる残り冊数: 1／${HOLD_LIMIT}`);
    // 「OK」 straight away (a form kept from before the other holds were placed): refused whole, with the reason.
    const form = new URLSearchParams({ _csrf: client.csrf!, key: "kept-form-key-0123456789", series: String(s.seriesId), pickup: String(home.id), contact: "none" });
    for (const id of s.ids) form.append("recordId", String(id));
    const ok = await post(client, "/holds/series", form);
    expect(ok.status).toBe(409);
    const text = textOf(mainOf(await ok.text()));
    expect(text).toContain(MESSAGES.hold_limit_reached);
    expect(text).toContain(`予約できる残り冊数: 1／${HOLD_LIMIT}`);
    expect(await groupsOf(p.id)).toEqual([]);
    expect((await holdsOf(p.id)).filter((h) => h.group_id !== null)).toEqual([]);
    expect(await keysOf(p.id)).toEqual([]);
    expect(await cartOf(p.id)).toEqual(s.ids);
  });

  it("R14: two different ordered holds at once with room for one (7 active + 2 + 2): exactly one group placed, the other refused whole", async () => {
    const p = await patron();
    for (let i = 0; i < HOLD_LIMIT - 3; i++) await insertHold(db, { patronId: p.id, pickupBranchId: home.id });
    const client = await loggedIn(p);
    const a = await series(2);
    const b = await series(2);
    await addToCart(client, [...a.ids, ...b.ids]);
    const forms = [okForm(await (await confirm(client, a, a.ids)).text()), okForm(await (await confirm(client, b, b.ids)).text())];
    const answers = await Promise.all(forms.map((f) => post(client, "/holds/series", f)));
    expect(answers.map((r) => r.status).sort()).toEqual([303, 409]);
    const refused = answers.find((r) => r.status === 409)!;
    expect(textOf(mainOf(await refused.text()))).toContain(MESSAGES.series_does_not_fit);
    expect((await groupsOf(p.id)).length).toBe(1);
    const grouped = (await holdsOf(p.id)).filter((h) => h.group_id !== null);
    expect(grouped.length).toBe(2);
    expect((await holdsOf(p.id)).filter((h) => h.status === "waiting").length).toBe(HOLD_LIMIT - 1);
    // The refused series stays in the cart, the placed one left it.
    const placedIds = grouped.map((h) => h.record_id);
    const left = a.ids.includes(placedIds[0]!) ? b.ids : a.ids;
    expect(await cartOf(p.id)).toEqual(left);
  });

  it("R14: the batch's guards alone refuse a group that does not fit and leave nothing behind; past the guards, the trigger rolls the batch back", async () => {
    const p = await patron();
    for (let i = 0; i < HOLD_LIMIT - 1; i++) await insertHold(db, { patronId: p.id, pickupBranchId: home.id });
    const s = await series(2);
    const row = {
      patronId: p.id,
      key: "guard-key-0123456789",
      nonce: "n1",
      cartKey: null,
      recordIds: s.ids,
      pickupBranchId: home.id,
      contact: "none" as const,
      mailAddressId: null,
      channel: "web" as const,
      terminalId: null,
      now: Date.now(),
      limit: HOLD_LIMIT,
    };
    expect(placeSeriesStatements(db, row).length).toBe(3 + s.ids.length + 1);
    await runSeriesPlacement(db, row);
    expect(await groupsOf(p.id)).toEqual([]);
    expect(await keysOf(p.id)).toEqual([]);
    // A guard told the wrong limit lets the batch through to the trigger (R14 backstop): the whole batch rolls back.
    let err: unknown;
    try {
      await runSeriesPlacement(db, { ...row, nonce: "n2", limit: HOLD_LIMIT + 5 });
    } catch (e) {
      err = e;
    }
    expect(constraintReason(err)?.reason).toBe("hold_limit_reached");
    expect(await groupsOf(p.id)).toEqual([]);
    expect(await keysOf(p.id)).toEqual([]);
    expect((await holdsOf(p.id)).length).toBe(HOLD_LIMIT - 1);
  });

  it("R15: a volume already held is refused with its reason, nothing placed; the unique index is the batch's backstop", async () => {
    const p = await patron();
    const s = await series(2);
    await insertHold(db, { patronId: p.id, recordId: s.ids[1]!, pickupBranchId: home.id });
    const client = await loggedIn(p);
    await addToCart(client, s.ids);
    const formPage = textOf(mainOf((await client.page(`/holds/series?series=${s.seriesId}`)).html));
    expect(formPage).toContain(MESSAGES.already_held);
    const atConfirm = await confirm(client, s, s.ids);
    expect(atConfirm.status).toBe(409);
    const text = textOf(mainOf(await atConfirm.text()));
    expect(text).toContain(MESSAGES.series_volume_refused);
    expect(text).toContain(MESSAGES.already_held);
    const form = new URLSearchParams({ _csrf: client.csrf!, key: "held-key-0123456789ab", series: String(s.seriesId), pickup: String(home.id), contact: "none" });
    for (const id of s.ids) form.append("recordId", String(id));
    const ok = await post(client, "/holds/series", form);
    expect(ok.status).toBe(409);
    expect(textOf(mainOf(await ok.text()))).toContain(MESSAGES.already_held);
    expect(await groupsOf(p.id)).toEqual([]);
    // The batch itself, should a hold appear between the decision and the write: rolled back whole.
    let err: unknown;
    try {
      await runSeriesPlacement(db, {
        patronId: p.id, key: "held-batch-key-012345", nonce: "n", cartKey: null, recordIds: s.ids, pickupBranchId: home.id,
        contact: "none", mailAddressId: null, channel: "web", terminalId: null, now: Date.now(), limit: HOLD_LIMIT,
      });
    } catch (e) {
      err = e;
    }
    expect(constraintReason(err)?.reason).toBe("already_held");
    expect(await groupsOf(p.id)).toEqual([]);
    expect(await keysOf(p.id)).toEqual([]);
    expect(await cartOf(p.id)).toEqual(s.ids);
  });

  it("R11: a non-holdable volume (reference only) is refused with its reason, nothing placed", async () => {
    const p = await patron();
    const client = await loggedIn(p);
    const s = await series(2);
    await addToCart(client, [s.ids[0]!]);
    // The cart takes only holdable records (R11): the copy becomes reference-only after the add.
    await addToCart(client, [s.ids[1]!]);
    await env.DB.prepare("UPDATE items SET loanable = 0 WHERE record_id = ?").bind(s.ids[1]!).run();
    const res = await confirm(client, s, s.ids);
    expect(res.status).toBe(409);
    const text = textOf(mainOf(await res.text()));
    expect(text).toContain(MESSAGES.not_loanable);
    expect(await groupsOf(p.id)).toEqual([]);
  });

  it("R15: a bad order (a repeated 「順番」) is a 400 form with the message, nothing changed", async () => {
    const p = await patron();
    const client = await loggedIn(p);
    const s = await series(2);
    await addToCart(client, s.ids);
    const { html } = await client.page(`/holds/series?series=${s.seriesId}`);
    expect(html).toContain("順番");
    const form = new URLSearchParams({ _csrf: client.csrf!, series: String(s.seriesId), pickup: String(home.id), contact: "mail" });
    for (const id of s.ids) {
      form.append("recordId", String(id));
      form.set(`order-${id}`, "1");
    }
    const res = await post(client, "/holds/series/confirm", form);
    expect(res.status).toBe(400);
    const text = textOf(mainOf(await res.text()));
    expect(text).toContain(MESSAGES.series_order_invalid);
    expect(text).toContain(MESSAGES.hold_mail_unavailable);
    expect(await groupsOf(p.id)).toEqual([]);
  });

  it("R36: on an OPAC terminal the holds count as channel 'opac'; a volume on the terminal branch's shelf is refused (take it from the shelf)", async () => {
    const p = await patron();
    const client = await loggedIn(p);
    const terminal = await env.DB.prepare("INSERT INTO opac_terminals (code, branch_id, active, created_at) VALUES (?, ?, 1, ?) RETURNING id")
      .bind(`hs-opac-${Date.now()}`, home.id, Date.now())
      .first<{ id: number }>();
    // The session becomes a terminal session (as a login on an enrolled terminal makes it).
    await env.DB.prepare("UPDATE sessions SET terminal_id = ? WHERE patron_id = ?").bind(terminal!.id, p.id).run();
    const onShelf = await series(2);
    await insertItem(db, { recordId: onShelf.ids[0]!, branchId: home.id });
    const s = await series(2);
    await addToCart(client, [...onShelf.ids, ...s.ids]);
    const refused = await confirm(client, onShelf, onShelf.ids);
    expect(refused.status).toBe(409);
    const refusedText = textOf(mainOf(await refused.text()));
    expect(refusedText).toContain(MESSAGES.on_shelf_at_terminal);
    expect(refusedText).toContain(`書架の場所: ${home.name}（請求記号 913.6）`);
    const ok = await post(client, "/holds/series", okForm(await (await confirm(client, s, s.ids)).text()));
    expect(ok.status).toBe(303);
    const placed = await env.DB.prepare("SELECT channel, terminal_id FROM holds WHERE patron_id = ? ORDER BY id").bind(p.id).all();
    expect(placed.results).toEqual(s.ids.map(() => ({ channel: "opac", terminal_id: terminal!.id })));
  });

  it("R15: several series in the cart — the patron chooses one first", async () => {
    const p = await patron();
    const client = await loggedIn(p);
    const a = await series(2);
    const b = await series(2);
    await addToCart(client, [...a.ids, ...b.ids]);
    const main = mainOf((await client.page("/holds/series")).html);
    expect(main).toContain(`href="/holds/series?series=${a.seriesId}"`);
    expect(main).toContain(`href="/holds/series?series=${b.seriesId}"`);
    expect(main).not.toContain('name="order-');
  });

  it("R15: A cannot use B's cart lines or see B's group (400 / 404, B unchanged)", async () => {
    const pa = await patron();
    const pb = await patron();
    const a = await loggedIn(pa);
    const b = await loggedIn(pb);
    const s = await series(2);
    await addToCart(b, s.ids);
    const okB = await post(b, "/holds/series", okForm(await (await confirm(b, s, s.ids)).text()));
    const groupPath = okB.headers.get("location")!;
    const s2 = await series(2);
    await addToCart(b, s2.ids);
    const before = { holds: await holdsOf(pb.id), cart: await cartOf(pb.id) };
    await a.page("/cart");
    expect((await a.page(`/holds/series?series=${s2.seriesId}`)).res.status).toBe(400);
    const form = new URLSearchParams({ _csrf: a.csrf!, key: "a-on-b-key-0123456789", series: String(s2.seriesId), pickup: String(home.id), contact: "none" });
    for (const id of s2.ids) form.append("recordId", String(id));
    const res = await post(a, "/holds/series", form);
    expect(res.status).toBe(400);
    expect(await res.text()).not.toContain(s2.title);
    const seen = await a.page(groupPath);
    expect(seen.res.status).toBe(404);
    expect(seen.html).not.toContain(s.title);
    expect(await holdsOf(pa.id)).toEqual([]);
    expect({ holds: await holdsOf(pb.id), cart: await cartOf(pb.id) }).toEqual(before);
  });
});
