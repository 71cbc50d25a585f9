// The record page body (R10, R11, R15), shared by the static build (Astro, set:html) and the Worker's fallback for
// records past the static cap, so both produce the same HTML. Catalogue text is untrusted: every interpolation
// goes through hono/html's `h`, which escapes it; JSON-LD is serialised with '<' escaped.
import { html, raw } from "hono/html";
import type { HtmlEscapedString } from "hono/utils/html";
import { decideHoldable, type HoldabilityDecision } from "../domain/holdability.ts";
import { MESSAGES } from "../domain/messages.ts";
import type { RecordItem, RecordPage, RecordPerson } from "../data/catalog-read.ts";
import { recordJsonLd as buildRecordJsonLd, type RecordJsonLd } from "./record-json-ld.ts";

type Html = HtmlEscapedString;

/** hono/html's `html`, held to synchronous output (nothing here interpolates a Promise). */
function h(strings: TemplateStringsArray, ...values: unknown[]): Html {
  const out = html(strings, ...values);
  if (out instanceof Promise) throw new Error("the record view renders synchronously");
  return out;
}

/** R11 — the exact words patrons are told to look for. */
export const NOT_HOLDABLE_TEXT = "この書誌は予約できません。";
export const ADD_TO_CART_LABEL = "予約カートに入れる";
/** Issue 7 item 9: 「マイブックリスト」. */
export const ADD_TO_BOOK_LIST_LABEL = "マイブックリストに追加";
export const LATEST_AVAILABILITY_LABEL = "最新の所蔵状況を見る";

const MATERIAL_LABELS: Record<string, string> = {
  book: "図書",
  magazine: "雑誌",
  audio: "録音資料",
  video: "映像資料",
  electronic: "電子資料",
  other: "その他",
};

export function materialLabel(type: string): string {
  return MATERIAL_LABELS[type] ?? MATERIAL_LABELS.other!;
}

/**
 * The holdings 「状態」 column: where the copy is now (在架, 貸出中, …). Whether it may leave the library at all is
 * the 「区分」 column's (貸出可 / 禁帯出, holdingsTable), so the two never say the same thing (issue 6).
 */
export function itemStatusLabel(item: Pick<RecordItem, "status" | "loanable">): string {
  switch (item.status) {
    case "on_shelf":
      return "在架";
    case "on_loan":
      return "貸出中";
    case "in_transit":
      return "搬送中";
    case "on_hold_shelf":
      return "予約取置中";
    case "missing":
      return "所在不明";
    default:
      return "—";
  }
}

/** R11 over the copies a page already carries (each copy knows whether its branch is in the city). */
export function holdabilityOf(items: readonly RecordItem[]): HoldabilityDecision {
  return decideHoldable({ items, branches: items.map((i) => ({ id: i.branchId, inCity: i.inCity })) });
}

export function recordUrl(origin: string, id: number): string {
  return `${origin.replace(/\/+$/, "")}/catalog/${id}/`;
}

/** Title as shown in <title>, lists and JSON-LD: title, subtitle and the volume when the title lacks it. */
export function recordTitle(page: RecordPage): string {
  const r = page.record;
  let t = r.title;
  if (volumeSuffix(page)) t += ` ${r.volumeLabel}`;
  if (r.subtitle) t += ` : ${r.subtitle}`;
  return t;
}

/** The volume label, when neither the title nor the subtitle already says it (Aozora often puts it in both). */
function volumeSuffix(page: RecordPage): string | null {
  const { title, subtitle, volumeLabel } = page.record;
  return volumeLabel && !title.includes(volumeLabel) && subtitle !== volumeLabel ? volumeLabel : null;
}

function withReading(text: string, reading: string | null): Html | string {
  return reading && reading !== text ? h`<ruby>${text}<rp>（</rp><rt>${reading}</rt><rp>）</rp></ruby>` : text;
}

function personLink(p: RecordPerson): Html {
  return h`<a href="/search?q=${encodeURIComponent(p.name)}">${p.name}</a>`;
}

export function recordDescription(page: RecordPage): string {
  const r = page.record;
  const names = page.people.map((p) => p.name).slice(0, 3).join("・");
  return [recordTitle(page), names || r.responsibility, r.publisher, r.pubYear ? `${r.pubYear}年` : null]
    .filter(Boolean)
    .join(" / ");
}

/** The record's schema.org JSON-LD (views/record-json-ld.ts, issue 6 item 4), named as the page names it. */
export function recordJsonLd(page: RecordPage, origin: string): RecordJsonLd {
  return buildRecordJsonLd(page, origin, recordTitle(page));
}

/** JSON for <script type="application/ld+json">: '<', '>' and '&' escaped so the text can never close the element. */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

/** Head markup: canonical URL, description, JSON-LD. */
export function recordHead(page: RecordPage, origin: string): Html {
  return h`<link rel="canonical" href="${recordUrl(origin, page.record.id)}"><meta name="description" content="${recordDescription(page)}"><script type="application/ld+json">${raw(jsonForScript(recordJsonLd(page, origin)))}</script>`;
}

/**
 * Issue 7 item 9: 「マイブックリストに追加」 on every record page (a reading list may hold any record, holdable or not).
 * The static page cannot know the session or the patron's lists, so it is a link to GET /lists/add, a Worker page:
 * it sends a visitor who is not logged in to 「ログイン」 and back, then offers a select of the patron's lists (and
 * a new list's name). The Worker's fallback record pages render the same body, hence the same link.
 */
export function bookListLink(recordId: number): Html {
  return h`<p class="book-list-add"><a href="/lists/add?record=${recordId}">${ADD_TO_BOOK_LIST_LABEL}</a></p>`;
}

