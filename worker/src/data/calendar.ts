// R21: the staff-entered part of the library calendar (branch_closures), as data for domain/calendar.ts.
import { and, asc, eq, gte, lte } from "drizzle-orm";
import { branchClosures, branches } from "../../../db/schema/index.ts";
import type { CalendarData, Closure, Day } from "../domain/calendar.ts";
import type { Db } from "./db.ts";

/**
 * Every closure and special opening that touches `from`..`to` (inclusive Tokyo days), with branch codes
 * (null = all branches). Leave `to` out to get everything from `from` on: the table is small, and open-day
 * counting (nthOpenDayAfter) may run well past any window a caller would guess, e.g. across a
 * three-month 臨時休館.
 */
export async function loadCalendar(db: Db, range: { from: Day; to?: Day }): Promise<CalendarData> {
  const rows = await db
    .select({
      branchId: branchClosures.branchId,
      branchCode: branches.code,
      kind: branchClosures.kind,
      from: branchClosures.fromDate,
      to: branchClosures.toDate,
      reason: branchClosures.reason,
    })
    .from(branchClosures)
    .leftJoin(branches, eq(branchClosures.branchId, branches.id))
    .where(
      and(
        gte(branchClosures.toDate, range.from),
        range.to === undefined ? undefined : lte(branchClosures.fromDate, range.to),
      ),
    )
    .orderBy(asc(branchClosures.fromDate), asc(branchClosures.id));
  const closures: Closure[] = [];
  for (const r of rows) {
    // A row whose branch is gone must not turn into an all-branch closure.
    if (r.branchId !== null && r.branchCode === null) continue;
    closures.push({ branchCode: r.branchCode, kind: r.kind, from: r.from, to: r.to, reason: r.reason });
  }
  return { closures };
}
