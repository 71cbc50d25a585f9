// R40, R41, R44 (issue 9 items 1, 3, 8): 「メールアドレスの登録・変更・削除」 and the public 「確認する」 page, as plain
// HTML forms that work without JavaScript on a 320-px screen. Every interpolation goes through hono/html's `html`
// (h), which escapes it: addresses and provider errors are untrusted text. No inline scripts or styles. The
// MailSettings island (site/src/islands/MailSettings.tsx) enhances the forms of class mail-form when JavaScript runs.
import { tokyoDay } from "../domain/calendar.ts";
import { DUE_REMINDER_DAYS_BEFORE, MAIL_ADDRESS_LIMIT, MAIL_CONFIRM_TTL_MS, TEST_MAIL_INTERVAL_MS } from "../domain/policy.ts";
import type { OutboxKind } from "../domain/vocabulary.ts";
import type { MailAddressRow } from "../data/mail-settings.ts";
import { testAvailableAt, type MailSettings } from "../services/mail-settings.ts";
import { errorBox, h, type FormError, type Html } from "./forms.ts";
import { dayWords } from "./holds.ts";

export const MAIL_TITLE = "メールアドレスの登録・変更・削除";
export const MAIL_CONFIRM_TITLE = "メールアドレスの確認";
export const CHANGE_OP_LABEL = "変更する";
export const DELETE_OP_LABEL = "削除する";
export const SUBMIT_LABEL = "確認";
export const KEEP_LABEL = "このまま登録する";
export const RESEND_LABEL = "確認メールを再送";
export const TEST_LABEL = "テストメールを送信";
export const CONFIRM_LABEL = "確認する";
export const UNCONFIRMED_WORDS = "未確認";
export const CONFIRMED_WORDS = "確認済み";
export const DUE_REMINDER_LABEL = "返却期限のお知らせ";
export const SHELF_REMINDER_LABEL = "お取り置き期限のお知らせ";

/** What the page may say after a redirect: only these codes are accepted from the query, nothing is echoed. */
export const MAIL_NOTICES = {
  added: "メールアドレスを登録しました。確認メールを送りましたので、メールのリンクを開いて「確認する」を押してください。確認するまでは「未確認」で、お知らせは届きません。",
  changed: "メールアドレスを変更しました。新しいアドレスに確認メールを送りましたので、メールのリンクを開いて「確認する」を押してください。",
  deleted: "メールアドレスを削除しました。",
  unchanged: "メールアドレスは変わっていません（登録済みのアドレスと同じです）。",
  resent: "確認メールを送り直しました。前に送ったリンクは使えなくなりました。",
  test: "テストメールを送りました。数分たっても届かないときは、下の「図書館からのメールが届かないとき」をご覧ください。",
  prefs: "お知らせの設定を保存しました。",
} as const;
export type MailNoticeCode = keyof typeof MAIL_NOTICES;

export function mailNoticeCode(raw: string | undefined): MailNoticeCode | undefined {
  return raw !== undefined && Object.hasOwn(MAIL_NOTICES, raw) ? (raw as MailNoticeCode) : undefined;
}

const KIND_WORDS: Record<OutboxKind, string> = {
  address_confirmation: "確認メール",
  address_notice: "メールアドレスの登録・変更のお知らせ",
  hold_ready: "予約資料のご用意のお知らせ",
  due_reminder: DUE_REMINDER_LABEL,
  shelf_reminder: SHELF_REMINDER_LABEL,
  test_mail: "テストメール",
};

/** A time as the page says it, in Tokyo: 「2026年12月2日（水） 15:04」. */
export function timeWords(ms: number): string {
  const t = new Date(ms + 9 * 3_600_000);
  const hh = String(t.getUTCHours()).padStart(2, "0");
  const mm = String(t.getUTCMinutes()).padStart(2, "0");
  return `${dayWords(tokyoDay(ms))} ${hh}:${mm}`;
}

export interface MailEnvWords {
  domain: string;
  from: string;
}

