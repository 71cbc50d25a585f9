// R15, R16, R33, R34: 「予約状況一覧」 and the cancel confirmation, as plain HTML forms that work without JavaScript.
// Catalogue text is untrusted: every interpolation goes through hono/html's `html` (h), which escapes it. No inline
// scripts or styles. Buttons and select boxes appear only where R34 allows them; elsewhere the sentence to come or
// phone (with the branch's number) stands in their place.
import { weekdayOf, type Day } from "../domain/calendar.ts";
import { PAPER_FORM_NOTE } from "../domain/hold-queue.ts";
import { CONTACT_WORDS } from "../domain/hold-status.ts";
import { CANCELLED_VISIBLE_DAYS, HOLD_LIMIT } from "../domain/policy.ts";
import { CONTACT_METHODS } from "../domain/vocabulary.ts";
import type { HoldList, HoldListItem, PickupBranch } from "../services/hold-status.ts";
import { errorBox, h, type FormError, type Html, titleWithVolume } from "./forms.ts";

export const HOLDS_TITLE = "予約状況一覧";
export const CANCEL_LABEL = "取消";
export const CHANGE_LABEL = "変更";
export const PICKUP_LABEL = "受取館";
export const CONTACT_LABEL = "連絡方法";
export const SHELF_UNTIL_LABEL = "お取り置き期限";

const WEEKDAYS = ["日", "月", "火", "水", "木", "金", "土"];

/** 'YYYY-MM-DD' as 「2026年11月10日（火）」. */
export function dayWords(day: Day): string {
  const [y, m, d] = day.split("-").map(Number);
  return `${y}年${m}月${d}日（${WEEKDAYS[weekdayOf(day)]}）`;
}


export type HoldsNotice = { kind: "cancelled" | "changed"; title: string } | null;

export interface HoldsView {
  list: HoldList;
  csrf: Html;
  notice: HoldsNotice;
}

function pickupSelect(item: HoldListItem, branches: readonly PickupBranch[]): Html {
  const id = `hold-${item.id}-pickup`;
  return h`<p class="field"><label for="${id}">${PICKUP_LABEL}</label><br><select id="${id}" name="pickupBranchId">${branches.map(
    (b) => h`<option value="${b.id}"${b.id === item.pickupBranchId ? h` selected` : ""}>${b.name}</option>`,
  )}</select></p>`;
}

function contactSelect(item: HoldListItem, hasMail: boolean): Html {
  const id = `hold-${item.id}-contact`;
  const hint = hasMail ? "" : h`<small id="${id}-hint" class="hint">確認済みのメールアドレスが登録されていないため、「メール」は選べません。</small><br>`;
  return h`<p class="field"><label for="${id}">${CONTACT_LABEL}</label><br>${hint}<select id="${id}" name="contact"${hasMail ? "" : h` aria-describedby="${id}-hint"`}>${CONTACT_METHODS.map(
    (c) =>
      h`<option value="${c}"${c === item.contact ? h` selected` : ""}${c === "mail" && !hasMail && item.contact !== "mail" ? h` disabled` : ""}>${CONTACT_WORDS[c]}</option>`,
  )}</select></p>`;
}

function actionsHtml(item: HoldListItem, v: HoldsView): Html | string {
  if (item.actions.length) {
    const titleId = `hold-${item.id}-title`;
    return h`<form method="post" action="/holds/${item.id}/change" class="hold-change">${v.csrf}
${pickupSelect(item, v.list.pickupBranches)}
${contactSelect(item, v.list.hasMail)}
<p><button type="submit" aria-describedby="${titleId}">${CHANGE_LABEL}</button></p></form>
<form method="post" action="/holds/${item.id}/cancel" class="hold-cancel">${v.csrf}<p><button type="submit" aria-describedby="${titleId}">${CANCEL_LABEL}</button></p></form>`;
  }
  if (item.contactSentence) {
    const why = item.external
      ? "市外の図書館から取り寄せる資料の予約は、インターネットからは取消・変更できません。"
      : `「${item.stateWords}」の予約は、インターネットからは取消・変更できません。`;
    return h`<p class="status-note">${why}${item.contactSentence}</p>`;
  }
  return "";
}

function groupHtml(item: HoldListItem): Html | string {
  if (!item.group) return "";
  return h`<dt>順番予約</dt><dd>${item.chain ? h`<p>${item.chain}</p>` : ""}<ol class="hold-chain">${item.group.map(
    (m) => h`<li${m.current ? h` aria-current="true"` : ""}>${m.label}${m.stateWords ? h`（${m.stateWords}）` : h`（貸出済み）`}</li>`,
  )}</ol></dd>`;
}

