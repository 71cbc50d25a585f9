// R30, R31, R32: the reads and the guarded write of 「貸出状況一覧」 and 「延長」 (issue 8 items 4 and 5). Every statement
// names the patron: a request can never read or renew another patron's loan, whatever id it carries.
//
//   loadLoanList(db, patronId)                one query: the patron's open loans (record, lending library, renewals,
//                                             inter-library flags, the active holds of OTHER patrons on the record)
//   loanFacts(db, patronId, loanId)           one of the patron's loans, open or returned, with the same facts; null
//                                             when the patron has no such loan (a diagnosis after a write changed
//                                             nothing, and the confirmation page — never a check before a write)
//   renewLoanStatements(db, input)            ONE guarded UPDATE whose WHERE states the owner and every rule of R31 and
//                                             R32, and an audit row written only when that UPDATE changed the loan
//                                             (changes() > 0), as one batch; runLoanWrite runs it
//
// An item borrowed from outside the city is inter_library = 1 on its loan (R32); a copy fetched for one hold
// (items.ill_hold_id) counts as one too, whatever its loan says, so neither flag alone can let it be renewed.
import { sql } from "drizzle-orm";
import type { Day } from "../domain/calendar.ts";
import { MAX_RENEWALS } from "../domain/policy.ts";
import { ACTIVE_HOLD_STATUSES } from "../domain/vocabulary.ts";
import { d1Client, d1Statement, type Db } from "./db.ts";

const ACTIVE = sql.raw(ACTIVE_HOLD_STATUSES.map((s) => `'${s}'`).join(","));

export interface LoanRow {
  id: number;
  itemId: number;
  recordId: number;
  title: string;
  volumeLabel: string | null;
  barcode: string;
  loanedAt: number;
  /** Asia/Tokyo day, 'YYYY-MM-DD'. */
  dueDate: Day;
  renewals: number;
  renewedAt: number | null;
  /** R32: lent from a library outside the city (the loan's flag, or the copy fetched for a hold). */
  interLibrary: boolean;
  returnedAt: number | null;
  checkoutBranchId: number;
  checkoutBranchName: string;
  /** R31: active holds (waiting, in transit, ready) on the record by patrons other than the borrower. */
  othersHolding: number;
}

interface RawLoan {
  id: number;
  item_id: number;
  record_id: number;
  title: string;
  volume_label: string | null;
  barcode: string;
  loaned_at: number;
  due_date: string;
  renewals: number;
  renewed_at: number | null;
  inter_library: number;
  returned_at: number | null;
  checkout_branch_id: number;
  checkout_branch_name: string;
  others_holding: number;
}

function loanRow(r: RawLoan): LoanRow {
  return {
    id: Number(r.id),
    itemId: Number(r.item_id),
    recordId: Number(r.record_id),
    title: r.title,
    volumeLabel: r.volume_label,
    barcode: r.barcode,
    loanedAt: Number(r.loaned_at),
    dueDate: r.due_date,
    renewals: Number(r.renewals),
    renewedAt: r.renewed_at === null ? null : Number(r.renewed_at),
    interLibrary: Number(r.inter_library) === 1,
    returnedAt: r.returned_at === null ? null : Number(r.returned_at),
    checkoutBranchId: Number(r.checkout_branch_id),
    checkoutBranchName: r.checkout_branch_name,
    othersHolding: Number(r.others_holding),
  };
}

/** R31: the active holds of patrons other than the loan's borrower on the loan's record (`l` is the loan). */
const OTHERS_HOLDING = sql`SELECT count(*) FROM holds h
  WHERE h.record_id = (SELECT record_id FROM items WHERE id = l.item_id)
    AND h.status IN (${ACTIVE}) AND h.patron_id <> l.patron_id`;

const LOAN_COLUMNS = sql`l.id, l.item_id, i.record_id, r.title, r.volume_label, i.barcode, l.loaned_at, l.due_date, l.renewals,
  l.renewed_at, (l.inter_library = 1 OR i.ill_hold_id IS NOT NULL) AS inter_library, l.returned_at, l.checkout_branch_id,
  b.name AS checkout_branch_name, (${OTHERS_HOLDING}) AS others_holding`;

