// R30, R31, R32: 「貸出状況一覧」, the 「延長」 confirmation and its answers, as plain HTML forms that work without
// JavaScript (issue 8 items 4 and 5). Catalogue text is untrusted: every interpolation goes through hono/html's `html`
// (h), which escapes it. No inline scripts or styles. 「延長」 appears only where the rules allow it; elsewhere every
// reason it cannot be renewed stands in its place. The LoanList island (site/src/islands/LoanList.tsx) enhances the
// 「延長」 form (class loan-renew, data-new-due) when JavaScript runs.
import { LOAN_DAYS, MAX_RENEWALS, RENEWAL_DAYS } from "../domain/policy.ts";
import type { LoanList, LoanListItem } from "../services/loans.ts";
import { errorBox, h, type FormError, type Html, titleWithVolume } from "./forms.ts";
import { dayWords, HOLDS_TITLE } from "./holds.ts";

export const LOANS_TITLE = "貸出状況一覧";
export const RENEW_LABEL = "延長";
export const RENEW_CONFIRM_LABEL = "延長する";
export const RENEW_TITLE = "貸出の延長";
export const DUE_LABEL = "返却期限";
export const RENEWED_WORDS = "延長済み";

export type LoansNotice = { kind: "renewed"; title: string; dueDate: string } | null;

export interface LoansView {
  list: LoanList;
  notice: LoansNotice;
}

function dueHtml(item: LoanListItem): Html {
  const words = item.due.kind === "overdue" ? h`<strong class="overdue">${item.due.text}</strong>` : h`<strong>${item.due.text}</strong>`;
  return h`${dayWords(item.dueDate)}（${words}）`;
}

function renewedHtml(item: LoanListItem): Html {
  return item.renewed ? h`${RENEWED_WORDS}${item.renewedOn ? h`（${dayWords(item.renewedOn)}）` : ""}` : h`まだ延長していません`;
}

function actionHtml(item: LoanListItem): Html {
  const titleId = `loan-${item.id}-title`;
  if (item.renewable && item.newDueDate) {
    const newDue = dayWords(item.newDueDate);
    return h`<form method="get" action="/loans/${item.id}/renew" class="loan-renew" data-new-due="${newDue}">
<p>延長すると、返却期限は${newDue}になります。</p>
<p><button type="submit" aria-describedby="${titleId}">${RENEW_LABEL}</button></p></form>`;
  }
  return h`<div class="status-note loan-not-renewable"><p>この資料は延長できません。</p><ul class="reasons">${item.reasons.map((r) => h`<li>${r.message}</li>`)}</ul></div>`;
}

function itemHtml(item: LoanListItem): Html {
  const titleId = `loan-${item.id}-title`;
  return h`<li class="loan-item" id="loan-${item.id}">
<h2 id="${titleId}"><a href="/catalog/${item.recordId}/">${item.title}</a>${item.volumeLabel ? h` <span class="volume">${item.volumeLabel}</span>` : ""}</h2>
<dl class="details">
<dt>${DUE_LABEL}</dt><dd>${dueHtml(item)}</dd>
<dt>${RENEW_LABEL}</dt><dd>${renewedHtml(item)}</dd>
<dt>貸出館</dt><dd>${item.branchName}</dd>
</dl>
${actionHtml(item)}
</li>`;
}

function noticeHtml(n: LoansNotice): Html | string {
  if (!n) return "";
  return h`<p class="note" role="status">「${n.title}」の貸出を延長しました。新しい${DUE_LABEL}は<strong>${dayWords(n.dueDate)}</strong>です。</p>`;
}

/** 「貸出状況一覧」: every open loan with its due date, 「あと n 日」 / 「今日まで」 / 「延滞」, renewal, lending library. */
export function loansMain(v: LoansView): Html {
  const items = v.list.items;
  return h`<h1>${LOANS_TITLE}</h1>
${noticeHtml(v.notice)}
<p>借りている資料: ${v.list.count}点（1人${v.list.limit}点まで）</p>
${
  items.length
    ? h`<ul class="loan-list">${items.map(itemHtml)}</ul>
<p><small>貸出期間は${LOAN_DAYS / 7}週間です。「${RENEW_LABEL}」は1点につき${MAX_RENEWALS}回、${DUE_LABEL}までで、ほかの方の予約が入っていない資料だけできます。延長した日から${RENEWAL_DAYS / 7}週間後が新しい${DUE_LABEL}になります。市外の図書館から取り寄せた資料は延長できません。</small></p>`
    : h`<p>借りている資料はありません。</p><p><a href="/">資料を探す</a></p>`
}
<p><a href="/guide/loans/">貸出状況と貸出延長の案内</a></p>
<p><a href="/holds">${HOLDS_TITLE}</a></p>
<p><a href="/account">利用者情報メンテナンスへ戻る</a></p>`;
}

/** GET /loans/:id/renew: the new due date, and 「延長する」 (one more press renews); the link goes back. */
export function renewConfirmMain(v: { loan: LoanListItem; csrf: Html }): Html {
  const l = v.loan;
  return h`<h1>${RENEW_TITLE}</h1>
<p>「${titleWithVolume(l)}」の貸出を延長しますか。</p>
<dl class="details">
<dt>いまの${DUE_LABEL}</dt><dd>${dueHtml(l)}</dd>
<dt>延長後の${DUE_LABEL}</dt><dd><strong>${l.newDueDate ? dayWords(l.newDueDate) : ""}</strong></dd>
</dl>
<p>延長できるのは1点につき${MAX_RENEWALS}回です。延長した日から${RENEWAL_DAYS / 7}週間後が新しい${DUE_LABEL}になります。</p>
<form method="post" action="/loans/${l.id}/renew">${v.csrf}<p><button type="submit">${RENEW_CONFIRM_LABEL}</button></p></form>
<p><a href="/loans">延長せずに${LOANS_TITLE}へ戻る</a></p>`;
}

/** A refused request: the message and every reason (which rule refused), the loan's title when known, the way back. */
export function loansRefusedMain(v: { error: FormError; title?: string }): Html {
  return h`<h1>${LOANS_TITLE}</h1>
${v.title ? h`<p>「${v.title}」は延長できません。</p>` : ""}
${errorBox("loans-errors", v.error)}
<p><a href="/loans">${LOANS_TITLE}へ戻る</a></p>`;
}
