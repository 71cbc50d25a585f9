// R40, R41, R42, R44 (issue 9 items 1, 3, 8): 「メールアドレスの登録・変更・削除」 and what the patron sees of their mail.
//
//   mailSettings(db, patronId, now)                  the addresses (未確認 / 確認済み, last mail and its fate, when a
//                                                    test mail may be sent) and the reminder preferences
//   addAddress / changeAddress(db, env, input)       R42 through domain/mail-address.ts checkMailAddress (refusals
//                                                    with every reason; warnings answered as `warned` unless the
//                                                    patron chose 「このまま登録する」), the password asked again
//                                                    (the login throttle: a wrong one counts as a failed login), then
//                                                    ONE batch: the address, its confirmation (R41), the notices to the
//                                                    other confirmed addresses, the audit row
//   deleteAddress(db, env, input)                    the notices, then the guarded DELETE (no password: removing an
//                                                    address cannot send the patron's mail anywhere new)
//   resendConfirmation / sendTestMail / savePreferences / confirmMailAddress
// Another patron's address is answered exactly like one that does not exist (404 mail_address_not_found). Mails are
// composed here, at enqueue, as plain text through mail/text.ts, with the library's name and the site's URL (R44).
import { findLoginByPatronId } from "../data/credentials.ts";
import { runBatch, type Db } from "../data/db.ts";
import {
  addAddressStatements,
  changeAddressStatements,
  confirmStatements,
  deleteAddressStatements,
  linkState,
  loadMailSettings,
  preferencesStatement,
  resendStatements,
  runWrite,
  testMailStatement,
  type ComposedMail,
  type IssueLink,
  type MailAddressRow,
} from "../data/mail-settings.ts";
import type { MailAddressWarning } from "../domain/mail-address.ts";
import { decideAddressSlot } from "../domain/mail-settings.ts";
import { MESSAGES } from "../domain/messages.ts";
import { MAIL_ADDRESS_LIMIT, MAIL_CONFIRM_TTL_MS, TEST_MAIL_INTERVAL_MS } from "../domain/policy.ts";
import type { Env } from "../env.ts";
import { AppError, reason, refusal, type Reason } from "../errors.ts";
import { oneLine, plainBody } from "../mail/text.ts";
import { patronAttemptScope } from "./login.ts";
import { requirePepper, verifyNothing, verifyPassword } from "./password-hash.ts";
import { releaseAttempt, reserveAttempt } from "./throttle.ts";
import { randomKey, sha256Hex } from "./tokens.ts";

export type MailEnv = Pick<Env, "PASSWORD_PEPPER" | "LIBRARY_NAME" | "SITE_NAME" | "SITE_ORIGIN" | "MAIL_FROM" | "MAIL_DOMAIN">;

export interface MailSettings {
  addresses: MailAddressRow[];
  preferences: { dueReminder: boolean; shelfReminder: boolean };
  limit: number;
  /** R40: another address may be registered. */
  canAdd: boolean;
  /** R20, R41: active holds with contact メール while no address is confirmed: their notices cannot go. */
  unannouncedMailHolds: number;
}

export async function mailSettings(db: Db, patronId: number): Promise<MailSettings> {
  const { addresses, preferences, unannouncedMailHolds } = await loadMailSettings(db, patronId);
  return { addresses, preferences, limit: MAIL_ADDRESS_LIMIT, canAdd: addresses.length < MAIL_ADDRESS_LIMIT, unannouncedMailHolds };
}

/** When 「テストメールを送信」 works again for this address (TEST_MAIL_INTERVAL_MS after the last), or null: now. */
export function testAvailableAt(a: Pick<MailAddressRow, "lastTestAt">, now: number): number | null {
  if (a.lastTestAt === null) return null;
  const at = a.lastTestAt + TEST_MAIL_INTERVAL_MS;
  return at > now ? at : null;
}

// ---- the mails (composed at enqueue; plain text, R44) ----------------------------------------------------------

/** `ta***@docomo.ne.jp`: enough for the patron to recognise the address, not enough to hand it to a reader. */
export function maskAddress(address: string): string {
  const at = address.lastIndexOf("@");
  if (at < 1) return "***";
  const local = address.slice(0, at);
  return `${local.slice(0, Math.min(2, Math.max(1, local.length - 1)))}***${address.slice(at)}`;
}

function footer(env: MailEnv): string {
  return [
    "",
    "--",
    `${env.LIBRARY_NAME}`,
    `${env.SITE_NAME} ${env.SITE_ORIGIN}/`,
    `このメールは送信専用のアドレス（${env.MAIL_FROM}）からプログラムで自動送信しています。返信はできません。`,
  ].join("\n");
}

