// R40, R41, R42, R44 inside workerd on the migrated D1 (issue 9 items 1, 3, 8): 「メールアドレスの登録・変更・削除」 —
// up to 3 addresses (the 4th refused), 「変更する」 / 「削除する」 then 「確認」, the password asked again (and held to the
// login throttle), the other confirmed addresses told of an addition or removal (outbox rows in the same batch),
// the confirmation link (single use, expiring, a POST behind a GET that changes nothing, 「確認メールを再送」), an
// unconfirmed address getting no notices, R42's refusals and warnings reaching the page, 「テストメールを送信」
// throttled, what the page says of each address's last mail, the reminders form, CSRF, patron A on patron B's
// addresses (404, nothing changed), and bad input never a 500. Needs the site built (pages render into /_shell/).
import { env as workerEnv } from "cloudflare:workers";
import type { Env } from "../../worker/src/env.ts";
import { beforeAll, describe, expect, it } from "vitest";
import type { Db } from "../../worker/src/data/db.ts";
import { enqueueToConfirmedAddressesStatement } from "../../worker/src/data/mail-outbox.ts";
import { d1Client } from "../../worker/src/data/db.ts";
import { checkMailAddress } from "../../worker/src/domain/mail-address.ts";
import { MESSAGES } from "../../worker/src/domain/messages.ts";
import { MAIL_ADDRESS_LIMIT, MAIL_CONFIRM_TTL_MS, TEST_MAIL_INTERVAL_MS } from "../../worker/src/domain/policy.ts";
import { sha256Hex } from "../../worker/src/services/tokens.ts";
import { demoDb, insertPatron, type TestPatron } from "../support/accounts.ts";
import { insertHold } from "../support/factories.ts";
import { TestClient, mainOf, textOf } from "../support/session-client.ts";

let db: Db;
/** The Worker's vars (wrangler.toml [vars]) as the tests see them. */
const env = workerEnv as unknown as Env;

beforeAll(async () => {
  db = await demoDb();
});

const PASSWORD = "Meeru2026";
let serial = 0;
const fresh = (local = "taro") => `${local}.${++serial}.${crypto.randomUUID().slice(0, 6)}@example.jp`;

async function patron(): Promise<{ p: TestPatron; client: TestClient }> {
  const p = await insertPatron(db, { password: PASSWORD });
  const client = new TestClient();
  await client.login(p.cardNumber, PASSWORD);
  await client.page("/account/mail");
  return { p, client };
}

interface AddressRow {
  id: number;
  address: string;
  confirm_token_hash: string | null;
  confirm_expires_at: number | null;
  confirmed_at: number | null;
}
interface OutboxRow {
  id: number;
  kind: string;
  to_address: string;
  address_id: number | null;
  subject: string;
  body: string;
  dedupe_key: string;
  status: string;
}

const addressesOf = async (patronId: number) =>
  (await env.DB.prepare("SELECT * FROM mail_addresses WHERE patron_id = ? ORDER BY id").bind(patronId).all<AddressRow>()).results;
const outboxOf = async (patronId: number, kind?: string) =>
  (
    await env.DB.prepare(`SELECT * FROM mail_outbox WHERE patron_id = ? ${kind ? "AND kind = ?" : ""} ORDER BY id`)
      .bind(...(kind ? [patronId, kind] : [patronId]))
      .all<OutboxRow>()
  ).results;

/** An address straight into the table (confirmed unless told), for the facts a test starts from. */
async function insertAddress(patronId: number, address = fresh(), confirmed = true): Promise<AddressRow> {
  return (await env.DB.prepare("INSERT INTO mail_addresses (patron_id, address, confirmed_at, created_at) VALUES (?, ?, ?, ?) RETURNING *")
    .bind(patronId, address, confirmed ? Date.now() - 1000 : null, Date.now() - 2000)
    .first<AddressRow>())!;
}

/** The link's token in a confirmation mail. */
function tokenOf(body: string): string {
  const token = /\/mail\/confirm\?token=([A-Za-z0-9_-]{43})/.exec(body)?.[1];
  if (!token) throw new Error(`no link in ${body}`);
  return token;
}

async function codesOf(res: Response): Promise<string[]> {
  const body = (await res.json()) as { error?: { reasons?: { code: string }[] } };
  return body.error?.reasons?.map((r) => r.code) ?? [];
}

const add = (client: TestClient, address: string, extra: Record<string, string> = {}) =>
  client.request("/account/mail", { form: { op: "change", address, password: PASSWORD, ...extra } });

