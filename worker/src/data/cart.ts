// R13: the reservation cart's lines (cart_lines). Every query names the cart key: a cart reads and changes only its
// own lines, whatever record id a request names.
import { sql } from "drizzle-orm";
import type { Db } from "./db.ts";

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

/** The cart's lines with each record's title, author and volume, in the order they were added (one query). */
export async function listCartLines(db: Db, cartKey: string): Promise<CartLine[]> {
  const rows = await db.all<CartLineRow>(sql`
    SELECT c.record_id, r.title, r.volume_label, c.added_at,
      COALESCE(
        (SELECT p.name FROM record_people rp JOIN people p ON p.id = rp.person_id
          WHERE rp.record_id = r.id ORDER BY rp.position, rp.person_id LIMIT 1),
        r.responsibility) AS author
    FROM cart_lines c JOIN records r ON r.id = c.record_id
    WHERE c.cart_key = ${cartKey}
    ORDER BY c.added_at, c.id`);
  return rows.map((r) => ({ recordId: r.record_id, title: r.title, author: r.author, volumeLabel: r.volume_label, addedAt: r.added_at }));
}

/** What the R13 decision needs about one cart: how many lines it has and whether the record is one of them. */
export async function cartFacts(db: Db, cartKey: string, recordId: number): Promise<{ linesInCart: number; alreadyInCart: boolean }> {
  const [row] = await db.all<{ lines: number; present: number }>(sql`
    SELECT count(*) AS lines, coalesce(sum(record_id = ${recordId}), 0) AS present
    FROM cart_lines WHERE cart_key = ${cartKey}`);
  return { linesInCart: Number(row?.lines ?? 0), alreadyInCart: Number(row?.present ?? 0) > 0 };
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

/** Removes one line of this cart (cart key AND record id): another cart's line is never touched. */
export async function deleteCartLine(db: Db, cartKey: string, recordId: number): Promise<boolean> {
  const result = await db.run(sql`DELETE FROM cart_lines WHERE cart_key = ${cartKey} AND record_id = ${recordId}`);
  return result.meta.changes > 0;
}
