import { describe, expect, it } from "vitest";
import { decideHoldable } from "../../worker/src/domain/holdability.ts";

const branches = [
  { id: 1, inCity: true }, // 中央図書館
  { id: 2, inCity: true }, // ムーブ図書・情報室
  { id: 9, inCity: false }, // 福岡県立図書館 (inter-library loan only)
];
const copy = (branchId: number, loanable: boolean, status = "on_shelf") => ({ branchId, loanable, status });

describe("R11 holdable records", () => {
  it("holds a record with a loanable copy in an in-city library", () => {
    expect(decideHoldable({ items: [copy(1, true)], branches })).toEqual({ ok: true });
  });

  it("holds it even when every loanable copy is out on loan (the hold waits for a return)", () => {
    expect(decideHoldable({ items: [copy(2, true, "on_loan"), copy(1, false)], branches })).toEqual({ ok: true });
  });

  it("refuses a reference-only (禁帯出) record: not_loanable", () => {
    expect(decideHoldable({ items: [copy(1, false), copy(2, false)], branches })).toEqual({ ok: false, reasons: ["not_loanable"] });
  });

  it("R12: refuses a record held only outside the city: not_held_in_city", () => {
    expect(decideHoldable({ items: [copy(9, true)], branches })).toEqual({ ok: false, reasons: ["not_held_in_city"] });
  });

  it("refuses a record with no copies at all: not_held_in_city", () => {
    expect(decideHoldable({ items: [], branches })).toEqual({ ok: false, reasons: ["not_held_in_city"] });
  });

  it("gives every reason at once: outside the city and reference-only", () => {
    expect(decideHoldable({ items: [copy(9, false)], branches })).toEqual({ ok: false, reasons: ["not_held_in_city", "not_loanable"] });
  });

  it("a loanable copy outside the city does not make in-city reference copies holdable", () => {
    expect(decideHoldable({ items: [copy(1, false), copy(9, true)], branches })).toEqual({ ok: false, reasons: ["not_loanable"] });
  });

  it("withdrawn and missing copies are not held", () => {
    expect(decideHoldable({ items: [copy(1, true, "withdrawn"), copy(2, true, "missing")], branches })).toEqual({
      ok: false,
      reasons: ["not_held_in_city"],
    });
    expect(decideHoldable({ items: [copy(1, true, "missing"), copy(2, true, "in_transit")], branches })).toEqual({ ok: true });
  });

  it("a copy at an unknown branch counts as not in the city", () => {
    expect(decideHoldable({ items: [copy(42, true)], branches })).toEqual({ ok: false, reasons: ["not_held_in_city"] });
  });
});
