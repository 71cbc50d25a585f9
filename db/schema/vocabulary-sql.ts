// The closed vocabularies (worker/src/domain/vocabulary.ts) as SQL lists for CHECK constraints, partial-index
// WHEREs and triggers, written exactly as drizzle-kit prints them: ('a','b'). Values are the vocabulary's own
// constants (never input), so raw SQL is safe here.
import { sql, type SQL } from "drizzle-orm";

export function inList(values: readonly string[]): SQL {
  for (const v of values) if (!/^[a-z_]+$/.test(v)) throw new Error(`not a vocabulary word: ${v}`);
  return sql.raw(`(${values.map((v) => `'${v}'`).join(",")})`);
}
