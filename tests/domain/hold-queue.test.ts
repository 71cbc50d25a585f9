import { describe, expect, it } from "vitest";
import {
  HANDLING_DAYS,
  PAPER_FORM_NOTE,
  WAIT_SOON_TEXT,
  WAIT_UNKNOWN_TEXT,
  comparePlacement,
  estimateWait,
  queueLabel,
  waitText,
} from "../../worker/src/domain/hold-queue.ts";
import { LOAN_DAYS } from "../../worker/src/domain/policy.ts";

describe("R16 queue position and estimated wait", () => {
  it("R16: the label is 「予約順位（目安）3番目／所蔵2冊」", () => {
    expect(queueLabel({ position: 3, copies: 2 })).toBe("予約順位（目安）3番目／所蔵2冊");
  });

  it("R16: 3rd in the queue with 2 copies, none on the shelf: 2 rounds of a loan period → 「目安：約4週間」", () => {
    const e = estimateWait({ position: 3, copies: 2, onShelf: 0 });
    expect(e).toEqual({ kind: "weeks", days: 2 * LOAN_DAYS + HANDLING_DAYS, weeks: 4, text: "目安：約4週間" });
  });

  it("R16: first in the queue, the only copy on loan: one loan period and handling → about 2 weeks", () => {
    expect(waitText({ position: 1, copies: 1, onShelf: 0 })).toBe("目安：約2週間");
  });

  it("R16: more copies shorten the wait; a later position lengthens it", () => {
    const days = (p: number, c: number) => {
      const e = estimateWait({ position: p, copies: c, onShelf: 0 });
      return e.kind === "weeks" || e.kind === "months" ? e.days : Number.NaN;
    };
    expect(days(6, 3)).toBeLessThan(days(6, 1));
    expect(days(7, 2)).toBeGreaterThan(days(2, 2));
    expect(days(4, 2)).toBe(days(3, 2)); // the same round
  });

  it("R16: a long queue is said in months", () => {
    expect(estimateWait({ position: 20, copies: 1, onShelf: 0 })).toMatchObject({ kind: "months", text: "目安：約9か月" });
  });

  it("R16: no loanable copy in the city: the wait cannot be estimated, and the text says so", () => {
    expect(estimateWait({ position: 1, copies: 0, onShelf: 0 })).toEqual({ kind: "unknown", text: WAIT_UNKNOWN_TEXT });
    expect(WAIT_UNKNOWN_TEXT).toContain("目安はお出しできません");
  });

  it("R16: a copy on the shelf for this hold: soon, not a number of weeks", () => {
    expect(estimateWait({ position: 1, copies: 2, onShelf: 1 })).toEqual({ kind: "soon", text: WAIT_SOON_TEXT });
    expect(estimateWait({ position: 2, copies: 2, onShelf: 1 }).kind).toBe("weeks");
    expect(WAIT_SOON_TEXT).toContain("まもなくご用意できます");
  });

  it("R16: the note says paper-form holds enter at their reception time and can move the order", () => {
    expect(PAPER_FORM_NOTE).toContain("申込書");
    expect(PAPER_FORM_NOTE).toContain("受付日時");
    expect(PAPER_FORM_NOTE).toContain("前後");
  });

  it("R16: the order is reception time, then id", () => {
    const rows = [
      { id: 5, placedAt: 200 },
      { id: 9, placedAt: 100 }, // a paper form received earlier, entered later
      { id: 3, placedAt: 200 },
    ];
    expect([...rows].sort(comparePlacement).map((r) => r.id)).toEqual([9, 3, 5]);
  });

  it("R16: a position must be a positive whole number", () => {
    expect(() => estimateWait({ position: 0, copies: 1, onShelf: 0 })).toThrow(RangeError);
    expect(() => estimateWait({ position: 1.5, copies: 1, onShelf: 0 })).toThrow(RangeError);
  });
});