/** R44: which domain and sender to allow (the guide's ドメイン指定受信 / アドレス指定受信). */
export function allowAdvice(m: MailEnvWords): Html {
  return h`<ul class="mail-advice">
<li>ドメイン指定受信をしている場合は、「<strong>${m.domain}</strong>」からのメールを受信するように設定してください。</li>
<li>アドレス指定受信をしている場合は、「<strong>${m.from}</strong>」からのメールを受信するように設定してください。</li>
<li>図書館からのメールは、携帯電話あてのものもパソコンから自動で送っています。携帯電話からのメールだけを受け取る設定になっていないか確認してください。</li>
</ul>`;
}

/** R44: the notices carry the site's URL; URL-mail blocking keeps them away. */
export const URL_ADVICE = "予約連絡などのお知らせには図書館ホームページのURLが入っています。迷惑メール対策で「URL付きメールの受信拒否」を設定していると届きません。URL付きメールを受け取れるように設定してください。";

function fateHtml(last: NonNullable<MailAddressRow["last"]>): Html {
  switch (last.status) {
    case "sent":
      return h`<span class="mail-fate mail-sent">送信しました</span>（${timeWords(last.sentAt ?? last.createdAt)}）`;
    case "dead":
      return h`<span class="mail-fate mail-dead">送信できませんでした</span>（${timeWords(last.endedAt ?? last.createdAt)}）<br><small>相手のメールサーバーに受け取りを断られたか、何度送っても届きませんでした。アドレスに誤りがないか、受信拒否の設定がないか確認してください。${
        last.error ? h`（詳細: ${last.error.slice(0, 120)}）` : ""
      }</small>`;
    case "cancelled":
      return h`<span class="mail-fate mail-cancelled">送信を取りやめました</span>（アドレスの変更・削除などのため）`;
    default:
      return h`<span class="mail-fate mail-waiting">送信待ち</span>（${timeWords(last.createdAt)}に受付）`;
  }
}

/** The state of one form after a refused or warned post: the value typed, the error, the warnings. */
export interface MailFormState {
  /** "new" or the address id. */
  form: "new" | number;
  value: string;
  op?: "change" | "delete";
  error?: FormError;
  warnings?: { message: string; suggestion: string | null }[];
}

function addressFields(id: string, value: string, state: MailFormState | undefined, current: boolean): Html {
  const atFault = !!state?.error?.reasons.some((r) => r.field === "address");
  const pwFault = !!state?.error?.reasons.some((r) => r.field === "password");
  const warnings = state?.warnings ?? [];
  return h`<p class="field"><label for="${id}-address">${current ? "新しいメールアドレス（変更するとき）" : "メールアドレス"}</label><br>
<input id="${id}-address" name="address" type="text" inputmode="email" autocomplete="email" autocapitalize="off" spellcheck="false" maxlength="320" value="${value}"${
    atFault ? h` aria-invalid="true" aria-describedby="mail-errors"` : warnings.length ? h` aria-describedby="${id}-warnings"` : ""
  }></p>
<p class="field"><label for="${id}-password">パスワード${current ? "（変更するときに入力）" : ""}</label><br>
<small class="hint">本人確認のため、ログインのパスワードをもう一度入力してください。</small><br>
<input id="${id}-password" name="password" type="password" autocomplete="current-password"${pwFault ? h` aria-invalid="true" aria-describedby="mail-errors"` : ""}></p>
${
  warnings.length
    ? h`<div id="${id}-warnings" class="note mail-warnings" role="alert"><ul>${warnings.map(
        (w) => h`<li>${w.message}${w.suggestion ? h` 「${w.suggestion}」ではありませんか。` : ""}</li>`,
      )}</ul>
<p><label class="choice"><input type="checkbox" name="keep" value="1"> ${KEEP_LABEL}</label></p></div>`
    : ""
}`;
}

