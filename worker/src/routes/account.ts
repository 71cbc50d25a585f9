// R01–R08, issue 3 items 1, 6–9: the patron's account routes. HTML forms that work without JavaScript (POST,
// then 303 to the next page) and a small JSON API for the islands:
//   GET  /login                 ログイン (next kept: a same-site path only)      POST /login   → 303 next or /account
//   POST /logout                → 303 /
//   GET  /account               「利用者情報メンテナンス」 (patron)
//   GET  /account/password      「パスワード変更」 (patron, a temporary password allowed: R05)   POST → 303 /account
//   GET  /password/apply        「パスワード発行・申請」 (R04, R05, R08)
//   GET  /password/apply/form   「本パスワード申請」                                POST /password/apply → 303 /login
//   GET/POST/DELETE /api/session  who am I / log in (JSON) / log out
// Handlers only read the input, call a service and answer; the rules and their messages live in the services.
import { Hono, type Context } from "hono";
import type { AppEnv } from "../env.ts";
import { AppError } from "../errors.ts";
import { MESSAGES } from "../domain/messages.ts";
import { CSRF_FIELD, csrfField, csrfToken, rotateCsrfCookie } from "../middleware/csrf.ts";
import { deviceCookie, deviceCookieValue, requirePatron, sessionCookie, sessionToken } from "../middleware/session.ts";
import { requestTerminal } from "../middleware/terminal.ts";
import { loginPatron, type LoginPatronResult } from "../services/login.ts";
import { applyPassword, changePassword } from "../services/passwords.ts";
import { terminalOfSession } from "../services/terminals.ts";
import { accountMain, applyFormMain, applyIntroMain, loginMain, noticeCode, passwordChangeMain } from "../views/account.ts";
import { restoreCartAtLogin } from "./cart.ts";
import { asFormError, clientAddress, endSession, formText, page, safeNext, seeOther } from "./support.ts";

export { safeNext } from "./support.ts";

export const accountRoutes = new Hono<AppEnv>();

/**
 * R03, R36 (issue 7 item 8): a browser is an in-library OPAC terminal when it holds an enrolled terminal's device
 * secret (middleware/terminal.ts); its logins get the terminal's short timeouts and no device cookie. The old
 * kiosk start page /login?terminal=CODE makes nothing a terminal any more (typing a code proves nothing): on a
 * browser that is not enrolled it only says how staff enrol the terminal.
 */
async function terminalView<E extends AppEnv>(c: Context<E>, askedAsTerminal: boolean) {
  const { terminal, stale } = await requestTerminal(c);
  return {
    terminal: terminal ? { branchName: terminal.branchName, label: terminal.label } : undefined,
    notEnrolled: !terminal && (stale || askedAsTerminal),
  };
}

/** The cookies a patron login sets: the session, and the device cookie that keeps this browser's allowance (§6). */
function setLoginCookies<E extends AppEnv>(c: Context<E>, result: LoginPatronResult): void {
  c.header("Set-Cookie", sessionCookie(c, result.token, result.expiresAt));
  if (result.deviceCookie) c.header("Set-Cookie", deviceCookie(c, result.deviceCookie), { append: true });
}

/** Where a patron goes after logging in: R05 sends a temporary password straight to 「パスワード変更」. */
function afterLogin(temporary: boolean, next: string): string {
  return temporary ? "/account/password" : next;
}

// ---- ログイン / ログアウト ------------------------------------------------------------------------------

accountRoutes.get("/login", async (c) => {
  const next = safeNext(c.req.query("next"));
  const s = c.get("session");
  if (s?.kind === "patron") return seeOther(c, afterLogin(s.temporary, next));
  return page(c, {
    title: "ログイン",
    shell: "login",
    main: loginMain({ csrf: csrfField(c), next, ...(await terminalView(c, c.req.query("terminal") !== undefined)), notice: noticeCode(c.req.query("notice")) }).toString(),
  });
});

accountRoutes.post("/login", async (c) => {
  const body = await c.req.parseBody();
  const card = formText(body, "card");
  const next = safeNext(formText(body, "next"));
  const { terminal } = await requestTerminal(c);
  try {
    const result = await loginPatron(c.var.db, c.env, {
      card,
      password: formText(body, "password"),
      clientAddress: clientAddress(c),
      terminalId: terminal?.id ?? null,
      previousToken: sessionToken(c),
      deviceCookie: deviceCookieValue(c),
      now: Date.now(),
    });
    setLoginCookies(c, result);
    // Issue 6 item 5: the patron's cart lines come back, merged with what this browser collected.
    await restoreCartAtLogin(c, result.patron.id);
    // A token copied from a page before the login is useless after it.
    await rotateCsrfCookie(c);
    return seeOther(c, afterLogin(result.patron.temporary, next));
  } catch (err) {
    const error = asFormError(err);
    return page(c, {
      title: "ログイン",
      shell: "login",
      refused: err,
      // The card number comes back (the patron need not type it again); the password never does.
      main: loginMain({ csrf: csrfField(c), next, ...(await terminalView(c, false)), card, error }).toString(),
    });
  }
});

