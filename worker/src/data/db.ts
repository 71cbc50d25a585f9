// The one way to get a database handle: drizzle over the D1 binding (in the Worker, in tests, and in the
// Node scripts through wrangler's getPlatformProxy()).
import { drizzle, type DrizzleD1Database } from "drizzle-orm/d1";
import * as schema from "../../../db/schema/index.ts";

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
