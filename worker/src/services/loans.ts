// R30, R31, R32: 「貸出状況一覧」 and 「延長」 (issue 8 items 4 and 5).
//
//   listLoans(db, patronId, now)          the patron's open loans as the page shows them: title, due date and
//                                         「あと n 日」 / 「今日まで」 / 「延滞」, renewed or not, the lending library,
//                                         and either the new due date a renewal would give (「延長」 is offered) or
//                                         every reason it cannot be renewed (domain/renewal.ts decideRenewal)
//   renewalPreview(db, patronId, id, now) the confirmation page's loan: one of the patron's that may be renewed now,
//                                         with its new due date (renewal day + RENEWAL_DAYS); else the refusal
//   renewLoan(db, input)                  ONE guarded UPDATE (+ its audit row, data/loans.ts); the loan afterwards.
//                                         Nothing changed → the facts are read again and the refusal names every
//                                         reason decideRenewal gives
// A loan that is not the patron's is answered exactly like a loan that does not exist (404 renewal_loan_not_found):
// no request learns whether another patron's loan exists. A loan of theirs that may not be renewed is a 409
// RenewalRefused with every reason. `now` is the library's now (routes pass libraryNow(c)); days are Asia/Tokyo.
import { loadLoanList, loanFacts, renewLoanStatements, runLoanWrite, type LoanRow } from "../data/loans.ts";
import type { Db } from "../data/db.ts";
import { tokyoDay, type Day } from "../domain/calendar.ts";
import { dueState, renewedDueDate, type DueState } from "../domain/loan-status.ts";
import { LOAN_LIMIT } from "../domain/policy.ts";
import { decideRenewal, type RenewalReason } from "../domain/renewal.ts";
import { MESSAGES } from "../domain/messages.ts";
import { AppError, reason, refusal, type Reason } from "../errors.ts";

export interface LoanListItem {
  id: number;
  recordId: number;
  title: string;
  volumeLabel: string | null;
  /** 'YYYY-MM-DD' (Asia/Tokyo). */
  dueDate: Day;
  /** 「あと3日」 / 「今日まで」 / 「延滞」. */
  due: DueState;
  /** R31: renewed already (「延長済み」), and on which Tokyo day. */
  renewed: boolean;
  renewedOn: Day | null;
  /** The library that lent it (「貸出館」). */
  branchName: string;
  interLibrary: boolean;
  /** R31: 「延長」 is offered; the due date it would set today. */
  renewable: boolean;
  newDueDate: Day | null;
  /** R31, R32: why it cannot be renewed (every reason, each with its message); empty when it can. */
  reasons: Reason[];
}

export interface LoanList {
  items: LoanListItem[];
  /** Open loans, and the limit (policy.ts LOAN_LIMIT). */
  count: number;
  limit: number;
}

/** A loan as the list and the confirmation page show it, on `today`. */
export function loanItem(l: LoanRow, today: Day): LoanListItem {
  const decision = decideRenewal(
    { dueDate: l.dueDate, renewals: l.renewals, interLibrary: l.interLibrary, returned: l.returnedAt !== null, othersHolding: l.othersHolding },
    today,
  );
  return {
    id: l.id,
    recordId: l.recordId,
    title: l.title,
    volumeLabel: l.volumeLabel,
    dueDate: l.dueDate,
    due: dueState(today, l.dueDate),
    renewed: l.renewals > 0,
    renewedOn: l.renewedAt === null ? null : tokyoDay(l.renewedAt),
    branchName: l.checkoutBranchName,
    interLibrary: l.interLibrary,
    renewable: decision.ok,
    newDueDate: decision.ok ? renewedDueDate(l.dueDate, today) : null,
    reasons: decision.ok ? [] : decision.reasons.map((r) => reason(r)),
  };
}

export async function listLoans(db: Db, patronId: number, now: number): Promise<LoanList> {
  const today = tokyoDay(now);
  const rows = await loadLoanList(db, patronId);
  return { items: rows.map((l) => loanItem(l, today)), count: rows.length, limit: LOAN_LIMIT };
}

/** R31, R32: a loan of the patron's that may not be renewed: every reason (409). */
export class RenewalRefused extends AppError {
  readonly loan: LoanListItem;
  constructor(loan: LoanListItem, codes: readonly RenewalReason[]) {
    const reasons = codes.map((c) => reason(c));
    super("conflict", reasons[0]?.message ?? MESSAGES.renewal_limit_reached, reasons);
    this.loan = loan;
  }
}

function notFound(): AppError {
  return refusal("not_found", [reason("renewal_loan_not_found")]);
}

/** The patron's loan as of `today`, or 404 (another patron's loan, or none). */
async function patronLoan(db: Db, patronId: number, loanId: number, today: Day): Promise<LoanListItem> {
  const row = await loanFacts(db, patronId, loanId);
  if (!row) throw notFound();
  return loanItem(row, today);
}

function refusalOf(loan: LoanListItem): RenewalRefused | null {
  return loan.renewable ? null : new RenewalRefused(loan, loan.reasons.map((r) => r.code as RenewalReason));
}

/** The confirmation page (GET /loans/:id/renew): the loan and its new due date, or the refusal. */
export async function renewalPreview(db: Db, patronId: number, loanId: number, now: number): Promise<LoanListItem> {
  const loan = await patronLoan(db, patronId, loanId, tokyoDay(now));
  const refused = refusalOf(loan);
  if (refused) throw refused;
  return loan;
}

export interface RenewInput {
  patronId: number;
  loanId: number;
  now: number;
  clientAddress: string | null;
}

/** R31, R32: 「延長する」. Answers the loan as it is afterwards (its new due date, 「延長済み」). */
export async function renewLoan(db: Db, input: RenewInput): Promise<LoanListItem> {
  const today = tokyoDay(input.now);
  // The new due date is computed from today alone; the UPDATE keeps the later of it and the loan's own (max()).
  const changed = await runLoanWrite(
    db,
    renewLoanStatements(db, {
      loanId: input.loanId,
      patronId: input.patronId,
      today,
      newDueDate: renewedDueDate(today, today),
      now: input.now,
      clientAddress: input.clientAddress,
    }),
  );
  const loan = await patronLoan(db, input.patronId, input.loanId, today);
  if (changed) return loan;
  const refused = refusalOf(loan);
  if (refused) throw refused;
  // Nothing else can stop the guarded statement; should it happen, the patron is told to try again.
  throw refusal("conflict", [reason("session_conflict")]);
}
