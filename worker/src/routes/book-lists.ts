// 「マイブックリスト」 (issue 7 item 9): plain HTML forms (POST with the CSRF token, then 303 to a GET page), behind
// requirePatron (R01; R05: a temporary password is refused). The patron comes from the session only: a list id in
// the URL or a form that is not theirs is the same 404 as an unknown one, and nothing changes.
//   GET  /lists                    the patron's lists, and 「リストを作る」
//   POST /lists                    create (name; with recordId also adds that record) → 303 /lists/:id?created=1
//   GET  /lists/add?record=<id>    from record pages and search results: a select of the lists, or a new list
//   POST /lists/add                add (listId, recordId) → 303 /lists/:id?added=<id> (or ?already=<id>)
//   GET  /lists/:id                the records, each with 「削除」; 「予約カートに入れる」; rename; delete
//   POST /lists/:id/remove         「削除」 of a record (recordId) → 303 /lists/:id?removed=<id>
//   POST /lists/:id/rename         (name) → 303 /lists/:id?renamed=1
//   GET  /lists/:id/delete         the confirmation; POST /lists/:id/delete → 303 /lists?deleted=1
//   POST /lists/:id/cart           the list's holdable records into the cart (R11, R13) → 303 /lists/:id?added…
// Bad input → 400 page with the reasons; a limit or a taken name → 409; never a 500.
import { Hono, type Context } from "hono";
import type { PatronEnv } from "../env.ts";
import { AppError, reason, refusal } from "../errors.ts";
import { csrfField } from "../middleware/csrf.ts";
import { requirePatron } from "../middleware/session.ts";
import {
  addToBookList,
  bookList,
  bookListToCart,
  bookLists,
  createBookList,
  ownBookList,
  removeBookList,
  removeFromBookList,
  renameBookList,
} from "../services/book-lists.ts";
import { cartRecordLabel } from "../services/cart.ts";
import {
  BOOK_LISTS_TITLE,
  bookListAddMain,
  bookListDeleteMain,
  bookListMain,
  bookListRefusedMain,
  bookListsMain,
} from "../views/book-lists.ts";
import type { FormError } from "../views/forms.ts";
import { ADD_TO_BOOK_LIST_LABEL } from "../views/record.ts";
import { cartCookie, cartKey } from "./cart.ts";
import { parseRecordId } from "./catalog.ts";
import { asFormError, formText, page, seeOther } from "./support.ts";

export const bookListRoutes = new Hono<PatronEnv>();

/** Every route below is registered with this guard (a sub-app's `use` would reach the whole app once mounted at "/"). */
const patronOnly = requirePatron();

/** A list id from the path: digits only (the route says so), a safe integer, else no list at all (404). */
function listIdOf(c: Context<PatronEnv>): number {
  const id = parseRecordId(c.req.param("id"));
  if (id === null) throw refusal("not_found", [reason("book_list_not_found")]);
  return id;
}

function recordIdOf(raw: string | undefined): number {
  const id = parseRecordId(raw);
  if (id === null) throw refusal("bad_request", [reason("book_list_record_invalid")]);
  return id;
}

function statusOf(err: unknown): number {
  return err instanceof AppError ? err.status : 400;
}

function refused(c: Context<PatronEnv>, err: unknown): Promise<Response> {
  return page(c, { title: BOOK_LISTS_TITLE, status: statusOf(err), main: bookListRefusedMain({ error: asFormError(err) }).toString() });
}

async function listsPage(c: Context<PatronEnv>, opts: { error?: FormError; status?: number; name?: string } = {}): Promise<Response> {
  const lists = await bookLists(c.var.db, c.var.patron.patronId);
  return page(c, {
    title: BOOK_LISTS_TITLE,
    status: opts.status,
    main: bookListsMain({ lists, csrf: csrfField(c), error: opts.error, name: opts.name, deleted: c.req.query("deleted") !== undefined }).toString(),
  });
}

async function listPage(c: Context<PatronEnv>, listId: number, opts: { error?: FormError; status?: number; name?: string } = {}): Promise<Response> {
  const db = c.var.db;
  const patronId = c.var.patron.patronId;
  const { list, entries } = await bookList(db, { patronId, listId, cartKey: cartKey(c) });
  const q = (name: string) => c.req.query(name);
  const removedId = parseRecordId(q("removed"));
  const removedLabel = removedId !== null && !entries.some((e) => e.recordId === removedId) ? await cartRecordLabel(db, removedId) : null;
  const count = (name: string) => {
    const n = Number(q(name));
    return Number.isSafeInteger(n) && n >= 0 ? n : 0;
  };
  return page(c, {
    title: list.name,
    status: opts.status,
    main: bookListMain({
      list,
      entries,
      csrf: csrfField(c),
      error: opts.error,
      name: opts.name,
      created: q("created") !== undefined,
      renamed: q("renamed") !== undefined,
      addedId: parseRecordId(q("added")) ?? undefined,
      alreadyId: parseRecordId(q("already")) ?? undefined,
      removed: removedId !== null && removedLabel ? { recordId: removedId, ...removedLabel } : undefined,
      toCart: q("carted") !== undefined ? { added: count("carted"), full: count("full"), notHoldable: count("unholdable"), alreadyInCart: count("inCart") } : undefined,
    }).toString(),
  });
}

bookListRoutes.get("/lists", patronOnly, (c) => listsPage(c));

