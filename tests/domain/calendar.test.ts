// R21: the library calendar against real dates (2026 mostly; 2019, 2025 and 2029 for the rarer edges).
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import factsText from "@data/kitakyushu/library-facts.json?raw";
import {
  addDays,
  closedReasons,
  dayStatuses,
  holidayName,
  isHoliday,
  isOpen,
  nthOpenDayAfter,
  openDaysBetween,
  sortingDayOf,
  type CalendarData,
  type Closure,
} from "../../worker/src/domain/calendar.ts";
import { HOLD_SHELF_OPEN_DAYS } from "../../worker/src/domain/policy.ts";
import { loadCalendar } from "../../worker/src/data/calendar.ts";
import { createDb } from "../../worker/src/data/db.ts";
import { branchClosures, branches } from "../../db/schema/index.ts";

const NONE: CalendarData = { closures: [] };

// The central library's real closure (library-facts.json, irregular_closure_examples: 2026-01-04..03-31,
// 照明LED化工事). The children's library on the same site stayed open.
const CHUO_LED: Closure = { branchCode: "chuo", kind: "closed", from: "2026-01-04", to: "2026-03-31", reason: "照明LED化工事に伴う臨時休館" };
const REAL_2026: CalendarData = { closures: [CHUO_LED] };

function closedDaysOf(calendar: CalendarData, branch: string, from: string, to: string): [string, string[]][] {
  return dayStatuses(calendar, branch, from, to)
    .filter((s) => !s.open)
    .map((s) => [s.day, s.reasons]);
}

describe("R21 calendar: the source rules are the ones implemented", () => {
  it("library-facts.json still states the rules docs/calendar.md reads", () => {
    const facts = JSON.parse(factsText) as {
      closed_days: { rules: { rule: string; note?: string }[] };
      irregular_closure_examples: { library: string; from?: string; to?: string }[];
    };
    const rules = facts.closed_days.rules;
    expect(rules.map((r) => r.rule)).toEqual([
      "月曜日(その日が休日に当るときは、その翌日)",
      "12月29日から翌年の1月3日までの間",
      "館内整理日",
      "臨時休館日(特別整理期間など)",
    ]);
    expect(rules[1]?.note).toContain("12月28日は館内整理日");
    expect(rules[2]?.note).toContain("原則、毎月月末日。{その日が日曜日・月曜日・休日に当たるときは、その翌日以降の日曜日・月曜日・休日でない日。ただし、12月28日はその日が月曜日に当たるときは、直前の日曜日}");
    const chuo = facts.irregular_closure_examples.find((e) => e.library === "中央図書館");
    expect(chuo?.from?.endsWith("01-04")).toBe(true);
    expect(chuo?.to).toBe("03-31");
  });
});

describe("R21 calendar: national holidays (休日) from @holiday-jp/holiday_jp", () => {
  it("lists 2026's holidays, substitute holiday (振替休日) and citizens' holiday (国民の休日) included", () => {
    const holidays = dayStatuses(NONE, "kodomo", "2026-01-01", "2026-12-31")
      .map((s) => s.day)
      .filter(isHoliday);
    expect(holidays).toEqual([
      "2026-01-01", "2026-01-12", "2026-02-11", "2026-02-23", "2026-03-20", "2026-04-29",
      "2026-05-03", "2026-05-04", "2026-05-05", "2026-05-06", "2026-07-20", "2026-08-11",
      "2026-09-21", "2026-09-22", "2026-09-23", "2026-10-12", "2026-11-03", "2026-11-23",
    ]);
    expect(holidayName("2026-05-06")).toBe("こどもの日 振替休日");
    expect(holidayName("2026-09-22")).toBe("休日");
    expect(holidayName("2026-01-12")).toBe("成人の日");
    expect(holidayName("2026-12-29")).toBeNull();
  });

  it("does not count the year-end days other than 元日 as holidays", () => {
    expect(isHoliday("2026-12-29")).toBe(false);
    expect(isHoliday("2027-01-02")).toBe(false);
    expect(isHoliday("2027-01-01")).toBe(true);
  });
});

