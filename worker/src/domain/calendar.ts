// R21: the library calendar — Asia/Tokyo days, each branch's closed days (休館日), open-day counting.
//
// Pure: no clock, no I/O. The staff-entered closures are data passed in; national holidays come from
// @holiday-jp/holiday_jp's data file, a fixed lookup table. Our reading of the guide's closed-day rules, and
// of what they leave open, is written down in docs/calendar.md.

// The data file, not the package's main entry: the main entry also `require`s package.json and formats
// dates in the host's local time zone, and we only need the table ('YYYY-MM-DD' → holiday).
import holidayTable from "@holiday-jp/holiday_jp/lib/holidays.js";

/** An Asia/Tokyo calendar day, 'YYYY-MM-DD'. */
export type Day = string;

/** A staff-entered exception (table branch_closures): 臨時休館 ('closed') or a special opening ('open'). */
export type Closure = {
  /** null = every branch. */
  branchCode: string | null;
  kind: "closed" | "open";
  /** Inclusive, Asia/Tokyo days. */
  from: Day;
  to: Day;
  /** The staff's note (e.g. 照明LED化工事), shown to patrons; not interpreted. */
  reason?: string;
};

/** The calendar as data: everything about closed days that is not a fixed rule of the guide. */
export type CalendarData = { closures: readonly Closure[] };

/** Why a branch is closed on a day; a day can have several. */
export type ClosedReason =
  | "monday" // 月曜日
  | "day_after_holiday_monday" // 月曜日が休日に当たるときは、その翌日
  | "year_end" // 12月29日から翌年の1月3日まで
  | "sorting_day" // 館内整理日 (month end, shifted; 12/28 in December)
  | "temporary_closure"; // 臨時休館日, entered by staff

export type DayStatus = { day: Day; open: boolean; reasons: ClosedReason[]; notes: string[] };

const MS_PER_DAY = 86_400_000;
/** Japan has had no daylight saving time since 1951: Tokyo is always UTC+9. */
const TOKYO_OFFSET_MS = 9 * 3_600_000;
/** nthOpenDayAfter gives up (null) when a branch has no such open day within this many days. */
const SEARCH_HORIZON_DAYS = 5 * 366;
/** dayStatuses answers at most this many days at once. */
const MAX_STATUS_DAYS = 3 * 366;

const SUNDAY = 0;
const MONDAY = 1;
const TUESDAY = 2;

// ---------------------------------------------------------------------------------------------------
// Tokyo days. Days are counted as integers (days since 1970-01-01) with proleptic Gregorian arithmetic,
// so nothing depends on the host's local time zone.

function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146_097 + doe - 719_468;
}

function civilFromDays(z: number): [number, number, number] {
  const zz = z + 719_468;
  const era = Math.floor(zz / 146_097);
  const doe = zz - era * 146_097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  return [yoe + era * 400 + (m <= 2 ? 1 : 0), m, d];
}

function daysInMonth(y: number, m: number): number {
  return daysFromCivil(m === 12 ? y + 1 : y, m === 12 ? 1 : m + 1, 1) - daysFromCivil(y, m, 1);
}

const DAY_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;

function toNumber(day: Day): number {
  const m = typeof day === "string" ? DAY_PATTERN.exec(day) : null;
  if (m) {
    const y = Number(m[1]);
    const mo = Number(m[2]);
    const d = Number(m[3]);
    if (mo >= 1 && mo <= 12 && d >= 1 && d <= daysInMonth(y, mo)) return daysFromCivil(y, mo, d);
  }
  throw new RangeError(`not a calendar day 'YYYY-MM-DD': ${String(day)}`);
}

function toDay(n: number): Day {
  const [y, m, d] = civilFromDays(n);
  if (y < 0 || y > 9999) throw new RangeError(`day out of range: ${n}`);
  return `${String(y).padStart(4, "0")}-${String(m).padStart(2, "0")}-${String(d).padStart(2, "0")}`;
}

function weekdayOfNumber(n: number): number {
  return (((n + 4) % 7) + 7) % 7; // 1970-01-01 was a Thursday
}

/** True for a real calendar day written 'YYYY-MM-DD' (so '2026-02-30' is false). */
export function isDay(value: unknown): value is Day {
  if (typeof value !== "string") return false;
  try {
    toNumber(value);
    return true;
  } catch {
    return false;
  }
}

/** The Asia/Tokyo calendar day of an instant (ms since the epoch). 2026-01-04T15:00Z is already 01-05. */
export function tokyoDay(instantMs: number): Day {
  if (!Number.isFinite(instantMs)) throw new RangeError(`not an instant: ${instantMs}`);
  return toDay(Math.floor((instantMs + TOKYO_OFFSET_MS) / MS_PER_DAY));
}

