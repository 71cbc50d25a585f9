// Issue 8 item 1: the counter's lists and look-up as plain server-rendered pages that work without JavaScript and at
// 320 px — 「ピックリスト」 (R16, R15), 「取置棚」 with the phone list and 「連絡済み」 (R21), 「利用者照会」 and
// 「仮パスワード発行」 (R05), and 「相互貸借資料の受入」 (R32, R34). Every interpolation goes through hono/html (h), which
// escapes it: titles come from the catalogue, names and barcodes were typed by people.
import { ACTIVE_HOLD_STATUSES } from "../domain/vocabulary.ts";
import type { ConsoleBranch } from "../data/staff-console.ts";
import type { HoldShelf, PatronLookup, PickList, ShelfLine } from "../services/staff-console.ts";
import type { IllWaitingHold } from "../services/ill.ts";
import { errorBox, h, titleWithVolume, type FormError, type Html } from "./forms.ts";
import { tokyoTime } from "./terminals.ts";

export const PICK_LIST_TITLE = "ピックリスト";
export const HOLD_SHELF_TITLE = "取置棚";
export const PATRON_LOOKUP_TITLE = "利用者照会";
export const TEMP_PASSWORD_TITLE = "仮パスワード発行";
export const ILL_TITLE = "相互貸借資料の受入";

const back = h`<p><a href="/staff/">職員メニュー</a></p>`;

/** 「2026年12月3日」 from 'YYYY-MM-DD'. */
export function dayWords(day: string): string {
  const [y, m, d] = day.split("-").map(Number);
  return `${y}年${m}月${d}日`;
}

/** An admin's branch select (GET, no JavaScript: 「表示」); a counter sees their branch named, nothing to choose. */
function branchPicker(action: string, branch: ConsoleBranch, branches: ConsoleBranch[] | null): Html {
  if (!branches) return h`<p class="staff-branch">館: <strong>${branch.name}</strong></p>`;
  return h`<form method="get" action="${action}" class="branch-picker">
<p class="field"><label for="console-branch">館</label><br><select id="console-branch" name="branch">${branches.map(
    (b) => h`<option value="${b.id}"${b.id === branch.id ? " selected" : ""}>${b.name}</option>`,
  )}</select> <button type="submit">表示</button></p>
</form>`;
}

export interface ListView {
  branch: ConsoleBranch;
  /** The city's branches, for an admin; null for a counter. */
  branches: ConsoleBranch[] | null;
}

export function pickListMain(v: ListView & { list: PickList }): Html {
  return h`<h1>${PICK_LIST_TITLE}</h1>
${branchPicker("/staff/picklist", v.branch, v.branches)}
<p>この館の書架にある資料で用意できる予約です（受付の古い順）。資料を書架から取り出し、「<a href="/staff/checkin">返却</a>」で資料番号を読み取ってください（予約に確保されます）。</p>
${
  v.list.lines.length === 0
    ? h`<p id="pick-empty">いま書架から取り出す資料はありません。</p>`
    : h`<div class="scroll"><table id="pick-list">
<caption>${v.list.lines.length}件${v.list.more ? "（ほかにもあります。この分を処理してから開き直してください）" : ""}</caption>
<thead><tr><th scope="col">請求記号</th><th scope="col">資料名</th><th scope="col">資料番号</th><th scope="col">受取館</th><th scope="col">受付日時</th></tr></thead>
<tbody>${v.list.lines.map(
        (l) => h`<tr id="pick-${l.holdId}"><td>${l.shelfMark ?? ""}</td><td>${titleWithVolume(l)}</td><td>${l.barcode}</td><td>${l.pickupName}</td><td>${tokyoTime(l.placedAt)}</td></tr>`,
      )}</tbody>
</table></div>`
}
${back}`;
}

function shelfRow(l: ShelfLine): Html {
  const soon = l.expired || l.openDaysLeft <= 1;
  return h`<tr id="shelf-${l.holdId}"${soon ? h` class="shelf-soon"` : ""}><td>${dayWords(l.shelfUntil)}<br><small>${soon ? h`<strong>${l.daysLeftText}</strong>` : l.daysLeftText}</small></td><td>${titleWithVolume(l)}</td><td>${l.barcode ?? ""}</td><td>${l.cardNumber}<br>${l.patronName}</td><td>${dayWords(l.readyDay)}</td></tr>`;
}

