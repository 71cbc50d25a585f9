// Issue 8 item 1: the counter's screens 「貸出」「返却」「到着」 and the transit slip 搬送票 (R15, R16, R21, R22, R35), plain
// HTML forms made for a barcode scanner: one autofocused barcode field (the scanner types the code and Enter), the
// answer above a fresh focused field, works without JavaScript. Staff may see the patron's card number and name.
// Every interpolation goes through hono/html's `html`, which escapes it.
import type { TransitSlip } from "../data/circulation.ts";
import type { ArrivalAnswer, CheckInAnswer, CheckOutAnswer, CopyOutcome, CopyView, CounterPatron, PatronView } from "../services/circulation.ts";
import { errorBox, h, titleWithVolume, type FormError, type Html } from "./forms.ts";

export const CHECKOUT_TITLE = "貸出";
export const CHECKIN_TITLE = "返却";
export const ARRIVAL_TITLE = "到着";
export const SLIP_TITLE = "搬送票";

function copyLine(c: CopyView): Html {
  return h`<p>「${titleWithVolume(c)}」 資料番号 ${c.barcode}${c.shelfMark ? h`（請求記号 ${c.shelfMark}）` : ""}</p>`;
}

function who(p: PatronView): Html {
  return h`${p.name}（カード番号 ${p.cardNumber}）`;
}

function slipLink(transitId: number | null): Html {
  return transitId === null ? h`` : h`<p><a href="/staff/transits/${transitId}/slip">搬送票を表示・印刷する</a></p>`;
}

export function outcomeHtml(o: CopyOutcome): Html {
  switch (o.kind) {
    case "ready":
      return h`<p class="outcome">予約の資料です。取置棚に置いてください。</p>
<p>予約者: ${who(o.patron)}<br>お取り置き期限: ${o.shelfUntil}（${o.pickupBranch.name}）</p>`;
    case "transit":
      return h`<p class="outcome">予約の資料です。${o.toBranch.name}へ搬送してください。</p>
${o.patron ? h`<p>予約者: ${who(o.patron)}</p>` : ""}${slipLink(o.transitId)}`;
    case "shelf":
      return h`<p class="outcome">書架に戻してください（${o.branch.name}）。</p>`;
    case "home":
      return h`<p class="outcome">所蔵館の${o.toBranch.name}へ返送してください。</p>${slipLink(o.transitId)}`;
    case "lender":
      return h`<p class="outcome">相互貸借で借りた資料です。貸してくれた図書館へ返送してください。</p>`;
    case "on_hold_shelf":
      return h`<p class="outcome">この資料はすでに予約の取置中です。取置棚に置いてください。</p>
<p>予約者: ${who(o.patron)}${o.shelfUntil ? h`<br>お取り置き期限: ${o.shelfUntil}${o.pickupBranch ? h`（${o.pickupBranch.name}）` : ""}` : ""}</p>`;
  }
}

function scanField(v: { id: string; name: string; label: string; hint: string }): Html {
  return h`<p class="field counter-scan"><label for="${v.id}">${v.label}</label><br><small id="${v.id}-hint" class="hint">${v.hint}</small><br>
<input id="${v.id}" name="${v.name}" type="text" inputmode="numeric" autocomplete="off" autocapitalize="off" spellcheck="false" required autofocus aria-describedby="${v.id}-hint"></p>`;
}

function refusedBox(error: FormError | undefined): Html {
  return error ? h`<section class="counter-answer refused" aria-labelledby="answer-h"><h2 id="answer-h">処理できませんでした</h2>${errorBox("counter-errors", error)}</section>` : h``;
}

function menuLinks(): Html {
  return h`<p class="no-print"><a href="/staff/checkout">貸出</a> ・ <a href="/staff/checkin">返却</a> ・ <a href="/staff/arrival">到着</a> ・ <a href="/staff/">職員メニュー</a></p>`;
}

// ---- 「貸出」 ---------------------------------------------------------------------------------------------------------

export interface CheckoutView {
  csrf: Html;
  branchName: string;
  /** Set once the card is scanned: the next scans are this patron's items. */
  patron: CounterPatron | null;
  answer?: CheckOutAnswer;
  error?: FormError;
}