/** The instant (ms since the epoch) at which a Tokyo day begins: 00:00 JST = 15:00 UTC the day before. */
export function tokyoDayStartMs(day: Day): number {
  return toNumber(day) * MS_PER_DAY - TOKYO_OFFSET_MS;
}

/** day + n days (n may be negative). */
export function addDays(day: Day, n: number): Day {
  if (!Number.isInteger(n)) throw new RangeError(`not a whole number of days: ${n}`);
  return toDay(toNumber(day) + n);
}

/** Calendar days from `from` to `to` (positive when `to` is later). */
export function daysBetween(from: Day, to: Day): number {
  return toNumber(to) - toNumber(from);
}

/** 0 = Sunday … 6 = Saturday. */
export function weekdayOf(day: Day): number {
  return weekdayOfNumber(toNumber(day));
}

// ---------------------------------------------------------------------------------------------------
// National holidays (休日): 国民の祝日, 振替休日 and 国民の休日, as the package lists them (1970–2050).

type HolidayEntry = { readonly name: string };
const HOLIDAYS = holidayTable as unknown as Readonly<Record<string, HolidayEntry>>;

let holidayNumbers: Set<number> | undefined;
function holidaySet(): Set<number> {
  holidayNumbers ??= new Set(Object.keys(HOLIDAYS).map(toNumber));
  return holidayNumbers;
}

function isHolidayNumber(n: number): boolean {
  return holidaySet().has(n);
}

/** A national holiday (休日 in the guide's sense): 祝日, 振替休日 or 国民の休日. Years past the package's data: false. */
export function isHoliday(day: Day): boolean {
  return isHolidayNumber(toNumber(day));
}

/** The holiday's Japanese name ('成人の日', 'こどもの日 振替休日', '休日' for 国民の休日), or null. */
export function holidayName(day: Day): string | null {
  toNumber(day);
  return Object.hasOwn(HOLIDAYS, day) ? (HOLIDAYS[day]?.name ?? null) : null;
}

// ---------------------------------------------------------------------------------------------------
// The guide's rules.

/** Not a day the sorting day may be moved onto (その日が日曜日・月曜日・休日に当たるとき). */
function isSundayMondayOrHoliday(n: number): boolean {
  const wd = weekdayOfNumber(n);
  return wd === SUNDAY || wd === MONDAY || isHolidayNumber(n);
}

function sortingDayNumber(year: number, month: number): number {
  if (month === 12) {
    // ※1: December's sorting day is 12/28 (the month end falls in the year-end closure); a Monday 12/28
    // moves to the Sunday before. Any other 12/28 stays put: every later day is closed anyway.
    const dec28 = daysFromCivil(year, 12, 28);
    return weekdayOfNumber(dec28) === MONDAY ? dec28 - 1 : dec28;
  }
  // ※2: the month end, or when that is a Sunday, Monday or holiday, the first later day that is none of
  // those — even in the next month.
  let n = daysFromCivil(year, month, daysInMonth(year, month));
  while (isSundayMondayOrHoliday(n)) n += 1;
  return n;
}

/** The 館内整理日 that stands for a month (it can fall in the next month: May 2026 → 2026-06-02). */
export function sortingDayOf(year: number, month: number): Day {
  if (!Number.isInteger(year) || !Number.isInteger(month) || month < 1 || month > 12) {
    throw new RangeError(`not a month: ${year}-${month}`);
  }
  return toDay(sortingDayNumber(year, month));
}

// Sorting days never leave their year (November's can only reach early December; December's is 12/27 or
// 12/28), so a year's set is that year's twelve months. Memoised: the table is fixed.
const sortingDaysByYear = new Map<number, Set<number>>();
function isSortingDayNumber(n: number): boolean {
  const year = civilFromDays(n)[0];
  let set = sortingDaysByYear.get(year);
  if (!set) {
    set = new Set(Array.from({ length: 12 }, (_, i) => sortingDayNumber(year, i + 1)));
    sortingDaysByYear.set(year, set);
  }
  return set.has(n);
}

function ruleReasons(n: number): ClosedReason[] {
  const reasons: ClosedReason[] = [];
  const wd = weekdayOfNumber(n);
  // 月曜日(その日が休日に当るときは、その翌日): a holiday Monday is open and the Tuesday closes instead —
  // that Tuesday even when it is itself a holiday (the guide says その翌日, not the next non-holiday).
  if (wd === MONDAY && !isHolidayNumber(n)) reasons.push("monday");
  if (wd === TUESDAY && isHolidayNumber(n - 1)) reasons.push("day_after_holiday_monday");
  const [, month, date] = civilFromDays(n);
  if ((month === 12 && date >= 29) || (month === 1 && date <= 3)) reasons.push("year_end");
  if (isSortingDayNumber(n)) reasons.push("sorting_day");
  return reasons;
}

