// R13, R14 (issue 6 items 3–5): the 「予約カート」 page as plain HTML forms that work without JavaScript. Catalogue text is untrusted:
// every interpolation goes through hono/html's `html`, which escapes it. No inline scripts or styles.
import { CART_LIMIT, HOLD_LIMIT } from "../domain/policy.ts";
import type { CartLine } from "../services/cart.ts";
import { errorBox, h, type FormError, type Html, titleWithVolume } from "./forms.ts";

export const CART_TITLE = "予約カート";
/** The header link (site/src/layouts/Base.astro); issue 7 item 1: with the number of lines, part of the link's text. */
export const CART_LINK_LABEL = "予約カートを見る";

export function cartLinkText(lines: number): string {
  return `${CART_LINK_LABEL} (${lines})`;
}
export const REMOVE_LABEL = "解除";
export const UNDO_LABEL = "元に戻す";
/** R13: the cart only collects candidates. */
export const NOT_A_HOLD_TEXT = "予約カートに入れただけでは予約になりません。";
/** Issue 6 item 3: a browser that refuses cookies can keep no cart. */
export const COOKIES_NEEDED_TEXT =
  "予約カートを使うには、ブラウザーでCookie（クッキー）を受け入れる設定にしてください。このブラウザーからCookieが送られてこないため、予約カートに入れた資料を覚えておけません。";

export interface CartView {
  lines: readonly CartLine[];
  csrf: Html;
  /** The record just added (from ?added=): named only when it is one of this cart's lines. */
  addedId?: number;
  /** The record the patron tried to add again (from ?already=): named only when it is one of this cart's lines. */
  alreadyId?: number;
  /** The record just removed (from ?removed=, when it is no longer in the cart): offered back with 「元に戻す」. */
  removed?: { recordId: number; title: string; volumeLabel: string | null };
  /** The add sent the browser here with a cart cookie, and none came back. */
  cookiesRefused: boolean;
  loggedIn: boolean;
  /** Issue 7 item 1: lines of this browser that did not fit into the patron's cart at login (R13's limit). */
  leftOver?: number;
  /** The login's own destination, when the login came here first to say that lines did not fit. */
  afterLogin?: string;
  // issue 7 item 4 (h-series): the 「順番予約」 entry (views/holds-series.ts seriesEntryHtml), shown after the lines.
  seriesEntry?: Html | string;
}


function lineHtml(line: CartLine, csrf: Html): Html {
  const titleId = `cart-line-${line.recordId}`;
  return h`<li${line.leftOver ? h` class="left-over"` : ""}><p>${line.leftOver ? h`<strong>${LEFT_OVER_MARK}</strong><br>` : ""}<a id="${titleId}" href="/catalog/${line.recordId}/">${line.title}</a>${
    line.volumeLabel ? h` <span class="volume">${line.volumeLabel}</span>` : ""
  }${line.author ? h`<br><small>${line.author}</small>` : ""}</p>
<form method="post" action="/cart/remove">${csrf}<input type="hidden" name="recordId" value="${line.recordId}"><button type="submit" aria-describedby="${titleId}">${REMOVE_LABEL}</button></form></li>`;
}

/** Issue 7 item 1: a line collected before the login that the patron's cart had no room for. */
export const LEFT_OVER_MARK = "ログイン前に入れた資料（予約カートに入りきりませんでした）";

function leftOverHtml(v: CartView): Html | string {
  if (!v.leftOver) return "";
  return h`<div class="note" role="status"><p>ログイン前にこのブラウザーで予約カートに入れた資料のうち${v.leftOver}冊は、予約カートが${CART_LIMIT}冊までのため、あなたの予約カートに入りませんでした。下の一覧で「${LEFT_OVER_MARK}」と書かれた資料です。ほかの資料を${REMOVE_LABEL}すると、空いた分だけ、入りきらなかった資料が入れた順に入ります。ログアウトすると、入りきらなかった資料は予約カートから消えます。</p>${
    v.afterLogin ? h`<p><a href="${v.afterLogin}">続ける</a></p>` : ""
  }</div>`;
}

function statusHtml(v: CartView): Html | string {
  if (v.cookiesRefused) return h`<div class="note" role="alert"><p>${COOKIES_NEEDED_TEXT}</p></div>`;
  const added = v.addedId !== undefined ? v.lines.find((l) => l.recordId === v.addedId) : undefined;
  if (added) return h`<p class="note" role="status">「${titleWithVolume(added)}」を予約カートに入れました。</p>`;
  const already = v.alreadyId !== undefined ? v.lines.find((l) => l.recordId === v.alreadyId) : undefined;
  if (already) return h`<p class="note" role="status">「${titleWithVolume(already)}」はすでに予約カートに入っています。予約カートには1冊につき1件だけ入ります。</p>`;
  if (v.removed) {
    return h`<div class="note" role="status"><p>「${titleWithVolume(v.removed)}」を予約カートから${REMOVE_LABEL}しました。まちがえて${REMOVE_LABEL}したときは「${UNDO_LABEL}」を押してください。</p>
<form method="post" action="/cart">${v.csrf}<input type="hidden" name="recordId" value="${v.removed.recordId}"><button type="submit">${UNDO_LABEL}</button></form></div>`;
  }
  return "";
}

/** 「予約カート」: the lines, each with 「解除」; what the cart is (not holds); R14's limit. */
export function cartMain(v: CartView): Html {
  return h`<h1>${CART_TITLE}</h1>
${statusHtml(v)}
${leftOverHtml(v)}
<p><strong>${NOT_A_HOLD_TEXT}</strong>予約カートは予約したい資料の候補を集めておく場所です（${CART_LIMIT}冊まで）。${
    v.loggedIn ? "ログイン中に入れた資料は、ログアウトしても次にログインしたときに戻ります。" : "ログインすると、予約カートの資料はあなたの図書館カードに結びつき、ログアウトしても次にログインしたときに戻ります。"
  }</p>
${
  v.lines.length
    ? h`<p>予約カートの資料: ${v.lines.length}冊</p><ul class="cart-lines">${v.lines.map((l) => lineHtml(l, v.csrf))}</ul>${v.seriesEntry ?? ""}`
    : h`<p>予約カートに資料はありません。資料を探して、書誌のページや検索結果の「予約カートに入れる」を押してください。</p><p><a href="/">資料を探す</a></p>`
}
<p>予約できるのは、1人${HOLD_LIMIT}冊までです（図書・雑誌あわせて。インターネット・館内OPAC・窓口の申込書による予約をすべて含みます）。</p>
${v.lines.length ? h`<p><a href="/holds/apply">予約申込へ進む</a></p>` : ""}
${v.loggedIn ? "" : h`<p><a href="/login?next=%2Fcart">ログイン</a></p>`}`;
}

/** A refused 「予約カートに入れる」 or 「解除」: the message and every reason, and the way back. */
export function cartRefusedMain(v: { error: FormError; recordId?: number; passwordChange?: boolean }): Html {
  return h`<h1>${CART_TITLE}</h1>
${errorBox("cart-errors", v.error)}
${v.passwordChange ? h`<p><a href="/account/password">パスワード変更</a></p>` : ""}
${v.recordId !== undefined ? h`<p><a href="/catalog/${v.recordId}/">書誌のページへ戻る</a></p>` : ""}
${v.passwordChange ? "" : h`<p><a href="/cart">予約カートへ戻る</a></p>`}`;
}