describe("R21 calendar: closed days by the guide's rules", () => {
  it("closes exactly these 70 days of 2026 (a branch with no temporary closure)", () => {
    expect(closedDaysOf(NONE, "kodomo", "2026-01-01", "2026-12-31")).toEqual([
      ["2026-01-01", ["year_end"]], ["2026-01-02", ["year_end"]], ["2026-01-03", ["year_end"]],
      ["2026-01-05", ["monday"]], ["2026-01-13", ["day_after_holiday_monday"]], ["2026-01-19", ["monday"]],
      ["2026-01-26", ["monday"]], ["2026-01-31", ["sorting_day"]],
      ["2026-02-02", ["monday"]], ["2026-02-09", ["monday"]], ["2026-02-16", ["monday"]],
      ["2026-02-24", ["day_after_holiday_monday"]], ["2026-02-28", ["sorting_day"]],
      ["2026-03-02", ["monday"]], ["2026-03-09", ["monday"]], ["2026-03-16", ["monday"]], ["2026-03-23", ["monday"]],
      ["2026-03-30", ["monday"]], ["2026-03-31", ["sorting_day"]],
      ["2026-04-06", ["monday"]], ["2026-04-13", ["monday"]], ["2026-04-20", ["monday"]], ["2026-04-27", ["monday"]],
      ["2026-04-30", ["sorting_day"]],
      ["2026-05-05", ["day_after_holiday_monday"]], ["2026-05-11", ["monday"]], ["2026-05-18", ["monday"]],
      ["2026-05-25", ["monday"]],
      ["2026-06-01", ["monday"]], ["2026-06-02", ["sorting_day"]], ["2026-06-08", ["monday"]], ["2026-06-15", ["monday"]],
      ["2026-06-22", ["monday"]], ["2026-06-29", ["monday"]], ["2026-06-30", ["sorting_day"]],
      ["2026-07-06", ["monday"]], ["2026-07-13", ["monday"]], ["2026-07-21", ["day_after_holiday_monday"]],
      ["2026-07-27", ["monday"]], ["2026-07-31", ["sorting_day"]],
      ["2026-08-03", ["monday"]], ["2026-08-10", ["monday"]], ["2026-08-17", ["monday"]], ["2026-08-24", ["monday"]],
      ["2026-08-31", ["monday"]],
      ["2026-09-01", ["sorting_day"]], ["2026-09-07", ["monday"]], ["2026-09-14", ["monday"]],
      ["2026-09-22", ["day_after_holiday_monday"]], ["2026-09-28", ["monday"]], ["2026-09-30", ["sorting_day"]],
      ["2026-10-05", ["monday"]], ["2026-10-13", ["day_after_holiday_monday"]], ["2026-10-19", ["monday"]],
      ["2026-10-26", ["monday"]], ["2026-10-31", ["sorting_day"]],
      ["2026-11-02", ["monday"]], ["2026-11-09", ["monday"]], ["2026-11-16", ["monday"]],
      ["2026-11-24", ["day_after_holiday_monday"]], ["2026-11-30", ["monday"]],
      ["2026-12-01", ["sorting_day"]], ["2026-12-07", ["monday"]], ["2026-12-14", ["monday"]], ["2026-12-21", ["monday"]],
      ["2026-12-27", ["sorting_day"]], ["2026-12-28", ["monday"]],
      ["2026-12-29", ["year_end"]], ["2026-12-30", ["year_end"]], ["2026-12-31", ["year_end"]],
    ]);
  });

  it("keeps a holiday Monday open and closes the Tuesday after instead (成人の日 2026-01-12)", () => {
    expect(closedReasons(NONE, "moji", "2026-01-12")).toEqual([]);
    expect(isOpen(NONE, "moji", "2026-01-12")).toBe(true);
    expect(closedReasons(NONE, "moji", "2026-01-13")).toEqual(["day_after_holiday_monday"]);
    expect(isOpen(NONE, "moji", "2026-01-14")).toBe(true);
    for (const monday of ["2026-02-23", "2026-05-04", "2026-07-20", "2026-09-21", "2026-10-12", "2026-11-23"]) {
      expect(isOpen(NONE, "moji", monday)).toBe(true);
      expect(closedReasons(NONE, "moji", addDays(monday, 1))).toEqual(["day_after_holiday_monday"]);
    }
  });

  it("closes that Tuesday even when it is a holiday itself (その翌日, 2026-05-05 こどもの日, 2026-09-22 国民の休日)", () => {
    expect(closedReasons(NONE, "moji", "2026-05-05")).toEqual(["day_after_holiday_monday"]);
    expect(closedReasons(NONE, "moji", "2026-09-22")).toEqual(["day_after_holiday_monday"]);
    expect(isOpen(NONE, "moji", "2026-09-23")).toBe(true); // 秋分の日, Wednesday
  });

  it("Golden Week 2026, day by day", () => {
    const week = dayStatuses(NONE, "yahata", "2026-04-27", "2026-05-11").map((s) => [s.day, s.reasons]);
    expect(week).toEqual([
      ["2026-04-27", ["monday"]],
      ["2026-04-28", []],
      ["2026-04-29", []], // 昭和の日 (Wednesday)
      ["2026-04-30", ["sorting_day"]], // April's month end, a Thursday
      ["2026-05-01", []],
      ["2026-05-02", []],
      ["2026-05-03", []], // 憲法記念日 (Sunday)
      ["2026-05-04", []], // みどりの日 (Monday): open
      ["2026-05-05", ["day_after_holiday_monday"]], // こどもの日 (Tuesday): closed
      ["2026-05-06", []], // 振替休日 (Wednesday)
      ["2026-05-07", []],
      ["2026-05-08", []],
      ["2026-05-09", []],
      ["2026-05-10", []],
      ["2026-05-11", ["monday"]],
    ]);
  });

  it("puts 2026's sorting days (館内整理日) on the month end, shifted past Sundays, Mondays and holidays", () => {
    expect(Array.from({ length: 12 }, (_, i) => sortingDayOf(2026, i + 1))).toEqual([
      "2026-01-31", // Saturday: Saturdays are not skipped
      "2026-02-28",
      "2026-03-31",
      "2026-04-30",
      "2026-06-02", // 05-31 Sunday → 06-01 Monday → Tuesday, in the next month
      "2026-06-30",
      "2026-07-31",
      "2026-09-01", // 08-31 Monday
      "2026-09-30",
      "2026-10-31",
      "2026-12-01", // 11-30 Monday
      "2026-12-27", // 12-28 Monday → the Sunday before
    ]);
    expect(closedReasons(NONE, "tobata", "2026-05-31")).toEqual([]);
    expect(closedReasons(NONE, "tobata", "2026-06-01")).toEqual(["monday"]);
    expect(closedReasons(NONE, "tobata", "2026-08-31")).toEqual(["monday"]);
    expect(closedReasons(NONE, "tobata", "2026-11-30")).toEqual(["monday"]);
  });

  it("2026/27 year end: 12-27 sorting day, 12-28 Monday, 12-29..01-03, then Monday 01-04", () => {
    expect(dayStatuses(NONE, "wakamatsu", "2026-12-26", "2027-01-05").map((s) => [s.day, s.reasons])).toEqual([
      ["2026-12-26", []],
      ["2026-12-27", ["sorting_day"]],
      ["2026-12-28", ["monday"]],
      ["2026-12-29", ["year_end"]],
      ["2026-12-30", ["year_end"]],
      ["2026-12-31", ["year_end"]],
      ["2027-01-01", ["year_end"]],
      ["2027-01-02", ["year_end"]],
      ["2027-01-03", ["year_end"]],
      ["2027-01-04", ["monday"]],
      ["2027-01-05", []],
    ]);
  });

  it("2025/26 year end: a Sunday 12-28 stays the sorting day (only a Monday moves)", () => {
    expect(sortingDayOf(2025, 12)).toBe("2025-12-28");
    expect(dayStatuses(NONE, "wakamatsu", "2025-12-27", "2026-01-05").map((s) => [s.day, s.reasons])).toEqual([
      ["2025-12-27", []],
      ["2025-12-28", ["sorting_day"]],
      ["2025-12-29", ["monday", "year_end"]],
      ["2025-12-30", ["year_end"]],
      ["2025-12-31", ["year_end"]],
      ["2026-01-01", ["year_end"]],
      ["2026-01-02", ["year_end"]],
      ["2026-01-03", ["year_end"]],
      ["2026-01-04", []],
      ["2026-01-05", ["monday"]],
    ]);
    expect(sortingDayOf(2025, 11)).toBe("2025-12-02"); // 11-30 Sunday, 12-01 Monday
  });

  it("2019's ten-day Golden Week pushes April's sorting day to 05-07, which is also the Tuesday after a holiday Monday", () => {
    expect(sortingDayOf(2019, 3)).toBe("2019-04-02"); // 03-31 Sunday, 04-01 Monday
    expect(sortingDayOf(2019, 4)).toBe("2019-05-07"); // 04-30..05-06 are all holidays
    expect(closedReasons(NONE, "orio", "2019-04-30")).toEqual(["day_after_holiday_monday"]); // 04-29 昭和の日 Monday
    for (const day of ["2019-05-01", "2019-05-02", "2019-05-03", "2019-05-04", "2019-05-05", "2019-05-06"]) {
      expect(isOpen(NONE, "orio", day)).toBe(true);
    }
    expect(closedReasons(NONE, "orio", "2019-05-07")).toEqual(["day_after_holiday_monday", "sorting_day"]);
  });

  it("元日 on a Monday (2029): closed for the year end, and the Tuesday gives both reasons", () => {
    expect(closedReasons(NONE, "sone", "2029-01-01")).toEqual(["year_end"]);
    expect(closedReasons(NONE, "sone", "2029-01-02")).toEqual(["day_after_holiday_monday", "year_end"]);
  });
});