function mail(env: MailEnv, subject: string, lines: string[]): ComposedMail {
  return { subject: oneLine(`【${env.LIBRARY_NAME}】${subject}`, 120), body: plainBody(`${lines.map((l) => oneLine(l, 500)).join("\n")}\n${footer(env)}\n`) };
}

function confirmationMail(env: MailEnv, token: string): ComposedMail {
  return mail(env, "メールアドレスの確認", [
    `${env.LIBRARY_NAME}です。`,
    "このメールアドレスが、図書館のホームページで通知の送り先として登録されました。",
    `次のリンクを開き、「確認する」を押すと登録が完了します（${MAIL_CONFIRM_TTL_MS / 3_600_000}時間以内、1回だけ使えます）。`,
    "",
    `${env.SITE_ORIGIN}/mail/confirm?token=${token}`,
    "",
    "心当たりのない場合は、このメールを破棄してください。リンクを開かなければ登録されません。",
  ]);
}

function noticeMail(env: MailEnv, what: "added" | "changed" | "removed", address: string, previous?: string): ComposedMail {
  const subject = { added: "メールアドレスが登録されました", changed: "メールアドレスが変更されました", removed: "メールアドレスが削除されました" }[what];
  const line =
    what === "added"
      ? `通知の送り先に、新しいメールアドレス（${maskAddress(address)}）が登録されました。`
      : what === "changed"
        ? `通知の送り先のメールアドレス（${maskAddress(previous ?? "")}）が、${maskAddress(address)} に変更されました。`
        : `通知の送り先から、メールアドレス（${maskAddress(address)}）が削除されました。`;
  return mail(env, subject, [
    `${env.LIBRARY_NAME}です。`,
    line,
    "この手続きに心当たりのない場合は、パスワードを変更し、図書館にお問い合わせください。",
    `メールアドレスの設定: ${env.SITE_ORIGIN}/account/mail`,
  ]);
}

function testMail(env: MailEnv): ComposedMail {
  return mail(env, "テストメール", [
    `${env.LIBRARY_NAME}です。`,
    "メールアドレスの設定画面から送信されたテストメールです。",
    "このメールが届いていれば、予約の連絡などのお知らせを受け取れます。",
    "お知らせのメールには図書館のホームページのURLが入ります。URL付きのメールを受け取れるように設定しておいてください。",
    `メールアドレスの設定: ${env.SITE_ORIGIN}/account/mail`,
  ]);
}

async function newLink(env: MailEnv): Promise<{ token: string; link: IssueLink }> {
  const token = randomKey(32);
  return { token, link: { tokenHash: await sha256Hex(token), confirmation: confirmationMail(env, token) } };
}

// ---- the password asked again (R40; the login throttle) ---------------------------------------------------------

export interface PasswordAsk {
  password: string;
  clientAddress: string | null;
  deviceCookie?: string | null;
}

/**
 * The password asked again before an address is added or changed: held to the login throttle (a wrong password
 * counts as a failed login of the card). Answers the reservation to release in the success batch, or the reasons.
 */
async function askPassword(db: Db, env: MailEnv, patronId: number, ask: PasswordAsk, now: number): Promise<{ reservationId: number | null; reasons: Reason[] }> {
  if (ask.password === "") return { reservationId: null, reasons: [reason("mail_password_required", "password")] };
  const pepper = requirePepper(env);
  const login = await findLoginByPatronId(db, patronId);
  if (!login) throw refusal("unauthorized", [reason("login_required")]);
  const scope = await patronAttemptScope(env, { card: login.cardNumber, clientAddress: ask.clientAddress, deviceCookie: ask.deviceCookie, now });
  const reservationId = await reserveAttempt(db, scope, { now, clientAddress: ask.clientAddress, throttledAction: "login_throttled" });
  const ok = login.hash ? (await verifyPassword(ask.password, login.hash, pepper)).ok : await verifyNothing(ask.password, pepper);
  // A wrong password leaves the reservation as the failure; a right one is released (here or in the write's batch).
  return ok ? { reservationId, reasons: [] } : { reservationId: null, reasons: [reason("mail_password_wrong", "password")] };
}

async function release(db: Db, reservationId: number | null): Promise<void> {
  if (reservationId !== null) await runBatch(db, [releaseAttempt(db, reservationId)]);
}

// ---- 「変更する」 (add or change) --------------------------------------------------------------------------------

export interface AddressInput extends PasswordAsk {
  patronId: number;
  /** What was typed. */
  address: string;
  /** 「このまま登録する」: the patron saw the warnings and keeps the address. */
  keep: boolean;
  now: number;
}