/** R11: the cart form (plain POST, works without JS) or exactly 「この書誌は予約できません。」 and why. */
export function holdBlock(recordId: number, decision: HoldabilityDecision): Html {
  if (decision.ok) {
    return h`<form method="post" action="/cart" class="hold"><input type="hidden" name="recordId" value="${recordId}"><button type="submit">${ADD_TO_CART_LABEL}</button></form>${bookListLink(recordId)}`;
  }
  return h`<div class="hold"><p class="not-holdable">${NOT_HOLDABLE_TEXT}</p>${
    decision.reasons.length ? h`<ul class="reasons">${decision.reasons.map((r) => h`<li>${MESSAGES[r]}</li>`)}</ul>` : ""
  }</div>${bookListLink(recordId)}`;
}

/** Holdings by branch. Status cells carry the copy id so the live island can refresh them. */
export function holdingsTable(items: readonly RecordItem[]): Html {
  if (!items.length) return h`<p>所蔵している資料はありません。</p>`;
  const rows = items.map(
    (i) =>
      h`<tr><th scope="row">${i.branchName}</th><td>${i.shelfMark ?? ""}</td><td>${
        i.loanable ? "貸出可" : h`<strong>禁帯出</strong>`
      }</td><td data-item-status="${i.id}">${itemStatusLabel(i)}</td></tr>`,
  );
  return h`<div class="scroll" tabindex="0" role="group" aria-label="所蔵一覧"><table><thead><tr><th scope="col">所蔵館</th><th scope="col">請求記号</th><th scope="col">区分</th><th scope="col">状態</th></tr></thead><tbody>${rows}</tbody></table></div>`;
}

export interface RecordMainOptions {
  /** A sentence on how current the status column is (the Worker: live; the static page: the build date). */
  statusNote?: string;
  /** The static page puts its Availability island there instead (site/src/pages/catalog/[id].astro splits at it). */
  statusSlot?: boolean;
}

/** Where recordMain leaves room for the static page's Availability island (with `statusSlot`). */
export const STATUS_SLOT = "<!--status-note-->";

/** The <main> content of /catalog/{id}/. */
export function recordMain(page: RecordPage, opts: RecordMainOptions = {}): Html {
  const r = page.record;
  const title = withReading(r.title, r.titleReading);
  const suffix = volumeSuffix(page);
  const volume = suffix ? h` <span class="vol">${suffix}</span>` : "";
  const people = page.people.length
    ? h`<p class="people">${page.people.map((p, n) => h`${n ? "、" : ""}${personLink(p)}<span class="role">（${p.role}）</span>`)}</p>`
    : r.responsibility
      ? h`<p class="people">${r.responsibility}</p>`
      : "";
  const isbn = [r.isbn13, r.isbn10].filter(Boolean).join(" / ");
  const details: [string, Html | string | null][] = [
    ["資料種別", materialLabel(r.materialType)],
    ["責任表示", page.people.length ? r.responsibility : null],
    ["出版者", r.publisher],
    ["出版年", r.pubYear ? `${r.pubYear}年` : null],
    ["形態", r.extent],
    ["分類（NDC）", r.ndc],
    ["ISBN", isbn || null],
    ["シリーズ", page.series ? h`<a href="#series">${page.series.title}</a>${r.volumeLabel ? ` ${r.volumeLabel}` : ""}` : null],
    ["注記", r.note ? h`<span class="pre">${r.note}</span>` : null],
    ["出典", r.sourceUrl && /^https?:\/\//.test(r.sourceUrl) ? h`<a href="${r.sourceUrl}" rel="nofollow noopener">${r.sourceUrl}</a>` : null],
  ];
  const series = page.series
    ? h`<section aria-labelledby="series"><h2 id="series">シリーズ：${withReading(page.series.title, page.series.titleReading)}</h2><ol class="volumes">${page.series.volumes.map((v) =>
        v.id === r.id
          ? h`<li><span aria-current="page">${v.volumeLabel ?? v.title}</span></li>`
          : h`<li><a href="/catalog/${v.id}/">${v.volumeLabel ?? v.title}</a></li>`,
      )}</ol></section>`
    : "";
  // Issue 10 item 6 (R50): on a phone the first screen is the title, who wrote it, 「予約カートに入れる」 and where the
  // copies are and whether they are in; the bibliographic details and the series follow. The title is then the
  // largest text on the first screen (the LCP element), not a long 注記.
  const status = opts.statusSlot ? raw(STATUS_SLOT) : opts.statusNote ? h`<p class="status-note">${opts.statusNote}</p>` : "";
  return h`<article class="record"><h1>${title}${volume}</h1>${
    r.subtitle ? h`<p class="subtitle">${withReading(r.subtitle, r.subtitleReading)}</p>` : ""
  }${people}${holdBlock(r.id, holdabilityOf(page.items))}<section aria-labelledby="holdings"><h2 id="holdings">所蔵</h2>${holdingsTable(page.items)}${status}<p><a href="/availability/${r.id}">${LATEST_AVAILABILITY_LABEL}</a></p></section><h2>書誌情報</h2><dl class="details">${details.map(([k, v]) =>
    v ? h`<dt>${k}</dt><dd>${v}</dd>` : "",
  )}</dl>${series}</article>`;
}

/** The <main> content of /availability/{id} (Worker, no JS): live copies and the R11 decision. */
export function availabilityMain(a: { recordId: number; title: string; items: RecordItem[] }, decision: HoldabilityDecision, checkedAt: string): Html {
  return h`<h1>所蔵状況：${a.title}</h1><p class="status-note">${checkedAt}現在の状況です。</p>${holdingsTable(a.items)}${holdBlock(a.recordId, decision)}<p><a href="/catalog/${a.recordId}/">書誌の詳細へ戻る</a></p>`;
}
