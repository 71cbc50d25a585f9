// R01–R08: the account pages as plain HTML forms that work without JavaScript and on a 320-px screen —
// ログイン, 「利用者情報メンテナンス」, 「パスワード変更」, 「パスワード発行・申請」 → 「本パスワード申請」 — and the header's
// name + 「ログアウト」. What the patron typed is untrusted: every interpolation goes through hono/html's `html`,
// which escapes it. Passwords are never written back into a page. No inline scripts or styles.
import { PASSWORD_MAX, PASSWORD_MIN } from "../domain/policy.ts";
import { MESSAGES } from "../domain/messages.ts";
import { errorBox, field, h, type FormError, type Html } from "./forms.ts";
import { terminalBanner, terminalNotEnrolledNote } from "./terminals.ts";

export type { FormError } from "./forms.ts";

/** Notices a page may show after a redirect. Only these codes are accepted from the query: nothing is echoed. */
export const NOTICES = {
  password_changed: "パスワードを変更しました。",
  password_issued: "パスワードを登録しました。図書館カード番号と新しいパスワードでログインしてください。",
  logged_out: "ログアウトしました。",
  // Issue 7 item 8: after /opac/enrol.
  terminal_enrolled: "このブラウザを館内利用者端末として登録しました。",
} as const;
export type NoticeCode = keyof typeof NOTICES;

export function noticeCode(raw: string | undefined): NoticeCode | undefined {
  return raw !== undefined && Object.hasOwn(NOTICES, raw) ? (raw as NoticeCode) : undefined;
}

/** R02, said before the field (the guide's words: 半角英数字を6から20文字、大文字・小文字は区別されます). */
export const PASSWORD_RULE_TEXT = `${PASSWORD_MIN}文字以上${PASSWORD_MAX}文字以下の半角英数字（A〜Z、a〜z、0〜9）で入力してください。大文字と小文字は区別されます。記号・全角文字・半角カタカナは使えません。`;
export const PASSWORD_AVOID_TEXT = "「123456」「password」のような推測されやすいもの、図書館カード番号や生年月日と同じものは登録できません。";

function notice(code: NoticeCode | undefined): Html | string {
  return code ? h`<p class="note" role="status">${NOTICES[code]}</p>` : "";
}

const CARD_HINT = "図書館カードに印字されている数字です（ハイフンや空白は不要）。";

export interface LoginView {
  csrf: Html;
  /** Where to go after logging in: already checked to be a same-site path. */
  next: string;
  /** R03 (issue 7 item 8): this browser is an enrolled in-library OPAC terminal of this branch. */
  terminal?: { branchName: string; label: string | null };
  /** It was asked to be one (an old /login?terminal=… start page, or a terminal cookie that vouches for nothing). */
  notEnrolled?: boolean;
  card?: string;
  error?: FormError;
  notice?: NoticeCode;
}

/** ログイン: 図書館カード番号 and パスワード. The form posts to /login; the login island enhances it in place. */
export function loginMain(v: LoginView): Html {
  return h`<h1>ログイン</h1>
${v.terminal ? terminalBanner(v.terminal) : ""}${notice(v.notice)}${v.notEnrolled ? terminalNotEnrolledNote(MESSAGES.terminal_unknown) : ""}
<p>「図書館カード番号」と「パスワード」を入力して「ログイン」を押してください。「利用者情報メンテナンス」（パスワード変更など）はログインしてから利用できます。</p>
${errorBox("login-errors", v.error)}
<form id="login-form" class="account-form" method="post" action="/login" data-login-form>
${v.csrf}
<input type="hidden" name="next" value="${v.next}">
${field(
  { id: "login-card", name: "card", label: "図書館カード番号", type: "text", autocomplete: "username", inputmode: "numeric", value: v.card ?? "", hint: CARD_HINT },
  "login-errors",
  v.error,
)}
${field(
  { id: "login-password", name: "password", label: "パスワード", type: "password", autocomplete: "current-password", hint: "大文字と小文字は区別されます。" },
  "login-errors",
  v.error,
)}
<p><button type="submit">ログイン</button></p>
</form>
<h2>パスワードをお持ちでない方・忘れた方</h2>
<p>図書館カードをお持ちの方は、<a href="/password/apply">パスワード発行・申請</a>からご自分でパスワードを登録できます（忘れたときも同じ手続きで登録し直せます）。図書館の窓口では仮パスワードを発行しています。</p>
<p>仮パスワードでログインすると「パスワード変更」の画面になります。ご自分のパスワードに変更してから各サービスをご利用ください。</p>`;
}

export interface AccountView {
  name: string;
  cardNumber: string;
  csrf: Html;
  notice?: NoticeCode;
  /** R03: the session was opened on this in-library OPAC terminal (it ends after a few idle minutes). */
  terminal?: { branchName: string; label: string | null } | null;
}

/** The card number as the page shows it: only the last four digits (the page may be seen over a shoulder). */
export function cardTail(card: string): string {
  return card.slice(-4);
}