export function holdShelfMain(v: ListView & { shelf: HoldShelf; csrf: Html; notice?: string; error?: FormError }): Html {
  const { shelf } = v;
  return h`<h1>${HOLD_SHELF_TITLE}</h1>
${branchPicker("/staff/shelf", v.branch, v.branches)}
${v.notice ? h`<p class="note" id="shelf-notice" role="status">${v.notice}</p>` : ""}
${errorBox("shelf-errors", v.error)}
<h2>電話連絡</h2>
<p>連絡方法が「電話」で、まだ連絡していない予約です。電話したら「連絡済み」を押してください。その日が連絡日になり、お取り置き期限はその翌日から数えて7開館日になります。</p>
${
  shelf.phoneList.length === 0
    ? h`<p id="phone-empty">電話連絡の必要な予約はありません。</p>`
    : h`<ul class="menu" id="phone-list">${shelf.phoneList.map(
        (l) => h`<li id="phone-${l.holdId}"><span>${l.patronName}（${l.cardNumber}） 電話 <a href="tel:${l.phone.replace(/[^0-9+]/g, "")}">${l.phone}</a>：${titleWithVolume(l)}</span>
<form method="post" action="/staff/holds/${l.holdId}/contacted">${v.csrf}<input type="hidden" name="branch" value="${v.branch.id}"><button type="submit">連絡済み</button></form></li>`,
      )}</ul>`
}
<h2>取置中の資料</h2>
${
  shelf.lines.length === 0
    ? h`<p id="shelf-empty">取置棚の資料はありません。</p>`
    : h`<div class="scroll"><table id="shelf-list">
<caption>${shelf.lines.length}件（ご用意の古い順）${shelf.more ? "・ほかにもあります" : ""}</caption>
<thead><tr><th scope="col">お取り置き期限</th><th scope="col">資料名</th><th scope="col">資料番号</th><th scope="col">利用者</th><th scope="col">ご用意日</th></tr></thead>
<tbody>${shelf.lines.map(shelfRow)}</tbody>
</table></div>`
}
${back}`;
}

const STATUS_WORDS = { active: "有効", suspended: "利用停止" } as const;

export function patronLookupMain(v: { card: string; found?: PatronLookup; error?: FormError; csrf: Html }): Html {
  const f = v.found;
  return h`<h1>${PATRON_LOOKUP_TITLE}</h1>
${errorBox("lookup-errors", v.error)}
<form method="get" action="/staff/patrons" class="account-form">
<p class="field"><label for="lookup-card">図書館カード番号</label><br>
<input id="lookup-card" name="card" type="text" inputmode="numeric" autocomplete="off" value="${v.card}" required autofocus${v.error ? h` aria-describedby="lookup-errors" aria-invalid="true"` : ""}></p>
<p><button type="submit">照会</button></p>
</form>
${
  f
    ? h`<section aria-labelledby="lookup-who"><h2 id="lookup-who">${f.patron.name}</h2>
<dl class="staff-who">
<dt>図書館カード番号</dt><dd>${f.patron.cardNumber}</dd>
${f.patron.nameKana ? h`<dt>よみ</dt><dd>${f.patron.nameKana}</dd>` : ""}
<dt>登録館</dt><dd>${f.patron.homeBranchName}</dd>
<dt>状態</dt><dd>${STATUS_WORDS[f.patron.status]}</dd>
<dt>電話番号</dt><dd>${f.patron.phone}</dd>
<dt>パスワード</dt><dd>${f.patron.temporaryPassword === null ? "未登録" : f.patron.temporaryPassword ? "仮パスワード（変更待ち）" : "登録済み"}</dd>
</dl>
<h2>貸出中の資料（${f.loans.length}冊）</h2>
${
  f.loans.length === 0
    ? h`<p id="lookup-no-loans">貸出中の資料はありません。</p>`
    : h`<div class="scroll"><table id="lookup-loans"><thead><tr><th scope="col">資料名</th><th scope="col">資料番号</th><th scope="col">返却期限</th><th scope="col">延長</th></tr></thead>
<tbody>${f.loans.map(
        (l) => h`<tr id="loan-${l.loanId}"><td>${titleWithVolume(l)}${l.interLibrary ? h`<br><small>相互貸借（延長できません）</small>` : ""}</td><td>${l.barcode}</td><td>${dayWords(l.dueDate)}${l.overdue ? h`<br><strong>延滞</strong>` : ""}</td><td>${l.renewals > 0 ? "延長済み" : "なし"}</td></tr>`,
      )}</tbody></table></div>`
}
<h2>予約（${f.holds.filter((x) => (ACTIVE_HOLD_STATUSES as readonly string[]).includes(x.status)).length}件）</h2>
${
  f.holds.length === 0
    ? h`<p id="lookup-no-holds">予約はありません。</p>`
    : h`<div class="scroll"><table id="lookup-holds"><thead><tr><th scope="col">資料名</th><th scope="col">状態</th><th scope="col">受取館</th></tr></thead>
<tbody>${f.holds.map(
        (x) => h`<tr id="hold-${x.id}"><td>${titleWithVolume(x)}${x.external ? h`<br><small>市外から取り寄せ</small>` : ""}</td><td>${x.stateWords}${x.cancelReasonWords ? `（${x.cancelReasonWords}）` : ""}${
          x.queue ? h`<br><small>${x.queue.label}</small>` : ""
        }${x.chain ? h`<br><small>${x.chain}</small>` : ""}${x.shelfUntil ? h`<br><small>お取り置き期限 ${dayWords(x.shelfUntil)}${x.shelfDaysLeft ? `（${x.shelfDaysLeft}）` : ""}</small>` : ""}</td><td>${x.pickupName}</td></tr>`,
      )}</tbody></table></div>`
}
<h2>${TEMP_PASSWORD_TITLE}</h2>
<p>パスワードを忘れた利用者に、本人であることを確認してから仮パスワードを発行します。発行するとこれまでのパスワードは使えなくなり、ログイン中の端末もログアウトされます。利用者は仮パスワードでログインした後、「パスワード変更」で新しいパスワードを決めるまで、ほかの機能は使えません。</p>
<form method="post" action="/staff/patrons/${f.patron.cardNumber}/temporary-password">${v.csrf}
<p><button type="submit">仮パスワード発行</button></p>
</form>
</section>`
    : ""
}
${back}`;
}

