// 「マイブックリスト」 (issue 7 item 9): book_lists and book_list_entries. Every statement names the patron: a list is
// read or changed only with its owner in the same WHERE, so an id in a URL or a form that is another patron's (or
// nobody's) reaches nothing — the route answers 404. The limits are in the INSERT's own WHERE (one statement: two
// requests racing at the limit cannot both pass it), with the triggers book_lists_limit and book_list_entries_limit
// and the unique indexes (migration 0005) as the backstop; services/book-lists.ts turns those into reasons.
import { sql } from "drizzle-orm";
import { firstAuthorSql, obtainableCopySql } from "./catalog-read.ts";
import { visible as cartVisible, insertCartLineSql } from "./cart.ts";
import { d1Client, d1Statement, type Db } from "./db.ts";

export interface BookListSummary {
  id: number;
  name: string;
  entries: number;
  createdAt: number;
}

export interface BookListEntry {
  recordId: number;
  title: string;
  volumeLabel: string | null;
  author: string | null;
  addedAt: number;
  /** R11 over the record's copies (the SQL form of domain/holdability.ts decideHoldable's "ok"). */
  holdable: boolean;
  /** One of the lines of the cart the patron sees. */
  inCart: boolean;
}

const owned = (patronId: number, listId: number) => sql`(SELECT 1 FROM book_lists WHERE id = ${listId} AND patron_id = ${patronId})`;

/** The patron's lists, oldest first, each with its number of records (one query). */
export async function listBookLists(db: Db, patronId: number): Promise<BookListSummary[]> {
  const rows = await db.all<{ id: number; name: string; entries: number; created_at: number }>(sql`
    SELECT l.id, l.name, l.created_at, (SELECT count(*) FROM book_list_entries e WHERE e.list_id = l.id) AS entries
    FROM book_lists l WHERE l.patron_id = ${patronId} ORDER BY l.created_at, l.id`);
  return rows.map((r) => ({ id: r.id, name: r.name, entries: Number(r.entries), createdAt: r.created_at }));
}

/** One of the patron's lists, or null (unknown, or another patron's: the same answer). */
export async function getBookList(db: Db, patronId: number, listId: number): Promise<BookListSummary | null> {
  const [row] = await db.all<{ id: number; name: string; entries: number; created_at: number }>(sql`
    SELECT l.id, l.name, l.created_at, (SELECT count(*) FROM book_list_entries e WHERE e.list_id = l.id) AS entries
    FROM book_lists l WHERE l.id = ${listId} AND l.patron_id = ${patronId}`);
  return row ? { id: row.id, name: row.name, entries: Number(row.entries), createdAt: row.created_at } : null;
}

/** The records of one of the patron's lists, in the order they were added, with R11 and whether each is in the cart. */
export async function listBookListEntries(
  db: Db,
  input: { patronId: number; listId: number; cartKey: string | null },
): Promise<BookListEntry[]> {
  const rows = await db.all<{
    record_id: number;
    title: string;
    volume_label: string | null;
    author: string | null;
    added_at: number;
    holdable: number;
    in_cart: number;
  }>(sql`
    SELECT e.record_id, r.title, r.volume_label, e.added_at,
      ${firstAuthorSql} AS author,
      EXISTS (SELECT 1 FROM items i JOIN branches b ON b.id = i.branch_id
        WHERE i.record_id = r.id AND b.in_city = 1 AND i.loanable = 1 AND ${obtainableCopySql("i")}) AS holdable,
      EXISTS (SELECT 1 FROM cart_lines c WHERE c.record_id = r.id AND ${cartVisible(input.cartKey, input.patronId)}) AS in_cart
    FROM book_list_entries e JOIN records r ON r.id = e.record_id
    WHERE e.list_id = ${input.listId} AND EXISTS ${owned(input.patronId, input.listId)}
    ORDER BY e.added_at, e.id`);
  return rows.map((r) => ({
    recordId: r.record_id,
    title: r.title,
    volumeLabel: r.volume_label,
    author: r.author,
    addedAt: r.added_at,
    holdable: Number(r.holdable) > 0,
    inCart: Number(r.in_cart) > 0,
  }));
}

/** Creates a list unless the patron has `limit` lists or one of that name (one statement). Answers its id, or null. */
export async function insertBookList(db: Db, input: { patronId: number; name: string; now: number; limit: number }): Promise<number | null> {
  const [row] = await db.all<{ id: number }>(sql`
    INSERT INTO book_lists (patron_id, name, created_at)
    SELECT ${input.patronId}, ${input.name}, ${input.now}
    WHERE (SELECT count(*) FROM book_lists WHERE patron_id = ${input.patronId}) < ${input.limit}
      AND NOT EXISTS (SELECT 1 FROM book_lists WHERE patron_id = ${input.patronId} AND name = ${input.name})
    RETURNING id`);
  return row ? row.id : null;
}