function addressItem(a: MailAddressRow, n: number, v: MailSettingsView): Html {
  const id = `mail-${a.id}`;
  const state = v.form?.form === a.id ? v.form : undefined;
  const op = state?.op;
  const testAt = testAvailableAt(a, v.now);
  return h`<li class="mail-address" id="mail-address-${a.id}">
<h2 id="${id}-title">メールアドレス${n}</h2>
<dl class="details">
<dt>アドレス</dt><dd class="mail-text">${a.address}</dd>
<dt>状態</dt><dd><strong class="mail-state">${a.confirmed ? CONFIRMED_WORDS : UNCONFIRMED_WORDS}</strong></dd>
<dt>最後のお知らせ</dt><dd>${a.last ? h`${KIND_WORDS[a.last.kind]}: ${fateHtml(a.last)}` : "まだありません"}</dd>
</dl>
${
  a.confirmed
    ? h`<p class="hint">${URL_ADVICE}</p>
${
  testAt === null
    ? h`<form method="post" action="/account/mail/${a.id}/test" class="mail-form mail-test">${v.csrf}<p><button type="submit" aria-describedby="${id}-title">${TEST_LABEL}</button></p></form>`
    : h`<p class="hint">テストメールは${TEST_MAIL_INTERVAL_MS / 60_000}分に1回まで送信できます。次は${timeWords(testAt)}以降に送信できます。</p>`
}`
    : h`<div class="note mail-unconfirmed"><p>このアドレスは<strong>${UNCONFIRMED_WORDS}</strong>です。確認メールのリンクを開いて「${CONFIRM_LABEL}」を押すまで、予約の連絡などのお知らせは届きません。${
        a.confirmExpiresAt !== null && a.confirmExpiresAt > v.now ? h`リンクは${timeWords(a.confirmExpiresAt)}まで使えます。` : h`送ったリンクは有効期限が切れています。`
      }</p>
<p>確認メールが届かないときは、アドレスに誤りがないか確かめ、次の設定を確認してから「${RESEND_LABEL}」を押してください。</p>
${allowAdvice(v.mail)}
<form method="post" action="/account/mail/${a.id}/resend" class="mail-form mail-resend">${v.csrf}<p><button type="submit" aria-describedby="${id}-title">${RESEND_LABEL}</button></p></form></div>`
}
<form method="post" action="/account/mail/${a.id}" class="mail-form mail-edit" id="${id}-form">${v.csrf}
<fieldset><legend>このメールアドレスを</legend>
<label class="choice"><input type="radio" name="op" value="change"${op === "change" ? h` checked` : ""}> ${CHANGE_OP_LABEL}</label>
<label class="choice"><input type="radio" name="op" value="delete"${op === "delete" ? h` checked` : ""}> ${DELETE_OP_LABEL}</label>
</fieldset>
${addressFields(id, state?.value ?? a.address, state, true)}
<p><button type="submit">${SUBMIT_LABEL}</button></p>
</form>
</li>`;
}

export interface MailSettingsView {
  settings: MailSettings;
  csrf: Html;
  now: number;
  mail: MailEnvWords;
  notice?: MailNoticeCode;
  /** The form that was just refused or warned, as it was filled. */
  form?: MailFormState;
}

