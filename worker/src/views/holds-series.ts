// R14, R15 (issue 7 item 4): the 順番予約 screens as plain HTML forms that work without JavaScript — choose the
// series, set the order (a 「順番」 number field per volume), 「受取館」 and 「連絡方法」, 「順番予約申込み」; the
// confirmation with the chosen order (「第一部上 → 第一部下」) and 「OK」; the answer with the group's volumes in order.
// Catalogue text is untrusted: every interpolation goes through hono/html's `html`, which escapes it.
import { MESSAGES } from "../domain/messages.ts";
import { HOLD_LIMIT } from "../domain/policy.ts";
import { chainText, volumeName, type SeriesInCart, type SeriesLineReason, type SeriesVolume } from "../domain/series-placement.ts";
import type { ContactMethod, HoldStatus } from "../domain/vocabulary.ts";
import type { GroupHoldRow, SeriesForm, SeriesRequest } from "../services/series-placement.ts";
import { errorBox, h, type FormError, type Html, titleWithVolume } from "./forms.ts";

export const SERIES_TITLE = "順番予約";
export const SERIES_ENTRY_LABEL = "順番予約";
export const SERIES_SUBMIT_LABEL = "順番予約申込み";
export const SERIES_OK_LABEL = "OK";
export const SERIES_BACK_LABEL = "順番を変更する";
export const SERIES_DONE_TITLE = "順番予約を受け付けました";
export const HOLD_STATUS_LIST_LABEL = "予約状況一覧";

export const CONTACT_LABELS: Record<ContactMethod, string> = { mail: "メール", phone: "電話", none: "連絡不要" };

/** R33's words for a hold's state. */
const STATUS_LABELS: Record<HoldStatus, string> = {
  waiting: "予約中です",
  in_transit: "取寄・準備中です",
  ready: "ご用意できました",
  cancelled: "取り消し",
  fulfilled: "貸出済み",
};

export const ABOUT_TEXT =
  "順番予約は、同じシリーズの巻を、決めた順番に1冊ずつ用意する予約です。前の巻のご用意ができてから、次の巻を確保します。1巻ごとに1件の予約になり、予約できる冊数にも1冊ずつ数えます。";

/** 「予約できる残り冊数: n／10」 (R14), said before the patron submits. */
export function slotsText(left: number): string {
  return `予約できる残り冊数: ${left}／${HOLD_LIMIT}`;
}


/** The cart page's entry (views/cart.ts shows it when a series has two or more volumes in the cart). */
export function seriesEntryHtml(series: readonly SeriesInCart[]): Html | string {
  if (series.length === 0) return "";
  return h`<section class="series-entry" aria-labelledby="series-entry-title"><h2 id="series-entry-title">${SERIES_ENTRY_LABEL}</h2>
<p>予約カートに同じシリーズの巻があります（${series.map((s, i) => h`${i ? "、" : ""}「${s.seriesTitle}」${s.volumes.length}冊`)}）。巻の順番に1冊ずつ用意する予約ができます。</p>
<p><a href="/holds/series">${SERIES_ENTRY_LABEL}</a></p></section>`;
}

/** No series with two volumes in the cart. */
export function seriesNoneMain(): Html {
  return h`<h1>${SERIES_TITLE}</h1>
<p>${ABOUT_TEXT}</p>
<p>${MESSAGES.series_too_few_volumes}書誌のページの「予約カートに入れる」で、同じシリーズの巻を入れてください。</p>
<p><a href="/cart">予約カートへ戻る</a></p>`;
}

/** Several series in the cart: the patron picks one first. */
export function seriesChooserMain(series: readonly SeriesInCart[]): Html {
  return h`<h1>${SERIES_TITLE}</h1>
<p>${ABOUT_TEXT}</p>
<p>予約カートに、順番予約できるシリーズが${series.length}つあります。順番予約するシリーズを選んでください（1回の申込みで1つのシリーズです）。</p>
<ul class="series-choices">${series.map(
    (s) => h`<li><a href="/holds/series?series=${s.seriesId}">「${s.seriesTitle}」（${s.volumes.map((v) => volumeName(v)).join("・")}）</a></li>`,
  )}</ul>
<p><a href="/cart">予約カートへ戻る</a></p>`;
}

type ShelfPlace = { branchName: string; shelfMark: string | null };

function reasonsHtml(reasons: readonly SeriesLineReason[], shelf: readonly ShelfPlace[] = []): Html | string {
  return reasons.length
    ? h`<ul class="reasons">${reasons.map(
        (r) =>
          h`<li>${MESSAGES[r]}${
            r === "on_shelf_at_terminal" && shelf.length
              ? h`<br><small>書架の場所: ${shelf.map((s, i) => h`${i ? "、" : ""}${s.branchName}${s.shelfMark ? h`（請求記号 ${s.shelfMark}）` : ""}`)}</small>`
              : ""
          }</li>`,
      )}</ul>`
    : "";
}

