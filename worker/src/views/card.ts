// R50 (issue 10 item 3): 「利用カード（バーコード）」 — the patron's card number as an NW-7 (Codabar) barcode in an
// inline SVG (no image request: the page works from a cached copy), with the number printed under it as text.
// Sized for a counter scanner: whole device pixels (narrow bar 2 px, wide 5 px: ratio 2.5, inside NW-7's 2.25–3),
// crispEdges, a white quiet zone of 10 narrow modules each side inside the SVG, bars 120 px tall. The box
// bleeds over the page's side padding (site.css, issue 10 card block) so that the 308-px symbol fits a 320-px
// screen unscaled. No scripts, no inline styles.
import type { CodabarElement } from "../domain/codabar.ts";
import { errorBox, h, type FormError, type Html } from "./forms.ts";

export const CARD_TITLE = "利用カード（バーコード）";

/** Pixel geometry of the symbol. NARROW ≥ 2 px is what a counter scanner reads off a phone screen reliably. */
export const CARD_BARCODE = { narrow: 2, wide: 5, quiet: 10, height: 120 } as const;

/** The SVG's width in px and its bars as one path (x, width per bar). */
export function barcodeGeometry(elements: readonly CodabarElement[]): { width: number; bars: { x: number; w: number }[] } {
  const { narrow, wide, quiet } = CARD_BARCODE;
  let x = quiet * narrow;
  const bars: { x: number; w: number }[] = [];
  for (const e of elements) {
    const w = e.wide ? wide : narrow;
    if (e.bar) bars.push({ x, w });
    x += w;
  }
  return { width: x + quiet * narrow, bars };
}

function barcodeSvg(number: string, elements: readonly CodabarElement[]): Html {
  const { width, bars } = barcodeGeometry(elements);
  const height = CARD_BARCODE.height;
  const d = bars.map((b) => `M${b.x} 0h${b.w}v${height}h-${b.w}z`).join("");
  return h`<svg class="card-barcode" xmlns="http://www.w3.org/2000/svg" role="img" aria-labelledby="card-barcode-label" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" shape-rendering="crispEdges" data-narrow="${CARD_BARCODE.narrow}" data-modules="${width / CARD_BARCODE.narrow}"><title id="card-barcode-label">図書館カード番号 ${number} のバーコード（NW-7）</title><rect width="${width}" height="${height}" fill="#fff"/><path fill="#000" d="${d}"/></svg>`;
}

export interface CardView {
  name: string;
  cardNumber: string;
  /** The encoded symbol, or why the number cannot be one (then the number is still shown as text). */
  barcode: { ok: true; elements: CodabarElement[] } | { ok: false; error: FormError };
}

export function cardMain(v: CardView): Html {
  return h`<h1>${CARD_TITLE}</h1>
<p><strong>${v.name}</strong> さんの図書館カード番号です。窓口の読み取り機（バーコードリーダー）に画面のバーコードを向けてください。</p>
<div class="card-code">
${v.barcode.ok ? barcodeSvg(v.cardNumber, v.barcode.elements) : errorBox("card-errors", v.barcode.error)}
<p class="card-number"><span class="visually-hidden">図書館カード番号 </span>${v.cardNumber}</p>
</div>
<p class="note">読み取りにくいときは、画面を明るくしてください（明るさを最大に）。画面を傾けず、バーコード全体が見えるようにしてください。</p>
<p>このバーコードはご本人だけのものです。ほかの人に見せたり、撮影させたりしないでください。共用のパソコンや館内OPACでは、使い終わったら必ずログアウトしてください。</p>
<p><a href="/account">利用者情報メンテナンスに戻る</a></p>`;
}
