// R30, R31, R32: 「貸出状況一覧」 and 「延長」, plain HTML forms that work without JavaScript (issue 8 items 4 and 5):
//   GET  /loans               the list (requirePatron; R05 temporary password → 「パスワード変更」); ?renewed=<id> names
//                             what was just renewed and its new due date (only a loan of the patron's is ever named)
//   GET  /loans/:id/renew     the confirmation: the new due date (renewal day + RENEWAL_DAYS) and 「延長する」; a loan
//                             that may not be renewed answers 409 with every reason
//   POST /loans/:id/renew     「延長する」: ONE guarded UPDATE (services/loans.ts renewLoan) → 303 /loans?renewed=<id>
// JSON (Accept: application/json, as the LoanList island asks): the same routes answer { loan: { id, dueDate, … } }
// (GET /loans: the list), or the error envelope. A loan that is not the patron's answers 404 exactly like one that
// does not exist, and changes nothing; bad ids answer 400. The pages are private (noindex, no-store: page()).
// Business time is the library's (libraryNow(c)); its Asia/Tokyo day decides 「延滞」 and the new due date.
import { Hono, type Context } from "hono";
import type { AppEnv, PatronEnv } from "../env.ts";
import { libraryNow } from "../middleware/clock.ts";
import { AppError, reason, refusal } from "../errors.ts";
import { csrfField } from "../middleware/csrf.ts";
import { requirePatron } from "../middleware/session.ts";
import { listLoans, RenewalRefused, renewalPreview, renewLoan, type LoanListItem } from "../services/loans.ts";
import { titleWithVolume } from "../views/forms.ts";
import { LOANS_TITLE, loansMain, loansRefusedMain, renewConfirmMain, RENEW_TITLE, type LoansNotice } from "../views/loans.ts";
import { clientAddress, page, parseId, seeOther, wantsJson } from "./support.ts";

export const loansRoutes = new Hono<AppEnv>();


function loanJson(l: LoanListItem) {
  return { loan: { id: l.id, title: l.title, volumeLabel: l.volumeLabel, dueDate: l.dueDate, due: l.due, renewed: l.renewed, renewedOn: l.renewedOn, renewable: l.renewable, newDueDate: l.newDueDate } };
}

/** A refusal as a page (HTML) or the error envelope (JSON, through app.onError). */
function refused(c: Context<PatronEnv>, err: unknown): Promise<Response> | Response {
  if (!(err instanceof AppError)) throw err;
  if (wantsJson(c)) return c.json(err.toJSON(), err.status);
  return page(c, {
    title: LOANS_TITLE,
    status: err.status,
    main: loansRefusedMain({
      error: { message: err.message, reasons: err.reasons },
      title: err instanceof RenewalRefused ? titleWithVolume(err.loan) : undefined,
    }).toString(),
  });
}

function badId(c: Context<PatronEnv>) {
  return refused(c, refusal("bad_request", [reason("renewal_loan_invalid")]));
}

loansRoutes.get("/loans", requirePatron(), async (c) => {
  const list = await listLoans(c.var.db, c.var.patron.patronId, libraryNow(c));
  const renewed = parseId(c.req.query("renewed"));
  const named = renewed === null ? undefined : list.items.find((i) => i.id === renewed && i.renewed);
  const notice: LoansNotice = named ? { kind: "renewed", title: titleWithVolume(named), dueDate: named.dueDate } : null;
  if (wantsJson(c)) return c.json(list);
  // The shell with the LoanList island (site/src/islands/LoanList.tsx): 「延長」 confirmed and done without a reload.
  return page(c, { title: LOANS_TITLE, main: loansMain({ list, notice }).toString(), shell: "loans" });
});

loansRoutes.get("/loans/:id/renew", requirePatron(), async (c) => {
  const loanId = parseId(c.req.param("id"));
  if (loanId === null) return badId(c);
  try {
    const loan = await renewalPreview(c.var.db, c.var.patron.patronId, loanId, libraryNow(c));
    if (wantsJson(c)) return c.json(loanJson(loan));
    return page(c, { title: RENEW_TITLE, main: renewConfirmMain({ loan, csrf: csrfField(c) }).toString() });
  } catch (err) {
    return refused(c, err);
  }
});

loansRoutes.post("/loans/:id/renew", requirePatron(), async (c) => {
  const loanId = parseId(c.req.param("id"));
  if (loanId === null) return badId(c);
  try {
    const loan = await renewLoan(c.var.db, { patronId: c.var.patron.patronId, loanId, now: libraryNow(c), clientAddress: clientAddress(c) });
    if (wantsJson(c)) return c.json(loanJson(loan));
    return seeOther(c, `/loans?renewed=${loanId}`);
  } catch (err) {
    return refused(c, err);
  }
});