describe("R21 calendar: temporary closures (臨時休館) and special openings", () => {
  it("closes the central library 2026-01-04..03-31 (real closure) and no other branch", () => {
    const chuo = dayStatuses(REAL_2026, "chuo", "2026-01-04", "2026-03-31");
    expect(chuo).toHaveLength(87);
    expect(chuo.every((s) => !s.open && s.reasons.includes("temporary_closure"))).toBe(true);
    expect(chuo[0]?.notes).toEqual(["照明LED化工事に伴う臨時休館"]);
    expect(closedReasons(REAL_2026, "chuo", "2026-02-10")).toEqual(["temporary_closure"]);
    expect(closedReasons(REAL_2026, "chuo", "2026-01-05")).toEqual(["monday", "temporary_closure"]);
    expect(isOpen(REAL_2026, "chuo", "2026-01-03")).toBe(false); // year end
    expect(isOpen(REAL_2026, "chuo", "2026-04-01")).toBe(true);
    expect(isOpen(REAL_2026, "kodomo", "2026-02-10")).toBe(true);
  });

  it("matches the news report: the children's library's own closed days were 2026-03-30 and 03-31", () => {
    expect(closedDaysOf(REAL_2026, "kodomo", "2026-03-23", "2026-03-31")).toEqual([
      ["2026-03-23", ["monday"]],
      ["2026-03-30", ["monday"]],
      ["2026-03-31", ["sorting_day"]],
    ]);
  });

  it("an all-branch closure closes every branch; a branch's closure only that branch", () => {
    const cal: CalendarData = {
      closures: [
        { branchCode: null, kind: "closed", from: "2026-06-10", to: "2026-06-11", reason: "システム更新" },
        { branchCode: "kokuraminami", kind: "closed", from: "2026-06-16", to: "2026-06-20", reason: "蔵書点検" },
      ],
    };
    for (const b of ["chuo", "kodomo", "kokuraminami", "move", "gakujutsu"]) {
      expect(closedReasons(cal, b, "2026-06-10")).toEqual(["temporary_closure"]);
      expect(closedReasons(cal, b, "2026-06-11")).toEqual(["temporary_closure"]);
      expect(isOpen(cal, b, "2026-06-12")).toBe(true);
    }
    expect(closedReasons(cal, "kokuraminami", "2026-06-16")).toEqual(["temporary_closure"]);
    expect(closedReasons(cal, "kokuraminami", "2026-06-20")).toEqual(["temporary_closure"]);
    expect(isOpen(cal, "kokuraminami", "2026-06-21")).toBe(true);
    expect(isOpen(cal, "sone", "2026-06-16")).toBe(true);
  });

  it("a special opening opens a day the rules close, for that branch only", () => {
    const cal: CalendarData = { closures: [{ branchCode: "yahatanishi", kind: "open", from: "2026-05-05", to: "2026-05-05", reason: "特別開館" }] };
    expect(closedReasons(cal, "yahatanishi", "2026-05-05")).toEqual([]);
    expect(dayStatuses(cal, "yahatanishi", "2026-05-05", "2026-05-05")[0]?.notes).toEqual(["特別開館"]);
    expect(closedReasons(cal, "yahata", "2026-05-05")).toEqual(["day_after_holiday_monday"]);
  });

  it("a branch's own entry outranks an all-branch one; at the same rank, closed outranks open", () => {
    const cal: CalendarData = {
      closures: [
        { branchCode: null, kind: "closed", from: "2026-07-01", to: "2026-07-10", reason: "全館臨時休館" },
        { branchCode: "kodomo", kind: "open", from: "2026-07-03", to: "2026-07-04", reason: "臨時窓口" },
        { branchCode: null, kind: "open", from: "2026-07-13", to: "2026-07-13", reason: "特別開館" },
        { branchCode: "tobata", kind: "closed", from: "2026-07-13", to: "2026-07-13", reason: "設備点検" },
        { branchCode: "moji", kind: "open", from: "2026-07-20", to: "2026-07-21" },
        { branchCode: "moji", kind: "closed", from: "2026-07-21", to: "2026-07-21" },
      ],
    };
    expect(isOpen(cal, "kodomo", "2026-07-03")).toBe(true);
    expect(closedReasons(cal, "kodomo", "2026-07-02")).toEqual(["temporary_closure"]);
    expect(closedReasons(cal, "chuo", "2026-07-03")).toEqual(["temporary_closure"]);
    expect(isOpen(cal, "chuo", "2026-07-13")).toBe(true); // a Monday, opened for all
    expect(closedReasons(cal, "tobata", "2026-07-13")).toEqual(["monday", "temporary_closure"]);
    expect(dayStatuses(cal, "tobata", "2026-07-13", "2026-07-13")[0]?.notes).toEqual(["設備点検"]);
    expect(closedReasons(cal, "moji", "2026-07-21")).toEqual(["day_after_holiday_monday", "temporary_closure"]);
  });

  it("refuses malformed days and closures", () => {
    expect(() => closedReasons(NONE, "chuo", "2026-02-30")).toThrow(RangeError);
    expect(() => isOpen({ closures: [{ branchCode: null, kind: "closed", from: "2026-03-02", to: "2026-03-01" }] }, "chuo", "2026-03-01")).toThrow(RangeError);
    expect(() => sortingDayOf(2026, 13)).toThrow(RangeError);
  });
});

