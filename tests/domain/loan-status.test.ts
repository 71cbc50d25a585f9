// R30, R31: what 「貸出状況一覧」 says about a due date (「あと n 日」 / 「今日まで」 / 「延滞」), and the due date a renewal
// sets (the renewal day + 2 weeks, never earlier than the loan's own) — domain/loan-status.ts.
import { describe, expect, it } from "vitest";
import { dueState, renewedDueDate } from "../../worker/src/domain/loan-status.ts";

describe("R30 the due date in words", () => {
  it("R30: days left before the due date, 「今日まで」 on it, 「延滞」 after it (Tokyo days, across month and year ends)", () => {
    expect(dueState("2026-12-07", "2026-12-10")).toEqual({ kind: "later", text: "あと3日", daysLeft: 3 });
    expect(dueState("2026-12-09", "2026-12-10")).toEqual({ kind: "later", text: "あと1日", daysLeft: 1 });
    expect(dueState("2026-12-10", "2026-12-10")).toEqual({ kind: "today", text: "今日まで", daysLeft: 0 });
    expect(dueState("2026-12-11", "2026-12-10")).toEqual({ kind: "overdue", text: "延滞", daysLeft: -1 });
    expect(dueState("2026-12-31", "2027-01-01").text).toBe("あと1日");
    expect(dueState("2027-01-02", "2026-12-31").text).toBe("延滞");
  });
});

describe("R31 the new due date", () => {
  it("R31: the renewal day + 14 days", () => {
    expect(renewedDueDate("2026-12-10", "2026-12-03")).toBe("2026-12-17");
    expect(renewedDueDate("2026-12-10", "2026-12-10")).toBe("2026-12-24");
    expect(renewedDueDate("2026-12-31", "2026-12-25")).toBe("2027-01-08");
  });

  it("R31: never earlier than the due date the loan already has (a renewal never shortens a loan)", () => {
    expect(renewedDueDate("2026-12-30", "2026-12-03")).toBe("2026-12-30");
    expect(renewedDueDate("2026-12-17", "2026-12-03")).toBe("2026-12-17");
  });
});
