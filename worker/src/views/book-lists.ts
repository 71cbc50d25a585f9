// 「マイブックリスト」 (issue 7 item 9) as plain HTML forms that work without JavaScript. Names and catalogue text are
// untrusted: every interpolation goes through hono/html (views/forms.ts h), which escapes it. No inline scripts.
import { BOOK_LIST_ENTRY_LIMIT, BOOK_LIST_LIMIT, BOOK_LIST_NAME_MAX, CART_LIMIT } from "../domain/policy.ts";
import type { BookListEntry, BookListSummary, ListToCartAnswer } from "../services/book-lists.ts";
import { errorBox, h, type FormError, type Html, titleWithVolume } from "./forms.ts";
import { ADD_TO_BOOK_LIST_LABEL, ADD_TO_CART_LABEL, NOT_HOLDABLE_TEXT } from "./record.ts";

export const BOOK_LISTS_TITLE = "マイブックリスト";
export const CREATE_LABEL = "リストを作る";
export const RENAME_LABEL = "名前を変える";
export const DELETE_ENTRY_LABEL = "削除";
export const DELETE_LIST_LABEL = "このリストを削除";
export const DELETE_CONFIRM_LABEL = "削除する";
export const IN_CART_TEXT = "予約カートに入っています";
export const LIMITS_TEXT = `マイブックリストは${BOOK_LIST_LIMIT}件まで作れます。1つのリストには${BOOK_LIST_ENTRY_LIMIT}件まで入れられます。リストはあなただけが見られます。`;

type Label = { title: string; volumeLabel: string | null };


function nameField(id: string, value: string | undefined, error: FormError | undefined, errorId: string): Html {
  const atFault = !!error && error.reasons.some((r) => r.field === "name");
  return h`<p class="field"><label for="${id}">リストの名前</label><br><small id="${id}-hint" class="hint">${BOOK_LIST_NAME_MAX}文字まで（例: 夏休みに読む本）</small><br>
<input id="${id}" name="name" type="text" maxlength="${BOOK_LIST_NAME_MAX}" autocomplete="off" required${value !== undefined ? h` value="${value}"` : ""} aria-describedby="${id}-hint${atFault ? ` ${errorId}` : ""}"${atFault ? h` aria-invalid="true"` : ""}></p>`;
}

function createForm(v: { csrf: Html; error?: FormError; name?: string; recordId?: number }): Html {
  return h`<form method="post" action="/lists">${v.csrf}${v.recordId !== undefined ? h`<input type="hidden" name="recordId" value="${v.recordId}">` : ""}
${nameField("list-name", v.name, v.error, "lists-errors")}
<p><button type="submit">${v.recordId !== undefined ? "リストを作って追加" : CREATE_LABEL}</button></p></form>`;
}

export interface BookListsView {
  lists: readonly BookListSummary[];
  csrf: Html;
  error?: FormError;
  name?: string;
  deleted?: boolean;
}

/** GET /lists: the patron's lists and the form that makes one. */
export function bookListsMain(v: BookListsView): Html {
  return h`<h1>${BOOK_LISTS_TITLE}</h1>
${v.deleted ? h`<p class="note" role="status">マイブックリストを削除しました。</p>` : ""}
${errorBox("lists-errors", v.error)}
<p>読みたい資料を、名前をつけたリストにまとめておけます。${LIMITS_TEXT}</p>
${
  v.lists.length
    ? h`<p>リスト: ${v.lists.length}件</p><ul class="book-lists">${v.lists.map((l) => h`<li><a href="/lists/${l.id}">${l.name}</a> <small>（${l.entries}件）</small></li>`)}</ul>`
    : h`<p>マイブックリストはまだありません。</p>`
}
<h2>新しいリストを作る</h2>
${v.lists.length >= BOOK_LIST_LIMIT ? h`<p>リストが${BOOK_LIST_LIMIT}件あるため、これ以上作れません。使わないリストを削除してください。</p>` : createForm(v)}
<p><a href="/account">利用者情報メンテナンスへ戻る</a></p>`;
}