describe("R21 calendar: counting open days (hold shelf)", () => {
  it("finds the Nth open day strictly after D across Golden Week 2026", () => {
    expect(nthOpenDayAfter(NONE, "kodomo", "2026-04-28", 1)).toBe("2026-04-29");
    expect(nthOpenDayAfter(NONE, "kodomo", "2026-04-28", 2)).toBe("2026-05-01"); // skips the 04-30 sorting day
    expect(nthOpenDayAfter(NONE, "kodomo", "2026-05-01", 1)).toBe("2026-05-02"); // D itself never counts
    expect(nthOpenDayAfter(NONE, "kodomo", "2026-05-04", 1)).toBe("2026-05-06");
    // R21: ready and called on 04-28 → on the shelf through the 7th open day after it
    expect(nthOpenDayAfter(NONE, "kodomo", "2026-04-28", HOLD_SHELF_OPEN_DAYS)).toBe("2026-05-07");
    expect(nthOpenDayAfter(NONE, "kodomo", "2026-04-29", HOLD_SHELF_OPEN_DAYS)).toBe("2026-05-08");
  });

  it("finds the Nth open day across the 2026/27 year end", () => {
    expect(nthOpenDayAfter(NONE, "kodomo", "2026-12-25", 1)).toBe("2026-12-26");
    expect(nthOpenDayAfter(NONE, "kodomo", "2026-12-26", 1)).toBe("2027-01-05");
    expect(nthOpenDayAfter(NONE, "kodomo", "2026-12-24", HOLD_SHELF_OPEN_DAYS)).toBe("2027-01-09");
  });

  it("skips a branch's temporary closure but not another branch's", () => {
    expect(nthOpenDayAfter(REAL_2026, "chuo", "2025-12-27", 1)).toBe("2026-04-01");
    expect(nthOpenDayAfter(REAL_2026, "kodomo", "2025-12-27", 1)).toBe("2026-01-04");
    expect(nthOpenDayAfter(REAL_2026, "chuo", "2025-12-26", 2)).toBe("2026-04-01");
  });

  it("answers null when a branch stays closed for good, and refuses n < 1", () => {
    const gone: CalendarData = { closures: [{ branchCode: "shimago", kind: "closed", from: "2026-06-01", to: "9999-12-31" }] };
    expect(nthOpenDayAfter(gone, "shimago", "2026-05-29", 1)).toBe("2026-05-30");
    expect(nthOpenDayAfter(gone, "shimago", "2026-05-29", 2)).toBe("2026-05-31"); // a Sunday: May's sorting day is 06-02
    expect(nthOpenDayAfter(gone, "shimago", "2026-05-29", 3)).toBeNull();
    expect(() => nthOpenDayAfter(NONE, "chuo", "2026-05-01", 0)).toThrow(RangeError);
    expect(() => nthOpenDayAfter(NONE, "chuo", "2026-05-01", 1.5)).toThrow(RangeError);
  });

  it("counts open days after D through E", () => {
    expect(openDaysBetween(NONE, "kodomo", "2025-12-31", "2026-12-31")).toBe(365 - 70);
    // the central library loses the 71 days it would have opened 01-04..03-31
    expect(openDaysBetween(REAL_2026, "chuo", "2025-12-31", "2026-12-31")).toBe(365 - 70 - 71);
    expect(openDaysBetween(NONE, "kodomo", "2026-04-28", "2026-05-07")).toBe(7);
    expect(openDaysBetween(NONE, "kodomo", "2026-05-07", "2026-05-07")).toBe(0);
    expect(openDaysBetween(NONE, "kodomo", "2026-05-08", "2026-05-07")).toBe(0);
  });

  it("openDaysBetween undoes nthOpenDayAfter on every day of 2026", () => {
    for (let d = "2026-01-01"; d <= "2026-12-31"; d = addDays(d, 1)) {
      for (const n of [1, HOLD_SHELF_OPEN_DAYS]) {
        const end = nthOpenDayAfter(REAL_2026, "chuo", d, n);
        expect(end).not.toBeNull();
        expect(isOpen(REAL_2026, "chuo", end!)).toBe(true);
        expect(openDaysBetween(REAL_2026, "chuo", d, end!)).toBe(n);
        expect(openDaysBetween(REAL_2026, "chuo", d, addDays(end!, -1))).toBe(n - 1);
      }
    }
  });
});