export interface FormPrefill {
  positions?: ReadonlyMap<number, string>;
  pickup?: string;
  contact?: string;
}

function pickupSelect(f: SeriesForm, chosen: string | undefined): Html {
  const selected = chosen ?? String(f.choices.homeBranchId ?? "");
  return h`<p class="field"><label for="series-pickup">受取館</label><br>
<select id="series-pickup" name="pickup" required>${f.choices.pickupBranches.map(
    (b) => h`<option value="${b.id}"${String(b.id) === selected ? h` selected` : ""}>${b.name}</option>`,
  )}</select></p>`;
}

function contactChoices(f: SeriesForm, chosen: string | undefined): Html {
  const mail = f.choices.mailAddressId !== null;
  const value = chosen ?? (mail ? "mail" : "phone");
  const radio = (m: ContactMethod, disabled = false) =>
    h`<li><label><input type="radio" name="contact" value="${m}"${value === m && !disabled ? h` checked` : ""}${disabled ? h` disabled aria-describedby="series-mail-why"` : ""}> ${CONTACT_LABELS[m]}</label></li>`;
  // The same words as 「予約申込」 (views/holds-apply.ts).
  return h`<fieldset><legend>連絡方法</legend>
<p>資料のご用意ができたときの連絡方法を選んでください（どの巻も同じ方法です）。</p>
<ul class="choices">${radio("mail", !mail)}${radio("phone")}${radio("none")}</ul>
${
  mail
    ? ""
    : h`<p id="series-mail-why"><small>${
        f.choices.mailUnconfirmed ? "登録されたメールアドレスの確認がまだ済んでいないため、メールは選べません。" : "メールアドレスが登録されていないため、メールは選べません。"
      }メールアドレスは図書館の窓口で登録できます。</small></p>`
}</fieldset>`;
}

/** The form: the volumes with a 「順番」 field each (default: volume order), 受取館, 連絡方法, 「順番予約申込み」. */
export function seriesFormMain(v: { form: SeriesForm; csrf: Html; error?: FormError; prefill?: FormPrefill; several: boolean }): Html {
  const f = v.form;
  const n = f.lines.length;
  const refused = f.lines.filter((l) => l.reasons.length > 0);
  const fits = n <= f.slotsLeft;
  const orderAtFault = !!v.error?.reasons.some((r) => r.field === "order");
  return h`<h1>${SERIES_TITLE}</h1>
<p>${ABOUT_TEXT}</p>
${errorBox("series-errors", v.error)}
<h2>「${f.series.seriesTitle}」${n}冊</h2>
<p class="note" id="series-slots"><strong>${slotsText(f.slotsLeft)}</strong>${
    fits
      ? h`（この順番予約で${n}冊を使います）`
      : h`<br>${MESSAGES.series_does_not_fit}この順番予約は${n}冊のため、このままでは申し込めません。予約カートから巻を「解除」するか、ほかの予約が済んでからお申し込みください。`
  }</p>
${refused.length ? h`<p class="note" role="alert">${MESSAGES.series_volume_refused}</p>` : ""}
<form method="post" action="/holds/series/confirm" class="series-form">${v.csrf}
<input type="hidden" name="series" value="${f.series.seriesId}">
<p>予約カートに入っているこのシリーズの巻が、すべてこの順番予約に入ります（入れない巻は、予約カートで「解除」してください）。</p>
<p id="series-order-hint">「順番」に、用意してほしい順に1から${n}までの数字を入れてください（はじめは巻の順です）。</p>
<ol class="series-lines">${f.lines.map((l, i) => {
    const id = `series-order-${l.recordId}`;
    const value = v.prefill?.positions?.get(l.recordId) ?? String(i + 1);
    return h`<li><input type="hidden" name="recordId" value="${l.recordId}"><p><a id="series-title-${l.recordId}" href="/catalog/${l.recordId}/">${titleWithVolume(l)}</a></p>
<p class="field"><label for="${id}">順番</label> <input id="${id}" name="order-${l.recordId}" type="number" inputmode="numeric" min="1" max="${n}" step="1" size="3" value="${value}" required aria-describedby="series-title-${l.recordId} series-order-hint${orderAtFault ? " series-errors" : ""}"${orderAtFault ? h` aria-invalid="true"` : ""}></p>
${reasonsHtml(l.reasons, l.shelf)}</li>`;
  })}</ol>
${pickupSelect(f, v.prefill?.pickup)}
${contactChoices(f, v.prefill?.contact)}
${fits && refused.length === 0 ? h`<p><button type="submit">${SERIES_SUBMIT_LABEL}</button></p>` : ""}
</form>
${v.several ? h`<p><a href="/holds/series">ほかのシリーズを選ぶ</a></p>` : ""}
<p><a href="/cart">予約カートへ戻る</a></p>`;
}