export interface BookListView {
  list: BookListSummary;
  entries: readonly BookListEntry[];
  csrf: Html;
  error?: FormError;
  /** The rename field's value after a refused rename. */
  name?: string;
  created?: boolean;
  renamed?: boolean;
  addedId?: number;
  alreadyId?: number;
  removed?: Label & { recordId: number };
  toCart?: Omit<ListToCartAnswer, "cartKey">;
}

function statusHtml(v: BookListView): Html | string {
  const named = (id: number | undefined) => (id === undefined ? undefined : v.entries.find((e) => e.recordId === id));
  const added = named(v.addedId);
  const already = named(v.alreadyId);
  if (added) {
    return h`<p class="note" role="status">「${titleWithVolume(added)}」をこのリストに追加しました。<a href="/catalog/${added.recordId}/">書誌のページへ戻る</a></p>`;
  }
  if (already) {
    return h`<p class="note" role="status">「${titleWithVolume(already)}」はすでにこのリストに入っています。<a href="/catalog/${already.recordId}/">書誌のページへ戻る</a></p>`;
  }
  if (v.removed) return h`<p class="note" role="status">「${titleWithVolume(v.removed)}」をこのリストから${DELETE_ENTRY_LABEL}しました。</p>`;
  if (v.created) return h`<p class="note" role="status">マイブックリスト「${v.list.name}」を作りました。</p>`;
  if (v.renamed) return h`<p class="note" role="status">リストの名前を「${v.list.name}」に変えました。</p>`;
  if (v.toCart) {
    const t = v.toCart;
    const lines = [
      `${t.added}件を予約カートに入れました。`,
      t.alreadyInCart ? `${t.alreadyInCart}件はすでに予約カートに入っています。` : "",
      t.full ? `${t.full}件は、予約カートが${CART_LIMIT}冊までのため入りませんでした（下の一覧で「${IN_CART_TEXT}」と書かれていない資料です）。` : "",
      t.notHoldable ? `${t.notHoldable}件は予約できない資料のため入れていません（「${NOT_HOLDABLE_TEXT}」と書かれた資料です）。` : "",
    ].filter(Boolean);
    return h`<div class="note" role="status">${lines.map((l) => h`<p>${l}</p>`)}<p><a href="/cart">予約カートを見る</a></p></div>`;
  }
  return "";
}

function entryHtml(e: BookListEntry, listId: number, csrf: Html): Html {
  const titleId = `list-entry-${e.recordId}`;
  return h`<li><p><a id="${titleId}" href="/catalog/${e.recordId}/">${e.title}</a>${e.volumeLabel ? h` <span class="volume">${e.volumeLabel}</span>` : ""}${
    e.author ? h`<br><small>${e.author}</small>` : ""
  }<br><small>${e.inCart ? IN_CART_TEXT : e.holdable ? "" : NOT_HOLDABLE_TEXT}</small></p>
<form method="post" action="/lists/${listId}/remove">${csrf}<input type="hidden" name="recordId" value="${e.recordId}"><button type="submit" aria-describedby="${titleId}">${DELETE_ENTRY_LABEL}</button></form></li>`;
}

