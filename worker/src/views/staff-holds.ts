// R12, R16 (issue 7 item 5): the counter's paper-form entry 「予約申込書の入力」, a plain HTML form that works without
// JavaScript. Issue 8 (R34): 「市外から取り寄せ」 enters an inter-library hold on a record the city does not hold. What staff type is untrusted: every interpolation goes through hono/html's `html`, which escapes it.
import type { PickupBranch } from "../data/hold-placement.ts";
import { errorBox, field, h, type FormError, type Html } from "./forms.ts";

export const PAPER_TITLE = "予約申込書の入力";

export interface PaperFormView {
  csrf: Html;
  formKey: string;
  pickupBranches: PickupBranch[];
  defaultPickupBranchId: number | null;
  /** Asia/Tokyo 'YYYY-MM-DDTHH:MM' (now, unless the form comes back with what was typed). */
  receivedAt: string;
  values?: { cardNumber?: string; recordId?: string; pickupBranchId?: string; contact?: string; external?: string };
  error?: FormError;
}

export function paperFormMain(v: PaperFormView): Html {
  const values = v.values ?? {};
  const pickup = values.pickupBranchId ? Number(values.pickupBranchId) : v.defaultPickupBranchId;
  const contact = values.contact ?? "phone";
  const contacts = [
    ["mail", "メール"],
    ["phone", "電話"],
    ["none", "連絡不要"],
  ] as const;
  return h`<h1>${PAPER_TITLE}</h1>
<p>窓口で受け付けた「予約申込書」を入力します。予約は受付日時の順に予約順位に入ります（1人10冊まで、インターネット・館内OPACの予約を含みます）。</p>
${errorBox("paper-errors", v.error)}
<form method="post" action="/staff/holds/paper" class="account-form">${v.csrf}
<input type="hidden" name="idempotencyKey" value="${v.formKey}">
${field({ id: "paper-card", name: "cardNumber", label: "図書館カード番号", type: "text", autocomplete: "off", inputmode: "numeric", value: values.cardNumber ?? "" }, "paper-errors", v.error)}
${field(
  { id: "paper-record", name: "recordId", label: "書誌番号", type: "text", autocomplete: "off", inputmode: "numeric", value: values.recordId ?? "", hint: "書誌のページのアドレス（/catalog/番号/）の番号です。" },
  "paper-errors",
  v.error,
)}
<p class="field"><label><input type="checkbox" name="external" value="1" aria-describedby="paper-external-hint"${values.external === "1" ? " checked" : ""}> 市外から取り寄せ（相互貸借）</label><br>
<small id="paper-external-hint" class="hint">市内に所蔵のない書誌を、市外の図書館から取り寄せます。この予約はインターネットからは取消・変更できず、届いた資料の貸出は延長できません。</small></p>
<p class="field"><label for="paper-pickup">受取館</label><br><select id="paper-pickup" name="pickupBranchId">${v.pickupBranches.map(
    (b) => h`<option value="${b.id}"${b.id === pickup ? " selected" : ""}>${b.name}</option>`,
  )}</select></p>
<fieldset><legend>連絡方法</legend>${contacts.map(
    ([value, label]) => h`<p><label><input type="radio" name="contact" value="${value}"${value === contact ? " checked" : ""}> ${label}</label></p>`,
  )}<p><small>メールは、確認済みのメールアドレスが登録されている利用者だけ選べます。</small></p></fieldset>
<p class="field"><label for="paper-received">受付日時</label><br><small id="paper-received-hint" class="hint">申込書を受け付けた日時（日本時間）。</small><br>
<input id="paper-received" name="receivedAt" type="datetime-local" value="${v.receivedAt}" required aria-describedby="paper-received-hint"></p>
<p><button type="submit">予約を登録する</button></p>
</form>
<p><a href="/staff/">職員メニュー</a></p>`;
}
