// R12, R16 (issue 7 item 5): the counter's paper-form entry, for staff (requireStaff). HTML forms without JavaScript:
//   GET  /staff/holds/paper          「予約申込書の入力」: card number, record id, 「受取館」, 「連絡方法」, reception time
//                                    (Asia/Tokyo, default now)
//   POST /staff/holds/paper          → 303 /staff/holds/paper/answer?key=<idempotencyKey>; bad input → 400 page
//   GET  /staff/holds/paper/answer   the line placed (with its position) or refused (every reason)
// The hold is channel 'paper', placed_at = the reception time (R16), entered_by_staff_id = the member of staff; the
// same guarded insert as the web (R14); an audit row (hold_paper_entered) in the same batch.
// Issue 8 (R12, R14, R34): with 「市外から取り寄せ」 (external=1) the form enters an inter-library hold on a record the
// city does not hold (services/ill.ts enterIllHold: the same R14 guard, audit row hold_ill_entered); its answer page
// says so. Such a hold can't be cancelled or changed online.
import { Hono, type Context } from "hono";
import type { StaffEnv } from "../env.ts";
import { libraryNow } from "../middleware/clock.ts";
import { AppError } from "../errors.ts";
import { csrfField } from "../middleware/csrf.ts";
import { requireStaff } from "../middleware/session.ts";
import { enterPaperHold, formatTokyoDateTime, paperAnswer, paperFormOptions } from "../services/hold-placement.ts";
import { enterIllHold } from "../services/ill.ts";
import { externalHoldIds } from "../data/ill.ts";
import { answerMain } from "../views/holds-apply.ts";
import { paperFormMain, PAPER_TITLE } from "../views/staff-holds.ts";
import type { FormError } from "../views/forms.ts";
import { asFormError, clientAddress, formText, page, seeOther } from "./support.ts";

export const staffHoldsRoutes = new Hono<StaffEnv>();

async function formPage(
  c: Context<StaffEnv>,
  opts: { error?: FormError; status?: number; values?: Record<string, string>; receivedAt?: string } = {},
): Promise<Response> {
  const { formKey, pickupBranches } = await paperFormOptions(c.var.db);
  const staffBranch = pickupBranches.find((b) => b.id === c.var.staff.branchId);
  return page(c, {
    title: PAPER_TITLE,
    status: opts.status,
    main: paperFormMain({
      csrf: csrfField(c),
      formKey,
      pickupBranches,
      defaultPickupBranchId: staffBranch?.id ?? pickupBranches[0]?.id ?? null,
      receivedAt: opts.receivedAt ?? formatTokyoDateTime(libraryNow(c)),
      values: opts.values,
      error: opts.error,
    }).toString(),
  });
}

staffHoldsRoutes.get("/staff/holds/paper", requireStaff(), (c) => formPage(c));

staffHoldsRoutes.post("/staff/holds/paper", requireStaff(), async (c) => {
  const body = await c.req.parseBody();
  const form = {
    formKey: formText(body, "idempotencyKey"),
    cardNumber: formText(body, "cardNumber"),
    recordId: formText(body, "recordId"),
    pickupBranchId: formText(body, "pickupBranchId"),
    contact: formText(body, "contact"),
    receivedAt: formText(body, "receivedAt"),
  };
  const external = formText(body, "external") === "1";
  try {
    const enter = external ? enterIllHold : enterPaperHold;
    const { formKey } = await enter(c.var.db, { staffId: c.var.staff.staffId, clientAddress: clientAddress(c), form, now: libraryNow(c) });
    return seeOther(c, `/staff/holds/paper/answer?key=${encodeURIComponent(formKey)}`);
  } catch (err) {
    const { cardNumber, recordId, pickupBranchId, contact } = form;
    return formPage(c, {
      error: asFormError(err),
      status: err instanceof AppError ? err.status : 400,
      values: { cardNumber, recordId, pickupBranchId, contact, external: external ? "1" : "" },
      receivedAt: form.receivedAt,
    });
  }
});

staffHoldsRoutes.get("/staff/holds/paper/answer", requireStaff(), async (c) => {
  const answer = await paperAnswer(c.var.db, { staffId: c.var.staff.staffId, formKey: c.req.query("key") ?? "" });
  if (!answer) return page(c, { title: PAPER_TITLE, status: 404, main: `<h1>${PAPER_TITLE}</h1><p>この入力の結果は見つかりませんでした。</p><p><a href="/staff/holds/paper">予約申込書の入力</a></p>` });
  const external = await externalHoldIds(c.var.db, answer.lines.flatMap((l) => (l.holdId !== undefined ? [l.holdId] : [])));
  const note = external.size ? `<p class="note" id="paper-external">市外から取り寄せ（相互貸借）の予約です。資料が届いたら「<a href="/staff/ill">相互貸借資料の受入</a>」で受け入れてください。</p>` : "";
  return page(c, { title: PAPER_TITLE, main: answerMain(answer, { staff: true }).toString().replace("</h1>", `</h1>\n${note}`) });
});
