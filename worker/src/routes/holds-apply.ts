// 「予約申込」 (issue 7 items 2, 3, 8; R01, R05, R13, R14, R20, R36, R43), HTML forms that work without JavaScript:
//   GET  /holds/apply          the screen: each cart line ticked, 「受取館」, 「連絡方法」, 「予約できる残り冊数: n／10」 and
//                              the lines that would not fit. Login required (R01: → /login?next=%2Fholds%2Fapply and
//                              back); a temporary password goes to 「パスワード変更」 (R05, requirePatron).
//   POST /holds/apply          fields idempotencyKey (made when the screen was rendered), recordId (ticked lines),
//                              pickupBranchId, contact, mailRecordId (per line: tell by mail), the CSRF token
//                              → 303 /holds/apply/answer?key=<idempotencyKey>; bad input → 400 page, nothing changes
//   GET  /holds/apply/answer   every line placed (with its queue position) or refused (every reason); only the
//                              patron whose key it is sees it (the key is looked up in their own scope)
// A retried, double-clicked or concurrent copy of one submission places nothing twice and is sent to the same answer.
import { Hono, type Context } from "hono";
import type { PatronEnv } from "../env.ts";
import { libraryNow } from "../middleware/clock.ts";
import { AppError } from "../errors.ts";
import { readCookie } from "../middleware/cookies.ts";
import { csrfField } from "../middleware/csrf.ts";
import { requirePatron } from "../middleware/session.ts";
import { isCartKey } from "../services/cart.ts";
import { applyAnswer, applyScreen, submitApply } from "../services/hold-placement.ts";
import { answerMain, answerMissingMain, applyMain, ANSWER_TITLE, APPLY_TITLE } from "../views/holds-apply.ts";
import type { FormError } from "../views/forms.ts";
import { asFormError, page, seeOther } from "./support.ts";

export const holdsApplyRoutes = new Hono<PatronEnv>();

function cartKeyOf(c: Context<PatronEnv>): string | null {
  const value = readCookie(c, "cart");
  return isCartKey(value) ? value : null;
}

function patronContext(c: Context<PatronEnv>) {
  const p = c.var.patron;
  return { patronId: p.patronId, temporary: p.temporary, terminalId: p.terminalId };
}

async function screenPage(c: Context<PatronEnv>, opts: { error?: FormError; status?: number } = {}): Promise<Response> {
  const screen = await applyScreen(c.var.db, { ...patronContext(c), cartKey: cartKeyOf(c) });
  return page(c, { title: APPLY_TITLE, status: opts.status, main: applyMain({ screen, csrf: csrfField(c), error: opts.error }).toString() });
}

function all(body: Record<string, unknown>, name: string): string[] {
  const v = body[name];
  if (typeof v === "string") return [v];
  if (Array.isArray(v)) return v.filter((x): x is string => typeof x === "string");
  return [];
}

function one(body: Record<string, unknown>, name: string): string {
  const v = body[name];
  return typeof v === "string" ? v : Array.isArray(v) && typeof v[0] === "string" ? v[0] : "";
}

holdsApplyRoutes.get("/holds/apply", requirePatron(), (c) => screenPage(c));

holdsApplyRoutes.post("/holds/apply", requirePatron(), async (c) => {
  const body = await c.req.parseBody({ all: true });
  try {
    const { formKey } = await submitApply(c.var.db, {
      ...patronContext(c),
      cartKey: cartKeyOf(c),
      now: libraryNow(c),
      form: {
        formKey: one(body, "idempotencyKey"),
        recordIds: all(body, "recordId"),
        pickupBranchId: one(body, "pickupBranchId"),
        contact: one(body, "contact"),
        mailRecordIds: all(body, "mailRecordId"),
      },
    });
    return seeOther(c, `/holds/apply/answer?key=${encodeURIComponent(formKey)}`);
  } catch (err) {
    return screenPage(c, { error: asFormError(err), status: err instanceof AppError ? err.status : 400 });
  }
});

holdsApplyRoutes.get("/holds/apply/answer", requirePatron(), async (c) => {
  const answer = await applyAnswer(c.var.db, { patronId: c.var.patron.patronId, formKey: c.req.query("key") ?? "" });
  if (!answer) return page(c, { title: ANSWER_TITLE, status: 404, main: answerMissingMain().toString() });
  return page(c, { title: ANSWER_TITLE, main: answerMain(answer).toString() });
});
