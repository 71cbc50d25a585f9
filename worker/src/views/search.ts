// R10: the search page (「検索」): the form, the result list, sort, facets and paging, as plain HTML that works
// without JavaScript. Catalogue text and what the patron typed are untrusted: every interpolation goes through
// hono/html's `html`, which escapes it. No inline scripts or styles: the shell page carries the CSS.
import { html } from "hono/html";
import type { HtmlEscapedString } from "hono/utils/html";
import type { FacetCount, SearchHit } from "../data/search.ts";
import type { Reason } from "../errors.ts";
import { SEARCH_PARAMS, SEARCH_TEXT_MAX, type SearchParamName, type SearchParams } from "../domain/search-query.ts";
import type { SearchResult } from "../services/search.ts";
import { ADD_TO_BOOK_LIST_LABEL, ADD_TO_CART_LABEL, materialLabel } from "./record.ts";

type Html = HtmlEscapedString;

/** hono/html's `html`, held to synchronous output (nothing here interpolates a Promise). */
function h(strings: TemplateStringsArray, ...values: unknown[]): Html {
  const out = html(strings, ...values);
  if (out instanceof Promise) throw new Error("the search view renders synchronously");
  return out;
}

const SORT_LABELS = { relevance: "適合度順", reading: "タイトルの五十音順", newest: "出版年の新しい順" } as const;

/** NDC (10th ed.) main classes, for the first-digit facet. */
const NDC_CLASSES: Record<string, string> = {
  "0": "総記",
  "1": "哲学",
  "2": "歴史",
  "3": "社会科学",
  "4": "自然科学",
  "5": "技術",
  "6": "産業",
  "7": "芸術",
  "8": "言語",
  "9": "文学",
};

const ADVANCED = [
  { name: "title", label: "資料名", hint: "読み（ひらがな・カタカナ）でも探せます" },
  { name: "author", label: "著者名", hint: "読みでも探せます" },
  { name: "publisher", label: "出版者", hint: "" },
  { name: "isbn", label: "ISBN", hint: "10桁または13桁（ハイフンは省略できます）" },
  { name: "ndc", label: "分類", hint: "日本十進分類法（NDC）の数字3桁まで（例: 913）" },
] as const satisfies readonly { name: SearchParamName; label: string; hint: string }[];

/** The page's words for the search: the one box, else the advanced fields. */
export function searchTitle(params: SearchParams): string {
  const words = [params.q, params.title, params.author, params.publisher, params.isbn]
    .filter((w): w is string => typeof w === "string" && w.trim() !== "")
    .join(" ");
  if (!words) return params.ndc ? `分類 ${params.ndc} の資料` : "蔵書検索";
  const shown = Array.from(words.trim()).slice(0, 40).join("");
  return `「${shown}${shown.length < words.trim().length ? "…" : ""}」の検索結果`;
}

export function searchUrl(params: SearchParams, change: Partial<Record<SearchParamName, string | null>> = {}): string {
  const q = new URLSearchParams();
  for (const name of SEARCH_PARAMS) {
    const value = name in change ? change[name] : params[name];
    if (typeof value === "string" && value !== "") q.set(name, value);
  }
  return `/search?${q.toString()}`;
}

/** A field's value to refill the form. Control characters (refused anyway) are invisible: they are not echoed. */
export function textValue(params: SearchParams, name: SearchParamName): string {
  const v = params[name];
  return typeof v === "string" ? v.replace(/\p{Cc}/gu, "") : "";
}

/** A field's hint, and, when the field is at fault, the error box: read out with it; the field marked invalid. */
function described(reasons: readonly Reason[], name: SearchParamName, hinted: boolean) {
  const atFault = reasons.some((r) => r.field === name);
  const ids = [hinted ? `search-${name}-hint` : "", atFault ? "search-errors" : ""].filter(Boolean).join(" ");
  return h`${ids ? h` aria-describedby="${ids}"` : ""}${atFault ? h` aria-invalid="true"` : ""}`;
}

/**
 * 詳細検索: the keyword and the advanced fields in a <details>. Issue 6: the page has one search box, the header's;
 * here the keyword is a plain text field of the advanced form, and on a results page the whole form comes after
 * the results (collapsed unless the search used it), so phones and text browsers show the hits first.
 */