describe("R40 「メールアドレスの登録・変更・削除」", () => {
  it("R40: 「利用者情報メンテナンス」 links to it, and the page has 「変更する」 / 「削除する」 and 「確認」 for each address and the empty slot", async () => {
    const { p, client } = await patron();
    const { html: menu } = await client.page("/account");
    expect(mainOf(menu)).toContain('<a href="/account/mail">メールアドレスの登録・変更・削除</a>');
    const a = await insertAddress(p.id);
    const { res, html } = await client.page("/account/mail");
    expect(res.status).toBe(200);
    const main = mainOf(html);
    expect(main).toContain("<h1>メールアドレスの登録・変更・削除</h1>");
    expect(main).toContain(`action="/account/mail/${a.id}"`);
    expect(main).toMatch(/<input type="radio" name="op" value="change"> 変更する/);
    expect(main).toMatch(/<input type="radio" name="op" value="delete"> 削除する/);
    expect(main).toContain('<button type="submit">確認</button>');
    expect(main).toContain('action="/account/mail" class="mail-form mail-add"');
    expect(res.headers.get("cache-control")).toContain("no-store");
  });

  it("R40, R41: registering writes an unconfirmed address, its confirmation with a one-time link (only the hash stored) and 303s to the notice", async () => {
    const { p, client } = await patron();
    const address = fresh();
    const res = await add(client, address);
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/account/mail?done=added");
    const [row] = await addressesOf(p.id);
    expect(row!.address).toBe(address);
    expect(row!.confirmed_at).toBeNull();
    expect(row!.confirm_expires_at! - Date.now()).toBeGreaterThan(MAIL_CONFIRM_TTL_MS - 60_000);
    const [mail] = await outboxOf(p.id, "address_confirmation");
    expect(mail!.to_address).toBe(address);
    expect(mail!.address_id).toBe(row!.id);
    expect(mail!.dedupe_key).toMatch(new RegExp(`^confirm:${row!.id}:\\d+$`));
    const token = tokenOf(mail!.body);
    // Only the token's hash is stored: the token itself is nowhere in the table.
    expect(row!.confirm_token_hash).toBe(await sha256Hex(token));
    expect(JSON.stringify(row)).not.toContain(token);
    const { html } = await client.page("/account/mail?done=added");
    expect(textOf(mainOf(html))).toContain("確認メールを送りました");
    expect(textOf(mainOf(html))).toContain("未確認");
  });

  it(`R40: the ${MAIL_ADDRESS_LIMIT + 1}th address is refused with its message and nothing is written (the trigger is only the backstop)`, async () => {
    const { p, client } = await patron();
    for (let i = 0; i < MAIL_ADDRESS_LIMIT; i++) await insertAddress(p.id);
    const before = await addressesOf(p.id);
    const { html: full } = await client.page("/account/mail");
    expect(mainOf(full)).not.toContain('class="mail-form mail-add"');
    expect(textOf(mainOf(full))).toContain("メールアドレスは3つまで登録できます");
    const res = await add(client, fresh());
    expect(res.status).toBe(400);
    expect(textOf(mainOf(await res.text()))).toContain(MESSAGES.mail_address_limit);
    const json = await client.request("/account/mail", { json: { op: "change", address: fresh(), password: PASSWORD } });
    expect(json.status).toBe(400);
    expect(await codesOf(json)).toContain("mail_address_limit");
    expect(await addressesOf(p.id)).toEqual(before);
    expect(await outboxOf(p.id)).toEqual([]);
  });

  it("R40: an address already registered is refused (mail_address_exists), and a double-submitted registration writes one address and one mail", async () => {
    const { p, client } = await patron();
    const address = fresh();
    expect((await add(client, address)).status).toBe(303);
    const again = await add(client, address);
    expect(again.status).toBe(400);
    expect(textOf(mainOf(await again.text()))).toContain(MESSAGES.mail_address_exists);
    expect(await addressesOf(p.id)).toHaveLength(1);
    expect(await outboxOf(p.id, "address_confirmation")).toHaveLength(1);
  });

  it("R40 「変更する」: the address is replaced in place, unconfirmed again with a new link; the old link stops working; a retry writes nothing more", async () => {
    const { p, client } = await patron();
    const old = await insertAddress(p.id);
    const other = await insertAddress(p.id);
    const next = fresh("hanako");
    const res = await client.request(`/account/mail/${old.id}`, { form: { op: "change", address: next, password: PASSWORD } });
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/account/mail?done=changed");
    const rows = await addressesOf(p.id);
    const changed = rows.find((r) => r.id === old.id)!;
    expect(changed.address).toBe(next);
    expect(changed.confirmed_at).toBeNull();
    const confirmations = await outboxOf(p.id, "address_confirmation");
    expect(confirmations).toHaveLength(1);
    expect(confirmations[0]!.to_address).toBe(next);
    // The other confirmed address is told (not the changed one).
    const notices = await outboxOf(p.id, "address_notice");
    expect(notices.map((n) => n.address_id)).toEqual([other.id]);
    expect(notices[0]!.dedupe_key).toMatch(new RegExp(`^address-changed:${old.id}:\\d+:${other.id}$`));
    // The same form posted again (a retry): nothing changes, no second mail.
    await client.page("/account/mail");
    const retry = await client.request(`/account/mail/${old.id}`, { form: { op: "change", address: next, password: PASSWORD } });
    expect(retry.status).toBe(303);
    expect(retry.headers.get("location")).toBe("/account/mail?done=unchanged");
    expect(await outboxOf(p.id)).toHaveLength(2);
  });

  it("R40 「削除する」: the address goes; the OTHER confirmed addresses are told (address-removed keys), unconfirmed ones are not; a retry sends nothing more", async () => {
    const { p, client } = await patron();
    const gone = await insertAddress(p.id);
    const kept = await insertAddress(p.id);
    const unconfirmed = await insertAddress(p.id, fresh(), false);
    const res = await client.request(`/account/mail/${gone.id}`, { form: { op: "delete", address: gone.address } });
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/account/mail?done=deleted");
    expect((await addressesOf(p.id)).map((r) => r.id)).toEqual([kept.id, unconfirmed.id]);
    const notices = await outboxOf(p.id, "address_notice");
    expect(notices.map((n) => n.to_address)).toEqual([kept.address]);
    expect(notices[0]!.dedupe_key).toMatch(new RegExp(`^address-removed:${gone.id}:\\d+:${kept.id}$`));
    expect(notices[0]!.body).not.toContain(gone.address);
    expect(notices[0]!.body).toContain("削除されました");
    await client.page("/account/mail");
    const retry = await client.request(`/account/mail/${gone.id}`, { form: { op: "delete" } });
    expect(retry.status).toBe(404);
    await retry.arrayBuffer();
    expect(await outboxOf(p.id, "address_notice")).toHaveLength(1);
  });

  it("R40: registering tells the other confirmed addresses (address-added keys, in the same batch), never the new one itself", async () => {
    const { p, client } = await patron();
    const first = await insertAddress(p.id);
    const address = fresh();
    expect((await add(client, address)).status).toBe(303);
    const added = (await addressesOf(p.id)).find((r) => r.address === address)!;
    const notices = await outboxOf(p.id, "address_notice");
    expect(notices.map((n) => n.address_id)).toEqual([first.id]);
    expect(notices[0]!.dedupe_key).toMatch(new RegExp(`^address-added:${added.id}:\\d+:${first.id}$`));
  });

  it("R40: a form without 「変更する」 or 「削除する」 chosen is refused with mail_operation_required, nothing changed", async () => {
    const { p, client } = await patron();
    const a = await insertAddress(p.id);
    const res = await client.request(`/account/mail/${a.id}`, { form: { address: fresh(), password: PASSWORD } });
    expect(res.status).toBe(400);
    expect(textOf(mainOf(await res.text()))).toContain(MESSAGES.mail_operation_required);
    expect((await addressesOf(p.id))[0]!.address).toBe(a.address);
  });
});