/** 「利用者情報メンテナンス」: the patron's menu. It lists only what works today (no 準備中 promises, issue 6 §3). */
export function accountMain(v: AccountView): Html {
  return h`<h1>利用者情報メンテナンス</h1>
${v.terminal ? terminalBanner(v.terminal) : ""}${notice(v.notice)}
<p><strong>${v.name}</strong> さん（図書館カード番号の下4桁: ${cardTail(v.cardNumber)}）</p>
<h2>メニュー</h2>
<ul class="menu">
<li><a href="/holds">予約状況一覧</a></li>
<li><a href="/loans">貸出状況一覧</a></li>
<li><a href="/account/password">パスワード変更</a></li>
<li><a href="/account/mail">メールアドレスの登録・変更・削除</a></li>
<li><a href="/lists">マイブックリスト</a></li>
<!-- issue 10 card --><li><a href="/account/card">利用カード（バーコード）</a></li><!-- end issue 10 card -->
</ul>
<h2>ログアウト</h2>
<p>共用のパソコンや館内OPACでは、使い終わったら必ずログアウトしてください。</p>
<form method="post" action="/logout">
${v.csrf}
<p><button type="submit">ログアウト</button></p>
</form>`;
}

export interface PasswordChangeView {
  csrf: Html;
  cardNumber: string;
  /** R05: logged in with a counter-issued temporary password; nothing else is open until it is changed. */
  temporary: boolean;
  error?: FormError;
}

/** R06, R07: 「パスワード変更」 — current, new and confirmation; the rules are stated before the new field. */
export function passwordChangeMain(v: PasswordChangeView): Html {
  return h`<h1>パスワード変更</h1>
${
  v.temporary
    ? h`<p class="note" role="status">仮パスワードでログインしています。仮パスワードのままでは、貸出・予約状況の確認やインターネット予約などは利用できません。ご自分で決めたパスワードに変更してください。</p>`
    : ""
}
<p>現在のパスワード${v.temporary ? "（仮パスワード）" : ""}、変更するパスワード、確認用パスワードを入力して「変更」を押してください。変更するパスワードと確認用パスワードが一致しないときは、パスワードは変更されません。</p>
${errorBox("password-errors", v.error)}
<form class="account-form" method="post" action="/account/password">
${v.csrf}
<p class="field"><label for="password-card">図書館カード番号</label>
<input id="password-card" type="text" readonly autocomplete="username" value="${v.cardNumber}"></p>
${field(
  { id: "password-current", name: "current", label: v.temporary ? "現在のパスワード（仮パスワード）" : "現在のパスワード", type: "password", autocomplete: "current-password" },
  "password-errors",
  v.error,
)}
<p id="password-rule" class="hint">${PASSWORD_RULE_TEXT}${PASSWORD_AVOID_TEXT}</p>
${field(
  { id: "password-new", name: "next", label: "変更するパスワード", type: "password", autocomplete: "new-password", reasonFields: ["next", "password"], describedBy: ["password-rule"] },
  "password-errors",
  v.error,
)}
${field(
  { id: "password-confirm", name: "confirm", label: "確認用パスワード（もう一度入力）", type: "password", autocomplete: "new-password" },
  "password-errors",
  v.error,
)}
<p><button type="submit">変更</button></p>
</form>
<p>パスワードは何度でも変更できます。定期的な変更をおすすめします。変更すると、ほかの端末でのログインは終了します。</p>
${v.temporary ? "" : h`<p><a href="/account">利用者情報メンテナンスへ戻る</a></p>`}`;
}

/** R04, R05, R08: 「パスワード発行・申請」 (the guide's 利用開始申請画面): how to get a password, then 「本パスワード申請」. */
export function applyIntroMain(): Html {
  return h`<h1>パスワード発行・申請</h1>
<p>予約・貸出状況の確認などのインターネットサービスには、図書館カード番号とパスワードが必要です。パスワードは1つで、ホームページ（パソコン・スマートフォン）と館内OPACの共用です。</p>
<h2>ホームページで申請する</h2>
<p>利用条件に同意したうえで、図書館カード番号、ご本人の生年月日、図書館に登録している電話番号を入力し、ご自分で決めたパスワードを登録します。</p>
<p><a href="/password/apply/form">本パスワード申請</a></p>
<h2>パスワードを忘れた方</h2>
<p>同じ「本パスワード申請」から新しいパスワードを登録し直せます。以前のパスワードは使えなくなります。</p>
<h2>窓口で仮パスワードを発行してもらう</h2>
<p>図書館カードを持って図書館のカウンターにお越しください。「仮パスワード」を発行します。仮パスワードでログインすると「パスワード変更」の画面になりますので、ご自分で決めたパスワードに変更してください。仮パスワードのままでは、借りている本・予約した本の確認やインターネット予約などは利用できません。</p>
<p>すでにパスワードをお持ちの方は<a href="/login">ログイン</a>してください。</p>`;
}