export function searchForm(params: SearchParams, opts: { reasons?: readonly Reason[]; openAdvanced?: boolean } = {}): Html {
  const reasons = opts.reasons ?? [];
  const advancedUsed = ADVANCED.some((f) => textValue(params, f.name) !== "") || reasons.some((r) => r.field !== undefined);
  const open = opts.openAdvanced || advancedUsed;
  return h`<details class="advanced"${open ? h` open` : ""}>
<summary>詳細検索（資料名・著者名・出版者・ISBN・分類）</summary>
<form class="search-form" action="/search" method="get" aria-label="詳細検索">
<p class="field"><label for="search-q">キーワード</label> <small id="search-q-hint">${SEARCH_TEXT_MAX}文字まで。スペースで区切ると、すべての語を含む資料を探します</small>
<input id="search-q" type="text" name="q" value="${textValue(params, "q")}" autocomplete="off" enterkeyhint="search"${described(reasons, "q", true)}></p>
${ADVANCED.map(
  (f) => h`<p class="field"><label for="search-${f.name}">${f.label}</label>${f.hint ? h` <small id="search-${f.name}-hint">${f.hint}</small>` : ""}
<input id="search-${f.name}" type="text" name="${f.name}" value="${textValue(params, f.name)}"${f.name === "isbn" || f.name === "ndc" ? h` inputmode="${f.name === "ndc" ? "decimal" : "text"}"` : ""}${described(reasons, f.name, f.hint !== "")}></p>`,
)}
<p><button type="submit">この条件で検索</button></p>
</form>
</details>`;
}

function refusalBox(reasons: readonly Reason[]): Html {
  return h`<div id="search-errors" role="alert" class="note"><p>検索できませんでした。入力内容を確認してください。</p>
<ul class="reasons">${reasons.map((r) => h`<li>${r.message}</li>`)}</ul></div>`;
}

/** The page for a refused search: the reasons (role=alert) and the form as the patron filled it. */
export function searchRefusedMain(params: SearchParams, reasons: readonly Reason[]): Html {
  return h`<h1>蔵書検索</h1>${refusalBox(reasons)}${searchForm(params, { reasons })}`;
}

/** The page before any search: just the form (with the advanced fields open for 詳細検索). */
export function searchStartMain(opts: { advanced: boolean }): Html {
  return h`<h1>${opts.advanced ? "詳細検索" : "蔵書検索"}</h1>
<p class="hint">${opts.advanced ? "資料名・著者名・出版者・ISBN・分類を組み合わせて探せます。入力した条件をすべて満たす資料を探します。" : "上の「資料を探す」に、資料名・著者名・出版者・ISBN・分類を入れて「検索」を押します。ひらがな・カタカナの読みでも探せます。"}</p>
${searchForm({}, { openAdvanced: opts.advanced })}`;
}

function titleWithReading(hit: SearchHit): Html {
  const reading = hit.titleReading?.trim();
  return reading ? h`<ruby>${hit.title}<rp>（</rp><rt>${reading}</rt><rp>）</rp></ruby>` : h`${hit.title}`;
}

function people(hit: SearchHit): Html | string {
  if (hit.people.length === 0) return hit.responsibility ? h`<span>${hit.responsibility}</span>` : "";
  return h`<span>${hit.people.map((p, i) => h`${i ? "、" : ""}${p.name}<span class="role">（${p.role}）</span>`)}</span>`;
}

/** R11 in a word: on the shelf now, all out, reference only, or not held in the city. */
export function availabilityText(hit: Pick<SearchHit, "copies" | "available" | "loanable">): string {
  if (hit.copies === 0) return "市内の図書館に所蔵なし";
  if (hit.loanable === 0) return `館内利用のみ（所蔵 ${hit.copies}冊）`;
  if (hit.available > 0) return `貸出できます（${hit.available}冊が棚にあります／所蔵 ${hit.copies}冊）`;
  return `すべて貸出中などで棚にありません（所蔵 ${hit.copies}冊）`;
}

/**
 * Issue 7 items 1 and 9: under each hit, 「予約カートに入れる」 for a holdable record (R11: a loanable copy that can
 * reach a patron in the city — exactly SearchHit.loanable > 0, the same SQL as the record page's decision) and
 * 「マイブックリストに追加」. Results pages are shared-cached and carry no CSRF token, so the cart form is the record
 * page's tokenless POST /cart (middleware/csrf.ts TOKENLESS_FORM_POSTS), and the list control is a link to
 * GET /lists/add, a Worker page that asks to log in when needed and then offers the patron's lists. The button
 * names its record through aria-describedby (the hit's title line).
 */
function hitActions(hit: SearchHit): Html {
  return h`<div class="hit-actions">${
    hit.loanable > 0
      ? h`<form method="post" action="/cart"><input type="hidden" name="recordId" value="${hit.id}"><button type="submit" aria-describedby="hit-${hit.id}">${ADD_TO_CART_LABEL}</button></form>`
      : ""
  }<a href="/lists/add?record=${hit.id}" aria-describedby="hit-${hit.id}">${ADD_TO_BOOK_LIST_LABEL}</a></div>`;
}

