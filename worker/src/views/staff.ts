// Issue 3 item 11: the staff pages as plain HTML forms that work without JavaScript — 職員ログイン and
// 「職員メニュー」, the counter console's menu (issue 8). What was typed is untrusted: every
// interpolation goes through hono/html's `html`, which escapes it. The password is never written back.
import { errorBox, field, h, type FormError, type Html } from "./forms.ts";

export const STAFF_ROLE_LABELS = { counter: "窓口", admin: "管理者" } as const;

export interface StaffLoginView {
  csrf: Html;
  /** Where to go after logging in: already checked to be a path under /staff/. */
  next: string;
  login?: string;
  error?: FormError;
}

/** 職員ログイン: 職員ID and パスワード, posted to /staff/login. */
export function staffLoginMain(v: StaffLoginView): Html {
  return h`<h1>職員ログイン</h1>
<p>図書館職員用のページです。「職員ID」と「パスワード」を入力して「ログイン」を押してください。利用者の方は<a href="/login">利用者のログイン</a>からどうぞ。</p>
${errorBox("staff-login-errors", v.error)}
<form id="staff-login-form" class="account-form" method="post" action="/staff/login">
${v.csrf}
<input type="hidden" name="next" value="${v.next}">
${field({ id: "staff-login", name: "login", label: "職員ID", type: "text", autocomplete: "username", value: v.login ?? "" }, "staff-login-errors", v.error)}
${field(
  { id: "staff-password", name: "password", label: "パスワード", type: "password", autocomplete: "current-password", hint: "大文字と小文字は区別されます。" },
  "staff-login-errors",
  v.error,
)}
<p><button type="submit">ログイン</button></p>
</form>`;
}

export interface StaffMenuView {
  login: string;
  role: keyof typeof STAFF_ROLE_LABELS;
  branchName: string;
  csrf: Html;
}

/**
 * 「職員メニュー」, the counter console's menu (issue 8 item 1): who is logged in, at which branch, in which role, and
 * the counter's screens. A counter acts for their own branch; an admin may choose the branch of the lists.
 */
export function staffMenuMain(v: StaffMenuView): Html {
  return h`<h1>職員メニュー</h1>
<dl class="staff-who">
<dt>職員ID</dt><dd>${v.login}</dd>
<dt>権限</dt><dd>${STAFF_ROLE_LABELS[v.role]}</dd>
<dt>所属館</dt><dd>${v.branchName}</dd>
</dl>
<h2>カウンター</h2>
<ul class="menu">
<li><a href="/staff/checkout">貸出</a></li>
<li><a href="/staff/checkin">返却</a></li>
<li><a href="/staff/arrival">到着</a></li>
</ul>
<h2>予約</h2>
<ul class="menu">
<li><a href="/staff/picklist">ピックリスト</a></li>
<li><a href="/staff/shelf">取置棚</a></li>
<li><a href="/staff/holds/paper">リクエスト（予約）申込書</a></li>
<li><a href="/staff/ill">相互貸借資料の受入</a></li>
</ul>
<h2>利用者</h2>
<ul class="menu">
<li><a href="/staff/patrons">利用者照会</a></li>
</ul>
${v.role === "admin" ? h`<h2>管理</h2>
<ul class="menu">
<li><a href="/staff/terminals">利用者端末の管理</a></li>
</ul>
` : ""}<h2>ログアウト</h2>
<p>カウンターの端末を離れるときは、必ずログアウトしてください。</p>
<form method="post" action="/staff/logout">
${v.csrf}
<p><button type="submit">ログアウト</button></p>
</form>`;
}