/** The temporary password, shown on this answer page only (never in a URL, never stored in clear). */
export function temporaryPasswordMain(v: { cardNumber: string; password: string }): Html {
  return h`<h1>${TEMP_PASSWORD_TITLE}</h1>
<p role="status">図書館カード番号 ${v.cardNumber} の仮パスワードを発行しました。この画面を閉じると二度と表示されません。利用者にお伝えください。</p>
<p class="temp-password">仮パスワード: <strong id="temp-password"><code>${v.password}</code></strong></p>
<p>利用者は仮パスワードでログインした後、「パスワード変更」で新しいパスワードを決めてください。それまでは予約などのほかの機能は使えません。</p>
<p><a href="/staff/patrons?card=${v.cardNumber}">利用者照会に戻る</a></p>
${back}`;
}

export function illMain(v: { branchName: string; waiting: IllWaitingHold[]; csrf: Html; notice?: string; error?: FormError; values?: { holdId?: string; barcode?: string } }): Html {
  const selected = v.values?.holdId ?? (v.waiting.length === 1 ? String(v.waiting[0]!.holdId) : "");
  return h`<h1>${ILL_TITLE}</h1>
<p class="staff-branch">館: <strong>${v.branchName}</strong></p>
${v.notice ? h`<p class="note" id="ill-notice" role="status">${v.notice}</p>` : ""}
${errorBox("ill-errors", v.error)}
<p>市外の図書館から届いた資料を受け入れます。予約を選び、資料に付けた資料番号（例: ILL-0001）を読み取ってください。資料はこの館の取置棚に入り、予約は「ご用意できました」になります。相互貸借の資料の貸出は延長できません。</p>
${
  v.waiting.length === 0
    ? h`<p id="ill-empty">この館で受入を待っている相互貸借の予約はありません。</p>`
    : h`<form method="post" action="/staff/ill" class="account-form">${v.csrf}
<fieldset><legend>予約</legend>${v.waiting.map(
        (w) => h`<p><label><input type="radio" name="holdId" value="${w.holdId}"${String(w.holdId) === selected ? " checked" : ""} required> ${titleWithVolume(w)}（${w.patronName}・${w.cardNumber}、受付 ${tokyoTime(w.placedAt)}）</label></p>`,
      )}</fieldset>
<p class="field"><label for="ill-barcode">資料番号</label><br>
<input id="ill-barcode" name="barcode" type="text" autocomplete="off" value="${v.values?.barcode ?? ""}" required autofocus${v.error ? h` aria-describedby="ill-errors"` : ""}></p>
<p><button type="submit">受入</button></p>
</form>`
}
${back}`;
}
