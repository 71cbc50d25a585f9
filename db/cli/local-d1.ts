// Issue 6 item 1 ("a build that does not fall over on a busy machine"): the pre-render reads the local D1 without
// a socket. getPlatformProxy() reaches D1 through workerd over a local HTTP connection; on a loaded machine that
// connection was once reset mid-build (`TypeError: fetch failed … other side closed` in getSeries). The local D1
// is a plain SQLite file, so the build opens that very file with node:sqlite, read-only, and hands drizzle a
// D1Database-shaped object over it: the same queries (worker/src/data/catalog-read.ts), no network, no timing.
import { createHash, createHmac } from "node:crypto";
import { existsSync } from "node:fs";
import path from "node:path";
import { DatabaseSync, type SQLInputValue, type StatementSync } from "node:sqlite";

/** Where miniflare keeps D1 databases under a persist directory (`.wrangler/state/v3`). */
const D1_OBJECT_DIR = "d1/miniflare-D1DatabaseObject";
/** miniflare's Durable Object namespace key for D1 (the object's id, and so the file name, derive from it). */
const D1_UNIQUE_KEY = "miniflare-D1DatabaseObject";

/**
 * The id workerd gives the Durable Object named `name` in a namespace with this unique key (what miniflare's
 * `idFromName` computes): a keyed hash of the name followed by a keyed hash of that. The local D1 file is
 * `<id>.sqlite`, the object being named after the binding's database_id.
 */
export function durableObjectIdFromName(uniqueKey: string, name: string): string {
  const key = createHash("sha256").update(uniqueKey).digest();
  const nameHmac = createHmac("sha256", key).update(name).digest().subarray(0, 16);
  const hmac = createHmac("sha256", key).update(nameHmac).digest().subarray(0, 16);
  return Buffer.concat([nameHmac, hmac]).toString("hex");
}

/** The SQLite file `wrangler dev` and `wrangler d1 … --local` use for the database with this id. */
export function localD1File(persistV3Dir: string, databaseId: string): string {
  return path.join(persistV3Dir, D1_OBJECT_DIR, `${durableObjectIdFromName(D1_UNIQUE_KEY, databaseId)}.sqlite`);
}

type Bindable = SQLInputValue;

/** D1 binds booleans as 0/1 and ArrayBuffers as blobs; node:sqlite takes neither as such. */
function toSqlite(v: unknown): Bindable {
  if (v === undefined) throw new TypeError("D1_TYPE_ERROR: undefined cannot be bound");
  if (typeof v === "boolean") return v ? 1 : 0;
  if (v instanceof ArrayBuffer) return new Uint8Array(v);
  return v as Bindable;
}

function meta(changes = 0, lastRowId = 0): D1Meta & Record<string, unknown> {
  return { duration: 0, size_after: 0, rows_read: 0, rows_written: changes, last_row_id: lastRowId, changed_db: changes > 0, changes };
}

class SqlitePreparedStatement {
  private readonly db: DatabaseSync;
  private readonly query: string;
  private readonly params: Bindable[];

  constructor(db: DatabaseSync, query: string, params: Bindable[] = []) {
    this.db = db;
    this.query = query;
    this.params = params;
  }

  bind(...values: unknown[]): SqlitePreparedStatement {
    return new SqlitePreparedStatement(this.db, this.query, values.map(toSqlite));
  }

  private statement(): StatementSync {
    return this.db.prepare(this.query);
  }

  allSync<T>(): D1Result<T> {
    const stmt = this.statement();
    if (stmt.columns().length === 0) {
      const r = stmt.run(...this.params);
      return { results: [], success: true, meta: meta(Number(r.changes), Number(r.lastInsertRowid)) };
    }
    return { results: stmt.all(...this.params) as T[], success: true, meta: meta() };
  }

  async all<T>(): Promise<D1Result<T>> {
    return this.allSync<T>();
  }

  async run<T>(): Promise<D1Result<T>> {
    return this.allSync<T>();
  }

  async first<T>(column?: string): Promise<T | null> {
    const row = this.statement().get(...this.params) as Record<string, unknown> | undefined;
    if (!row) return null;
    return (column === undefined ? row : row[column]) as T;
  }

  async raw<T extends unknown[]>(options?: { columnNames?: boolean }): Promise<T[]> {
    const stmt = this.statement();
    stmt.setReturnArrays(true);
    const rows = stmt.all(...this.params) as unknown as T[];
    return options?.columnNames ? [stmt.columns().map((c) => c.name) as T, ...rows] : rows;
  }
}

export interface LocalSqliteD1 {
  d1: D1Database;
  close(): void;
}

/**
 * The local D1 as a D1Database over node:sqlite. `readOnly` (the build's default) opens the file so that nothing
 * the pre-render does can change it, while `wrangler dev` may keep serving from it.
 */
export function openSqliteD1(file: string, opts: { readOnly?: boolean } = {}): LocalSqliteD1 {
  if (!existsSync(file)) {
    throw new Error(`no local D1 at ${file}: run \`npm run build\` (it applies the migrations and loads the demo library)`);
  }
  const db = new DatabaseSync(file, { readOnly: opts.readOnly ?? true, timeout: 30_000 });
  const d1 = {
    prepare: (query: string) => new SqlitePreparedStatement(db, query),
    // D1 runs a batch as one transaction: all or nothing, and every read sees the same snapshot.
    async batch<T>(statements: SqlitePreparedStatement[]): Promise<D1Result<T>[]> {
      db.exec("BEGIN");
      try {
        const out = statements.map((s) => s.allSync<T>());
        db.exec("COMMIT");
        return out;
      } catch (err) {
        db.exec("ROLLBACK");
        throw err;
      }
    },
    async exec(query: string) {
      db.exec(query);
      return { count: 1, duration: 0 };
    },
  };
  return { d1: d1 as unknown as D1Database, close: () => db.close() };
}
