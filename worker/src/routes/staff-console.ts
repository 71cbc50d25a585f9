// Issue 8 item 1: the counter's lists and look-up, for staff (requireStaff). HTML forms without JavaScript:
//   GET  /staff/picklist                      「ピックリスト」 (R16, R15) for the counter's branch; an admin: ?branch=<id>
//   GET  /staff/shelf                         「取置棚」 (R21) with the phone list; ?branch= as above; ?recorded=<holdId>
//   POST /staff/holds/:id/contacted           「連絡済み」 (R21) → 303 /staff/shelf?recorded=<id>; a refusal: the shelf
//                                             page with the message (403 other branch, 409 already recorded, 404)
//   GET  /staff/patrons                       「利用者照会」 (?card=…): any patron of the city (patrons are city-wide:
//                                             every counter serves every card); each look-up is an audit row
//   POST /staff/patrons/:card/temporary-password   「仮パスワード発行」 (R05): the password on this answer page only
//                                             (200, no-store; never in a URL)
//   GET  /staff/ill, POST /staff/ill          「相互貸借資料の受入」 (R32, R34): at the staff member's own branch
// Lists act for the counter's own branch (a counter naming another: 403); an admin may choose (default: their own).
// Handlers read the input, call a service and answer; the rules and their messages live in the services.
import { Hono, type Context } from "hono";
import type { StaffEnv } from "../env.ts";
import { AppError, reason, refusal } from "../errors.ts";
import { libraryNow } from "../middleware/clock.ts";
import { csrfField } from "../middleware/csrf.ts";
import { requireStaff } from "../middleware/session.ts";
import { branchById } from "../data/staff-console.ts";
import { illWaiting, receiveIllItem } from "../services/ill.ts";
import {
  consoleBranch,
  holdShelf,
  issueCounterTemporaryPassword,
  lookUpPatron,
  pickList,
  recordPhoneContact,
  type ConsoleActor,
} from "../services/staff-console.ts";
import type { FormError } from "../views/forms.ts";
import {
  HOLD_SHELF_TITLE,
  ILL_TITLE,
  PATRON_LOOKUP_TITLE,
  PICK_LIST_TITLE,
  TEMP_PASSWORD_TITLE,
  dayWords,
  holdShelfMain,
  illMain,
  patronLookupMain,
  pickListMain,
  temporaryPasswordMain,
} from "../views/staff-console.ts";
import { asFormError, clientAddress, formText, page, seeOther } from "./support.ts";

export const staffConsoleRoutes = new Hono<StaffEnv>();

export function consoleActor(c: Context<StaffEnv>): ConsoleActor {
  const s = c.var.staff;
  return { staffId: s.staffId, role: s.role, branchId: s.branchId, clientAddress: clientAddress(c) };
}

function refusedPage(c: Context<StaffEnv>, title: string, err: unknown): Promise<Response> {
  const error = asFormError(err);
  return page(c, {
    title,
    status: err instanceof AppError ? err.status : 400,
    main: `<h1>${title}</h1><div id="console-errors" role="alert" class="note"><p>${escapeText(error.message)}</p></div><p><a href="/staff/">職員メニュー</a></p>`,
  });
}