/** The confirmation: the chosen order, the pickup library and contact, and 「OK」 (or back to change the order). */
export function seriesConfirmMain(v: { req: SeriesRequest; key: string; csrf: Html; slotsLeft: number }): Html {
  const r = v.req;
  return h`<h1>${SERIES_TITLE}の確認</h1>
<p>次の順番で予約します。よろしければ「${SERIES_OK_LABEL}」を押してください。</p>
<p class="series-chain"><strong>${chainText(r.volumes)}</strong></p>
<ol class="series-lines">${r.volumes.map((vol) => h`<li>${titleWithVolume(vol)}</li>`)}</ol>
<dl><dt>受取館</dt><dd>${r.pickupName}</dd><dt>連絡方法</dt><dd>${CONTACT_LABELS[r.contact]}</dd></dl>
<p>${slotsText(v.slotsLeft)}（この順番予約で${r.volumes.length}冊を使います）</p>
<form method="post" action="/holds/series">${v.csrf}
<input type="hidden" name="key" value="${v.key}"><input type="hidden" name="series" value="${r.series.seriesId}">
${r.volumes.map((vol) => h`<input type="hidden" name="recordId" value="${vol.recordId}">`)}
<input type="hidden" name="pickup" value="${r.pickupBranchId}"><input type="hidden" name="contact" value="${r.contact}">
<p><button type="submit">${SERIES_OK_LABEL}</button></p></form>
<form method="get" action="/holds/series"><input type="hidden" name="series" value="${r.series.seriesId}">
${r.volumes.map((vol, i) => h`<input type="hidden" name="order-${vol.recordId}" value="${i + 1}">`)}
<input type="hidden" name="pickup" value="${r.pickupBranchId}"><input type="hidden" name="contact" value="${r.contact}">
<p><button type="submit">${SERIES_BACK_LABEL}</button></p></form>`;
}

/** A refused group (409, or 400 for a bad submission): every reason, each volume's own, R14's remaining slots. */
export function seriesRefusedMain(v: {
  error: FormError;
  lines?: readonly { title: string; reasons: readonly SeriesLineReason[]; shelf?: readonly ShelfPlace[] }[];
  slotsLeft?: number;
  seriesId?: number;
}): Html {
  return h`<h1>${SERIES_TITLE}</h1>
${errorBox("series-errors", v.error)}
<p>順番予約は申し込まれていません（1冊も予約していません）。</p>
${v.slotsLeft !== undefined ? h`<p><strong>${slotsText(v.slotsLeft)}</strong></p>` : ""}
${
  v.lines?.length
    ? h`<ul class="series-refused">${v.lines.map((l) => h`<li>${l.title}${reasonsHtml(l.reasons, l.shelf)}</li>`)}</ul>`
    : ""
}
${v.seriesId !== undefined ? h`<p><a href="/holds/series?series=${v.seriesId}">順番予約の画面へ戻る</a></p>` : ""}
<p><a href="/cart">予約カートへ戻る</a></p>
<p><a href="/holds">${HOLD_STATUS_LIST_LABEL}</a></p>`;
}

/** The answer: the group's volumes in order with their state; 「予約状況一覧」. */
export function seriesAnswerMain(v: { seriesTitle: string | null; holds: readonly GroupHoldRow[] }): Html {
  const first = v.holds[0];
  return h`<h1>${SERIES_DONE_TITLE}</h1>
<p>${v.seriesTitle ? h`「${v.seriesTitle}」の` : ""}${v.holds.length}冊を、この順番で予約しました。前の巻のご用意ができてから、次の巻を確保します。</p>
<p class="series-chain"><strong>${chainText(v.holds)}</strong></p>
<ol class="series-lines">${v.holds.map(
    (hold) => h`<li><a href="/catalog/${hold.recordId}/">${titleWithVolume(hold)}</a><br>${STATUS_LABELS[hold.status]}</li>`,
  )}</ol>
${first ? h`<dl><dt>受取館</dt><dd>${first.pickupBranch}</dd><dt>連絡方法</dt><dd>${CONTACT_LABELS[first.contact]}</dd></dl>` : ""}
<p><a href="/holds">${HOLD_STATUS_LIST_LABEL}</a></p>
<p><a href="/cart">予約カートへ戻る</a></p>`;
}

/** An answer page for a group that is not the patron's (or not at all). */
export function seriesNotFoundMain(): Html {
  return h`<h1>${SERIES_TITLE}</h1>
<p>${MESSAGES.not_found}</p>
<p><a href="/holds">${HOLD_STATUS_LIST_LABEL}</a></p>`;
}