function itemHtml(item: HoldListItem, v: HoldsView): Html {
  const titleId = `hold-${item.id}-title`;
  const state =
    item.status === "cancelled"
      ? h`<strong>${item.stateWords}</strong>${item.cancelReasonWords ? h`（${item.cancelReasonWords}）` : ""}${
          item.visibleUntil ? h`<br><small>${dayWords(item.visibleUntil)}まで表示されます。</small>` : ""
        }`
      : h`<strong>${item.stateWords}</strong>`;
  return h`<li class="hold-item" id="hold-${item.id}">
<h2 id="${titleId}"><a href="/catalog/${item.recordId}/">${item.title}</a>${item.volumeLabel ? h` <span class="volume">${item.volumeLabel}</span>` : ""}</h2>
<dl class="details">
<dt>状態</dt><dd>${state}</dd>
<dt>${PICKUP_LABEL}</dt><dd>${item.pickupName}</dd>
<dt>${CONTACT_LABEL}</dt><dd>${item.contactWords}</dd>
${item.queue ? h`<dt>予約順位</dt><dd>${item.queue.label}<br>${item.queue.wait}</dd>` : ""}
${groupHtml(item)}
${item.shelfUntil ? h`<dt>${SHELF_UNTIL_LABEL}</dt><dd>${dayWords(item.shelfUntil)}まで${item.shelfDaysLeft ? h`（${item.shelfDaysLeft}）` : ""}</dd>` : ""}
</dl>
${actionsHtml(item, v)}
</li>`;
}

function noticeHtml(n: HoldsNotice): Html | string {
  if (!n) return "";
  return n.kind === "cancelled"
    ? h`<p class="note" role="status">「${n.title}」の予約を取り消しました。</p>`
    : h`<p class="note" role="status">「${n.title}」の${PICKUP_LABEL}・${CONTACT_LABEL}を変更しました。</p>`;
}

/** 「予約状況一覧」: every listed hold with its state, pickup library, contact, position and estimate, chain, deadline. */
export function holdsMain(v: HoldsView): Html {
  const items = v.list.items;
  return h`<h1>${HOLDS_TITLE}</h1>
${noticeHtml(v.notice)}
<p>予約中の資料: ${v.list.activeCount}冊（1人${HOLD_LIMIT}冊まで）</p>
${
  items.length
    ? h`<ul class="hold-list">${items.map((i) => itemHtml(i, v))}</ul>
<p><small>${PAPER_FORM_NOTE}</small></p>
<p><small>「予約中です」の予約だけが、インターネットから取消・変更できます。取り消した予約は${CANCELLED_VISIBLE_DAYS / 7}週間、理由とともに表示されます。</small></p>`
    : h`<p>予約している資料はありません。</p><p><a href="/">資料を探す</a></p>`
}
<p><a href="/guide/holds-status/">予約状況・取消・変更の案内</a></p>
<p><a href="/account">利用者情報メンテナンスへ戻る</a></p>`;
}

/** The confirmation a 「取消」 press gets without JavaScript: one more press cancels, the link goes back. */
export function cancelConfirmMain(v: { hold: { id: number; title: string; volumeLabel: string | null; pickupName: string }; csrf: Html }): Html {
  return h`<h1>予約の取消</h1>
<p>「${titleWithVolume(v.hold)}」（${PICKUP_LABEL}: ${v.hold.pickupName}）の予約を取り消しますか。</p>
<p>取り消すと、予約順位は元に戻せません。もう一度予約すると、最後の順番になります。</p>
<form method="post" action="/holds/${v.hold.id}/cancel">${v.csrf}<input type="hidden" name="confirm" value="yes"><p><button type="submit">取り消す</button></p></form>
<p><a href="/holds">取り消さずに${HOLDS_TITLE}へ戻る</a></p>`;
}

/** A refused request: the message, every reason, where to come or phone (R34), and the way back. */
export function holdsRefusedMain(v: { error: FormError; contactSentence?: string }): Html {
  return h`<h1>${HOLDS_TITLE}</h1>
${errorBox("holds-errors", v.error)}
${v.contactSentence ? h`<p>${v.contactSentence}</p>` : ""}
<p><a href="/holds">${HOLDS_TITLE}へ戻る</a></p>`;
}
