// R13, R14: the 「予約カート」 page as plain HTML forms that work without JavaScript. Catalogue text is untrusted:
// every interpolation goes through hono/html's `html`, which escapes it. No inline scripts or styles.
import { HOLD_LIMIT } from "../domain/policy.ts";
import type { CartLine } from "../services/cart.ts";
import { errorBox, h, type FormError, type Html } from "./forms.ts";

export const CART_TITLE = "予約カート";
export const REMOVE_LABEL = "解除";
export const PLACE_HOLDS_LABEL = "予約申込";
/** R13: the cart only collects candidates. */
export const NOT_A_HOLD_TEXT = "予約カートに入れただけでは予約になりません。";

export interface CartView {
  lines: readonly CartLine[];
  csrf: Html;
  /** The record just added (from ?added=): named only when it is one of this cart's lines. */
  addedId?: number;
  loggedIn: boolean;
}

function lineHtml(line: CartLine, csrf: Html): Html {
  const titleId = `cart-line-${line.recordId}`;
  return h`<li><p><a id="${titleId}" href="/catalog/${line.recordId}/">${line.title}</a>${
    line.volumeLabel ? h` <span class="volume">${line.volumeLabel}</span>` : ""
  }${line.author ? h`<br><small>${line.author}</small>` : ""}</p>
<form method="post" action="/cart/remove">${csrf}<input type="hidden" name="recordId" value="${line.recordId}"><button type="submit" aria-describedby="${titleId}">${REMOVE_LABEL}</button></form></li>`;
}

/** 「予約カート」: the lines, each with 「解除」; what the cart is (not holds); R14's limit; 「予約申込」 to come. */
export function cartMain(v: CartView): Html {
  const added = v.addedId !== undefined ? v.lines.find((l) => l.recordId === v.addedId) : undefined;
  return h`<h1>${CART_TITLE}</h1>
${added ? h`<p class="note" role="status">「${added.title}」を予約カートに入れました。</p>` : ""}
<p><strong>${NOT_A_HOLD_TEXT}</strong>予約カートは予約したい資料の候補を集めておく場所です。</p>
${
  v.lines.length
    ? h`<p>予約カートの資料: ${v.lines.length}件</p><ul class="cart-lines">${v.lines.map((l) => lineHtml(l, v.csrf))}</ul>`
    : h`<p>予約カートに資料はありません。資料を探して、書誌のページの「予約カートに入れる」を押してください。</p><p><a href="/">資料を探す</a></p>`
}
<p>予約できるのは、1人${HOLD_LIMIT}件までです（本・雑誌あわせて。インターネット・館内OPAC・窓口の申込書による予約をすべて含みます）。</p>
<h2>${PLACE_HOLDS_LABEL}</h2>
<p>予約カートの資料を予約するには、ログインが必要です。予約カートからの「${PLACE_HOLDS_LABEL}」は、次回の更新で利用できるようになります。</p>
${v.loggedIn ? "" : h`<p><a href="/login?next=%2Fcart">ログイン</a></p>`}`;
}

/** A refused 「予約カートに入れる」 or 「解除」: the message and every reason, and the way back. */
export function cartRefusedMain(v: { error: FormError; recordId?: number }): Html {
  return h`<h1>${CART_TITLE}</h1>
${errorBox("cart-errors", v.error)}
${v.recordId !== undefined ? h`<p><a href="/catalog/${v.recordId}/">書誌のページへ戻る</a></p>` : ""}
<p><a href="/cart">予約カートへ戻る</a></p>`;
}