function escapeText(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

// ---- 「ピックリスト」 -------------------------------------------------------------------------------------------

staffConsoleRoutes.get("/staff/picklist", requireStaff(), async (c) => {
  const actor = consoleActor(c);
  try {
    const { branch, branches } = await consoleBranch(c.var.db, actor, c.req.query("branch"));
    const list = await pickList(c.var.db, { branchId: branch.id });
    return page(c, { title: PICK_LIST_TITLE, main: pickListMain({ branch, branches: actor.role === "admin" ? branches : null, list }).toString() });
  } catch (err) {
    return refusedPage(c, PICK_LIST_TITLE, err);
  }
});

// ---- 「取置棚」 and 「連絡済み」 ----------------------------------------------------------------------------------

async function shelfPage(c: Context<StaffEnv>, opts: { branchRaw?: string; notice?: string; error?: FormError; status?: number } = {}): Promise<Response> {
  const actor = consoleActor(c);
  try {
    const { branch, branches } = await consoleBranch(c.var.db, actor, opts.branchRaw);
    const shelf = await holdShelf(c.var.db, { branchId: branch.id, branchCode: branch.code, now: libraryNow(c) });
    return page(c, {
      title: HOLD_SHELF_TITLE,
      status: opts.status,
      main: holdShelfMain({ branch, branches: actor.role === "admin" ? branches : null, shelf, csrf: csrfField(c), notice: opts.notice, error: opts.error }).toString(),
    });
  } catch (err) {
    return refusedPage(c, HOLD_SHELF_TITLE, err);
  }
}

staffConsoleRoutes.get("/staff/shelf", requireStaff(), async (c) => {
  const recorded = c.req.query("recorded");
  const until = c.req.query("until");
  const notice = recorded && /^[0-9]{1,10}$/.test(recorded) && until && /^\d{4}-\d{2}-\d{2}$/.test(until) ? `連絡を記録しました。お取り置き期限は${dayWords(until)}です。` : undefined;
  return shelfPage(c, { branchRaw: c.req.query("branch"), notice });
});

staffConsoleRoutes.post("/staff/holds/:id/contacted", requireStaff(), async (c) => {
  const body = await c.req.parseBody();
  const branchRaw = formText(body, "branch") || undefined;
  const raw = c.req.param("id");
  const holdId = /^[1-9][0-9]{0,9}$/.test(raw) ? Number(raw) : null;
  try {
    if (holdId === null) throw refusal("not_found", [reason("console_hold_invalid")]);
    const done = await recordPhoneContact(c.var.db, consoleActor(c), { holdId, now: libraryNow(c) });
    const back = new URLSearchParams({ recorded: String(done.holdId), until: done.shelfUntil });
    if (branchRaw && c.var.staff.role === "admin") back.set("branch", branchRaw);
    return seeOther(c, `/staff/shelf?${back.toString()}`);
  } catch (err) {
    if (!(err instanceof AppError)) throw err;
    return shelfPage(c, { branchRaw: c.var.staff.role === "admin" ? branchRaw : undefined, error: asFormError(err), status: err.status });
  }
});

// ---- 「利用者照会」 and 「仮パスワード発行」 ------------------------------------------------------------------------

staffConsoleRoutes.get("/staff/patrons", requireStaff(), async (c) => {
  const card = c.req.query("card") ?? "";
  if (card.trim() === "") return page(c, { title: PATRON_LOOKUP_TITLE, main: patronLookupMain({ card: "", csrf: csrfField(c) }).toString() });
  try {
    const found = await lookUpPatron(c.var.db, consoleActor(c), { card, now: libraryNow(c) });
    return page(c, { title: PATRON_LOOKUP_TITLE, main: patronLookupMain({ card: found.patron.cardNumber, found, csrf: csrfField(c) }).toString() });
  } catch (err) {
    if (!(err instanceof AppError)) throw err;
    return page(c, { title: PATRON_LOOKUP_TITLE, status: err.status, main: patronLookupMain({ card, error: asFormError(err), csrf: csrfField(c) }).toString() });
  }
});

staffConsoleRoutes.post("/staff/patrons/:card/temporary-password", requireStaff(), async (c) => {
  const card = c.req.param("card");
  try {
    // Sessions and passwords keep the real clock (Date.now()), not the library's local clock.
    const issued = await issueCounterTemporaryPassword(c.var.db, c.env, consoleActor(c), { card, now: Date.now() });
    return page(c, { title: TEMP_PASSWORD_TITLE, main: temporaryPasswordMain({ cardNumber: issued.cardNumber, password: issued.password }).toString() });
  } catch (err) {
    if (!(err instanceof AppError)) throw err;
    return page(c, { title: TEMP_PASSWORD_TITLE, status: err.status, main: patronLookupMain({ card, error: asFormError(err), csrf: csrfField(c) }).toString() });
  }
});

// ---- 「相互貸借資料の受入」 -------------------------------------------------------------------------------------

async function illPage(c: Context<StaffEnv>, opts: { notice?: string; error?: FormError; status?: number; values?: { holdId?: string; barcode?: string } } = {}): Promise<Response> {
  const actor = consoleActor(c);
  const [branch, waiting] = await Promise.all([branchById(c.var.db, actor.branchId), illWaiting(c.var.db, actor)]);
  return page(c, {
    title: ILL_TITLE,
    status: opts.status,
    main: illMain({ branchName: branch?.name ?? "", waiting, csrf: csrfField(c), notice: opts.notice, error: opts.error, values: opts.values }).toString(),
  });
}

staffConsoleRoutes.get("/staff/ill", requireStaff(), (c) => illPage(c));

staffConsoleRoutes.post("/staff/ill", requireStaff(), async (c) => {
  const body = await c.req.parseBody();
  const holdRaw = formText(body, "holdId");
  const barcode = formText(body, "barcode");
  try {
    const holdId = /^[1-9][0-9]{0,9}$/.test(holdRaw) ? Number(holdRaw) : null;
    if (holdId === null) throw refusal("bad_request", [reason("ill_hold_not_found", "holdId")]);
    const answer = await receiveIllItem(c.var.db, consoleActor(c), { holdId, barcode, now: libraryNow(c) });
    const o = answer.outcome;
    const notice =
      o.kind === "ready" || o.kind === "on_hold_shelf"
        ? `${answer.copy.barcode} を受け入れました。予約（${o.patron.name}さん）は「ご用意できました」になりました。取置棚に置いてください${o.shelfUntil ? `（お取り置き期限 ${dayWords(o.shelfUntil)}）` : ""}。`
        : `${answer.copy.barcode} を受け入れました。`;
    return illPage(c, { notice });
  } catch (err) {
    if (!(err instanceof AppError)) throw err;
    return illPage(c, { error: asFormError(err), status: err.status, values: { holdId: holdRaw, barcode } });
  }
});