describe("R40: the password is asked again before an address is added or changed", () => {
  it("without the password: refused (mail_password_required), nothing written", async () => {
    const { p, client } = await patron();
    const res = await client.request("/account/mail", { form: { op: "change", address: fresh() } });
    expect(res.status).toBe(400);
    expect(textOf(mainOf(await res.text()))).toContain(MESSAGES.mail_password_required);
    expect(await addressesOf(p.id)).toEqual([]);
  });

  it("a wrong password: refused (mail_password_wrong), nothing written, and it counts as a failed login (the login throttle); a right one leaves no failure", async () => {
    const { p, client } = await patron();
    const failures = async () => Number((await env.DB.prepare("SELECT count(*) AS n FROM auth_failures WHERE kind = 'login'").first<{ n: number }>())!.n);
    const before = await failures();
    const res = await client.request("/account/mail", { form: { op: "change", address: fresh(), password: "Chigau2026" } });
    expect(res.status).toBe(400);
    expect(textOf(mainOf(await res.text()))).toContain(MESSAGES.mail_password_wrong);
    expect(await failures()).toBe(before + 1);
    expect(await addressesOf(p.id)).toEqual([]);
    const a = await insertAddress(p.id);
    const change = await client.request(`/account/mail/${a.id}`, { json: { op: "change", address: fresh(), password: "Chigau2026" } });
    expect(change.status).toBe(400);
    expect(await codesOf(change)).toEqual(["mail_password_wrong"]);
    expect((await addressesOf(p.id))[0]!.address).toBe(a.address);
    const ok = await add(client, fresh());
    expect(ok.status).toBe(303);
    expect(await failures()).toBe(before + 2);
  });

  it("the throttle answers 429 with Retry-After once the card has failed too often", async () => {
    const { client } = await patron();
    let last: Response | undefined;
    for (let i = 0; i < 12; i++) {
      last = await client.request("/account/mail", { json: { op: "change", address: fresh(), password: "Chigau2026" } });
      if (last.status === 429) break;
      await last.arrayBuffer();
    }
    expect(last!.status).toBe(429);
    expect(Number(last!.headers.get("retry-after"))).toBeGreaterThan(0);
    await last!.arrayBuffer();
  });
});

