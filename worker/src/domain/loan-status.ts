// R30, R31 (issue 8 items 4 and 5): what 「貸出状況一覧」 says about a loan's due date, and the due date a renewal
// sets. Pure: `today` is an Asia/Tokyo day passed in (routes pass tokyoDay(libraryNow(c))).
//
//   dueState(today, dueDate)          「あと3日」 / 「今日まで」 / 「延滞」
//   renewedDueDate(dueDate, today)    R31: the day of renewal + RENEWAL_DAYS — never earlier than the due date the
//                                     loan already has (a renewal never shortens a loan; with 14-day loans renewed
//                                     on or before their due date the new date is always the later one, so this
//                                     only guards a loan lent for longer)
import { addDays, daysBetween, type Day } from "./calendar.ts";
import { RENEWAL_DAYS } from "./policy.ts";

export type DueKind = "later" | "today" | "overdue";

export interface DueState {
  kind: DueKind;
  /** 「あと3日」, 「今日まで」 or 「延滞」. */
  text: string;
  /** Days from today to the due date (negative once overdue). */
  daysLeft: number;
}

export function dueState(today: Day, dueDate: Day): DueState {
  const daysLeft = daysBetween(today, dueDate);
  if (daysLeft > 0) return { kind: "later", text: `あと${daysLeft}日`, daysLeft };
  if (daysLeft === 0) return { kind: "today", text: "今日まで", daysLeft };
  return { kind: "overdue", text: "延滞", daysLeft };
}

/** R31: the new due date of a loan renewed on `today`. */
export function renewedDueDate(dueDate: Day, today: Day): Day {
  const renewed = addDays(today, RENEWAL_DAYS);
  return renewed > dueDate ? renewed : dueDate;
}
