// 「予約申込」 (issue 7 item 2; R13, R14, R20, R36, R43) as a plain HTML form that works without JavaScript, and its
// answer. Catalogue text is untrusted: every interpolation goes through hono/html's `html`, which escapes it.
// No inline scripts or styles.
import { MESSAGES, type ReasonCode } from "../domain/messages.ts";
import { HOLD_LIMIT } from "../domain/policy.ts";
import type { ContactMethod } from "../domain/vocabulary.ts";
import type { AnswerLine, ApplyScreen, PlacementAnswer, ShelfPlace } from "../services/hold-placement.ts";
import { errorBox, h, type FormError, type Html } from "./forms.ts";

export const APPLY_TITLE = "予約申込";
export const ANSWER_TITLE = "予約申込の結果";
export const CONTACT_LABELS: Record<ContactMethod, string> = { mail: "メール", phone: "電話", none: "連絡不要" };

function titleHtml(l: { recordId: number; title: string; volumeLabel: string | null }, id?: string): Html {
  return h`<a${id ? h` id="${id}"` : ""} href="/catalog/${l.recordId}/">${l.title}</a>${l.volumeLabel ? h` <span class="volume">${l.volumeLabel}</span>` : ""}`;
}

function shelfText(shelf: readonly ShelfPlace[]): Html | string {
  if (shelf.length === 0) return "";
  return h`<br><small>書架の場所: ${shelf.map((s, i) => h`${i ? "、" : ""}${s.branchName}${s.shelfMark ? h`（請求記号 ${s.shelfMark}）` : ""}`)}</small>`;
}

function reasonsHtml(reasons: readonly ReasonCode[], shelf: readonly ShelfPlace[]): Html {
  return h`<ul class="reasons">${reasons.map((r) => h`<li>${MESSAGES[r]}${r === "on_shelf_at_terminal" ? shelfText(shelf) : ""}</li>`)}</ul>`;
}

export function remainingText(remaining: number): string {
  return `予約できる残り冊数: ${remaining}／${HOLD_LIMIT}`;
}

export interface ApplyView {
  screen: ApplyScreen;
  csrf: Html;
  error?: FormError;
}

function lineHtml(l: ApplyScreen["lines"][number], remaining: number): Html {
  const titleId = `apply-line-${l.recordId}`;
  const refused = l.reasons.length > 0;
  return h`<li><p>${
    refused
      ? h`<strong>予約できません:</strong> ${titleHtml(l, titleId)}`
      : h`<label><input type="checkbox" name="recordId" value="${l.recordId}" checked aria-describedby="${titleId}"> 予約する</label> ${titleHtml(l, titleId)}`
  }${l.author ? h`<br><small>${l.author}</small>` : ""}</p>${
    refused ? reasonsHtml(l.reasons, l.shelf) : h`<p><label><input type="checkbox" name="mailRecordId" value="${l.recordId}" checked aria-describedby="${titleId}"> ご用意できたらメールで知らせる</label></p>`
  }${
    l.wouldNotFit
      ? h`<p class="note">${
          remaining === 0 ? "予約できる残り冊数がないため、予約できません。" : "残り冊数をこえるため、このままでは予約できません。ほかの資料のチェックを外すと予約できます。"
        }</p>`
      : ""
  }</li>`;
}