describe("R42 refusals and warnings reach the page", () => {
  it("R42: taro..yamada@docomo.ne.jp and taro.@ezweb.ne.jp are refused with their reasons (HTML and JSON), the typed text kept in the form", async () => {
    const { p, client } = await patron();
    const dd = await add(client, "taro..yamada@docomo.ne.jp");
    expect(dd.status).toBe(400);
    const ddMain = mainOf(await dd.text());
    expect(textOf(ddMain)).toContain(MESSAGES.mail_address_double_dot);
    expect(ddMain).toContain('value="taro..yamada@docomo.ne.jp"');
    expect(ddMain).toContain('aria-invalid="true"');
    await client.page("/account/mail");
    const da = await add(client, "taro.@ezweb.ne.jp");
    expect(da.status).toBe(400);
    expect(textOf(mainOf(await da.text()))).toContain(MESSAGES.mail_address_dot_before_at);
    const json = await client.request("/account/mail", { json: { op: "change", address: "taro..yamada@docomo.ne.jp", password: PASSWORD } });
    expect(await codesOf(json)).toContain("mail_address_double_dot");
    const json2 = await client.request("/account/mail", { json: { op: "change", address: "taro.@ezweb.ne.jp", password: PASSWORD } });
    expect(await codesOf(json2)).toContain("mail_address_dot_before_at");
    expect(await addressesOf(p.id)).toEqual([]);
  });

  // The warnings come from domain/mail-address.ts (the validation helper's corpus-backed checks): this runs once that
  // module warns on the guide's 「dokomo」.
  const TYPO = "taro@dokomo.ne.jp";
  it.runIf(checkMailAddress(TYPO).ok && (checkMailAddress(TYPO) as { warnings: unknown[] }).warnings.length > 0)(
    "R42: a likely typo is warned about WITHOUT refusing: nothing written until 「このまま登録する」, then it is registered as typed",
    async () => {
      const { p, client } = await patron();
      const res = await add(client, TYPO);
      expect(res.status).toBe(200);
      const main = mainOf(await res.text());
      expect(textOf(main)).toContain(MESSAGES.mail_address_typo_suspected);
      expect(main).toContain("このまま登録する");
      expect(await addressesOf(p.id)).toEqual([]);
      const json = await client.request("/account/mail", { json: { op: "change", address: TYPO, password: PASSWORD } });
      expect(((await json.json()) as { warned?: { warnings: unknown[] } }).warned?.warnings.length).toBeGreaterThan(0);
      await client.page("/account/mail");
      const kept = await add(client, TYPO, { keep: "1" });
      expect(kept.status).toBe(303);
      expect((await addressesOf(p.id)).map((r) => r.address)).toEqual([TYPO]);
    },
  );
});

