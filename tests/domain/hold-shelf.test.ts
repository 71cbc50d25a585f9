// R21: the hold-shelf deadline — 7 open days of the pickup library from the day after the contact day, closed days
// (Mondays, holidays' shifts, 12/28–1/3, the month-end sorting day, temporary closures) excluded — and the words
// 「あと n 開館日」 the patron reads.
import { describe, expect, it } from "vitest";
import { holdShelfDeadline, holdShelfUntil, shelfCountFrom, shelfDaysLeftText, shelfOpenDaysLeft } from "../../worker/src/domain/hold-shelf.ts";
import { isOpen, type CalendarData } from "../../worker/src/domain/calendar.ts";

const NONE: CalendarData = { closures: [] };

describe("R21 the count starts after the contact day", () => {
  it("R21: mail and phone count from the contact day once known, else from the ready day; 連絡不要 from the ready day", () => {
    expect(shelfCountFrom({ contact: "mail", readyDay: "2026-12-01", contactDay: "2026-12-02" })).toBe("2026-12-02");
    expect(shelfCountFrom({ contact: "phone", readyDay: "2026-12-01", contactDay: "2026-12-03" })).toBe("2026-12-03");
    expect(shelfCountFrom({ contact: "phone", readyDay: "2026-12-01", contactDay: null })).toBe("2026-12-01");
    expect(shelfCountFrom({ contact: "none", readyDay: "2026-12-01", contactDay: "2026-12-05" })).toBe("2026-12-01");
  });
});

describe("R21 seven open days of the pickup library", () => {
  it("R21: skips Mondays (2026-12-02 Wed contact → Thu 3 … the 7th open day is Thu 10: Mon 7 closed)", () => {
    expect(isOpen(NONE, "chuo", "2026-12-07")).toBe(false);
    expect(holdShelfUntil(NONE, "chuo", "2026-12-02")).toBe("2026-12-10");
  });

  it("R21: skips the new-year closure 12/28–1/3", () => {
    const until = holdShelfUntil(NONE, "chuo", "2026-12-24")!;
    expect(until > "2027-01-03").toBe(true);
    expect(shelfOpenDaysLeft(NONE, "chuo", "2026-12-25", until)).toBe(7);
  });

  it("R21: with no 7 open days in sight (a closure without an end) the deadline is 7 calendar days, never none", () => {
    const shut: CalendarData = { closures: [{ branchCode: "chuo", kind: "closed", from: "2026-12-03", to: "2099-12-31", reason: "休館" }] };
    expect(holdShelfUntil(shut, "chuo", "2026-12-02")).toBeNull();
    expect(holdShelfDeadline(shut, "chuo", "2026-12-02")).toBe("2026-12-09");
    expect(holdShelfDeadline(NONE, "chuo", "2026-12-02")).toBe(holdShelfUntil(NONE, "chuo", "2026-12-02"));
  });

  it("R21: a temporary closure of the pickup library moves its deadline, not another branch's", () => {
    const closed: CalendarData = { closures: [{ branchCode: "moji", kind: "closed", from: "2026-12-03", to: "2026-12-05", reason: "臨時休館" }] };
    expect(holdShelfUntil(closed, "chuo", "2026-12-02")).toBe("2026-12-10");
    expect(holdShelfUntil(closed, "moji", "2026-12-02")).toBe("2026-12-13");
  });
});

describe("R21 「あと n 開館日」", () => {
  it("R21: counts today when open, through the deadline; says 本日まで on the last day and when it has passed", () => {
    const until = holdShelfUntil(NONE, "chuo", "2026-12-02")!;
    expect(shelfOpenDaysLeft(NONE, "chuo", "2026-12-03", until)).toBe(7);
    expect(shelfDaysLeftText("2026-12-03", until, 7)).toBe("あと7開館日");
    expect(shelfOpenDaysLeft(NONE, "chuo", "2026-12-08", until)).toBe(3);
    expect(shelfDaysLeftText(until, until, shelfOpenDaysLeft(NONE, "chuo", until, until))).toBe("本日まで");
    expect(shelfOpenDaysLeft(NONE, "chuo", "2026-12-11", until)).toBe(0);
    expect(shelfDaysLeftText("2026-12-11", until, 0)).toBe("お取り置き期限を過ぎています");
  });
});
