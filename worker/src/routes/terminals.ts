// Issue 7 item 8 (R03, R36): in-library OPAC terminals. HTML forms that work without JavaScript:
//   GET  /staff/terminals                   「利用者端末の管理」 (admin): the terminals, 「端末を登録」
//   POST /staff/terminals                   register (code, 設置館, 設置場所) → 200 the enrolment code, shown once
//   POST /staff/terminals/:id/enrolment     「登録コードを発行」 → 200 a new code (the old secret stops working)
//   POST /staff/terminals/:id/retire        「廃止」 → 303 /staff/terminals
//   GET  /opac/enrol                        「利用者端末の登録」 (public: the one-time code is the credential)
//   POST /opac/enrol                        → the terminal cookie, 303 /login (the terminal's start page)
// A code is a secret shown once: the register and re-issue posts answer with the page itself (no-store), not a
// 303 to a GET that would have to carry it in its URL. A reload posts again and issues another code (the newer one
// wins); nothing is ever shown twice.
import { Hono, type Context } from "hono";
import type { AppEnv, StaffEnv } from "../env.ts";
import { listTerminals, terminalBranches } from "../data/terminals.ts";
import { csrfField } from "../middleware/csrf.ts";
import { requireStaff } from "../middleware/session.ts";
import { requestTerminal, terminalCookie } from "../middleware/terminal.ts";
import { enrolTerminal, registerTerminal, reissueEnrolment, retireTerminal } from "../services/terminals.ts";
import { enrolMain, enrolmentCodeMain, terminalsMain } from "../views/terminals.ts";
import { asFormError, clientAddress, endSession, formText, page, seeOther } from "./support.ts";
import { AppError, reason, refusal } from "../errors.ts";

export const terminalRoutes = new Hono<AppEnv>();

const NOTICES = { retired: "端末を廃止しました。その端末として認識されていたブラウザは、通常のブラウザとして扱われます。" } as const;

function terminalIdParam(raw: string | undefined): number {
  if (!raw || !/^[1-9][0-9]{0,9}$/.test(raw)) throw refusal("not_found", [reason("terminal_not_found")]);
  return Number(raw);
}

async function listPage(c: Context<StaffEnv>, extra: { notice?: string; error?: ReturnType<typeof asFormError>; values?: { code: string; branchId: string; label: string }; refused?: unknown } = {}) {
  const db = c.var.db;
  const [terminals, branches] = await Promise.all([listTerminals(db), terminalBranches(db)]);
  return page(c, {
    title: "利用者端末の管理",
    refused: extra.refused,
    // A taken code is a conflict (409); a form mistake 400.
    status: extra.refused instanceof AppError ? extra.refused.status : undefined,
    main: terminalsMain({ csrf: csrfField(c), terminals, branches, now: Date.now(), notice: extra.notice, error: extra.error, values: extra.values }).toString(),
  });
}

async function codePage(c: Context<StaffEnv>, issued: { id: number; code: string; enrolmentCode: string; expiresAt: number }) {
  const row = (await listTerminals(c.var.db)).find((t) => t.id === issued.id);
  return page(c, {
    title: "登録コード",
    main: enrolmentCodeMain({ code: issued.code, branchName: row?.branchName ?? "", label: row?.label ?? null, enrolmentCode: issued.enrolmentCode, expiresAt: issued.expiresAt }).toString(),
  });
}

// ---- 「利用者端末の管理」 (admin) -----------------------------------------------------------------------------

terminalRoutes.get("/staff/terminals", requireStaff("admin"), (c) => {
  const notice = c.req.query("notice") === "retired" ? NOTICES.retired : undefined;
  return listPage(c, { notice });
});

terminalRoutes.post("/staff/terminals", requireStaff("admin"), async (c) => {
  const body = await c.req.parseBody();
  const values = { code: formText(body, "code"), branchId: formText(body, "branch"), label: formText(body, "label") };
  try {
    const issued = await registerTerminal(c.var.db, c.env, { code: values.code, branchId: values.branchId, label: values.label, staffId: c.var.staff.staffId, now: Date.now() });
    return codePage(c, issued);
  } catch (err) {
    return listPage(c, { error: asFormError(err), values, refused: err });
  }
});

terminalRoutes.post("/staff/terminals/:id/enrolment", requireStaff("admin"), async (c) => {
  const issued = await reissueEnrolment(c.var.db, c.env, { terminalId: terminalIdParam(c.req.param("id")), staffId: c.var.staff.staffId, now: Date.now() });
  return codePage(c, issued);
});

terminalRoutes.post("/staff/terminals/:id/retire", requireStaff("admin"), async (c) => {
  await retireTerminal(c.var.db, { terminalId: terminalIdParam(c.req.param("id")), staffId: c.var.staff.staffId, now: Date.now() });
  return seeOther(c, "/staff/terminals?notice=retired");
});

// ---- 「利用者端末の登録」 (the terminal's browser) ----------------------------------------------------------------

terminalRoutes.get("/opac/enrol", async (c) => {
  const { terminal } = await requestTerminal(c);
  return page(c, { title: "利用者端末の登録", main: enrolMain({ csrf: csrfField(c), current: terminal }).toString() });
});

terminalRoutes.post("/opac/enrol", async (c) => {
  const body = await c.req.parseBody();
  try {
    const result = await enrolTerminal(c.var.db, c.env, { typed: formText(body, "code"), clientAddress: clientAddress(c), now: Date.now() });
    // A terminal starts with nobody logged in (the member of staff who enrolled it included).
    if (c.get("session")) await endSession(c);
    c.header("Set-Cookie", terminalCookie(c, result.cookieValue), { append: true });
    return seeOther(c, "/login?notice=terminal_enrolled");
  } catch (err) {
    const { terminal } = await requestTerminal(c);
    return page(c, { title: "利用者端末の登録", refused: err, main: enrolMain({ csrf: csrfField(c), current: terminal, error: asFormError(err) }).toString() });
  }
});