describe("R41 confirmation", () => {
  async function registered() {
    const { p, client } = await patron();
    const address = fresh();
    expect((await add(client, address)).status).toBe(303);
    const [mail] = await outboxOf(p.id, "address_confirmation");
    return { p, client, address, token: tokenOf(mail!.body) };
  }

  it("R41: the link's GET page only shows 「確認する」 (mail scanners open links); the POST confirms: confirmed_at set, the hash cleared; it works without login", async () => {
    const { p, token } = await registered();
    const stranger = new TestClient();
    const { res, html } = await stranger.page(`/mail/confirm?token=${token}`);
    expect(res.status).toBe(200);
    expect(mainOf(html)).toContain('<button type="submit">確認する</button>');
    expect((await addressesOf(p.id))[0]!.confirmed_at).toBeNull();
    const post = await stranger.request("/mail/confirm", { form: { token } });
    expect(post.status).toBe(200);
    expect(textOf(mainOf(await post.text()))).toContain("メールアドレスを確認しました");
    const [row] = await addressesOf(p.id);
    expect(row!.confirmed_at).not.toBeNull();
    expect(row!.confirm_token_hash).toBeNull();
    expect(row!.confirm_expires_at).toBeNull();
  });

  it("R41: the link is single use: the second 「確認する」 answers a clear page (404 mail_link_invalid) and changes nothing", async () => {
    const { p, client, token } = await registered();
    expect((await client.request("/mail/confirm", { form: { token } })).status).toBe(200);
    const before = await addressesOf(p.id);
    await client.page(`/mail/confirm?token=${token}`);
    const again = await client.request("/mail/confirm", { form: { token } });
    expect(again.status).toBe(404);
    expect(textOf(mainOf(await again.text()))).toContain(MESSAGES.mail_link_invalid);
    expect(await addressesOf(p.id)).toEqual(before);
  });

  it("R41: an expired link answers mail_link_expired (409) and confirms nothing", async () => {
    const { p, client, token } = await registered();
    await env.DB.prepare("UPDATE mail_addresses SET confirm_expires_at = ? WHERE patron_id = ?").bind(Date.now() - 1, p.id).run();
    const res = await client.request("/mail/confirm", { form: { token } });
    expect(res.status).toBe(409);
    expect(textOf(mainOf(await res.text()))).toContain(MESSAGES.mail_link_expired);
    expect((await addressesOf(p.id))[0]!.confirmed_at).toBeNull();
    const { html } = await client.page("/account/mail");
    expect(textOf(mainOf(html))).toContain("有効期限が切れています");
  });

  it("R41 「確認メールを再送」: a new link in a new row; the old link stops working, the new one confirms; pressed again at once it sends nothing", async () => {
    const { p, client, token } = await registered();
    const [row] = await addressesOf(p.id);
    // Issued over a minute ago (RESEND_GAP_MS): a resend is allowed.
    await env.DB.prepare("UPDATE mail_addresses SET confirm_expires_at = confirm_expires_at - 120000 WHERE id = ?").bind(row!.id).run();
    // The first confirmation is still waiting (say the provider was down: its retry is an hour away).
    await env.DB.prepare("UPDATE mail_outbox SET status = 'pending', sent_at = NULL, next_attempt_at = ? WHERE patron_id = ? AND kind = 'address_confirmation'").bind(Date.now() + 3_600_000, p.id).run();
    const res = await client.request(`/account/mail/${row!.id}/resend`, { form: {} });
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/account/mail?done=resent");
    const mails = await outboxOf(p.id, "address_confirmation");
    expect(mails).toHaveLength(2);
    const newToken = tokenOf(mails[1]!.body);
    expect(newToken).not.toBe(token);
    // The first confirmation, still waiting, carries a link that no longer works: cancelled, never sent.
    const states = await env.DB.prepare("SELECT status, last_error FROM mail_outbox WHERE patron_id = ? AND kind = 'address_confirmation' ORDER BY id").bind(p.id).all();
    expect(states.results[0]).toEqual({ status: "cancelled", last_error: "superseded" });
    expect(states.results[1]).toMatchObject({ last_error: null });
    await client.page("/account/mail");
    const soon = await client.request(`/account/mail/${row!.id}/resend`, { json: {} });
    expect(soon.status).toBe(429);
    expect(await codesOf(soon)).toEqual(["mail_resend_too_soon"]);
    expect(await outboxOf(p.id, "address_confirmation")).toHaveLength(2);
    expect((await client.request("/mail/confirm", { json: { token } })).status).toBe(404);
    expect((await client.request("/mail/confirm", { json: { token: newToken } })).status).toBe(200);
    const done = await client.request(`/account/mail/${row!.id}/resend`, { json: {} });
    expect(done.status).toBe(409);
    expect(await codesOf(done)).toEqual(["mail_already_confirmed"]);
  });

  it("R41: an unconfirmed address is marked 未確認 and gets no notices (the outbox's to-every-confirmed-address statement skips it); once confirmed it does", async () => {
    const { p, client, token } = await registered();
    const { html } = await client.page("/account/mail");
    const main = textOf(mainOf(html));
    expect(main).toContain("未確認");
    expect(main).toContain("お知らせは届きません");
    const notice = (n: number) =>
      enqueueToConfirmedAddressesStatement(db, { patronId: p.id, kind: "hold_ready", eventPrefix: `r41-test:${p.id}:${n}`, subject: null, body: null, notBefore: 0, now: Date.now() });
    await d1Client(db).batch([notice(1)]);
    expect(await outboxOf(p.id, "hold_ready")).toEqual([]);
    expect((await client.request("/mail/confirm", { json: { token } })).status).toBe(200);
    await d1Client(db).batch([notice(2)]);
    expect(await outboxOf(p.id, "hold_ready")).toHaveLength(1);
    const { html: after } = await client.page("/account/mail");
    expect(textOf(mainOf(after))).toContain("確認済み");
  });

  it("R20, R41: a hold with contact メール while no address is confirmed — the page says its notice cannot go, and stops saying so once one is confirmed", async () => {
    const { p, client } = await patron();
    const unconfirmed = await insertAddress(p.id, fresh(), false);
    await insertHold(db, { patronId: p.id, contact: "mail", status: "waiting" });
    await insertHold(db, { patronId: p.id, contact: "mail", status: "cancelled", cancelledAt: Date.now(), cancelReason: "patron" });
    const before = textOf(mainOf((await client.page("/account/mail")).html));
    expect(before).toContain("連絡方法が「メール」の予約が1件ありますが、確認済みのメールアドレスがないため");
    await env.DB.prepare("UPDATE mail_addresses SET confirmed_at = ? WHERE id = ?").bind(Date.now(), unconfirmed.id).run();
    const after = textOf(mainOf((await client.page("/account/mail")).html));
    expect(after).not.toContain("確認済みのメールアドレスがないため");
  });

  it("R41: a malformed token answers the invalid-link page (404) and never a 500", async () => {
    const client = new TestClient();
    for (const t of ["", "x", "a".repeat(500), "%00", "<script>"]) {
      const res = await client.request(`/mail/confirm?token=${encodeURIComponent(t)}`, { html: true });
      expect(res.status, t).toBe(404);
      expect(textOf(mainOf(await res.text()))).toContain(MESSAGES.mail_link_invalid);
    }
  });
});

