// R21: the hold shelf. A ready hold waits HOLD_SHELF_OPEN_DAYS (7) open days of its pickup library, counted from
// the day after the contact day, closed days (休館日) excluded: mail — the day the notice is sent; phone — the day
// staff record the call; 連絡不要 — the day it became ready (our reading, RULES.md R21). Until the contact is known
// the count runs from the day it is planned: mail — the day after the ready day, when the notice is due (R20; the
// send stamps the real day, services/mail-notices.ts); phone — the ready day. So a hold is never kept for ever.
// Pure functions over the calendar module's data; `today` is passed in.
import { addDays, nthOpenDayAfter, openDaysBetween, type CalendarData, type Day } from "./calendar.ts";
import { HOLD_SHELF_OPEN_DAYS } from "./policy.ts";
import { readyNoticeDay } from "./mail-notices.ts";
import type { ContactMethod } from "./vocabulary.ts";

/**
 * The day the R21 count starts after: the contact day when the contact is known; else, for mail, the day the notice
 * is due (the ready day + 1: the patron's list shows on the ready day the deadline the notice will carry, and a
 * notice that cannot go never costs the patron that day); else the ready day.
 */
export function shelfCountFrom(h: { contact: ContactMethod; readyDay: Day; contactDay: Day | null }): Day {
  if (h.contact === "none") return h.readyDay;
  if (h.contactDay !== null) return h.contactDay;
  return h.contact === "mail" ? readyNoticeDay(h.readyDay) : h.readyDay;
}

/** R21: the last day on the hold shelf (「お取り置き期限」); null when the branch has no 7 open days in sight. */
export function holdShelfUntil(calendar: CalendarData, pickupBranchCode: string, countFrom: Day): Day | null {
  return nthOpenDayAfter(calendar, pickupBranchCode, countFrom, HOLD_SHELF_OPEN_DAYS);
}

/**
 * R21: the deadline a ready hold is written with — holdShelfUntil, or, when the pickup library has no 7 open days in
 * sight (a closure entered without an end), 7 calendar days, so a hold never waits for ever. 「返却」/「到着」 (a hold
 * becoming ready) and 「連絡済み」 (the count again from the call) both use it.
 */
export function holdShelfDeadline(calendar: CalendarData, pickupBranchCode: string, countFrom: Day): Day {
  return holdShelfUntil(calendar, pickupBranchCode, countFrom) ?? addDays(countFrom, HOLD_SHELF_OPEN_DAYS);
}

/** Open days of the pickup library from `today` (included) through the deadline (included); 0 once it has passed. */
export function shelfOpenDaysLeft(calendar: CalendarData, pickupBranchCode: string, today: Day, until: Day): number {
  return openDaysBetween(calendar, pickupBranchCode, addDays(today, -1), until);
}

/** The words beside the deadline: 「あと3開館日」, or that it has passed (the expiry job then cancels the hold). */
export function shelfDaysLeftText(today: Day, until: Day, openDaysLeft: number): string {
  if (today > until) return "お取り置き期限を過ぎています";
  if (openDaysLeft === 0) return "期限までに開館日はありません";
  return today === until ? "本日まで" : `あと${openDaysLeft}開館日`;
}
