// R11, R12, R15: the demo holdings planned over the real catalogue: holdable copies in the city, reference-only
// 禁帯出 copies, records not held in the city, every series volume holdable; deterministic, stable barcodes.
import aozoraCsv from "@data/aozora/list_person_all_extended_utf8.partial-2022-02.csv?raw";
import demoJson from "@data/fixtures/demo.json?raw";
import ndlConan from "@data/ndl/opensearch-title-meitantei-conan.xml?raw";
import { describe, expect, it } from "vitest";
import { parseAozoraCsv } from "../../db/import/aozora.ts";
import { HOLDING_SHARES, ON_LOAN_SHARE, barcodeFor, holdingProfile, planHoldings, type HoldingBranch, type HoldingRecord, type PlannedCopy } from "../../db/import/holdings.ts";
import { parseNdlOpenSearch } from "../../db/import/ndl.ts";
import { decideHoldable } from "../../worker/src/domain/holdability.ts";

const demo = JSON.parse(demoJson) as { branches: { code: string; name: string; inCity: boolean }[] };

const BRANCHES: HoldingBranch[] = demo.branches.map((b, i) => ({ id: i + 1, code: b.code, inCity: b.inCity }));
const OUTSIDE = BRANCHES.find((b) => b.code === "fukuokapref")!;

const imported = [...parseAozoraCsv(aozoraCsv, "aozora.csv").records, ...parseNdlOpenSearch(ndlConan, "conan.xml").records];
const RECORDS: HoldingRecord[] = imported.map((r, i) => ({ id: i + 1, sourceKey: `${r.source}:${r.sourceId}`, inSeries: r.series !== null, ndc: r.ndc }));
const plan = planHoldings(RECORDS, BRANCHES);
const copiesOf = Map.groupBy(plan, (c) => c.recordId);

function decision(recordId: number) {
  return decideHoldable({ items: copiesOf.get(recordId) ?? [], branches: BRANCHES });
}

describe("R11 R12 demo holdings over the real catalogue", () => {
  it("most records are holdable: a loanable copy in an in-city library", () => {
    const holdable = RECORDS.filter((r) => decision(r.id).ok).length;
    expect(holdable / RECORDS.length).toBeGreaterThan(0.85);
  });

  it("about 5% are reference-only (禁帯出): held, never loanable, so not holdable (R11)", () => {
    const reference = RECORDS.filter((r) => {
      const d = decision(r.id);
      return !d.ok && d.reasons.includes("not_loanable");
    });
    expect(reference.length / RECORDS.length).toBeGreaterThan(HOLDING_SHARES.reference - 0.015);
    expect(reference.length / RECORDS.length).toBeLessThan(HOLDING_SHARES.reference + 0.015);
    for (const r of reference) for (const c of copiesOf.get(r.id)!) expect(c).toMatchObject({ loanable: false, status: "on_shelf" });
  });

  it("some records mix a reference copy with loanable ones, and stay holdable", () => {
    const mixed = RECORDS.filter((r) => {
      const cs = copiesOf.get(r.id) ?? [];
      return cs.some((c) => !c.loanable) && cs.some((c) => c.loanable);
    });
    expect(mixed.length / RECORDS.length).toBeGreaterThan(HOLDING_SHARES.mixed - 0.015);
    for (const r of mixed) expect(decision(r.id).ok).toBe(true);
  });

  it("a few records have no copy in the city: only a paper request (R12)", () => {
    const none = RECORDS.filter((r) => !copiesOf.has(r.id));
    expect(none.length / RECORDS.length).toBeGreaterThan(HOLDING_SHARES.none - 0.015);
    expect(none.length / RECORDS.length).toBeLessThan(HOLDING_SHARES.none + 0.015);
    for (const r of none) expect(decision(r.id)).toEqual({ ok: false, reasons: ["not_held_in_city"] });
  });

  it("copies are spread over the in-city branches only, never over 福岡県立図書館", () => {
    const used = new Set(plan.map((c) => c.branchId));
    expect(used.has(OUTSIDE.id)).toBe(false);
    expect(used.size).toBe(BRANCHES.filter((b) => b.inCity).length);
  });

  it("a record has 1–3 copies, each in a different branch", () => {
    for (const [, cs] of copiesOf) {
      expect(cs.length).toBeGreaterThanOrEqual(1);
      expect(cs.length).toBeLessThanOrEqual(3);
      expect(new Set(cs.map((c) => c.branchId)).size).toBe(cs.length);
    }
  });

  it("some loanable copies are out on loan, never a reference copy", () => {
    const loanable = plan.filter((c) => c.loanable);
    const onLoan = loanable.filter((c) => c.status === "on_loan").length / loanable.length;
    expect(onLoan).toBeGreaterThan(ON_LOAN_SHARE - 0.05);
    expect(onLoan).toBeLessThan(ON_LOAN_SHARE + 0.05);
    expect(plan.some((c) => !c.loanable && c.status !== "on_shelf")).toBe(false);
  });
});

describe("R15 every series volume is holdable, so ordered holds can cover the whole set", () => {
  it("夜明け前 and the other series", () => {
    const volumes = RECORDS.filter((r) => r.inSeries);
    expect(volumes.length).toBeGreaterThan(1000);
    for (const r of volumes) expect(decision(r.id).ok, r.sourceKey).toBe(true);
  });
});

describe("deterministic and stable", () => {
  it("plans the same copies every time, whatever the order of the records", () => {
    const again = planHoldings([...RECORDS].reverse(), [...BRANCHES].reverse());
    const byBarcode = (cs: PlannedCopy[]) => cs.toSorted((a, b) => a.barcode.localeCompare(b.barcode));
    expect(byBarcode(again)).toEqual(byBarcode(plan));
  });

  it("a record's copies depend only on the record, not on what else is imported", () => {
    const r = RECORDS[1234]!;
    expect(planHoldings([r], BRANCHES)).toEqual(copiesOf.get(r.id) ?? []);
    expect(holdingProfile(r)).toBe(holdingProfile({ ...r }));
  });

  it("barcodes are unique, 'SH' + record id + copy number", () => {
    expect(new Set(plan.map((c) => c.barcode)).size).toBe(plan.length);
    for (const c of plan) expect(c.barcode).toMatch(new RegExp(`^${barcodeFor(c.recordId, 1).slice(0, -1)}[123]$`));
    expect(barcodeFor(1504, 2)).toBe("SH0000015042");
  });

  it("no in-city branch, no copies", () => {
    expect(planHoldings(RECORDS.slice(0, 10), [OUTSIDE])).toEqual([]);
  });
});