export type AddressOutcome =
  | { kind: "saved"; addressId: number; address: string }
  /** 「変更する」 with the address it already has (or a retry of a change that was made): nothing written. */
  | { kind: "unchanged"; addressId: number; address: string }
  /** R42: a likely typo — nothing written; the patron is asked to look again, and may keep it. */
  | { kind: "warned"; address: string; warnings: (MailAddressWarning & { message: string })[] };

function warned(address: string, warnings: MailAddressWarning[]): AddressOutcome {
  return { kind: "warned", address, warnings: warnings.map((w) => ({ ...w, message: MESSAGES[w.code] })) };
}

function byId(addresses: MailAddressRow[], id: number): MailAddressRow | undefined {
  return addresses.find((a) => a.id === id);
}

/** The decision of domain/mail-settings.ts, asked together with the password: every reason at once, or the address. */
async function decideWithPassword(db: Db, env: MailEnv, input: AddressInput, addresses: MailAddressRow[], slotId: number | null) {
  const d = decideAddressSlot({ addresses, slotId, typed: input.address, keep: input.keep });
  if (d.kind === "unchanged" || d.kind === "warned") return d;
  const pw = await askPassword(db, env, input.patronId, input, input.now);
  const reasons = [...(d.kind === "refused" ? d.reasons.map((r) => reason(r.code, r.field)) : []), ...pw.reasons];
  if (d.kind === "refused" || reasons.length > 0) {
    await release(db, pw.reservationId);
    throw refusal("bad_request", reasons);
  }
  return { kind: "ok" as const, address: d.address, reservationId: pw.reservationId };
}

/** R40, R41: a new address (「変更する」 on the empty slot). */
export async function addAddress(db: Db, env: MailEnv, input: AddressInput): Promise<AddressOutcome> {
  const { addresses } = await loadMailSettings(db, input.patronId);
  const d = await decideWithPassword(db, env, input, addresses, null);
  if (d.kind === "warned") return warned(d.address, d.warnings);
  // The empty slot has no address of its own to be "unchanged" against (decideAddressSlot never answers it here).
  if (d.kind === "unchanged") throw refusal("bad_request", [reason("mail_address_exists", "address")]);
  const c = { address: d.address };
  const pw = { reservationId: d.reservationId };
  const { link } = await newLink(env);
  const added = await runWrite(
    db,
    addAddressStatements(db, {
      patronId: input.patronId,
      address: c.address,
      link,
      notice: noticeMail(env, "added", c.address),
      now: input.now,
      clientAddress: input.clientAddress,
      reservationId: pw.reservationId,
    }),
  );
  const after = await loadMailSettings(db, input.patronId);
  const row = after.addresses.find((a) => a.address === c.address);
  if (added > 0 && row) return { kind: "saved", addressId: row.id, address: c.address };
  await release(db, pw.reservationId);
  // Nothing written: a parallel request took the last slot or registered the same address first.
  throw refusal("conflict", [reason(row ? "mail_address_exists" : "mail_address_limit")]);
}

/** R40 「変更する」, R41: an address replaced by a new, unconfirmed one. */
export async function changeAddress(db: Db, env: MailEnv, input: AddressInput & { addressId: number }): Promise<AddressOutcome> {
  const { addresses } = await loadMailSettings(db, input.patronId);
  const current = byId(addresses, input.addressId);
  if (!current) throw refusal("not_found", [reason("mail_address_not_found")]);
  const d = await decideWithPassword(db, env, input, addresses, current.id);
  if (d.kind === "unchanged") return { kind: "unchanged", addressId: current.id, address: current.address };
  if (d.kind === "warned") return warned(d.address, d.warnings);
  const c = { address: d.address };
  const pw = { reservationId: d.reservationId };
  const { link } = await newLink(env);
  const changed = await runWrite(
    db,
    changeAddressStatements(db, {
      patronId: input.patronId,
      addressId: current.id,
      previous: current.address,
      address: c.address,
      link,
      notice: noticeMail(env, "changed", c.address, current.address),
      now: input.now,
      clientAddress: input.clientAddress,
      reservationId: pw.reservationId,
    }),
  );
  if (changed > 0) return { kind: "saved", addressId: current.id, address: c.address };
  await release(db, pw.reservationId);
  const now = byId((await loadMailSettings(db, input.patronId)).addresses, current.id);
  if (!now) throw refusal("not_found", [reason("mail_address_not_found")]);
  if (now.address === c.address) return { kind: "unchanged", addressId: now.id, address: now.address };
  throw refusal("conflict", [reason("mail_address_changed_meanwhile")]);
}

// ---- 「削除する」 ------------------------------------------------------------------------------------------------