/** The terms of use the patron agrees to before 「本パスワード申請」 (R04). */
const TERMS = [
  "パスワードは、図書館カードの本人だけが利用してください。他人に教えたり、他人のカードで申請したりしないでください。",
  "図書館カード番号・生年月日・電話番号がそろえば申請できます。図書館カードなど、ご自身の個人情報の管理には十分ご注意ください。",
  "パスワードは1つで、ホームページと館内OPACの共用です。新しく登録すると、以前のパスワードは使えなくなり、ログイン中のほかの端末はログアウトされます。",
  "登録した情報と入力内容が一致しない場合は登録できません。電話番号を変更した方は、図書館の窓口で登録内容の変更をお申し出ください。",
  "不正な利用が疑われる場合、図書館はサービスの利用を停止することがあります。",
];

export interface ApplyFormView {
  csrf: Html;
  card?: string;
  birthDate?: string;
  phone?: string;
  agreed?: boolean;
  error?: FormError;
}

/** 「本パスワード申請」: the terms to agree to, the three facts, the new password twice. */
export function applyFormMain(v: ApplyFormView): Html {
  const agreedAtFault = !!v.error?.reasons.some((r) => r.field === "agreed");
  return h`<h1>本パスワード申請</h1>
<p>利用条件をお読みになり、同意のうえ、図書館カード番号・生年月日・登録している電話番号と、新しいパスワードを入力して「申請」を押してください。</p>
${errorBox("apply-errors", v.error)}
<form class="account-form" method="post" action="/password/apply">
${v.csrf}
<h2 id="terms-heading">利用条件</h2>
<ol class="terms" aria-labelledby="terms-heading">${TERMS.map((t) => h`<li>${t}</li>`)}</ol>
<p class="field check"><input id="apply-agreed" name="agreed" type="checkbox" value="1" required${v.agreed ? h` checked` : ""}${
    agreedAtFault ? h` aria-invalid="true" aria-describedby="apply-errors"` : ""
  }> <label for="apply-agreed">利用条件に同意します</label></p>
<h2>ご本人の確認</h2>
${field(
  { id: "apply-card", name: "card", label: "図書館カード番号", type: "text", autocomplete: "username", inputmode: "numeric", value: v.card ?? "", hint: CARD_HINT },
  "apply-errors",
  v.error,
)}
${field(
  { id: "apply-birth", name: "birthDate", label: "生年月日", type: "date", autocomplete: "bday", value: v.birthDate ?? "", hint: "西暦の年・月・日で入力してください（例: 1985年4月12日）。", attrs: h` min="1900-01-01"` },
  "apply-errors",
  v.error,
)}
${field(
  { id: "apply-phone", name: "phone", label: "登録している電話番号", type: "tel", autocomplete: "tel", inputmode: "tel", value: v.phone ?? "", hint: "図書館に登録している電話番号です。ハイフンはあってもなくてもかまいません（例: 093-555-0001）。" },
  "apply-errors",
  v.error,
)}
<h2>新しいパスワード</h2>
<p id="apply-rule" class="hint">${PASSWORD_RULE_TEXT}${PASSWORD_AVOID_TEXT}</p>
${field(
  { id: "apply-password", name: "password", label: "パスワード", type: "password", autocomplete: "new-password", describedBy: ["apply-rule"] },
  "apply-errors",
  v.error,
)}
${field(
  { id: "apply-confirm", name: "confirm", label: "確認用パスワード（もう一度入力）", type: "password", autocomplete: "new-password" },
  "apply-errors",
  v.error,
)}
<p><button type="submit">申請</button></p>
</form>
<p><a href="/password/apply">パスワード発行・申請へ戻る</a></p>`;
}

/** The header's session slot when the Worker knows the patron: the name and 「ログアウト」 (a no-JS form). The menu is
 *  the header's 「利用者情報メンテナンス」 link, on every page. */
export function headerSessionHtml(v: { name: string; temporary: boolean; csrf: Html }): Html {
  return h`<div class="session"><span class="session-name">${v.name} さん</span>
<form class="logout" method="post" action="/logout">${v.csrf}<button type="submit">ログアウト</button></form></div>`;
}

const STAFF_ROLE_LABEL = { counter: "窓口", admin: "管理者" } as const;

/** Issue 6 item 2: a logged-in staff member's header says who they are, and offers the staff logout. */
export function headerStaffHtml(v: { login: string; role: "counter" | "admin"; csrf: Html }): Html {
  return h`<div class="session"><a class="session-name" href="/staff/">職員 ${v.login}（${STAFF_ROLE_LABEL[v.role]}）</a>
<form class="logout" method="post" action="/staff/logout">${v.csrf}<button type="submit">職員ログアウト</button></form></div>`;
}

/** The header's session slot when nobody is logged in (the Worker knows: it may offer 「ログイン」). */
export function headerLoginHtml(): Html {
  return h`<a href="/login">ログイン</a>`;
}