bookListRoutes.post("/lists", patronOnly, async (c) => {
  const body = await c.req.parseBody();
  const name = formText(body, "name");
  const rawRecord = formText(body, "recordId");
  const patronId = c.var.patron.patronId;
  let recordId: number | undefined;
  try {
    recordId = rawRecord === "" ? undefined : recordIdOf(rawRecord);
    // From 「マイブックリストに追加」 with a new list: the record must exist before a list is made for it.
    if (recordId !== undefined && !(await cartRecordLabel(c.var.db, recordId))) throw new AppError("not_found", "この書誌は見つかりませんでした。", [reason("record_not_found")]);
  } catch (err) {
    return refused(c, err);
  }
  let listId: number;
  try {
    listId = await createBookList(c.var.db, { patronId, name, now: Date.now() });
  } catch (err) {
    const error = asFormError(err);
    if (recordId !== undefined) return addPage(c, recordId, { error, status: statusOf(err), name });
    return listsPage(c, { error, status: statusOf(err), name });
  }
  if (recordId === undefined) return seeOther(c, `/lists/${listId}?created=1`);
  try {
    const { added } = await addToBookList(c.var.db, { patronId, listId, recordId, now: Date.now() });
    return seeOther(c, `/lists/${listId}?${added ? "added" : "already"}=${recordId}`);
  } catch (err) {
    return refused(c, err);
  }
});

async function addPage(c: Context<PatronEnv>, recordId: number, opts: { error?: FormError; status?: number; name?: string } = {}): Promise<Response> {
  const label = await cartRecordLabel(c.var.db, recordId);
  if (!label) return refused(c, new AppError("not_found", "この書誌は見つかりませんでした。", [reason("record_not_found")]));
  const lists = await bookLists(c.var.db, c.var.patron.patronId);
  return page(c, {
    title: ADD_TO_BOOK_LIST_LABEL,
    status: opts.status,
    main: bookListAddMain({ record: { recordId, ...label }, lists, csrf: csrfField(c), error: opts.error, name: opts.name }).toString(),
  });
}

bookListRoutes.get("/lists/add", patronOnly, async (c) => {
  let recordId: number;
  try {
    recordId = recordIdOf(c.req.query("record"));
  } catch (err) {
    return refused(c, err);
  }
  return addPage(c, recordId);
});

bookListRoutes.post("/lists/add", patronOnly, async (c) => {
  const body = await c.req.parseBody();
  try {
    const recordId = recordIdOf(formText(body, "recordId"));
    const listId = parseRecordId(formText(body, "listId"));
    if (listId === null) throw refusal("bad_request", [reason("book_list_invalid")]);
    const { added } = await addToBookList(c.var.db, { patronId: c.var.patron.patronId, listId, recordId, now: Date.now() });
    return seeOther(c, `/lists/${listId}?${added ? "added" : "already"}=${recordId}`);
  } catch (err) {
    return refused(c, err);
  }
});

bookListRoutes.get("/lists/:id{[0-9]+}", patronOnly, async (c) => {
  try {
    return await listPage(c, listIdOf(c));
  } catch (err) {
    return refused(c, err);
  }
});

bookListRoutes.post("/lists/:id{[0-9]+}/remove", patronOnly, async (c) => {
  const body = await c.req.parseBody();
  try {
    const listId = listIdOf(c);
    const recordId = recordIdOf(formText(body, "recordId"));
    const removed = await removeFromBookList(c.var.db, { patronId: c.var.patron.patronId, listId, recordId });
    return seeOther(c, removed ? `/lists/${listId}?removed=${recordId}` : `/lists/${listId}`);
  } catch (err) {
    return refused(c, err);
  }
});

bookListRoutes.post("/lists/:id{[0-9]+}/rename", patronOnly, async (c) => {
  const body = await c.req.parseBody();
  const name = formText(body, "name");
  let listId: number;
  try {
    listId = listIdOf(c);
    await renameBookList(c.var.db, { patronId: c.var.patron.patronId, listId, name });
  } catch (err) {
    if (err instanceof AppError && err.status !== 404) {
      try {
        return await listPage(c, listIdOf(c), { error: asFormError(err), status: err.status, name });
      } catch (again) {
        return refused(c, again);
      }
    }
    return refused(c, err);
  }
  return seeOther(c, `/lists/${listId}?renamed=1`);
});

bookListRoutes.get("/lists/:id{[0-9]+}/delete", patronOnly, async (c) => {
  try {
    const list = await ownBookList(c.var.db, c.var.patron.patronId, listIdOf(c));
    return await page(c, { title: "リストを削除しますか", main: bookListDeleteMain({ list, csrf: csrfField(c) }).toString() });
  } catch (err) {
    return refused(c, err);
  }
});

bookListRoutes.post("/lists/:id{[0-9]+}/delete", patronOnly, async (c) => {
  try {
    await removeBookList(c.var.db, c.var.patron.patronId, listIdOf(c));
    return seeOther(c, "/lists?deleted=1");
  } catch (err) {
    return refused(c, err);
  }
});

bookListRoutes.post("/lists/:id{[0-9]+}/cart", patronOnly, async (c) => {
  try {
    const listId = listIdOf(c);
    const answer = await bookListToCart(c.var.db, { patronId: c.var.patron.patronId, listId, cartKey: cartKey(c), now: Date.now() });
    c.header("Set-Cookie", cartCookie(c, answer.cartKey), { append: true });
    return seeOther(c, `/lists/${listId}?carted=${answer.added}&full=${answer.full}&unholdable=${answer.notHoldable}&inCart=${answer.alreadyInCart}`);
  } catch (err) {
    return refused(c, err);
  }
});
