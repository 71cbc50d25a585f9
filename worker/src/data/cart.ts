// R13: the reservation cart's lines (cart_lines). Every query names the cart key: a cart reads and changes only its
// own lines, whatever record id a request names. Issue 6 item 5: a line added while logged in carries the patron's
// id; a browser's cart shows a line only to its patron (or, patron_id NULL, to whoever holds the cookie), so a
// shared browser whose patron did not log out shows the next person nothing of theirs. Issue 7 item 1: while logged
// in, the cart is the patron's lines on every device (cart_lines_patron_record: one line per patron and record).
import { sql } from "drizzle-orm";
import { firstAuthorSql } from "./catalog-read.ts";
import { d1Client, d1Statement, type Db } from "./db.ts";

export interface CartLine {
  recordId: number;
  title: string;
  /** The first person named on the record, else its statement of responsibility. */
  author: string | null;
  volumeLabel: string | null;
  addedAt: number;
  /** Logged in: an anonymous line of this browser that did not fit into the patron's cart at login (R13's limit). */
  leftOver?: true;
}

interface CartLineRow {
  record_id: number;
  title: string;
  author: string | null;
  volume_label: string | null;
  added_at: number;
}

/**
 * Issue 7 item 1: the lines a browser's cart shows. Logged in (`viewer` a patron's id): the patron's lines, whatever
 * browser key they were added under (the same cart on every device), plus this browser's anonymous lines (those
 * that did not fit at login). Not logged in: the browser key's anonymous lines only — never a patron's, even one
 * filed under this key (a shared browser whose patron did not log out).
 */
export function visible(cartKey: string | null, viewer: number | null) {
  const anonymous = sql`(c.cart_key = ${cartKey} AND c.patron_id IS NULL)`;
  return viewer === null ? anonymous : sql`(c.patron_id = ${viewer} OR ${anonymous})`;
}

/** The lines R13's limit is counted over: the patron's when logged in, else the browser's anonymous ones. */
function counted(cartKey: string | null, viewer: number | null) {
  return viewer === null ? sql`(cart_key = ${cartKey} AND patron_id IS NULL)` : sql`(patron_id = ${viewer})`;
}

/** The cart's lines with each record's title, author and volume, in the order they were added (one query). */
export async function listCartLines(db: Db, cartKey: string | null, viewer: number | null): Promise<CartLine[]> {
  const rows = await db.all<CartLineRow & { patron_id: number | null }>(sql`
    SELECT c.record_id, c.patron_id, r.title, r.volume_label, c.added_at,
      ${firstAuthorSql} AS author
    FROM cart_lines c JOIN records r ON r.id = c.record_id
    WHERE ${visible(cartKey, viewer)}
    ORDER BY c.added_at, c.id`);
  return rows.map((r) => ({
    recordId: r.record_id,
    title: r.title,
    author: r.author,
    volumeLabel: r.volume_label,
    addedAt: r.added_at,
    ...(viewer !== null && r.patron_id === null ? { leftOver: true } : {}),
  }));
}

/** The header's 「予約カートを見る (n)」: how many lines the cart page would show (one indexed count). */
export async function countCartLines(db: Db, cartKey: string | null, viewer: number | null): Promise<number> {
  if (cartKey === null && viewer === null) return 0;
  const [row] = await db.all<{ n: number }>(sql`SELECT count(*) AS n FROM cart_lines c WHERE ${visible(cartKey, viewer)}`);
  return Number(row?.n ?? 0);
}

/**
 * What the R13 decision needs about one cart: how many lines count towards the limit and whether the record is one
 * of the lines shown; and whether the browser key holds lines of a patron other than `viewer` (then the browser
 * needs a key of its own).
 */
export async function cartFacts(
  db: Db,
  cartKey: string | null,
  recordId: number,
  viewer: number | null,
): Promise<{ linesInCart: number; alreadyInCart: boolean; othersLines: boolean }> {
  const others = viewer === null ? sql`c.patron_id IS NOT NULL` : sql`(c.patron_id IS NOT NULL AND c.patron_id <> ${viewer})`;
  const [row] = await db.all<{ lines: number; present: number; others: number }>(sql`
    SELECT
      (SELECT count(*) FROM cart_lines WHERE ${counted(cartKey, viewer)}) AS lines,
      EXISTS (SELECT 1 FROM cart_lines c WHERE c.record_id = ${recordId} AND ${visible(cartKey, viewer)}) AS present,
      EXISTS (SELECT 1 FROM cart_lines c WHERE c.cart_key = ${cartKey} AND ${others}) AS others`);
  return { linesInCart: Number(row?.lines ?? 0), alreadyInCart: Number(row?.present ?? 0) > 0, othersLines: Number(row?.others ?? 0) > 0 };
}

/**
 * Adds a line unless the record is already a line of this cart (of this key, or of this patron on any device) or
 * the lines R13 counts number `limit`. The count is checked in the same statement as the insert (D1 runs statements
 * one at a time), so two adds racing at the limit — from two devices too — cannot both pass it. Answers whether a
 * row was written.
 */
export async function insertCartLine(
  db: Db,
  line: { cartKey: string; recordId: number; patronId: number | null; now: number; limit: number },
): Promise<boolean> {
  const result = await db.run(insertCartLineSql(line));
  return result.meta.changes > 0;
}

/** The guarded insert itself, also for batches (the 「マイブックリスト」's 「予約カートに入れる」). ON CONFLICT without
 *  a target: neither unique index (cart_key, record_id) nor (patron_id, record_id) makes a second line. */