// ---------------------------------------------------------------------------------------------------
// Staff-entered closures. A branch's own entry outranks an all-branch entry on the same day; at the same
// rank, 'closed' outranks 'open'. An 'open' entry that wins cancels every rule reason for that day.

type CompiledClosure = { from: number; to: number; kind: "closed" | "open"; own: boolean; reason: string };

function compileClosures(calendar: CalendarData, branchCode: string): CompiledClosure[] {
  const out: CompiledClosure[] = [];
  for (const c of calendar.closures) {
    if (c.branchCode !== null && c.branchCode !== branchCode) continue;
    const from = toNumber(c.from);
    const to = toNumber(c.to);
    if (from > to) throw new RangeError(`closure ends before it starts: ${c.from}..${c.to}`);
    out.push({ from, to, kind: c.kind, own: c.branchCode !== null, reason: c.reason ?? "" });
  }
  return out;
}

type Verdict = { reasons: ClosedReason[]; notes: string[] };

function verdictAt(closures: readonly CompiledClosure[], n: number): Verdict {
  // rank: 3 own closed, 2 own open, 1 all closed, 0 all open
  let best = -1;
  let notes: string[] = [];
  for (const c of closures) {
    if (n < c.from || n > c.to) continue;
    const rank = (c.own ? 2 : 0) + (c.kind === "closed" ? 1 : 0);
    if (rank > best) {
      best = rank;
      notes = [];
    }
    if (rank === best && c.reason !== "" && !notes.includes(c.reason)) notes.push(c.reason);
  }
  if (best === 2 || best === 0) return { reasons: [], notes }; // a special opening
  const reasons = ruleReasons(n);
  if (best === 3 || best === 1) reasons.push("temporary_closure");
  return { reasons, notes };
}

// ---------------------------------------------------------------------------------------------------
// Questions the rest of the service asks.

/** Every reason branch `branchCode` is closed on `day`; [] when it is open. */
export function closedReasons(calendar: CalendarData, branchCode: string, day: Day): ClosedReason[] {
  return verdictAt(compileClosures(calendar, branchCode), toNumber(day)).reasons;
}

/** Is branch `branchCode` open on `day`? */
export function isOpen(calendar: CalendarData, branchCode: string, day: Day): boolean {
  return closedReasons(calendar, branchCode, day).length === 0;
}

/**
 * The Nth open day of the branch strictly after `day` (n ≥ 1). R21: a hold ready on contact day C stays
 * on the shelf through nthOpenDayAfter(cal, pickup, C, HOLD_SHELF_OPEN_DAYS). null when the branch has
 * fewer than n open days in the next five years (e.g. a closure entered without an end).
 */
export function nthOpenDayAfter(calendar: CalendarData, branchCode: string, day: Day, n: number): Day | null {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`n must be a whole number ≥ 1: ${n}`);
  const closures = compileClosures(calendar, branchCode);
  const start = toNumber(day);
  let found = 0;
  for (let d = start + 1; d <= start + SEARCH_HORIZON_DAYS; d++) {
    if (verdictAt(closures, d).reasons.length === 0 && ++found === n) return toDay(d);
  }
  return null;
}

/**
 * How many days the branch is open after `from` up to and including `to` (0 when `to` ≤ `from`), so that
 * openDaysBetween(cal, b, d, nthOpenDayAfter(cal, b, d, n)) === n.
 */
export function openDaysBetween(calendar: CalendarData, branchCode: string, from: Day, to: Day): number {
  const closures = compileClosures(calendar, branchCode);
  const end = toNumber(to);
  let count = 0;
  for (let d = toNumber(from) + 1; d <= end; d++) {
    if (verdictAt(closures, d).reasons.length === 0) count++;
  }
  return count;
}

/** Every day from `from` to `to`, both included, with its reasons and the staff's notes: a month page. */
export function dayStatuses(calendar: CalendarData, branchCode: string, from: Day, to: Day): DayStatus[] {
  const closures = compileClosures(calendar, branchCode);
  const start = toNumber(from);
  const end = toNumber(to);
  if (end - start >= MAX_STATUS_DAYS) throw new RangeError(`range too long: ${from}..${to}`);
  const out: DayStatus[] = [];
  for (let d = start; d <= end; d++) {
    const { reasons, notes } = verdictAt(closures, d);
    out.push({ day: toDay(d), open: reasons.length === 0, reasons, notes });
  }
  return out;
}