/** Why a create wrote nothing: how many lists the patron has, and whether the name is taken. */
export async function bookListCreateFacts(db: Db, patronId: number, name: string): Promise<{ lists: number; nameTaken: boolean }> {
  const [row] = await db.all<{ lists: number; taken: number }>(sql`
    SELECT (SELECT count(*) FROM book_lists WHERE patron_id = ${patronId}) AS lists,
      EXISTS (SELECT 1 FROM book_lists WHERE patron_id = ${patronId} AND name = ${name}) AS taken`);
  return { lists: Number(row?.lists ?? 0), nameTaken: Number(row?.taken ?? 0) > 0 };
}

/** Renames one of the patron's lists unless another of theirs has the name. Answers whether a row changed. */
export async function updateBookListName(db: Db, input: { patronId: number; listId: number; name: string }): Promise<boolean> {
  const result = await db.run(sql`
    UPDATE book_lists SET name = ${input.name}
    WHERE id = ${input.listId} AND patron_id = ${input.patronId}
      AND NOT EXISTS (SELECT 1 FROM book_lists o WHERE o.patron_id = ${input.patronId} AND o.name = ${input.name} AND o.id <> ${input.listId})`);
  return result.meta.changes > 0;
}

/** Deletes one of the patron's lists; its records go with it (ON DELETE CASCADE). Answers whether it was there. */
export async function deleteBookList(db: Db, patronId: number, listId: number): Promise<boolean> {
  const result = await db.run(sql`DELETE FROM book_lists WHERE id = ${listId} AND patron_id = ${patronId}`);
  return result.meta.changes > 0;
}

/**
 * Adds a record to one of the patron's lists, unless the list is not theirs, the record unknown, already in the
 * list, or the list holds `limit` records — all in the one statement's WHERE. Answers whether a row was written.
 */
export async function insertBookListEntry(
  db: Db,
  input: { patronId: number; listId: number; recordId: number; now: number; limit: number },
): Promise<boolean> {
  const result = await db.run(sql`
    INSERT INTO book_list_entries (list_id, record_id, added_at)
    SELECT ${input.listId}, ${input.recordId}, ${input.now}
    WHERE EXISTS ${owned(input.patronId, input.listId)}
      AND EXISTS (SELECT 1 FROM records WHERE id = ${input.recordId})
      AND (SELECT count(*) FROM book_list_entries WHERE list_id = ${input.listId}) < ${input.limit}
    ON CONFLICT (list_id, record_id) DO NOTHING`);
  return result.meta.changes > 0;
}

/** Why an add wrote nothing. */
export async function bookListEntryFacts(
  db: Db,
  input: { patronId: number; listId: number; recordId: number },
): Promise<{ listOwned: boolean; recordExists: boolean; present: boolean; entries: number }> {
  const [row] = await db.all<{ owned: number; record: number; present: number; entries: number }>(sql`
    SELECT EXISTS ${owned(input.patronId, input.listId)} AS owned,
      EXISTS (SELECT 1 FROM records WHERE id = ${input.recordId}) AS record,
      EXISTS (SELECT 1 FROM book_list_entries WHERE list_id = ${input.listId} AND record_id = ${input.recordId}) AS present,
      (SELECT count(*) FROM book_list_entries WHERE list_id = ${input.listId}) AS entries`);
  return {
    listOwned: Number(row?.owned ?? 0) > 0,
    recordExists: Number(row?.record ?? 0) > 0,
    present: Number(row?.present ?? 0) > 0,
    entries: Number(row?.entries ?? 0),
  };
}

/** Removes a record from one of the patron's lists. Answers whether a row went. */
export async function deleteBookListEntry(db: Db, input: { patronId: number; listId: number; recordId: number }): Promise<boolean> {
  const result = await db.run(sql`
    DELETE FROM book_list_entries WHERE list_id = ${input.listId} AND record_id = ${input.recordId}
      AND EXISTS ${owned(input.patronId, input.listId)}`);
  return result.meta.changes > 0;
}

/**
 * 「予約カートに入れる」 for a list: one batch of the cart's own guarded inserts (data/cart.ts insertCartLineSql), in
 * the list's order; each checks the cart's limit in its own WHERE, so the batch takes as many as there is room for
 * and the rest write nothing (never an error: nothing is rolled back). Answers the record ids that went in.
 */
export async function addRecordsToCart(
  db: Db,
  input: { cartKey: string; patronId: number; recordIds: readonly number[]; now: number; limit: number },
): Promise<number[]> {
  if (input.recordIds.length === 0) return [];
  const statements = input.recordIds.map((recordId, i) =>
    d1Statement(db, insertCartLineSql({ cartKey: input.cartKey, patronId: input.patronId, recordId, now: input.now + i, limit: input.limit })),
  );
  const results = await d1Client(db).batch(statements);
  return input.recordIds.filter((_, i) => (results[i]?.meta.changes ?? 0) > 0);
}