/** 「予約申込」: the cart's lines with checkboxes, 「受取館」, 「連絡方法」, the remaining slots and what would not fit. */
export function applyMain(v: ApplyView): Html {
  const s = v.screen;
  const placeable = s.lines.filter((l) => l.reasons.length === 0);
  const notFit = s.lines.filter((l) => l.wouldNotFit);
  return h`<h1>${APPLY_TITLE}</h1>
${errorBox("apply-errors", v.error)}
<p id="apply-remaining"><strong>${remainingText(s.remaining)}</strong>（予約中の資料: ${s.activeHolds}冊。インターネット・館内OPAC・窓口の申込書による予約をあわせて、1人${HOLD_LIMIT}冊までです）</p>
${
  notFit.length
    ? h`<div class="note" id="apply-not-fit"><p>チェックの入った資料をすべて申し込むと、残り冊数をこえる次の資料は予約できません（予約カートの順に受け付けます）:</p><ul>${notFit.map((l) => h`<li>${l.title}${l.volumeLabel ? ` ${l.volumeLabel}` : ""}</li>`)}</ul></div>`
    : ""
}
${s.onTerminal ? h`<p>この端末からの予約は「館内OPAC」からの予約として受け付けます。この図書館の書架にある資料は、予約せずに書架からお取りください。</p>` : ""}
${
  s.lines.length === 0
    ? h`<p>予約カートに資料がありません。資料を探して、書誌のページの「予約カートに入れる」を押してから、もう一度お越しください。</p><p><a href="/">資料を探す</a></p>`
    : h`<form method="post" action="/holds/apply" class="apply-form">${v.csrf}
<input type="hidden" name="idempotencyKey" value="${s.formKey}">
<h2>予約する資料</h2>
<p>チェックを外した資料は予約せず、予約カートに残ります。</p>
<ul class="cart-lines">${s.lines.map((l) => lineHtml(l, s.remaining))}</ul>
${
  placeable.length
    ? h`<h2><label for="apply-pickup">受取館</label></h2>
<p><select id="apply-pickup" name="pickupBranchId">${s.pickupBranches.map(
        (b) => h`<option value="${b.id}"${b.id === s.defaultPickupBranchId ? " selected" : ""}>${b.name}</option>`,
      )}</select></p>
<fieldset><legend>連絡方法</legend>
<p>資料のご用意ができたときの連絡方法を選んでください。</p>
${
  s.mailAvailable
    ? h`<p><label><input type="radio" name="contact" value="mail" checked> メール</label><br><small>「ご用意できたらメールで知らせる」のチェックを外した資料は「連絡不要」になります。</small></p>`
    : h`<p><label><input type="radio" name="contact" value="mail" disabled aria-describedby="apply-mail-why"> メール</label><br><small id="apply-mail-why">${
        s.mailUnconfirmed
          ? "登録されたメールアドレスの確認がまだ済んでいないため、メールは選べません。"
          : "メールアドレスが登録されていないため、メールは選べません。"
      }メールアドレスは図書館の窓口で登録できます。</small></p>`
}
<p><label><input type="radio" name="contact" value="phone"${s.mailAvailable ? "" : " checked"}> 電話</label></p>
<p><label><input type="radio" name="contact" value="none"> 連絡不要</label></p>
</fieldset>
<p><button type="submit">予約申込</button></p>`
    : h`<p>予約できる資料がありません。</p>`
}
</form>`
}
<p><a href="/cart">予約カートへ戻る</a> ／ <a href="/holds">予約状況一覧</a></p>`;
}

function answerLineHtml(l: AnswerLine, staff: boolean): Html {
  return h`<li><p>${titleHtml(l)}</p>${
    l.placed
      ? h`<p><strong>予約しました。</strong>${l.position !== undefined ? h` 予約順位（目安）${l.position}番目` : ""}</p>`
      : h`<p><strong>予約できませんでした。</strong>${staff ? "" : "（予約カートに残っています）"}</p>${reasonsHtml(l.reasons, l.shelf)}`
  }</li>`;
}

/** The answer: every line placed (with its position) or refused (every reason). */
export function answerMain(a: PlacementAnswer, opts: { staff?: boolean } = {}): Html {
  const placed = a.lines.filter((l) => l.placed);
  const refused = a.lines.filter((l) => !l.placed);
  return h`<h1>${ANSWER_TITLE}</h1>
<p role="status">${placed.length}件を予約しました。${refused.length ? `${refused.length}件は予約できませんでした。` : ""}</p>
${a.pending ? h`<p class="note">この申込みはまだ処理中です。しばらくしてからこのページを開き直すか、「予約状況一覧」でご確認ください。</p>` : ""}
${a.pickupBranchName ? h`<p>受取館: ${a.pickupBranchName} ／ 連絡方法: ${CONTACT_LABELS[a.contact]}</p>` : ""}
${a.cardNumber ? h`<p>図書館カード番号: ${a.cardNumber}</p>` : ""}
<ul class="cart-lines">${a.lines.map((l) => answerLineHtml(l, opts.staff === true))}</ul>
<p><small>予約順位は目安です。窓口の申込書による予約は受付日時の順に並ぶため、順位が変わることがあります。</small></p>
${
  opts.staff
    ? h`<p><a href="/staff/holds/paper">続けて申込書を入力する</a> ／ <a href="/staff/">職員メニュー</a></p>`
    : h`<p><a href="/holds">予約状況一覧</a> ／ <a href="/cart">予約カート</a></p>`
}`;
}

export function answerMissingMain(): Html {
  return h`<h1>${ANSWER_TITLE}</h1>
<p>この申込みの結果は見つかりませんでした。</p>
<p><a href="/holds">予約状況一覧</a> ／ <a href="/cart">予約カート</a></p>`;
}