export async function deleteAddress(
  db: Db,
  env: MailEnv,
  input: { patronId: number; addressId: number; now: number; clientAddress: string | null },
): Promise<{ address: string }> {
  const current = byId((await loadMailSettings(db, input.patronId)).addresses, input.addressId);
  if (!current) throw refusal("not_found", [reason("mail_address_not_found")]);
  // 0 rows deleted means a parallel request deleted it first (and told the others): the patron's wish holds either way.
  await runWrite(
    db,
    deleteAddressStatements(db, { patronId: input.patronId, addressId: current.id, notice: noticeMail(env, "removed", current.address), now: input.now, clientAddress: input.clientAddress }),
    -1,
  );
  return { address: current.address };
}

// ---- 「確認メールを再送」 and 「テストメールを送信」 ------------------------------------------------------------------

export async function resendConfirmation(db: Db, env: MailEnv, input: { patronId: number; addressId: number; now: number }): Promise<{ address: string }> {
  const current = byId((await loadMailSettings(db, input.patronId)).addresses, input.addressId);
  if (!current) throw refusal("not_found", [reason("mail_address_not_found")]);
  if (current.confirmed) throw refusal("conflict", [reason("mail_already_confirmed")]);
  const { link } = await newLink(env);
  const changed = await runWrite(db, resendStatements(db, { patronId: input.patronId, addressId: current.id, link, now: input.now }));
  if (changed > 0) return { address: current.address };
  const again = byId((await loadMailSettings(db, input.patronId)).addresses, current.id);
  if (!again) throw refusal("not_found", [reason("mail_address_not_found")]);
  if (again.confirmed) throw refusal("conflict", [reason("mail_already_confirmed")]);
  throw new AppError("too_many_requests", MESSAGES.mail_resend_too_soon, [reason("mail_resend_too_soon")]);
}

/** A refusal that says when 「テストメールを送信」 works again (429). */
export class TestMailTooSoon extends AppError {
  readonly availableAt: number;
  readonly retryAfterSeconds: number;
  constructor(availableAt: number, now: number, when: string) {
    const message = `テストメールは${TEST_MAIL_INTERVAL_MS / 60_000}分に1回まで送信できます。次は${when}以降に送信できます。`;
    super("too_many_requests", message, [{ code: "mail_test_too_soon", message }]);
    this.availableAt = availableAt;
    this.retryAfterSeconds = Math.max(1, Math.ceil((availableAt - now) / 1000));
  }
}

export async function sendTestMail(
  db: Db,
  env: MailEnv,
  input: { patronId: number; addressId: number; now: number; formatTime: (ms: number) => string },
): Promise<{ address: string }> {
  const current = byId((await loadMailSettings(db, input.patronId)).addresses, input.addressId);
  if (!current) throw refusal("not_found", [reason("mail_address_not_found")]);
  if (!current.confirmed) throw refusal("conflict", [reason("mail_test_unconfirmed")]);
  const written = await runWrite(db, [testMailStatement(db, { patronId: input.patronId, addressId: current.id, mail: testMail(env), now: input.now })]);
  if (written > 0) return { address: current.address };
  const again = byId((await loadMailSettings(db, input.patronId)).addresses, current.id);
  if (!again) throw refusal("not_found", [reason("mail_address_not_found")]);
  const at = testAvailableAt(again, input.now) ?? input.now + TEST_MAIL_INTERVAL_MS;
  throw new TestMailTooSoon(at, input.now, input.formatTime(at));
}

// ---- the reminders (issue 9 item 6) ---------------------------------------------------------------------------

export async function savePreferences(db: Db, input: { patronId: number; dueReminder: boolean; shelfReminder: boolean; now: number }): Promise<void> {
  await runWrite(db, [preferencesStatement(db, input)]);
}

// ---- 「確認する」 (R41; no login needed: the link is the proof) ---------------------------------------------------

/** A link's token has this shape (randomKey(32): 43 base64url characters); anything else is simply not a link. */
const TOKEN = /^[A-Za-z0-9_-]{43}$/;

export function isLinkToken(raw: string | undefined): raw is string {
  return typeof raw === "string" && TOKEN.test(raw);
}

export async function confirmMailAddress(db: Db, input: { token: string; now: number; clientAddress: string | null }): Promise<void> {
  if (!isLinkToken(input.token)) throw refusal("not_found", [reason("mail_link_invalid")]);
  const tokenHash = await sha256Hex(input.token);
  const changed = await runWrite(db, confirmStatements(db, { tokenHash, now: input.now, clientAddress: input.clientAddress }), -1);
  if (changed > 0) return;
  const state = await linkState(db, tokenHash);
  throw state === "expired" ? refusal("conflict", [reason("mail_link_expired")]) : refusal("not_found", [reason("mail_link_invalid")]);
}
