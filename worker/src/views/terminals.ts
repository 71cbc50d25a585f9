// Issue 7 item 8 (R03, R36): the pages of in-library OPAC terminals, plain HTML forms that work without JavaScript
// and at 320 px — 「利用者端末の管理」 for an admin (list, register, 「登録コードを発行」, 「廃止」), the one-time
// enrolment code (shown once), and 「利用者端末の登録」 (/opac/enrol) on the terminal itself. Every interpolation
// goes through hono/html (h), which escapes it: codes and labels are typed by staff.
import { OPAC_SESSION_IDLE_MS, TERMINAL_ENROLMENT_MS, TERMINAL_LABEL_MAX } from "../domain/policy.ts";
import type { TerminalListRow } from "../data/terminals.ts";
import { errorBox, field, h, type FormError, type Html } from "./forms.ts";

const timeFormat = new Intl.DateTimeFormat("ja-JP", {
  timeZone: "Asia/Tokyo",
  year: "numeric",
  month: "numeric",
  day: "numeric",
  hour: "2-digit",
  minute: "2-digit",
});

/** A moment as staff read it, in the library's time (Asia/Tokyo): 「2026/12/3 10:05」. */
export function tokyoTime(ms: number): string {
  return timeFormat.format(new Date(ms));
}

const ENROLMENT_HOURS = TERMINAL_ENROLMENT_MS / 3_600_000;
const IDLE_MINUTES = OPAC_SESSION_IDLE_MS / 60_000;

/** 「中央図書館 館内利用者端末」 (and where it stands): how a terminal names itself to the patron. */
export function terminalName(t: { branchName: string; label: string | null }): string {
  return `${t.branchName} 館内利用者端末${t.label ? `（${t.label}）` : ""}`;
}

/** The login page's banner on an enrolled terminal (R03: a shared machine, short sessions). */
export function terminalBanner(t: { branchName: string; label: string | null }): Html {
  return h`<p class="note" id="terminal-banner"><strong>${terminalName(t)}</strong><br>この端末はみなさんで使う端末です。${IDLE_MINUTES}分間操作がないと自動的にログアウトします。使い終わったら「ログアウト」を押してください。</p>`;
}

/** On the login page of a browser that is not (or no longer) an enrolled terminal but was told it is one. */
export function terminalNotEnrolledNote(message: string): Html {
  return h`<p class="note" id="terminal-not-enrolled">${message}館内の利用者端末として使うには、職員が<a href="/opac/enrol">利用者端末の登録</a>で登録コードを入力してください。このままでも、通常のブラウザとしてログインできます。</p>`;
}

function stateOf(t: TerminalListRow, now: number): string {
  if (!t.active) return "廃止";
  const parts: string[] = [];
  if (t.enrolled) parts.push(`登録済み${t.enrolledAt !== null ? `（${tokyoTime(t.enrolledAt)}）` : ""}`);
  else parts.push("未登録（この端末として認識されているブラウザはありません）");
  if (t.enrolmentExpiresAt !== null) {
    parts.push(t.enrolmentExpiresAt > now ? `登録コード発行済み（${tokyoTime(t.enrolmentExpiresAt)}まで有効）` : "登録コードの有効期限切れ");
  }
  return parts.join("・");
}

export interface TerminalsView {
  csrf: Html;
  terminals: TerminalListRow[];
  branches: { id: number; name: string }[];
  now: number;
  notice?: string;
  error?: FormError;
  values?: { code: string; branchId: string; label: string };
}

