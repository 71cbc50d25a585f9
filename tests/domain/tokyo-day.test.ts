import { describe, expect, it } from "vitest";
import { addDays, daysBetween, isDay, tokyoDay, tokyoDayStartMs, weekdayOf } from "../../worker/src/domain/calendar.ts";

describe("R21 calendar: Asia/Tokyo days", () => {
  it("turns over at 15:00 UTC (00:00 JST), with no daylight saving time", () => {
    expect(tokyoDay(Date.UTC(2026, 0, 4, 14, 59, 59, 999))).toBe("2026-01-04");
    expect(tokyoDay(Date.UTC(2026, 0, 4, 15, 0, 0, 0))).toBe("2026-01-05");
    // mid-summer and mid-winter behave the same (other zones' DST dates do not matter)
    expect(tokyoDay(Date.UTC(2026, 6, 19, 14, 59))).toBe("2026-07-19");
    expect(tokyoDay(Date.UTC(2026, 6, 19, 15, 0))).toBe("2026-07-20");
    expect(tokyoDay(Date.UTC(2026, 2, 29, 1, 30))).toBe("2026-03-29"); // EU DST switch night
  });

  it("crosses the year and the leap day in Tokyo time", () => {
    expect(tokyoDay(Date.UTC(2026, 11, 31, 14, 59))).toBe("2026-12-31");
    expect(tokyoDay(Date.UTC(2026, 11, 31, 15, 0))).toBe("2027-01-01");
    expect(tokyoDay(Date.UTC(2028, 1, 28, 15, 0))).toBe("2028-02-29");
    expect(tokyoDay(Date.UTC(1969, 11, 31, 15, 0))).toBe("1970-01-01");
    expect(tokyoDay(Date.UTC(1969, 11, 31, 14, 59))).toBe("1969-12-31");
  });

  it("gives the instant a Tokyo day starts, and round-trips", () => {
    expect(tokyoDayStartMs("2026-01-05")).toBe(Date.UTC(2026, 0, 4, 15));
    expect(tokyoDayStartMs("2027-01-01")).toBe(Date.UTC(2026, 11, 31, 15));
    for (let d = "2024-01-01"; d <= "2028-12-31"; d = addDays(d, 1)) {
      const start = tokyoDayStartMs(d);
      expect(tokyoDay(start)).toBe(d);
      expect(tokyoDay(start - 1)).toBe(addDays(d, -1));
    }
  });

  it("does day arithmetic on 'YYYY-MM-DD' across months, years and leap years", () => {
    expect(addDays("2024-02-28", 1)).toBe("2024-02-29");
    expect(addDays("2026-02-28", 1)).toBe("2026-03-01");
    expect(addDays("2026-03-01", -1)).toBe("2026-02-28");
    expect(addDays("2026-12-31", 1)).toBe("2027-01-01");
    expect(addDays("2000-02-28", 1)).toBe("2000-02-29");
    expect(addDays("2100-02-28", 1)).toBe("2100-03-01");
    expect(addDays("2026-04-28", 14)).toBe("2026-05-12");
    expect(daysBetween("2026-01-01", "2027-01-01")).toBe(365);
    expect(daysBetween("2028-01-01", "2029-01-01")).toBe(366);
    expect(daysBetween("2026-05-12", "2026-04-28")).toBe(-14);
  });

  it("agrees with UTC Date arithmetic day by day, 2020–2030", () => {
    const ref = Date.UTC(2020, 0, 1);
    for (let i = 0, d = "2020-01-01"; d <= "2030-12-31"; i++, d = addDays(d, 1)) {
      const date = new Date(ref + i * 86_400_000);
      expect(d).toBe(date.toISOString().slice(0, 10));
      expect(weekdayOf(d)).toBe(date.getUTCDay());
    }
  });

  it("knows the weekday of real dates", () => {
    expect(weekdayOf("2026-01-01")).toBe(4); // Thursday
    expect(weekdayOf("2026-05-04")).toBe(1); // Monday
    expect(weekdayOf("2026-12-27")).toBe(0); // Sunday
  });

  it("accepts only real days written 'YYYY-MM-DD'", () => {
    expect(isDay("2028-02-29")).toBe(true);
    expect(isDay("2026-02-29")).toBe(false);
    expect(isDay("2026-13-01")).toBe(false);
    expect(isDay("2026-04-31")).toBe(false);
    expect(isDay("2026-1-5")).toBe(false);
    expect(isDay("20260105")).toBe(false);
    expect(isDay("2026-01-05T00:00")).toBe(false);
    expect(isDay(20260105)).toBe(false);
    expect(() => addDays("2026-02-30", 1)).toThrow(RangeError);
    expect(() => addDays("2026-02-01", 0.5)).toThrow(RangeError);
    expect(() => tokyoDay(Number.NaN)).toThrow(RangeError);
  });
});