const LOAN_FROM = sql`loans l JOIN items i ON i.id = l.item_id JOIN records r ON r.id = i.record_id JOIN branches b ON b.id = l.checkout_branch_id`;

/** R30: the patron's open loans, soonest due first (then in the order they were lent). One query. */
export async function loadLoanList(db: Db, patronId: number): Promise<LoanRow[]> {
  const rows = await db.all<RawLoan>(sql`SELECT ${LOAN_COLUMNS} FROM ${LOAN_FROM}
    WHERE l.patron_id = ${patronId} AND l.returned_at IS NULL
    ORDER BY l.due_date, l.loaned_at, l.id`);
  return rows.map(loanRow);
}

/** One of the patron's loans (open or returned) with R31's and R32's facts; null when the patron has no such loan. */
export async function loanFacts(db: Db, patronId: number, loanId: number): Promise<LoanRow | null> {
  const [row] = await db.all<RawLoan>(sql`SELECT ${LOAN_COLUMNS} FROM ${LOAN_FROM} WHERE l.id = ${loanId} AND l.patron_id = ${patronId}`);
  return row ? loanRow(row) : null;
}

export interface RenewLoanInput {
  loanId: number;
  patronId: number;
  /** The Asia/Tokyo day of the renewal. */
  today: Day;
  /** R31: the day of renewal + RENEWAL_DAYS (domain/loan-status.ts renewedDueDate keeps it from moving earlier). */
  newDueDate: Day;
  now: number;
  clientAddress: string | null;
}

/**
 * R31, R32: 「延長」 — one guarded UPDATE and its audit row. The WHERE states the owner and every rule: the loan is
 * open, not yet renewed (renewals < MAX_RENEWALS), not inter-library (the loan's flag and the copy's), not past its
 * due date, and no other patron has an active hold (waiting, in transit, ready) on the record. due_date never moves
 * earlier (max()); renewed_at is set (trigger loans_renewed_at requires it). 20 such requests at once renew once:
 * D1 runs them one after another, and the first one's renewals = 1 fails every later WHERE.
 */
export function renewLoanStatements(db: Db, c: RenewLoanInput): D1PreparedStatement[] {
  return [
    d1Statement(
      db,
      sql`UPDATE loans SET due_date = max(due_date, ${c.newDueDate}), renewals = renewals + 1, renewed_at = ${c.now}
        WHERE id = ${c.loanId} AND patron_id = ${c.patronId}
          AND returned_at IS NULL
          AND renewals < ${MAX_RENEWALS}
          AND inter_library = 0
          AND NOT EXISTS (SELECT 1 FROM items i WHERE i.id = loans.item_id AND i.ill_hold_id IS NOT NULL)
          AND due_date >= ${c.today}
          AND NOT EXISTS (SELECT 1 FROM holds h
            WHERE h.record_id = (SELECT record_id FROM items WHERE id = loans.item_id)
              AND h.status IN (${ACTIVE}) AND h.patron_id <> loans.patron_id)`,
    ),
    // changes(): the rows the UPDATE just before it in this batch changed (D1 runs a batch's statements in order,
    // on one connection, in one transaction).
    d1Statement(
      db,
      sql`INSERT INTO audit_log (at, actor_kind, actor_id, action, target_kind, target_id, detail, client_address)
        SELECT ${c.now}, 'patron', ${c.patronId}, 'loan_renewed', 'loan', l.id,
          json_object('dueDate', l.due_date, 'renewedOn', ${c.today}, 'itemId', l.item_id), ${c.clientAddress?.slice(0, 64) ?? null}
        FROM loans l WHERE l.id = ${c.loanId} AND changes() > 0`,
    ),
  ];
}

/** Runs a write's batch; answers whether its UPDATE changed the loan. */
export async function runLoanWrite(db: Db, statements: D1PreparedStatement[]): Promise<boolean> {
  const [update] = await d1Client(db).batch(statements);
  return (update?.meta.changes ?? 0) > 0;
}
