// The D1 toolkit (issue 6 §5): the one way to get a database handle (drizzle over the D1 binding, in the Worker,
// in tests and in the Node scripts through wrangler's getPlatformProxy()), batches, hand-written statements with
// their bound-parameter limit, and the translation of a constraint the database refused into a reason code.
//
// D1 has no interactive transactions: a write that must be atomic is one statement or one batch (runBatch) whose
// guarded WHEREs re-check the facts. Triggers, partial unique indexes and CHECKs are the backstop; when one fires,
// constraintReason(err) names the refusal (hold_limit_reached, already_held, …) so the service answers it instead of
// a 500.
import type { SQL } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import { drizzle, type DrizzleD1Database } from "drizzle-orm/d1";
import { SQLiteAsyncDialect } from "drizzle-orm/sqlite-core";
import * as schema from "../../../db/schema/index.ts";
import type { ReasonCode } from "../domain/messages.ts";

export type Db = DrizzleD1Database<typeof schema>;

export function createDb(d1: D1Database): Db {
  return drizzle(d1, { schema });
}

/** D1 allows at most 100 bound parameters per statement: chunk row inserts by this. */
export const D1_MAX_PARAMS = 100;

export function chunk<T>(rows: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < rows.length; i += size) out.push(rows.slice(i, i + size));
  return out;
}

// ---- batches and hand-written statements ----------------------------------------------------------------------

export type Statement = BatchItem<"sqlite">;

/** One D1 batch: one transaction, all or nothing (one failing statement rolls back every other). */
export async function runBatch(db: Db, items: readonly Statement[]) {
  if (items.length === 0) return [];
  return db.batch(items as unknown as [Statement, ...Statement[]]);
}

const dialect = new SQLiteAsyncDialect();

/** A D1 statement from a drizzle `sql` query. drizzle 0.45's db.batch cannot run raw `sql` (its SQLiteRaw has no
 *  prepared statement), so batches of hand-written SQL go to the D1 client directly. */
export function d1Statement(db: Db, query: SQL): D1PreparedStatement {
  const { sql: text, params } = dialect.sqlToQuery(query);
  if (params.length > D1_MAX_PARAMS) throw new Error(`statement binds ${params.length} parameters; D1 allows ${D1_MAX_PARAMS}`);
  return d1Client(db).prepare(text).bind(...params);
}

/** Bound parameters of a query, as D1 will count them. */
export function boundParams(query: SQL): number {
  return dialect.sqlToQuery(query).params.length;
}

/** The D1 binding behind a drizzle handle (drizzle() sets $client; the Db type does not declare it). */
export function d1Client(db: Db): D1Database {
  return (db as Db & { $client: D1Database }).$client;
}

// ---- constraint violations → reason codes -------------------------------------------------------------------

/**
 * Every constraint of the schema that a patron's or a member of staff's request can run into, and the refusal it
 * means. Keys: a trigger's RAISE message; a unique index as `table(column,…)` (SQLite names the columns, not the
 * index); a CHECK by its constraint name. A constraint not listed here is a bug and stays a 500.
 */
