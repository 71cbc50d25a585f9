// R31, R32 (issue 8 item 5, the rule): 「延長」 renews a loan once, only on or before its due date, only when no other
// patron holds the record, never for an item borrowed from outside the city (ILL). The new due date is the day of
// renewal + RENEWAL_DAYS. A pure decision over explicit facts (`today` is an Asia/Tokyo day passed in), returning
// every reason a renewal is refused, so the page can show 「延長」 only where allowed and say why elsewhere; the
// guarded UPDATE that renews states the same conditions in its WHERE.
import { addDays, type Day } from "./calendar.ts";
import { MAX_RENEWALS, RENEWAL_DAYS } from "./policy.ts";

export interface RenewalFacts {
  dueDate: Day;
  renewals: number;
  interLibrary: boolean;
  returned: boolean;
  /** Active holds on the loan's record by patrons other than the borrower (R31: 「ほかに予約がない」). */
  othersHolding: number;
}

export type RenewalReason = "loan_returned" | "renewal_limit_reached" | "renewal_overdue" | "renewal_held_by_others" | "renewal_not_allowed_inter_library";

export type RenewalDecision = { ok: true; newDueDate: Day } | { ok: false; reasons: RenewalReason[] };

export function decideRenewal(loan: RenewalFacts, today: Day): RenewalDecision {
  const reasons: RenewalReason[] = [];
  if (loan.returned) reasons.push("loan_returned");
  if (loan.interLibrary) reasons.push("renewal_not_allowed_inter_library");
  if (loan.renewals >= MAX_RENEWALS) reasons.push("renewal_limit_reached");
  if (today > loan.dueDate) reasons.push("renewal_overdue");
  if (loan.othersHolding > 0) reasons.push("renewal_held_by_others");
  return reasons.length ? { ok: false, reasons } : { ok: true, newDueDate: addDays(today, RENEWAL_DAYS) };
}