describe("R44: the mails are plain text with the library's name and the site's URL", () => {
  it("R44: confirmation, address notice and test mail: one-line subjects with the library's name, the site's URL in the body", async () => {
    const { p, client } = await patron();
    const first = await insertAddress(p.id);
    expect((await add(client, fresh())).status).toBe(303);
    await client.page("/account/mail");
    expect((await client.request(`/account/mail/${first.id}/test`, { form: {} })).status).toBe(303);
    const mails = await outboxOf(p.id);
    expect(mails.map((m) => m.kind).sort()).toEqual(["address_confirmation", "address_notice", "test_mail"]);
    for (const m of mails) {
      expect(m.subject).toContain(env.LIBRARY_NAME);
      expect(m.subject).not.toMatch(/[\r\n]/);
      expect(m.body).toContain(env.SITE_ORIGIN);
      expect(m.body).toContain(env.MAIL_FROM);
    }
    expect(mails.find((m) => m.kind === "address_confirmation")!.body).toContain(`${env.SITE_ORIGIN}/mail/confirm?token=`);
  });
});

describe("issue 9 item 8: what the patron sees, and 「テストメールを送信」", () => {
  it("each address shows its last mail: sent, refused (dead, with a plain reason) or waiting; the advice names MAIL_DOMAIN and MAIL_FROM", async () => {
    const { p, client } = await patron();
    const sent = await insertAddress(p.id);
    const dead = await insertAddress(p.id);
    const waiting = await insertAddress(p.id, fresh(), false);
    const put = (a: AddressRow, status: string, extra: string) =>
      env.DB.prepare(
        `INSERT INTO mail_outbox (patron_id, to_address, address_id, kind, subject, body, dedupe_key, status, created_at, ${extra}) VALUES (?, ?, ?, 'test_mail', 's', 'b', ?, ?, ?, ?)`,
      )
        .bind(p.id, a.address, a.id, `seen:${a.id}`, status, Date.now() - 5000, Date.now() - 4000)
        .run();
    await put(sent, "sent", "sent_at");
    await env.DB.prepare(
      "INSERT INTO mail_outbox (patron_id, to_address, address_id, kind, subject, body, dedupe_key, status, created_at, ended_at, last_error) VALUES (?, ?, ?, 'hold_ready', 's', 'b', ?, 'dead', ?, ?, '550 <mailbox unknown>')",
    )
      .bind(p.id, dead.address, dead.id, `seen:${dead.id}`, Date.now() - 5000, Date.now() - 4000)
      .run();
    await put(waiting, "pending", "next_attempt_at");
    const { html } = await client.page("/account/mail");
    const main = mainOf(html);
    const item = (a: AddressRow) => main.split(`<li class="mail-address" id="mail-address-${a.id}">`)[1]?.split('<li class="mail-address"')[0] ?? "";
    expect(textOf(item(sent))).toContain("テストメール: 送信しました");
    expect(textOf(item(dead))).toContain("予約資料のご用意のお知らせ: 送信できませんでした");
    expect(textOf(item(dead))).toContain("受信拒否の設定がないか");
    // The provider's text is untrusted: escaped.
    expect(item(dead)).toContain("&lt;mailbox unknown&gt;");
    expect(textOf(item(waiting))).toContain("送信待ち");
    expect(textOf(item(waiting))).toContain(env.MAIL_DOMAIN);
    expect(textOf(item(waiting))).toContain(env.MAIL_FROM);
    expect(textOf(item(sent))).toContain("URL付きメールの受信拒否");
  });

  it(`「テストメールを送信」: one per ${TEST_MAIL_INTERVAL_MS / 60_000} minutes per address; the refusal (429, Retry-After) says when it can be sent again; an unconfirmed address is refused`, async () => {
    const { p, client } = await patron();
    const a = await insertAddress(p.id);
    const res = await client.request(`/account/mail/${a.id}/test`, { form: {} });
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/account/mail?done=test");
    const [row] = await outboxOf(p.id, "test_mail");
    expect(row!.dedupe_key).toMatch(new RegExp(`^test:${a.id}:\\d+:\\d+$`));
    expect(Number(row!.dedupe_key.split(":")[3])).toBe(Math.floor((row as unknown as { created_at: number }).created_at / TEST_MAIL_INTERVAL_MS));
    const { html } = await client.page("/account/mail?done=test");
    expect(textOf(mainOf(html))).toContain("テストメールを送りました");
    expect(textOf(mainOf(html))).toContain("以降に送信できます");
    const again = await client.request(`/account/mail/${a.id}/test`, { form: {} });
    expect(again.status).toBe(429);
    expect(Number(again.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(textOf(mainOf(await again.text()))).toMatch(/次は\d{4}年\d+月\d+日（.） \d\d:\d\d以降に送信できます/);
    expect(await outboxOf(p.id, "test_mail")).toHaveLength(1);
    const u = await insertAddress(p.id, fresh(), false);
    const refused = await client.request(`/account/mail/${u.id}/test`, { json: {} });
    expect(refused.status).toBe(409);
    expect(await codesOf(refused)).toEqual(["mail_test_unconfirmed"]);
  });

  it("「テストメールを送信」 for a new address that SQLite gave the id of one just deleted: sent at once, not throttled by the deleted one's", async () => {
    const { p, client } = await patron();
    const old = await insertAddress(p.id);
    expect((await client.request(`/account/mail/${old.id}/test`, { form: {} })).status).toBe(303);
    await env.DB.prepare("DELETE FROM mail_addresses WHERE id = ?").bind(old.id).run();
    await env.DB.prepare("INSERT INTO mail_addresses (id, patron_id, address, confirmed_at, created_at) VALUES (?, ?, ?, ?, ?)")
      .bind(old.id, p.id, fresh(), Date.now(), Date.now())
      .run();
    const res = await client.request(`/account/mail/${old.id}/test`, { form: {} });
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/account/mail?done=test");
    expect(await outboxOf(p.id, "test_mail")).toHaveLength(2);
  });

  it("issue 9 item 6: the reminders form saves 「返却期限のお知らせ」 and the hold shelf's reminder (one upsert), shown checked", async () => {
    const { p, client } = await patron();
    const res = await client.request("/account/mail/preferences", { form: { dueReminder: "1" } });
    expect(res.status).toBe(303);
    const row = await env.DB.prepare("SELECT due_reminder, shelf_reminder FROM mail_preferences WHERE patron_id = ?").bind(p.id).first<{ due_reminder: number; shelf_reminder: number }>();
    expect(row).toEqual({ due_reminder: 1, shelf_reminder: 0 });
    const { html } = await client.page("/account/mail");
    expect(mainOf(html)).toMatch(/name="dueReminder" value="1" checked/);
    expect(mainOf(html)).not.toMatch(/name="shelfReminder" value="1" checked/);
    await client.request("/account/mail/preferences", { json: { shelfReminder: true } });
    expect(await env.DB.prepare("SELECT due_reminder, shelf_reminder FROM mail_preferences WHERE patron_id = ?").bind(p.id).first()).toEqual({ due_reminder: 0, shelf_reminder: 1 });
  });
});

describe("CSRF and authorization", () => {
  it("CSRF: a form post without the _csrf token, or from another site, is refused (403) and writes nothing", async () => {
    const { p, client } = await patron();
    const a = await insertAddress(p.id);
    const noToken = await client.request("/account/mail", { form: { _csrf: "", op: "change", address: fresh(), password: PASSWORD } });
    expect(noToken.status).toBe(403);
    const foreign = await client.request(`/account/mail/${a.id}`, { form: { op: "delete" }, headers: { origin: "https://evil.example", "sec-fetch-site": "cross-site" } });
    expect(foreign.status).toBe(403);
    const confirm = await client.request("/mail/confirm", { form: { _csrf: "", token: "a".repeat(43) } });
    expect(confirm.status).toBe(403);
    expect(await addressesOf(p.id)).toHaveLength(1);
    expect(await outboxOf(p.id)).toEqual([]);
  });

  it("patron A never sees or touches B's addresses or mail log: every route on B's address answers 404 and B is unchanged", async () => {
    const { p: b } = await patron();
    const bAddress = await insertAddress(b.id, fresh("otsu"));
    const bPending = await insertAddress(b.id, fresh("otsu"), false);
    await env.DB.prepare("INSERT INTO mail_outbox (patron_id, to_address, address_id, kind, subject, body, dedupe_key, status, sent_at, created_at) VALUES (?, ?, ?, 'test_mail', 'B件名', 'b', ?, 'sent', 2, 1)")
      .bind(b.id, bAddress.address, bAddress.id, `b:${bAddress.id}`)
      .run();
    const snapshot = async () => ({ a: await addressesOf(b.id), o: await outboxOf(b.id) });
    const before = await snapshot();
    const { client } = await patron();
    const { html } = await client.page("/account/mail");
    expect(html).not.toContain(bAddress.address);
    const json = await client.request("/account/mail");
    expect(await json.text()).not.toContain(bAddress.address);
    for (const [path, form] of [
      [`/account/mail/${bAddress.id}`, { op: "delete" }],
      [`/account/mail/${bAddress.id}`, { op: "change", address: fresh(), password: PASSWORD }],
      [`/account/mail/${bAddress.id}`, {}],
      [`/account/mail/${bAddress.id}/test`, {}],
      [`/account/mail/${bPending.id}/resend`, {}],
    ] as const) {
      const res = await client.request(path, { form });
      expect(res.status, `${path} ${JSON.stringify(form)}`).toBe(404);
      expect(await res.text()).not.toContain(bAddress.address);
      await client.page("/account/mail");
    }
    expect(await snapshot()).toEqual(before);
  });
});

describe("concurrent requests (every write one batch with guarded WHEREs)", () => {
  it("R40: three registrations at once when two addresses exist: exactly one is written, the others refused with mail_address_limit — never a 500, never the trigger", async () => {
    const { p, client } = await patron();
    await insertAddress(p.id);
    await insertAddress(p.id);
    const answers = await Promise.all([fresh(), fresh(), fresh()].map((address) => client.request("/account/mail", { json: { op: "change", address, password: PASSWORD } })));
    const statuses = answers.map((r) => r.status).sort();
    expect(statuses[0]).toBe(200);
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    for (const r of answers) if (r.status !== 200) expect(await codesOf(r)).toEqual(["mail_address_limit"]);
    expect(await addressesOf(p.id)).toHaveLength(MAIL_ADDRESS_LIMIT);
    expect(await outboxOf(p.id, "address_confirmation")).toHaveLength(1);
  });

  it("R41: the same link pressed five times at once confirms once (one audit row); the others get the invalid-link answer", async () => {
    const { p, client } = await patron();
    expect((await add(client, fresh())).status).toBe(303);
    const token = tokenOf((await outboxOf(p.id, "address_confirmation"))[0]!.body);
    const answers = await Promise.all(Array.from({ length: 5 }, () => new TestClient().request("/mail/confirm", { json: { token } })));
    expect(answers.map((r) => r.status).sort()).toEqual([200, 404, 404, 404, 404]);
    const audits = await env.DB.prepare("SELECT count(*) AS n FROM audit_log WHERE action = 'mail_address_confirmed' AND actor_id = ?").bind(p.id).first<{ n: number }>();
    expect(Number(audits!.n)).toBe(1);
  });

  it("「テストメールを送信」 pressed three times at once writes one test mail", async () => {
    const { p, client } = await patron();
    const a = await insertAddress(p.id);
    const answers = await Promise.all(Array.from({ length: 3 }, () => client.request(`/account/mail/${a.id}/test`, { json: {} })));
    expect(answers.map((r) => r.status).sort()).toEqual([200, 429, 429]);
    expect(await outboxOf(p.id, "test_mail")).toHaveLength(1);
  });
});

describe("bad input is a Japanese answer, never a 500", () => {
  it("ids, bodies and addresses that are not what the form sends", async () => {
    const { p, client } = await patron();
    const a = await insertAddress(p.id);
    const cases: [string, Parameters<TestClient["request"]>[1]][] = [
      ["/account/mail/abc", { form: { op: "delete" } }],
      ["/account/mail/0", { form: { op: "delete" } }],
      ["/account/mail/99999999999999999999", { form: { op: "delete" } }],
      ["/account/mail/abc/test", { json: {} }],
      ["/account/mail", { json: [1, 2] }],
      ["/account/mail", { json: "text" }],
      ["/account/mail", { json: { op: "change", address: 42, password: { x: 1 } } }],
      ["/account/mail", { form: { op: "change", address: "x".repeat(5000), password: PASSWORD } }],
      ["/account/mail", { form: { op: "change", address: "a\u0000b@example.jp\r\nBcc: x@evil.example", password: PASSWORD } }],
      ["/account/mail", { form: { op: "change", address: "", password: PASSWORD } }],
      [`/account/mail/${a.id}`, { form: { op: "rename", address: fresh() } }],
      ["/account/mail", { headers: { "content-type": "application/json" }, method: "POST" }],
    ];
    for (const [path, opts] of cases) {
      await client.page("/account/mail");
      const res = await client.request(path, opts);
      expect(res.status, `${path} ${JSON.stringify(opts)}`).toBeGreaterThanOrEqual(400);
      expect(res.status, `${path} ${JSON.stringify(opts)}`).toBeLessThan(500);
      await res.arrayBuffer();
    }
    expect((await addressesOf(p.id)).map((r) => r.address)).toEqual([a.address]);
  });
});