describe("R21 calendar data: branch_closures from D1", () => {
  it("loads closures with branch codes (null = all branches) for a date range", async () => {
    const db = createDb(env.DB);
    const [chuo, kodomo] = await db
      .insert(branches)
      .values([
        { code: "chuo", name: "中央図書館", inCity: true, isPickup: true },
        { code: "kodomo", name: "子ども図書館", inCity: true, isPickup: true },
      ])
      .returning({ id: branches.id });
    const createdAt = Date.UTC(2025, 11, 1);
    await db.insert(branchClosures).values([
      { branchId: chuo!.id, kind: "closed", fromDate: "2026-01-04", toDate: "2026-03-31", reason: "照明LED化工事に伴う臨時休館", createdAt },
      { branchId: null, kind: "closed", fromDate: "2026-06-10", toDate: "2026-06-10", reason: "システム更新", createdAt },
      { branchId: kodomo!.id, kind: "open", fromDate: "2026-03-30", toDate: "2026-03-30", reason: "臨時窓口", createdAt },
      { branchId: null, kind: "closed", fromDate: "2025-01-10", toDate: "2025-01-11", reason: "過去の休館", createdAt },
    ]);

    const all = await loadCalendar(db, { from: "2026-01-01" });
    expect(all.closures).toEqual([
      { branchCode: "chuo", kind: "closed", from: "2026-01-04", to: "2026-03-31", reason: "照明LED化工事に伴う臨時休館" },
      { branchCode: "kodomo", kind: "open", from: "2026-03-30", to: "2026-03-30", reason: "臨時窓口" },
      { branchCode: null, kind: "closed", from: "2026-06-10", to: "2026-06-10", reason: "システム更新" },
    ]);
    // a closure that began before the window but reaches into it is included
    const march = await loadCalendar(db, { from: "2026-03-01", to: "2026-03-31" });
    expect(march.closures.map((c) => [c.branchCode, c.from])).toEqual([
      ["chuo", "2026-01-04"],
      ["kodomo", "2026-03-30"],
    ]);
    expect((await loadCalendar(db, { from: "2026-06-11", to: "2026-12-31" })).closures).toEqual([]);

    expect(isOpen(all, "chuo", "2026-02-10")).toBe(false);
    expect(isOpen(all, "kodomo", "2026-03-30")).toBe(true); // a Monday, opened by staff
    expect(closedReasons(all, "kodomo", "2026-06-10")).toEqual(["temporary_closure"]);
  });
});
