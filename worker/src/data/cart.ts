// R13: the reservation cart's lines (cart_lines). Every query names the cart key: a cart reads and changes only its
// own lines, whatever record id a request names. Issue 6 item 5: a line added while logged in carries the patron's
// id; a browser's cart shows a line only to its patron (or, patron_id NULL, to whoever holds the cookie), so a
// shared browser whose patron did not log out shows the next person nothing of theirs.
import { sql } from "drizzle-orm";
import type { Db } from "./db.ts";
import { d1Client, d1Statement } from "./search.ts";

export interface CartLine {
  recordId: number;
  title: string;
  /** The first person named on the record, else its statement of responsibility. */
  author: string | null;
  volumeLabel: string | null;
  addedAt: number;
}

interface CartLineRow {
  record_id: number;
  title: string;
  author: string | null;
  volume_label: string | null;
  added_at: number;
}

/** The lines `viewer` may see in a cart: the anonymous ones and their own (viewer null: the anonymous ones only). */
function visibleTo(viewer: number | null) {
  return sql`(c.patron_id IS NULL OR c.patron_id IS ${viewer})`;
}

/** The cart's lines with each record's title, author and volume, in the order they were added (one query). */
export async function listCartLines(db: Db, cartKey: string, viewer: number | null): Promise<CartLine[]> {
  const rows = await db.all<CartLineRow>(sql`
    SELECT c.record_id, r.title, r.volume_label, c.added_at,
      COALESCE(
        (SELECT p.name FROM record_people rp JOIN people p ON p.id = rp.person_id
          WHERE rp.record_id = r.id ORDER BY rp.position, rp.person_id LIMIT 1),
        r.responsibility) AS author
    FROM cart_lines c JOIN records r ON r.id = c.record_id
    WHERE c.cart_key = ${cartKey} AND ${visibleTo(viewer)}
    ORDER BY c.added_at, c.id`);
  return rows.map((r) => ({ recordId: r.record_id, title: r.title, author: r.author, volumeLabel: r.volume_label, addedAt: r.added_at }));
}

/**
 * What the R13 decision needs about one cart: how many lines it has and whether the record is one of them; and
 * whether it holds lines of a patron other than `viewer` (then the browser needs a cart of its own).
 */
export async function cartFacts(
  db: Db,
  cartKey: string,
  recordId: number,
  viewer: number | null,
): Promise<{ linesInCart: number; alreadyInCart: boolean; othersLines: boolean }> {
  const [row] = await db.all<{ lines: number; present: number; others: number }>(sql`
    SELECT count(*) AS lines, coalesce(sum(record_id = ${recordId}), 0) AS present,
      coalesce(sum(NOT ${visibleTo(viewer)}), 0) AS others
    FROM cart_lines c WHERE cart_key = ${cartKey}`);
  return { linesInCart: Number(row?.lines ?? 0), alreadyInCart: Number(row?.present ?? 0) > 0, othersLines: Number(row?.others ?? 0) > 0 };
}

/**
 * Adds a line unless the record is already in the cart or the cart holds `limit` lines. The count is checked in
 * the same statement as the insert (D1 runs statements one at a time), so two adds racing at the limit cannot both
 * pass it. Answers whether a row was written.
 */
export async function insertCartLine(
  db: Db,
  line: { cartKey: string; recordId: number; patronId: number | null; now: number; limit: number },
): Promise<boolean> {
  const result = await db.run(sql`
    INSERT INTO cart_lines (cart_key, patron_id, record_id, added_at)
    SELECT ${line.cartKey}, ${line.patronId}, ${line.recordId}, ${line.now}
    WHERE (SELECT count(*) FROM cart_lines WHERE cart_key = ${line.cartKey}) < ${line.limit}
    ON CONFLICT (cart_key, record_id) DO NOTHING`);
  return result.meta.changes > 0;
}

/** Removes one line of this cart (cart key AND record id) that `viewer` may see: no other line is ever touched. */
export async function deleteCartLine(db: Db, cartKey: string, recordId: number, viewer: number | null): Promise<boolean> {
  const result = await db.run(
    sql`DELETE FROM cart_lines AS c WHERE c.cart_key = ${cartKey} AND c.record_id = ${recordId} AND ${visibleTo(viewer)}`,
  );
  return result.meta.changes > 0;
}

/**
 * Logout (issue 6 item 5): the lines this browser collected stay with the patron (anonymous ones are theirs too:
 * collected in their session's browser). The route then clears the cart cookie.
 */
export async function keepCartWithPatron(db: Db, cartKey: string, patronId: number): Promise<void> {
  await db.run(sql`UPDATE cart_lines SET patron_id = ${patronId} WHERE cart_key = ${cartKey} AND patron_id IS NULL`);
}

/**
 * Login (issue 6 item 5): one batch (one transaction) that gathers into the browser's new cart `newKey` the patron's
 * lines from every earlier cart and the lines this browser collected anonymously (`oldKey`), one line per record
 * (its earliest add), at most `limit` lines (the earliest first). The gathered lines leave their old carts; lines
 * beyond the limit stay behind with the patron (never another patron's: their lines are untouched) and come back at
 * a later login when there is room.
 */
export function gatherCartStatements(
  db: Db,
  g: { oldKey: string | null; newKey: string; patronId: number; limit: number },
): D1PreparedStatement[] {
  const mine = sql`(patron_id = ${g.patronId} OR (cart_key = ${g.oldKey} AND patron_id IS NULL))`;
  return [
    d1Statement(db, sql`
      INSERT INTO cart_lines (cart_key, patron_id, record_id, added_at)
      SELECT ${g.newKey}, ${g.patronId}, record_id, min(added_at) FROM cart_lines
      WHERE ${mine} AND cart_key <> ${g.newKey}
      GROUP BY record_id ORDER BY min(added_at), record_id LIMIT ${g.limit}`),
    d1Statement(db, sql`
      DELETE FROM cart_lines WHERE cart_key <> ${g.newKey} AND ${mine}
        AND record_id IN (SELECT record_id FROM cart_lines WHERE cart_key = ${g.newKey})`),
    d1Statement(db, sql`UPDATE cart_lines SET patron_id = ${g.patronId} WHERE cart_key = ${g.oldKey} AND patron_id IS NULL`),
  ];
}

export async function gatherCart(db: Db, g: { oldKey: string | null; newKey: string; patronId: number; limit: number }): Promise<number> {
  // drizzle's db.batch cannot run raw `sql`: the D1 client's batch (one transaction) runs the three statements.
  await d1Client(db).batch(gatherCartStatements(db, g));
  const [row] = await db.all<{ n: number }>(sql`SELECT count(*) AS n FROM cart_lines WHERE cart_key = ${g.newKey}`);
  return Number(row?.n ?? 0);
}

/** A record's title and volume, for the cart's answers (「…を解除しました」, 「…はすでに入っています」). */
export async function recordLabel(db: Db, recordId: number): Promise<{ title: string; volumeLabel: string | null } | null> {
  const [row] = await db.all<{ title: string; volume_label: string | null }>(sql`SELECT title, volume_label FROM records WHERE id = ${recordId}`);
  return row ? { title: row.title, volumeLabel: row.volume_label } : null;
}