export function insertCartLineSql(line: { cartKey: string; recordId: number; patronId: number | null; now: number; limit: number }) {
  return sql`
    INSERT INTO cart_lines (cart_key, patron_id, record_id, added_at)
    SELECT ${line.cartKey}, ${line.patronId}, ${line.recordId}, ${line.now}
    WHERE (SELECT count(*) FROM cart_lines WHERE ${counted(line.cartKey, line.patronId)}) < ${line.limit}
    ON CONFLICT DO NOTHING`;
}

/**
 * Removes the record from the cart `viewer` sees (the patron's line on any device, or this browser's): no other line
 * is ever touched. Logged in, in the same batch, the room it makes is filled by this browser's left-over lines
 * (those that did not fit at login), earliest first. Answers whether a line was removed.
 */
export async function deleteCartLine(
  db: Db,
  cartKey: string | null,
  recordId: number,
  viewer: number | null,
  limit: number,
): Promise<boolean> {
  if (cartKey === null && viewer === null) return false;
  const remove = d1Statement(db, sql`DELETE FROM cart_lines AS c WHERE c.record_id = ${recordId} AND ${visible(cartKey, viewer)}`);
  const join = viewer !== null && cartKey !== null ? joinStatements(db, { oldKey: cartKey, newKey: cartKey, patronId: viewer, limit }) : [];
  const [result] = await d1Client(db).batch([remove, ...join]);
  return (result?.meta.changes ?? 0) > 0;
}

/**
 * The browser's anonymous lines join the patron's cart: those already among the patron's lines go (no duplicates),
 * then the rest, earliest first, while the patron's lines number fewer than `limit`. The guard is inside the one
 * UPDATE (LIMIT of the room left), so lines added meanwhile on another device are counted too.
 */
function joinStatements(db: Db, g: { oldKey: string | null; patronId: number; limit: number; newKey: string }): D1PreparedStatement[] {
  return [
    d1Statement(db, sql`
      DELETE FROM cart_lines WHERE cart_key = ${g.oldKey} AND patron_id IS NULL
        AND record_id IN (SELECT record_id FROM cart_lines WHERE patron_id = ${g.patronId})`),
    d1Statement(db, sql`
      UPDATE cart_lines SET patron_id = ${g.patronId}, cart_key = ${g.newKey}
      WHERE id IN (SELECT id FROM cart_lines WHERE cart_key = ${g.oldKey} AND patron_id IS NULL
        ORDER BY added_at, id
        LIMIT max(0, ${g.limit} - (SELECT count(*) FROM cart_lines WHERE patron_id = ${g.patronId})))`),
  ];
}

/**
 * Logout: the lines this browser collected anonymously join the patron's cart as room allows (the patron's own
 * lines already carry their id and stay); whatever did not fit — the cart page said so while logged in — is
 * removed with the browser's cart, whose cookie the route clears.
 */
export async function keepCartWithPatron(db: Db, cartKey: string, patronId: number, limit: number): Promise<void> {
  await d1Client(db).batch([
    ...joinStatements(db, { oldKey: cartKey, patronId, limit, newKey: cartKey }),
    d1Statement(db, sql`DELETE FROM cart_lines WHERE cart_key = ${cartKey} AND patron_id IS NULL`),
  ]);
}

/**
 * Login (issue 6 item 5, issue 7 item 1), one batch (one transaction): the patron's lines from every device are
 * filed under the browser's new key `newKey` (whoever knew the old key learns nothing of the patron's); the lines
 * this browser collected anonymously (`oldKey`) join them — once each, earliest first, at most `limit` lines in all.
 * Lines that did not fit stay this browser's anonymous lines (under the new key), shown on the cart page as not
 * taken in, never lost silently. Another patron's lines are untouched.
 */
export function gatherCartStatements(
  db: Db,
  g: { oldKey: string | null; newKey: string; patronId: number; limit: number },
): D1PreparedStatement[] {
  return [
    d1Statement(db, sql`UPDATE cart_lines SET cart_key = ${g.newKey} WHERE patron_id = ${g.patronId}`),
    ...joinStatements(db, g),
    d1Statement(db, sql`UPDATE cart_lines SET cart_key = ${g.newKey} WHERE cart_key = ${g.oldKey} AND patron_id IS NULL`),
  ];
}

/** Runs the login's batch; answers the patron's lines and the anonymous lines that did not fit (`leftOver`). */
export async function gatherCart(
  db: Db,
  g: { oldKey: string | null; newKey: string; patronId: number; limit: number },
): Promise<{ lines: number; leftOver: number }> {
  // drizzle's db.batch cannot run raw `sql`: the D1 client's batch (one transaction) runs the statements.
  await d1Client(db).batch(gatherCartStatements(db, g));
  const [row] = await db.all<{ mine: number; left: number }>(sql`
    SELECT (SELECT count(*) FROM cart_lines WHERE patron_id = ${g.patronId}) AS mine,
      (SELECT count(*) FROM cart_lines WHERE cart_key = ${g.newKey} AND patron_id IS NULL) AS left`);
  return { lines: Number(row?.mine ?? 0), leftOver: Number(row?.left ?? 0) };
}

/** A record's title and volume, for the cart's answers (「…を解除しました」, 「…はすでに入っています」). */
export async function recordLabel(db: Db, recordId: number): Promise<{ title: string; volumeLabel: string | null } | null> {
  const [row] = await db.all<{ title: string; volume_label: string | null }>(sql`SELECT title, volume_label FROM records WHERE id = ${recordId}`);
  return row ? { title: row.title, volumeLabel: row.volume_label } : null;
}