/** 「メールアドレスの登録・変更・削除」: each address with its state and last mail; the empty slot; the reminders. */
export function mailSettingsMain(v: MailSettingsView): Html {
  const s = v.settings;
  const fresh = v.form?.form === "new" ? v.form : undefined;
  return h`<h1>${MAIL_TITLE}</h1>
${v.notice ? h`<p class="note" role="status">${MAIL_NOTICES[v.notice]}</p>${v.notice === "test" || v.notice === "added" || v.notice === "changed" ? allowAdvice(v.mail) : ""}` : ""}
${errorBox("mail-errors", v.form?.error)}
<p>予約の連絡などをメールで受け取るアドレスです。${MAIL_ADDRESS_LIMIT}つ（パソコン、携帯電話を併せて）まで登録できます（いま${s.addresses.length}つ）。登録・変更するときは「${CHANGE_OP_LABEL}」を選んでアドレスとパスワードを入力し、削除するときは「${DELETE_OP_LABEL}」を選んで、「${SUBMIT_LABEL}」を押してください。</p>
<p>登録・変更すると、そのアドレスに確認メールが届きます（リンクは${MAIL_CONFIRM_TTL_MS / 3_600_000}時間有効）。リンクを開いて「${CONFIRM_LABEL}」を押すまでは「${UNCONFIRMED_WORDS}」で、お知らせは届きません。登録・削除したときは、ほかの確認済みのアドレスにもお知らせします。</p>
<p class="hint">「.」（ドット）が2つ続くアドレスや、「@」の直前が「.」のアドレスには、図書館からメールを送信できません。</p>
${s.addresses.length ? h`<ul class="mail-addresses">${s.addresses.map((a, i) => addressItem(a, i + 1, v))}</ul>` : h`<p>まだメールアドレスは登録されていません。</p>`}
${
  s.unannouncedMailHolds > 0
    ? h`<p class="note mail-unannounced">連絡方法が「メール」の予約が${s.unannouncedMailHolds}件ありますが、確認済みのメールアドレスがないため、ご用意できたお知らせのメールは届きません。メールアドレスを登録して確認するか、<a href="/holds">予約状況一覧</a>で状態とお取り置き期限をご確認ください。</p>`
    : ""
}
${
  s.canAdd
    ? h`<section class="mail-new" aria-labelledby="mail-new-title"><h2 id="mail-new-title">メールアドレスを登録する</h2>
<form method="post" action="/account/mail" class="mail-form mail-add" id="mail-new-form">${v.csrf}
<fieldset><legend>新しいメールアドレスを</legend>
<label class="choice"><input type="radio" name="op" value="change" checked> ${CHANGE_OP_LABEL}</label>
</fieldset>
${addressFields("mail-new", fresh?.value ?? "", fresh, false)}
<p><button type="submit">${SUBMIT_LABEL}</button></p>
</form></section>`
    : h`<p class="note">メールアドレスは${MAIL_ADDRESS_LIMIT}つまで登録できます。新しく登録するときは、登録済みのアドレスを「${CHANGE_OP_LABEL}」か「${DELETE_OP_LABEL}」でお手続きください。</p>`
}
<h2>お知らせの設定</h2>
<form method="post" action="/account/mail/preferences" class="mail-form mail-preferences">${v.csrf}
<p>確認済みのアドレスに、次のお知らせもメールで送ります（希望するものにチェック）。</p>
<p><label class="choice"><input type="checkbox" name="dueReminder" value="1"${s.preferences.dueReminder ? h` checked` : ""}> ${DUE_REMINDER_LABEL}（返却期限の${DUE_REMINDER_DAYS_BEFORE}日前）</label></p>
<p><label class="choice"><input type="checkbox" name="shelfReminder" value="1"${s.preferences.shelfReminder ? h` checked` : ""}> ${SHELF_REMINDER_LABEL}（ご用意できた予約資料のお取り置き期限が近づいたとき）</label></p>
<p><button type="submit">保存する</button></p>
</form>
<h2>図書館からのメールが届かないとき</h2>
<p>携帯電話やプロバイダーの「メールの指定受信」「URL付きメールの受信拒否」などの設定によっては、図書館からのメールが届きません。</p>
${allowAdvice(v.mail)}
<p>${URL_ADVICE}</p>
<p>アドレスの入力の誤り（大文字・小文字、「-」と「_」、「.」と「,」、「docomo」と「dokomo」など）がないかも確認してください。</p>
<p><a href="/account">利用者情報メンテナンスへ戻る</a></p>`;
}

/** GET /mail/confirm: 「確認する」 (a POST: mail scanners that open links change nothing). */
export function confirmMain(v: { token: string; csrf: Html }): Html {
  return h`<h1>${MAIL_CONFIRM_TITLE}</h1>
<p>図書館からのメールのリンクから開いたページです。下の「${CONFIRM_LABEL}」を押すと、メールアドレスの登録が完了し、予約の連絡などのお知らせが届くようになります。</p>
<form method="post" action="/mail/confirm">${v.csrf}<input type="hidden" name="token" value="${v.token}">
<p><button type="submit">${CONFIRM_LABEL}</button></p></form>
<p>心当たりのない場合は、このページを閉じてください。押さなければ登録されません。</p>`;
}

export function confirmedMain(v: { loggedIn: boolean }): Html {
  return h`<h1>${MAIL_CONFIRM_TITLE}</h1>
<p class="note" role="status">メールアドレスを確認しました。このアドレスは「${CONFIRMED_WORDS}」になり、予約の連絡などのお知らせが届くようになりました。</p>
<p>${v.loggedIn ? h`<a href="/account/mail">${MAIL_TITLE}へ</a>` : h`<a href="/login?next=/account/mail">ログインしてメールの設定を見る</a>`}</p>`;
}

export function confirmRefusedMain(v: { error: FormError }): Html {
  return h`<h1>${MAIL_CONFIRM_TITLE}</h1>
${errorBox("mail-confirm-errors", v.error)}
<p><a href="/account/mail">${MAIL_TITLE}へ</a>（ログインが必要です）</p>`;
}