export function checkoutMain(v: CheckoutView): Html {
  const p = v.patron;
  return h`<h1>${CHECKOUT_TITLE}</h1>
<p>${v.branchName}の窓口です。${p ? "資料のバーコードを続けて読み取ってください。" : "はじめに利用者の図書館カードを読み取ってください。"}</p>
${v.answer ? h`<section class="counter-answer" role="status" aria-labelledby="answer-h"><h2 id="answer-h">貸し出しました</h2>
${copyLine(v.answer.copy)}<p class="outcome">返却期限: ${v.answer.dueDate}</p>
${v.answer.fulfilledHoldId !== null ? h`<p>この利用者の予約の資料です（予約は貸出済みになりました）。</p>` : ""}${v.answer.interLibrary ? h`<p>相互貸借の資料です（延長できません）。</p>` : ""}</section>` : ""}
${refusedBox(v.error)}
${p ? h`<section aria-labelledby="patron-h"><h2 id="patron-h">利用者</h2>
<p>${who(p.patron)}${p.patron.suspended ? h` <strong>利用停止中</strong>` : ""}<br>貸出中: ${p.patron.openLoans}/${p.patron.limit}点</p>
${p.readyHere.length ? h`<p>この図書館の取置棚にある予約資料:</p><ul>${p.readyHere.map((r) => h`<li>「${titleWithVolume(r)}」${r.barcode ? h` 資料番号 ${r.barcode}` : ""}${r.shelfUntil ? h`（期限 ${r.shelfUntil}）` : ""}</li>`)}</ul>` : h`<p>この図書館の取置棚に、この利用者の予約資料はありません。</p>`}
</section>
<form method="post" action="/staff/checkout">${v.csrf}
<input type="hidden" name="cardNumber" value="${p.patron.cardNumber}">
${scanField({ id: "checkout-barcode", name: "barcode", label: "資料のバーコード", hint: "読み取ると貸出します（返却期限は14日後）。" })}
<p><button type="submit">貸出</button></p>
</form>
<p><a href="/staff/checkout">この利用者を終わる（次の利用者へ）</a></p>` : h`<form method="post" action="/staff/checkout">${v.csrf}
${scanField({ id: "checkout-card", name: "cardNumber", label: "図書館カード番号", hint: "カードのバーコードを読み取るか、番号を入力してください。" })}
<p><button type="submit">次へ</button></p>
</form>`}
${menuLinks()}`;
}

// ---- 「返却」 ---------------------------------------------------------------------------------------------------------

export function checkinMain(v: { csrf: Html; branchName: string; answer?: CheckInAnswer; error?: FormError }): Html {
  const a = v.answer;
  return h`<h1>${CHECKIN_TITLE}</h1>
<p>${v.branchName}の窓口です。返却された資料と、ピックリストで書架から取った資料を読み取ってください。予約があればその予約に確保します。</p>
${a ? h`<section class="counter-answer" role="status" aria-labelledby="answer-h"><h2 id="answer-h">${a.received ? "到着を受け付けました" : a.wasOnLoan ? "返却を受け付けました" : "読み取りました"}</h2>
${copyLine(a.copy)}
${a.loan ? h`<p>貸出中でした: ${who(a.loan.patron)}、返却期限 ${a.loan.dueDate}${a.loan.overdue ? h` <strong>延滞</strong>` : ""}</p>` : a.received ? "" : h`<p>貸出中ではありませんでした。</p>`}
${outcomeHtml(a.outcome)}</section>` : ""}
${refusedBox(v.error)}
<form method="post" action="/staff/checkin">${v.csrf}
${scanField({ id: "checkin-barcode", name: "barcode", label: "資料のバーコード", hint: "読み取ると返却します。" })}
<p><button type="submit">返却</button></p>
</form>
${menuLinks()}`;
}

// ---- 「到着」 ---------------------------------------------------------------------------------------------------------

export function arrivalMain(v: { csrf: Html; branchName: string; answer?: ArrivalAnswer; error?: FormError }): Html {
  const a = v.answer;
  return h`<h1>${ARRIVAL_TITLE}</h1>
<p>${v.branchName}に届いた搬送中の資料を読み取ってください。予約の資料は取置棚へ、それ以外は書架か次の行き先へ。</p>
${a ? h`<section class="counter-answer" role="status" aria-labelledby="answer-h"><h2 id="answer-h">到着を受け付けました</h2>
${copyLine(a.copy)}${outcomeHtml(a.outcome)}</section>` : ""}
${refusedBox(v.error)}
<form method="post" action="/staff/arrival">${v.csrf}
${scanField({ id: "arrival-barcode", name: "barcode", label: "資料のバーコード", hint: "読み取ると到着を受け付けます。" })}
<p><button type="submit">到着</button></p>
</form>
${menuLinks()}`;
}

// ---- 搬送票 ---------------------------------------------------------------------------------------------------------

export function slipMain(s: TransitSlip, sentAtText: string): Html {
  return h`<h1>${SLIP_TITLE}</h1>
<section class="transit-slip" aria-label="搬送票">
<p>行き先</p>
<p class="slip-to">${s.toName}</p>
<dl class="staff-who">
<dt>資料</dt><dd>「${titleWithVolume(s)}」</dd>
<dt>資料番号</dt><dd>${s.barcode}</dd>
${s.shelfMark ? h`<dt>請求記号</dt><dd>${s.shelfMark}</dd>` : ""}
<dt>発送館</dt><dd>${s.fromName}</dd>
<dt>発送日時</dt><dd>${sentAtText}</dd>
<dt>用件</dt><dd>${s.holdId !== null ? "予約の資料（受取館へ）" : "所蔵館へ返送"}</dd>
${s.receivedAt !== null ? h`<dt>状態</dt><dd>到着済み</dd>` : ""}
</dl>
</section>
<p class="no-print">このページを印刷して資料にはさんでください（ブラウザの「印刷」）。</p>
${menuLinks()}`;
}