export const CONSTRAINT_REASONS = {
  // Triggers (db/migrations/0001_search_and_invariants.sql): RAISE(ABORT, '<reason code>').
  raise: {
    hold_limit_reached: "hold_limit_reached", // R14: holds_limit_insert, holds_limit_reactivate
    mail_address_limit_reached: "mail_address_limit_reached", // R40: mail_addresses_limit
    pickup_not_allowed: "pickup_not_allowed", // R11/R12: holds_pickup_in_city
    cart_full: "cart_full", // R13, should the cart's limit get a trigger
    book_list_limit_reached: "book_list_limit_reached", // マイブックリスト: book_lists_limit (0005)
    book_list_full: "book_list_full", // マイブックリスト: book_list_entries_limit (0005)
    series_order_pending: "series_order_pending", // R15: holds_series_order (0005)
    loan_limit_reached: "loan_limit_reached", // issue 8: loans_limit_insert (0007), 10 open loans
  },
  unique: {
    "holds(patron_id,record_id)": "already_held", // holds_one_active: one active hold per patron and record
    "holds(item_id)": "item_already_allocated", // holds_item_active: one copy fills one hold
    "cart_lines(cart_key,record_id)": "already_in_cart", // cart_lines_unique
    "cart_lines(patron_id,record_id)": "already_in_cart", // cart_lines_patron_record (0005): one line per patron and record
    "book_lists(patron_id,name)": "book_list_name_taken", // book_lists_patron_name (0005)
    "book_list_entries(list_id,record_id)": "already_in_book_list", // book_list_entries_unique
    "loans(item_id)": "item_already_on_loan", // loans_item_open: a copy is lent once at a time
    "mail_addresses(patron_id,address)": "mail_address_duplicate", // mail_addresses_unique
  },
  check: {
    loans_renewals: "renewal_limit_reached", // R31: one renewal
    loans_ill_no_renewal: "renewal_not_allowed_inter_library", // R35: inter-library loans are not renewed
    mail_addresses_shape: "mail_address_invalid", // R42
  },
} as const satisfies Record<"raise" | "unique" | "check", Record<string, ReasonCode>>;

type ValuesOf<T> = T[keyof T];
export type ConstraintReason = ValuesOf<(typeof CONSTRAINT_REASONS)["raise"]> | ValuesOf<(typeof CONSTRAINT_REASONS)["unique"]> | ValuesOf<(typeof CONSTRAINT_REASONS)["check"]>;

export interface ConstraintViolation {
  reason: ConstraintReason;
  /** Which constraint fired, as the table above names it. */
  constraint: string;
}

/** The messages of an error and its causes (drizzle wraps D1's error in DrizzleQueryError; D1 in its own). */
function messagesOf(err: unknown): string[] {
  const out: string[] = [];
  for (let e: unknown = err, depth = 0; e && depth < 5; depth++) {
    if (e instanceof Error) {
      out.push(e.message);
      e = (e as Error & { cause?: unknown }).cause;
    } else if (typeof e === "string") {
      out.push(e);
      break;
    } else break;
  }
  return out;
}

const UNIQUE = /UNIQUE constraint failed: ([A-Za-z0-9_]+\.[A-Za-z0-9_]+(?:, [A-Za-z0-9_]+\.[A-Za-z0-9_]+)*)/;
const CHECK = /CHECK constraint failed: ([A-Za-z0-9_]+)/;

/** The reason a constraint violation means, or null when the error is not one of the constraints listed above. */
export function constraintReason(err: unknown): ConstraintViolation | null {
  for (const message of messagesOf(err)) {
    const unique = UNIQUE.exec(message);
    if (unique) {
      const columns = unique[1]!.split(", ").map((c) => c.split("."));
      const key = `${columns[0]![0]}(${columns.map((c) => c[1]).join(",")})`;
      const reason = (CONSTRAINT_REASONS.unique as Record<string, ConstraintReason>)[key];
      return reason ? { reason, constraint: key } : null;
    }
    const check = CHECK.exec(message);
    if (check) {
      const reason = (CONSTRAINT_REASONS.check as Record<string, ConstraintReason>)[check[1]!];
      return reason ? { reason, constraint: check[1]! } : null;
    }
    // A trigger's RAISE(ABORT, 'x') reaches us as "…x: SQLITE_CONSTRAINT…" (D1 adds its own prefix and suffix).
    for (const [raised, reason] of Object.entries(CONSTRAINT_REASONS.raise)) {
      if (new RegExp(`(?:^|[\\s:])${raised}(?:$|[\\s:])`).test(message) && /CONSTRAINT/.test(message)) return { reason, constraint: raised };
    }
  }
  return null;
}
