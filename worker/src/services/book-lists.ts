// 「マイブックリスト」 (issue 7 item 9): named lists of records, private to their patron (the routes pass the patron
// from the session, never from the request). Names go through domain/book-lists.ts parseBookListName; each write is
// one guarded statement (data/book-lists.ts); when it writes nothing the service reads why and answers the reason:
// 400 for a bad name, 404 for a list that is not the patron's (or a record that does not exist), 409 for a limit
// (BOOK_LIST_LIMIT lists, BOOK_LIST_ENTRY_LIMIT records) or a taken name. A trigger or unique index firing (a race
// past the guards) becomes the same 409 through constraintRefusal. Never a 500 at the edge.
import { AppError, constraintRefusal, reason, refusal } from "../errors.ts";
import {
  addRecordsToCart,
  bookListCreateFacts,
  bookListEntryFacts,
  deleteBookList,
  deleteBookListEntry,
  getBookList,
  insertBookList,
  insertBookListEntry,
  listBookListEntries,
  listBookLists,
  updateBookListName,
  type BookListEntry,
  type BookListSummary,
} from "../data/book-lists.ts";
import { cartFacts } from "../data/cart.ts";
import type { Db } from "../data/db.ts";
import { parseBookListName, planListToCart } from "../domain/book-lists.ts";
import { MESSAGES } from "../domain/messages.ts";
import { BOOK_LIST_ENTRY_LIMIT, BOOK_LIST_LIMIT, CART_LIMIT } from "../domain/policy.ts";
import { newCartKey } from "./cart.ts";

export type { BookListEntry, BookListSummary } from "../data/book-lists.ts";

function notFound(): AppError {
  return refusal("not_found", [reason("book_list_not_found")]);
}

function validName(raw: unknown): string {
  const decision = parseBookListName(raw);
  if (!decision.ok) throw refusal("bad_request", decision.reasons.map((r) => reason(r, "name")));
  return decision.name;
}

/** A write the database refused by a constraint (a race past the guard): its reason as a 409, else rethrown. */
async function guarded<T>(write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (err) {
    const refused = constraintRefusal(err);
    if (refused) throw refused;
    throw err;
  }
}

export function bookLists(db: Db, patronId: number): Promise<BookListSummary[]> {
  return listBookLists(db, patronId);
}

/** One of the patron's lists with its records; 404 when it is not theirs. */
export async function bookList(
  db: Db,
  input: { patronId: number; listId: number; cartKey: string | null },
): Promise<{ list: BookListSummary; entries: BookListEntry[] }> {
  const list = await getBookList(db, input.patronId, input.listId);
  if (!list) throw notFound();
  return { list, entries: await listBookListEntries(db, input) };
}

/** The list's name (for answers), or 404. */
export async function ownBookList(db: Db, patronId: number, listId: number): Promise<BookListSummary> {
  const list = await getBookList(db, patronId, listId);
  if (!list) throw notFound();
  return list;
}

export async function createBookList(db: Db, input: { patronId: number; name: unknown; now: number }): Promise<number> {
  const name = validName(input.name);
  const id = await guarded(() => insertBookList(db, { patronId: input.patronId, name, now: input.now, limit: BOOK_LIST_LIMIT }));
  if (id !== null) return id;
  const facts = await bookListCreateFacts(db, input.patronId, name);
  const reasons = [
    ...(facts.lists >= BOOK_LIST_LIMIT ? [reason("book_list_limit_reached")] : []),
    ...(facts.nameTaken ? [reason("book_list_name_taken", "name")] : []),
  ];
  throw refusal("conflict", reasons.length ? reasons : [reason("session_conflict")]);
}

export async function renameBookList(db: Db, input: { patronId: number; listId: number; name: unknown }): Promise<void> {
  const name = validName(input.name);
  if (await guarded(() => updateBookListName(db, { ...input, name }))) return;
  const list = await getBookList(db, input.patronId, input.listId);
  if (!list) throw notFound();
  if (list.name === name) return; // the same name again: nothing to change
  throw refusal("conflict", [reason("book_list_name_taken", "name")]);
}

export async function removeBookList(db: Db, patronId: number, listId: number): Promise<void> {
  if (!(await deleteBookList(db, patronId, listId))) throw notFound();
}

/** Adds a record; adding one already in the list changes nothing and succeeds (`added: false`). */
export async function addToBookList(
  db: Db,
  input: { patronId: number; listId: number; recordId: number; now: number },
): Promise<{ added: boolean }> {
  const written = await guarded(() => insertBookListEntry(db, { ...input, limit: BOOK_LIST_ENTRY_LIMIT }));
  if (written) return { added: true };
  const facts = await bookListEntryFacts(db, input);
  if (!facts.listOwned) throw notFound();
  if (!facts.recordExists) throw new AppError("not_found", MESSAGES.record_not_found, [reason("record_not_found")]);
  if (facts.present) return { added: false };
  throw refusal("conflict", [reason("book_list_full")]);
}

/** 「削除」 of a record: a second press changes nothing; a list that is not the patron's is 404. */
export async function removeFromBookList(db: Db, input: { patronId: number; listId: number; recordId: number }): Promise<boolean> {
  if (await deleteBookListEntry(db, input)) return true;
  if (!(await getBookList(db, input.patronId, input.listId))) throw notFound();
  return false;
}

export interface ListToCartAnswer {
  cartKey: string;
  added: number;
  /** Holdable records for which the cart had no room (CART_LIMIT). */
  full: number;
  notHoldable: number;
  alreadyInCart: number;
}

/**
 * 「予約カートに入れる」 for the whole list: its holdable records go into the patron's cart in the list's order, as
 * many as the cart has room for (R13, CART_LIMIT); the answer counts those that did not fit and those not holdable
 * (R11). The records stay in the list.
 */
export async function bookListToCart(
  db: Db,
  input: { patronId: number; listId: number; cartKey: string | null; now: number },
): Promise<ListToCartAnswer> {
  const { entries } = await bookList(db, input);
  let cartKey = input.cartKey ?? newCartKey();
  // A browser key holding another patron's lines (a shared browser): this patron's lines go under a key of their own.
  if ((await cartFacts(db, cartKey, 0, input.patronId)).othersLines) cartKey = newCartKey();
  const plan = planListToCart(entries);
  // At most CART_LIMIT can ever fit: the rest need no statement.
  const tried = plan.tryAdd.slice(0, CART_LIMIT);
  const added = await addRecordsToCart(db, { cartKey, patronId: input.patronId, recordIds: tried, now: input.now, limit: CART_LIMIT });
  return {
    cartKey,
    added: added.length,
    full: plan.tryAdd.length - added.length,
    notHoldable: plan.notHoldable.length,
    alreadyInCart: plan.alreadyInCart.length,
  };
}