/** GET /lists/:id: the records (each with 「削除」), all into the cart, rename, delete. */
export function bookListMain(v: BookListView): Html {
  const holdable = v.entries.filter((e) => e.holdable && !e.inCart).length;
  return h`<h1>${v.list.name}</h1>
<p><small>${BOOK_LISTS_TITLE}（${v.entries.length}件／${BOOK_LIST_ENTRY_LIMIT}件まで）</small></p>
${statusHtml(v)}
${errorBox("list-errors", v.error)}
${
  v.entries.length
    ? h`<ul class="cart-lines">${v.entries.map((e) => entryHtml(e, v.list.id, v.csrf))}</ul>`
    : h`<p>このリストに資料はありません。書誌のページや検索結果の「${ADD_TO_BOOK_LIST_LABEL}」で入れられます。</p><p><a href="/">資料を探す</a></p>`
}
${
  v.entries.length
    ? h`<h2>予約カートに入れる</h2>
<p>このリストの予約できる資料（予約カートにまだ入っていないもの: ${holdable}件）を、リストの順に予約カートに入れます。予約カートは${CART_LIMIT}冊までです。入りきらなかった資料と予約できない資料は、入れた後にお知らせします。リストの資料はそのまま残ります。</p>
<form method="post" action="/lists/${v.list.id}/cart">${v.csrf}<button type="submit">${ADD_TO_CART_LABEL}</button></form>`
    : ""
}
<h2>リストの名前を変える</h2>
<form method="post" action="/lists/${v.list.id}/rename">${v.csrf}
${nameField("list-rename", v.name ?? v.list.name, v.error, "list-errors")}
<p><button type="submit">${RENAME_LABEL}</button></p></form>
<h2>リストを削除する</h2>
<p><a href="/lists/${v.list.id}/delete">${DELETE_LIST_LABEL}</a></p>
<p><a href="/lists">${BOOK_LISTS_TITLE}の一覧へ戻る</a></p>`;
}

/** GET /lists/:id/delete: 「このリストを削除」 asks first (without JavaScript: a page of its own). */
export function bookListDeleteMain(v: { list: BookListSummary; csrf: Html }): Html {
  return h`<h1>リストを削除しますか</h1>
<p>マイブックリスト「${v.list.name}」（${v.list.entries}件）を削除します。リストに入っている資料の記録も消え、元に戻せません（資料そのものや予約カートは変わりません）。</p>
<form method="post" action="/lists/${v.list.id}/delete">${v.csrf}<p><button type="submit">${DELETE_CONFIRM_LABEL}</button></p></form>
<p><a href="/lists/${v.list.id}">やめる（リストへ戻る）</a></p>`;
}

/** GET /lists/add?record=<id>: which list to add the record to, or a new list for it. */
export function bookListAddMain(v: { record: Label & { recordId: number }; lists: readonly BookListSummary[]; csrf: Html; error?: FormError; name?: string }): Html {
  return h`<h1>${ADD_TO_BOOK_LIST_LABEL}</h1>
${errorBox("lists-errors", v.error)}
<p>「<a href="/catalog/${v.record.recordId}/">${titleWithVolume(v.record)}</a>」をマイブックリストに追加します。</p>
${
  v.lists.length
    ? h`<form method="post" action="/lists/add">${v.csrf}<input type="hidden" name="recordId" value="${v.record.recordId}">
<p class="field"><label for="list-select">追加するリスト</label><br><select id="list-select" name="listId">${v.lists.map(
        (l) => h`<option value="${l.id}">${l.name}（${l.entries}件）</option>`,
      )}</select></p>
<p><button type="submit">${ADD_TO_BOOK_LIST_LABEL}</button></p></form>`
    : h`<p>マイブックリストはまだありません。名前をつけて作ると、この資料が入ります。</p>`
}
${
  v.lists.length < BOOK_LIST_LIMIT
    ? h`<h2>新しいリストを作って追加</h2>${createForm({ csrf: v.csrf, error: v.error, name: v.name, recordId: v.record.recordId })}`
    : h`<p>リストが${BOOK_LIST_LIMIT}件あるため、新しいリストは作れません。</p>`
}
<p><a href="/lists">${BOOK_LISTS_TITLE}の一覧</a></p>`;
}

/** A refused post whose page cannot be shown again (an unknown list, a bad record): the message and the way back. */
export function bookListRefusedMain(v: { error: FormError }): Html {
  return h`<h1>${BOOK_LISTS_TITLE}</h1>
${errorBox("lists-errors", v.error)}
<p><a href="/lists">${BOOK_LISTS_TITLE}の一覧へ戻る</a></p>`;
}