function hitItem(hit: SearchHit): Html {
  const details = [hit.publisher, hit.pubYear ? `${hit.pubYear}年` : null, materialLabel(hit.materialType), hit.ndc ? `分類 ${hit.ndc}` : null]
    .filter((x): x is string => !!x)
    .join(" ／ ");
  return h`<li class="hit">
<p class="hit-title" id="hit-${hit.id}"><a href="/catalog/${hit.id}/">${titleWithReading(hit)}</a>${hit.subtitle ? h` <span class="subtitle-inline">${hit.subtitle}</span>` : ""}</p>
${hit.seriesTitle ? h`<p class="hit-series"><small>シリーズ: ${hit.seriesTitle}${hit.volumeLabel ? h` ${hit.volumeLabel}` : ""}</small></p>` : ""}
<p class="hit-meta">${people(hit)}${hit.people.length || hit.responsibility ? h`<br>` : ""}<small>${details}</small></p>
<p class="hit-availability">${availabilityText(hit)}</p>
${hitActions(hit)}
</li>`;
}

function facetLabel(kind: "branch" | "type" | "ndc" | "year", f: FacetCount, yearLevel: SearchResult["facets"]["yearLevel"]): string {
  switch (kind) {
    case "branch":
      return f.label ?? f.value;
    case "type":
      return materialLabel(f.value);
    case "ndc":
      return f.value.length === 1 ? `${f.value} ${NDC_CLASSES[f.value] ?? ""}`.trim() : f.value;
    case "year":
      return yearLevel === "decade" ? `${f.value}年代` : `${f.value}年`;
  }
}

function facetSection(result: SearchResult, kind: "branch" | "type" | "ndc" | "year", heading: string): Html | string {
  const list = result.facets[kind];
  const param: SearchParamName = kind === "year" ? (result.facets.yearLevel === "decade" ? "decade" : "year") : kind;
  if (list.length === 0) return "";
  return h`<section class="facet" aria-labelledby="facet-${kind}"><h3 id="facet-${kind}">${heading}</h3><ul>${list.map(
    (f) => h`<li><a href="${searchUrl(result.params, { [param]: f.value, page: null })}">${facetLabel(kind, f, result.facets.yearLevel)}</a> <small>(${f.count})</small></li>`,
  )}</ul></section>`;
}

/** The filters in force, each with a link that removes it. */
function activeFilters(result: SearchResult): Html | string {
  const p = result.params;
  const active: { label: string; clear: Partial<Record<SearchParamName, null>> }[] = [];
  const branchName = result.facets.branch.find((b) => b.value === p.branch)?.label;
  if (p.branch) active.push({ label: `所蔵館: ${branchName ?? p.branch}`, clear: { branch: null } });
  if (p.type) active.push({ label: `種類: ${materialLabel(p.type)}`, clear: { type: null } });
  if (p.ndc) active.push({ label: `分類: ${p.ndc}`, clear: { ndc: null } });
  if (p.decade) active.push({ label: `出版年: ${p.decade}年代`, clear: { decade: null, year: null } });
  if (p.year) active.push({ label: `出版年: ${p.year}年`, clear: { year: null } });
  if (active.length === 0) return "";
  return h`<section class="facet facet-active" aria-labelledby="facet-active"><h3 id="facet-active">絞り込み中</h3><ul>${active.map(
    (a) => h`<li>${a.label} <a href="${searchUrl(p, { ...a.clear, page: null })}" aria-label="${a.label} の絞り込みを解除">解除</a></li>`,
  )}</ul></section>`;
}

/** A count as patrons read it: 10,000 with the thousands separated. */
function count(n: number): string {
  return n.toLocaleString("ja-JP");
}

/** The total: exact, or a floor past the count bound (「10,000件以上」). */
export function totalText(result: Pick<SearchResult, "total" | "totalExact">): string {
  return `${count(result.total)}件${result.totalExact ? "" : "以上"}`;
}

/** Said when a broad search is cut to its best candidates (issue 2); null otherwise. */
export function cappedNotice(result: Pick<SearchResult, "capped" | "considered">): string | null {
  return result.capped ? `該当する資料が多いため、上位${count(result.considered)}件から表示しています。語を追加すると絞り込めます。` : null;
}

function facets(result: SearchResult): Html {
  return h`<nav class="facets" aria-labelledby="facets-heading"><h2 id="facets-heading">絞り込み</h2>
${result.capped ? h`<p class="facet-scope"><small>上位${count(result.considered)}件の内訳</small></p>` : ""}
${activeFilters(result)}
${facetSection(result, "branch", "貸出できる本がある館")}
${facetSection(result, "type", "資料の種類")}
${facetSection(result, "ndc", "分類")}
${facetSection(result, "year", "出版年")}
</nav>`;
}

