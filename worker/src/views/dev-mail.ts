// Issue 9 item 7: 「開発用メールボックス」 (/dev/mail, local development only): what the outbox sent, newest first, so a
// new user can read the confirmation mail and follow its link. The text of a mail is untrusted (catalogue titles,
// addresses): every interpolation goes through hono/html's `html` (h), which escapes it; only http(s) URLs become
// links, each an escaped href. Plain HTML, no script, readable at 320 px and in lynx.
import type { DevMail } from "../mail/dev-mailbox.ts";
import { h, type Html } from "./forms.ts";

export const DEV_MAIL_TITLE = "開発用メールボックス";

const URL_IN_TEXT = /https?:\/\/[^\s<>"'「」（）、。]+/g;

/** A mail's text with its http(s) URLs as links; everything else escaped as text. */
export function linkedText(text: string): Html {
  const parts: Html[] = [];
  let last = 0;
  for (const m of text.matchAll(URL_IN_TEXT)) {
    const url = m[0].replace(/[.,;:!?)]+$/, "");
    parts.push(h`${text.slice(last, m.index)}`, h`<a href="${url}">${url}</a>`);
    last = m.index + url.length;
  }
  parts.push(h`${text.slice(last)}`);
  return h`${parts}`;
}

function timeWords(iso: string): string {
  // The Tokyo wall clock, as the library's pages say times.
  return new Intl.DateTimeFormat("ja-JP", { timeZone: "Asia/Tokyo", dateStyle: "medium", timeStyle: "short" }).format(new Date(iso));
}

function mailHtml(m: DevMail): Html {
  return h`<article class="dev-mail">
<h2>${m.subject}</h2>
<dl>
<dt>宛先</dt><dd>${m.to}</dd>
<dt>差出人</dt><dd>${m.from}</dd>
<dt>送信日時</dt><dd><time datetime="${m.sentAt}">${timeWords(m.sentAt)}</time></dd>
<dt>イベント</dt><dd><code>${m.eventKey}</code></dd>
</dl>
<pre class="dev-mail-text">${linkedText(m.text)}</pre>
</article>`;
}

export function devMailMain(mails: readonly DevMail[], to: string | null): Html {
  const filter = h`<form method="get" action="/dev/mail" class="dev-mail-filter">
<p><label for="dev-mail-to">宛先で絞り込む</label><br>
<input id="dev-mail-to" name="to" type="email" value="${to ?? ""}" autocomplete="off">
<button type="submit">表示</button>${to ? h` <a href="/dev/mail">すべて表示</a>` : ""}</p>
</form>`;
  return h`<h1>${DEV_MAIL_TITLE}</h1>
<p class="note">ローカル開発用です。図書館が送ったメールは実際には送信されず、ここに新しい順で表示されます（<a href="/dev/mail.json">JSON</a>）。本番環境にはこのページはありません。</p>
${filter}
${mails.length === 0 ? h`<p>${to ? "この宛先へのメールはまだありません。" : "まだメールはありません。"}</p>` : h`<p>${mails.length}通</p>${mails.map(mailHtml)}`}`;
}
