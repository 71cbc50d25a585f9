// 「マイブックリスト」 (issue 7 item 9): the rules over explicit facts, pure. A list's name is trimmed, then must be
// 1 to BOOK_LIST_NAME_MAX characters (code points, as SQLite's length() and the CHECK book_lists_name count them)
// with no control characters (a newline or tab in a name would break the pages and mails that show it).
// Every reason is collected. The limits (BOOK_LIST_LIMIT lists, BOOK_LIST_ENTRY_LIMIT records a list) are kept by the
// guarded statements of data/book-lists.ts, with the triggers of migration 0005 as the backstop.
import * as v from "valibot";
import type { ReasonCode } from "./messages.ts";
import { charLength } from "./normalize.ts";
import { BOOK_LIST_NAME_MAX } from "./policy.ts";

export type BookListNameReason = Extract<ReasonCode, "book_list_name_empty" | "book_list_name_too_long" | "book_list_name_control">;

const CONTROL = /\p{Cc}/u;

/** The name as the form sent it, trimmed (String.prototype.trim also takes the full-width space U+3000). */
const NameSchema = v.pipe(
  v.string("book_list_name_empty"),
  v.trim(),
  v.check((s) => s.length > 0, "book_list_name_empty"),
  v.check((s) => charLength(s) <= BOOK_LIST_NAME_MAX, "book_list_name_too_long"),
  v.check((s) => !CONTROL.test(s), "book_list_name_control"),
);

export type BookListNameDecision = { ok: true; name: string } | { ok: false; reasons: BookListNameReason[] };

export function parseBookListName(raw: unknown): BookListNameDecision {
  const result = v.safeParse(NameSchema, raw, { abortPipeEarly: false });
  if (result.success) return { ok: true, name: result.output };
  const reasons = [...new Set(result.issues.map((i) => i.message as BookListNameReason))];
  return { ok: false, reasons };
}

/** One record of a list, as 「予約カートに入れる」 (for the whole list) sees it. */
export interface ListToCartFacts {
  recordId: number;
  /** R11 over the record's copies. */
  holdable: boolean;
  /** Already one of the cart's lines (nothing to do, not a refusal). */
  inCart: boolean;
}

/**
 * 「予約カートに入れる」 for a whole list: which records to try, in the list's order (the guarded inserts then take as
 * many as the cart has room for), which are not holdable (R11) and which are in the cart already.
 */
export function planListToCart(entries: readonly ListToCartFacts[]): { tryAdd: number[]; notHoldable: number[]; alreadyInCart: number[] } {
  const tryAdd: number[] = [];
  const notHoldable: number[] = [];
  const alreadyInCart: number[] = [];
  for (const e of entries) {
    if (e.inCart) alreadyInCart.push(e.recordId);
    else if (!e.holdable) notHoldable.push(e.recordId);
    else tryAdd.push(e.recordId);
  }
  return { tryAdd, notHoldable, alreadyInCart };
}