/** Re-sorts the current results: every current field as hidden inputs, the sort select, a button. */
function sortForm(result: SearchResult): Html {
  const hidden = SEARCH_PARAMS.filter((n) => n !== "sort" && n !== "page" && typeof result.params[n] === "string");
  return h`<form class="sort" action="/search" method="get">
${hidden.map((n) => h`<input type="hidden" name="${n}" value="${result.params[n]}">`)}
<label for="search-sort">並び順</label>
<select id="search-sort" name="sort">${(Object.keys(SORT_LABELS) as (keyof typeof SORT_LABELS)[]).map(
    (s) => h`<option value="${s}"${s === result.sort ? h` selected` : ""}>${SORT_LABELS[s]}</option>`,
  )}</select>
<button type="submit">並べ替え</button>
</form>`;
}

function pager(result: SearchResult): Html | string {
  if (result.pageCount <= 1) return "";
  const { page, pageCount } = result;
  const link = (n: number) => searchUrl(result.params, { page: n === 1 ? null : String(n) });
  const numbers: number[] = [];
  for (let n = Math.max(1, page - 2); n <= Math.min(pageCount, page + 2); n++) numbers.push(n);
  return h`<nav class="pager" aria-label="検索結果のページ"><ul>
${page > 1 ? h`<li><a href="${link(page - 1)}" rel="prev">前のページ</a></li>` : ""}
${numbers[0]! > 1 ? h`<li><a href="${link(1)}">1</a></li>${numbers[0]! > 2 ? h`<li aria-hidden="true">…</li>` : ""}` : ""}
${numbers.map((n) => (n === page ? h`<li><a href="${link(n)}" aria-current="page">${n}</a></li>` : h`<li><a href="${link(n)}">${n}</a></li>`))}
${numbers.at(-1)! < pageCount ? h`${numbers.at(-1)! < pageCount - 1 ? h`<li aria-hidden="true">…</li>` : ""}<li><a href="${link(pageCount)}">${pageCount}</a></li>` : ""}
${page < pageCount ? h`<li><a href="${link(page + 1)}" rel="next">次のページ</a></li>` : ""}
</ul></nav>`;
}

/**
 * Issue 6 §2 (the search helper's block): the people the words name, each a plain link narrowing the search to the
 * works they wrote (「著者：芥川 竜之介（N件）」); once narrowed, the person with a link that lifts it.
 */
function authorRefinement(result: SearchResult): Html | string {
  if (result.authors.length === 0) return "";
  const items = result.authors.map((a) => {
    const label = `著者：${a.name}（${count(a.count)}件${a.countExact ? "" : "以上"}）`;
    if (!a.active) return h`<a href="${searchUrl(result.params, { person: String(a.personId), page: null })}">${label}</a>`;
    const clear = `著者：${a.name}`;
    return h`${clear} で絞り込み中 <a href="${searchUrl(result.params, { person: null, page: null })}" aria-label="${clear} の絞り込みを解除">解除</a>`;
  });
  return h`<p class="author-refinement">${items.map((item, i) => h`${i ? " ／ " : ""}${item}`)}</p>`;
}

/** The results page: heading, form, count (announced), sort, list, facets, paging; or the no-results note. */
export function searchResultsMain(result: SearchResult): Html {
  const title = searchTitle(result.params);
  const first = (result.page - 1) * result.pageSize + 1;
  const last = first + result.hits.length - 1;
  const found = totalText(result);
  const summary =
    result.total === 0
      ? "該当する資料は見つかりませんでした。"
      : result.hits.length === 0
        ? `${found}見つかりましたが、このページには結果がありません。`
        : `${found}見つかりました（${count(first)}〜${count(last)}件目を表示）。`;
  const notice = cappedNotice(result);
  // Issue 6: the first screen of a phone shows hits: the count, then the list and the pager; sorting, facets and
  // 詳細検索 follow the results (and so come after them in a text browser too).
  return h`<h1>${title}</h1>
<p class="result-count" role="status">${summary}${notice ? h`<br><span class="result-capped">${notice}</span>` : ""}</p>
${authorRefinement(result)}
${result.total === 0
    ? h`<div class="no-results"><p>次のことをお試しください。</p><ul>
<li>語を減らす、別の言葉や読み（ひらがな・カタカナ）で探す</li>
<li>漢字の書き方を変える（例: 旧字と新字）</li>
<li>絞り込みを解除する</li>
</ul>${activeFilters(result)}</div>`
    : h`<section class="results" aria-label="検索結果">
<ol class="hits" start="${first}">${result.hits.map(hitItem)}</ol>
${pager(result)}
</section>
${sortForm(result)}
${facets(result)}`}
${searchForm(result.params)}`;
}