accountRoutes.post("/logout", async (c) => {
  await endSession(c);
  // An enrolled OPAC terminal goes back to its start page, ready for the next patron (issue 7 item 8).
  const { terminal } = await requestTerminal(c);
  return seeOther(c, terminal ? "/login?notice=logged_out" : "/");
});

// ---- 「利用者情報メンテナンス」 -----------------------------------------------------------------------------

accountRoutes.get("/account", requirePatron(), async (c) => {
  const s = c.var.patron;
  return page(c, {
    title: "利用者情報メンテナンス",
    main: accountMain({
      name: s.name,
      cardNumber: s.cardNumber,
      csrf: csrfField(c),
      notice: noticeCode(c.req.query("notice")),
      terminal: await terminalOfSession(c.var.db, s.terminalId),
    }).toString(),
  });
});

// ---- 「パスワード変更」 (R05, R06, R07) ---------------------------------------------------------------------

accountRoutes.get("/account/password", requirePatron({ allowTemporary: true }), async (c) => {
  const s = c.var.patron;
  return page(c, {
    title: "パスワード変更",
    main: passwordChangeMain({ csrf: csrfField(c), cardNumber: s.cardNumber, temporary: s.temporary }).toString(),
  });
});

accountRoutes.post("/account/password", requirePatron({ allowTemporary: true }), async (c) => {
  const s = c.var.patron;
  const body = await c.req.parseBody();
  try {
    await changePassword(c.var.db, c.env, {
      patronId: s.patronId,
      currentToken: sessionToken(c),
      current: formText(body, "current"),
      next: formText(body, "next"),
      confirm: formText(body, "confirm"),
      clientAddress: clientAddress(c),
      deviceCookie: deviceCookieValue(c),
      now: Date.now(),
    });
    return seeOther(c, "/account?notice=password_changed");
  } catch (err) {
    const error = asFormError(err);
    return page(c, {
      title: "パスワード変更",
      refused: err,
      main: passwordChangeMain({ csrf: csrfField(c), cardNumber: s.cardNumber, temporary: s.temporary, error }).toString(),
    });
  }
});

// ---- 「パスワード発行・申請」 → 「本パスワード申請」 (R04, R08) -----------------------------------------------------

accountRoutes.get("/password/apply", (c) => page(c, { title: "パスワード発行・申請", main: applyIntroMain().toString() }));

accountRoutes.get("/password/apply/form", (c) =>
  page(c, { title: "本パスワード申請", main: applyFormMain({ csrf: csrfField(c) }).toString() }),
);

accountRoutes.post("/password/apply", async (c) => {
  const body = await c.req.parseBody();
  const values = {
    card: formText(body, "card"),
    birthDate: formText(body, "birthDate"),
    phone: formText(body, "phone"),
    agreed: formText(body, "agreed") !== "",
  };
  try {
    await applyPassword(c.var.db, c.env, {
      ...values,
      password: formText(body, "password"),
      confirm: formText(body, "confirm"),
      clientAddress: clientAddress(c),
      now: Date.now(),
    });
    return seeOther(c, "/login?notice=password_issued");
  } catch (err) {
    const error = asFormError(err);
    return page(c, {
      title: "本パスワード申請",
      refused: err,
      main: applyFormMain({ csrf: csrfField(c), ...values, error }).toString(),
    });
  }
});

// ---- JSON for the islands ---------------------------------------------------------------------------------

accountRoutes.get("/api/session", (c) => {
  c.header("Cache-Control", "no-store");
  const s = c.get("session");
  if (s?.kind !== "patron") return c.json({ patron: null });
  return c.json({ patron: { name: s.name, temporary: s.temporary }, csrf: { name: CSRF_FIELD, token: csrfToken(c) } });
});

accountRoutes.post("/api/session", async (c) => {
  const body: unknown = await c.req.json().catch(() => null);
  if (typeof body !== "object" || body === null) throw new AppError("bad_request", MESSAGES.bad_request);
  const input = body as Record<string, unknown>;
  c.header("Cache-Control", "no-store");
  // A refusal (401, 429 with Retry-After) is the error envelope, from app.onError.
  const result = await loginPatron(c.var.db, c.env, {
    card: typeof input.card === "string" ? input.card : "",
    password: typeof input.password === "string" ? input.password : "",
    clientAddress: clientAddress(c),
    terminalId: (await requestTerminal(c)).terminal?.id ?? null,
    previousToken: sessionToken(c),
    deviceCookie: deviceCookieValue(c),
    now: Date.now(),
  });
  setLoginCookies(c, result);
  await restoreCartAtLogin(c, result.patron.id);
  await rotateCsrfCookie(c);
  c.header("Cache-Control", "no-store");
  return c.json({
    patron: { name: result.patron.name, temporary: result.patron.temporary },
    location: afterLogin(result.patron.temporary, safeNext(input.next)),
  });
});

accountRoutes.delete("/api/session", async (c) => {
  await endSession(c);
  c.header("Cache-Control", "no-store");
  return c.json({ patron: null });
});
