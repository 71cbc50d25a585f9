// Issue 3 item 11: the staff login, apart from the patrons' (own accounts, roles 窓口 counter / 管理者 admin, a
// branch). HTML forms that work without JavaScript (POST, then 303):
//   GET  /staff/login   職員ログイン (next kept: a path under /staff/ only)      POST /staff/login → 303 next or /staff/
//   POST /staff/logout  → 303 /staff/login
//   GET  /staff/        「職員メニュー」 (staff): login, role, branch, and the counter console's screens (issue 8)
//   GET  /staff         → 301 /staff/
// Handlers only read the input, call a service and answer; the rules and their messages live in the services.
import { Hono } from "hono";
import type { AppEnv } from "../env.ts";
import { findBranchName } from "../data/staff-users.ts";
import { csrfField, rotateCsrfCookie } from "../middleware/csrf.ts";
import { requireStaff, sessionCookie, sessionToken } from "../middleware/session.ts";
import { loginStaff } from "../services/login.ts";
import { staffLoginMain, staffMenuMain } from "../views/staff.ts";
import { asFormError, clientAddress, endSession, formText, page, safeNext, seeOther } from "./support.ts";

export const staffRoutes = new Hono<AppEnv>();

const STAFF_HOME = "/staff/";

/** After a staff login: a same-site path under /staff/ (never the login or logout themselves), else /staff/. */
export function staffNext(raw: unknown): string {
  const next = safeNext(raw, STAFF_HOME);
  return /^\/staff\/(?!log(?:in|out)(?:[/?#]|$))/.test(next) ? next : STAFF_HOME;
}

staffRoutes.get("/staff", (c) => {
  c.header("Cache-Control", "no-store");
  return c.redirect(STAFF_HOME, 301);
});

// ---- 職員ログイン / ログアウト ---------------------------------------------------------------------------

staffRoutes.get("/staff/login", async (c) => {
  const next = staffNext(c.req.query("next"));
  if (c.get("session")?.kind === "staff") return seeOther(c, next);
  return page(c, { title: "職員ログイン", main: staffLoginMain({ csrf: csrfField(c), next }).toString() });
});

staffRoutes.post("/staff/login", async (c) => {
  const body = await c.req.parseBody();
  const login = formText(body, "login");
  const next = staffNext(formText(body, "next"));
  try {
    const result = await loginStaff(c.var.db, c.env, {
      login,
      password: formText(body, "password"),
      clientAddress: clientAddress(c),
      previousToken: sessionToken(c),
      now: Date.now(),
    });
    c.header("Set-Cookie", sessionCookie(c, result.token, result.expiresAt));
    // A token copied from a page before the login is useless after it.
    await rotateCsrfCookie(c);
    return seeOther(c, next);
  } catch (err) {
    const error = asFormError(err);
    return page(c, {
      title: "職員ログイン",
      refused: err,
      // The login name comes back; the password never does.
      main: staffLoginMain({ csrf: csrfField(c), next, login, error }).toString(),
    });
  }
});

staffRoutes.post("/staff/logout", async (c) => {
  await endSession(c);
  return seeOther(c, "/staff/login");
});

// ---- 「職員メニュー」 ---------------------------------------------------------------------------------------

staffRoutes.get(STAFF_HOME, requireStaff(), async (c) => {
  const s = c.var.staff;
  const branchName = (await findBranchName(c.var.db, s.branchId)) ?? "";
  return page(c, {
    title: "職員メニュー",
    main: staffMenuMain({ login: s.login, role: s.role, branchName, csrf: csrfField(c) }).toString(),
  });
});