/** 「利用者端末の管理」 (admin). */
export function terminalsMain(v: TerminalsView): Html {
  const values = v.values ?? { code: "", branchId: "", label: "" };
  const branchAtFault = !!v.error?.reasons.some((r) => r.field === "branch");
  return h`<h1>利用者端末の管理</h1>
${v.notice ? h`<p class="note" role="status">${v.notice}</p>` : ""}
<p>館内の利用者端末（OPAC）は、ここで登録し、表示される「登録コード」をその端末のブラウザの<a href="/opac/enrol">利用者端末の登録</a>で入力すると、その館の利用者端末として認識されます。登録コードは1回だけ、発行から${ENROLMENT_HOURS}時間使えます。「登録コードを発行」し直すと、それまでその端末として認識されていたブラウザは認識されなくなります。</p>
<h2>登録されている端末</h2>
${
  v.terminals.length
    ? h`<ul class="terminal-list">${v.terminals.map(
        (t) => h`<li id="terminal-${t.id}"><dl class="staff-who">
<dt>端末コード</dt><dd>${t.code}</dd>
<dt>設置館</dt><dd>${t.branchName}</dd>
<dt>設置場所</dt><dd>${t.label ?? "（未記入）"}</dd>
<dt>状態</dt><dd>${stateOf(t, v.now)}</dd>
</dl>${
          t.active
            ? h`<form method="post" action="/staff/terminals/${t.id}/enrolment">${v.csrf}<p><button type="submit">登録コードを発行</button></p></form>
<form method="post" action="/staff/terminals/${t.id}/retire">${v.csrf}<p><button type="submit">廃止</button></p></form>`
            : ""
        }</li>`,
      )}</ul>`
    : h`<p>登録されている端末はありません。</p>`
}
<h2>端末を登録</h2>
${errorBox("terminal-errors", v.error)}
<form id="terminal-form" class="account-form" method="post" action="/staff/terminals">
${v.csrf}
${field({ id: "terminal-code", name: "code", label: "端末コード", type: "text", autocomplete: "off", value: values.code, hint: "半角の英小文字・数字・ハイフン（例: chuo-opac-2）。あとから変えられません。" }, "terminal-errors", v.error)}
<p class="field"><label for="terminal-branch">設置館</label><br>
<select id="terminal-branch" name="branch" required${branchAtFault ? h` aria-invalid="true" aria-describedby="terminal-errors"` : ""}>
<option value="">選んでください</option>
${v.branches.map((b) => h`<option value="${b.id}"${String(b.id) === values.branchId ? h` selected` : ""}>${b.name}</option>`)}
</select></p>
<p class="field"><label for="terminal-label">設置場所（任意）</label><br><small id="terminal-label-hint" class="hint">${TERMINAL_LABEL_MAX}文字以内（例: 2階 参考図書コーナー）。</small><br>
<input id="terminal-label" name="label" type="text" autocomplete="off" maxlength="${TERMINAL_LABEL_MAX}" value="${values.label}" aria-describedby="terminal-label-hint"></p>
<p><button type="submit">登録して登録コードを発行</button></p>
</form>
<p><a href="/staff/">職員メニューへ戻る</a></p>`;
}

/** The one-time enrolment code, shown once (never stored, never shown again). */
export function enrolmentCodeMain(v: { code: string; branchName: string; label: string | null; enrolmentCode: string; expiresAt: number }): Html {
  return h`<h1>登録コード</h1>
<p>利用者端末「${v.code}」（${terminalName(v)}）の登録コードです。</p>
<p class="enrolment-code" id="enrolment-code">${v.enrolmentCode}</p>
<ul>
<li>その端末のブラウザで <a href="/opac/enrol">/opac/enrol</a>（利用者端末の登録）を開き、このコードを入力してください。</li>
<li>${tokyoTime(v.expiresAt)}まで（${ENROLMENT_HOURS}時間）、1回だけ使えます。</li>
<li>このコードはこの画面にしか表示されません。控えずに閉じたときは、もう一度「登録コードを発行」してください。</li>
</ul>
<p><a href="/staff/terminals">利用者端末の管理へ戻る</a></p>`;
}

export interface EnrolView {
  csrf: Html;
  /** This browser is already an enrolled terminal. */
  current?: { code: string; branchName: string; label: string | null } | null;
  error?: FormError;
}

/** 「利用者端末の登録」 on the terminal's own browser (public: the code is the credential). */
export function enrolMain(v: EnrolView): Html {
  return h`<h1>利用者端末の登録</h1>
${v.current ? h`<p class="note" role="status" id="terminal-current">このブラウザは「${terminalName(v.current)}」（${v.current.code}）として登録されています。登録し直すときは、新しい登録コードを入力してください。</p>` : ""}
<p>図書館職員用のページです。館内の利用者端末のブラウザで、管理者が「利用者端末の管理」で発行した「登録コード」を入力してください。このブラウザがその館の利用者端末として認識されるようになります。</p>
${errorBox("enrol-errors", v.error)}
<form id="enrol-form" class="account-form" method="post" action="/opac/enrol">
${v.csrf}
${field({ id: "enrol-code", name: "code", label: "登録コード", type: "text", autocomplete: "off", hint: "10文字の英数字です（ハイフンはあってもなくてもかまいません）。" }, "enrol-errors", v.error)}
<p><button type="submit">登録</button></p>
</form>
<p><a href="/login">ログインへ</a></p>`;
}
