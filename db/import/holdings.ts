// Demo holdings (所蔵) for the imported catalogue, so every rule has real cases: copies over the in-city
// branches (R11 holdable), reference-only 禁帯出 copies (R11 not holdable), records held nowhere in the city
// (R12 paper request), copies on loan (availability varies), every series volume holdable (R15 ordered holds).
// Pure and deterministic: each record's copies depend only on its source key and id and on the branch list,
// so re-running plans the same copies with the same barcodes (inserted ON CONFLICT DO NOTHING).
import type { ItemStatus } from "../schema/items.ts";

export interface HoldingRecord {
  /** records.id: barcodes derive from it. */
  id: number;
  /** 'aozora:001504', 'ndl:029096886': seeds the record's choices. */
  sourceKey: string;
  /** A series volume is always holdable, so ordered holds (R15) can be placed on the whole set. */
  inSeries: boolean;
  ndc?: string | null;
}

export interface HoldingBranch {
  id: number;
  code: string;
  inCity: boolean;
}

export interface PlannedCopy {
  barcode: string;
  recordId: number;
  branchId: number;
  /** false = reference-only (禁帯出): never lent, never holdable (R11). */
  loanable: boolean;
  status: ItemStatus;
  shelfMark: string | null;
}

export type HoldingProfile = "none" | "reference" | "mixed" | "lending";

/** Shares of records by profile (the rest lend). Series volumes always lend. */
export const HOLDING_SHARES = { none: 0.04, reference: 0.05, mixed: 0.04 } as const;
/** Share of lending copies out on loan when the demo starts. */
export const ON_LOAN_SHARE = 0.3;
/** The branch that keeps the reference collection (参考図書) and is weighted up as the largest library. */
const MAIN_BRANCH = "chuo";
/** 福岡県立図書館 and any other outside library only lend through inter-library loan (R12, R32): never held here. */
const OUTSIDE = "fukuokapref";

export function holdingProfile(record: Pick<HoldingRecord, "sourceKey" | "inSeries">): HoldingProfile {
  if (record.inSeries) return "lending";
  const r = rng(record.sourceKey)();
  if (r < HOLDING_SHARES.none) return "none";
  if (r < HOLDING_SHARES.none + HOLDING_SHARES.reference) return "reference";
  if (r < HOLDING_SHARES.none + HOLDING_SHARES.reference + HOLDING_SHARES.mixed) return "mixed";
  return "lending";
}

/** 'SH' + the record id (9 digits) + the copy number: unique, stable, and never reused by another record. */
export function barcodeFor(recordId: number, copy: number): string {
  return `SH${String(recordId).padStart(9, "0")}${copy}`;
}

export function planHoldings(records: readonly HoldingRecord[], branches: readonly HoldingBranch[]): PlannedCopy[] {
  const inCity = branches.filter((b) => b.inCity && b.code !== OUTSIDE).toSorted((a, b) => a.id - b.id);
  if (inCity.length === 0) return [];
  const main = inCity.find((b) => b.code === MAIN_BRANCH) ?? inCity[0]!;
  const copies: PlannedCopy[] = [];
  for (const record of records) {
    const profile = holdingProfile(record);
    if (profile === "none") continue;
    // A second stream, so the profile draw above does not shift the branch and status draws.
    const next = rng(`${record.sourceKey}#copies`);
    const shelfMark = record.ndc ? record.ndc.split(".")[0]! : null;
    let copyNo = 0;
    const add = (branch: HoldingBranch, loanable: boolean) => {
      copyNo++;
      const onLoan = loanable && next() < ON_LOAN_SHARE;
      copies.push({
        barcode: barcodeFor(record.id, copyNo),
        recordId: record.id,
        branchId: branch.id,
        loanable,
        status: onLoan ? "on_loan" : "on_shelf",
        shelfMark,
      });
    };
    if (profile === "reference") {
      // 禁帯出 everywhere it is held: the reference copy at the main library, sometimes one more.
      add(main, false);
      if (next() < 0.3) add(pickBranches(inCity, main, 1, next, [main])[0] ?? main, false);
      continue;
    }
    if (profile === "mixed") {
      add(main, false);
      for (const b of pickBranches(inCity, main, next() < 0.5 ? 1 : 2, next, [main])) add(b, true);
      continue;
    }
    const r = next();
    const count = r < 0.5 ? 1 : r < 0.85 ? 2 : 3;
    for (const b of pickBranches(inCity, main, count, next, [])) add(b, true);
  }
  return copies;
}

/** `count` different branches, the main library three times as likely as the others. */
function pickBranches(
  branches: readonly HoldingBranch[],
  main: HoldingBranch,
  count: number,
  next: () => number,
  exclude: readonly HoldingBranch[],
): HoldingBranch[] {
  const pool = branches.filter((b) => !exclude.includes(b));
  const picked: HoldingBranch[] = [];
  while (picked.length < count && pool.length > 0) {
    const weights = pool.map((b) => (b === main ? 3 : 1));
    let r = next() * weights.reduce((a, w) => a + w, 0);
    let i = 0;
    while (i < pool.length - 1 && r >= weights[i]!) r -= weights[i++]!;
    picked.push(pool.splice(i, 1)[0]!);
  }
  return picked;
}

/** A small seeded generator (FNV-1a hash of the key → mulberry32): same key, same sequence, on every runtime. */
function rng(key: string): () => number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  let a = h >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
