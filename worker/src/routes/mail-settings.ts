// R40, R41, R42, R44 (issue 9 items 1, 3, 8): 「メールアドレスの登録・変更・削除」, plain HTML forms that work without
// JavaScript (POST, then 303 back to the page with a notice code), and the public confirmation link:
//   GET  /account/mail                    the page (requirePatron): each address 未確認 / 確認済み, its last mail and
//                                         whether it was sent, refused or is waiting; ?done=<code> names what was done
//   POST /account/mail                    「変更する」 on the empty slot: register (address, password[, keep])
//   POST /account/mail/preferences        the opt-in reminders (dueReminder, shelfReminder)
//   POST /account/mail/:id                op=change (address, password[, keep]) or op=delete, then 「確認」
//   POST /account/mail/:id/resend         「確認メールを再送」 (an unconfirmed address)
//   POST /account/mail/:id/test           「テストメールを送信」 (a confirmed address; TEST_MAIL_INTERVAL_MS)
//   GET  /mail/confirm?token=…            public: 「確認する」 (a GET changes nothing: mail scanners open links)
//   POST /mail/confirm                    public: the token used (single use, expiring) → the confirmed page
// JSON (Accept: application/json, as the MailSettings island asks, with a JSON body): GET answers the settings; a
// POST answers { done, addressId? }, { warned: { address, warnings } } (R42: nothing written), or the error
// envelope. Another patron's address answers 404 exactly like one that does not exist, and changes nothing. Every
// form carries the CSRF token (middleware/csrf.ts checks it before routing). After writing mail the patron waits
// for, the route kicks the outbox (services/mail-outbox.ts kickOutbox).
import { Hono, type Context } from "hono";
import type { AppEnv, PatronEnv } from "../env.ts";
import { AppError, reason, refusal, retryAfterOf } from "../errors.ts";
import { libraryNow } from "../middleware/clock.ts";
import { csrfField } from "../middleware/csrf.ts";
import { deviceCookieValue, requirePatron } from "../middleware/session.ts";
import { kickOutbox } from "../services/mail-outbox.ts";
import {
  addAddress,
  changeAddress,
  confirmMailAddress,
  deleteAddress,
  isLinkToken,
  mailSettings,
  resendConfirmation,
  savePreferences,
  sendTestMail,
  TestMailTooSoon,
  type AddressOutcome,
} from "../services/mail-settings.ts";
import {
  confirmedMain,
  confirmMain,
  confirmRefusedMain,
  MAIL_CONFIRM_TITLE,
  MAIL_TITLE,
  mailNoticeCode,
  mailSettingsMain,
  timeWords,
  type MailFormState,
  type MailNoticeCode,
} from "../views/mail-settings.ts";
import { clientAddress, page, parseId, seeOther, wantsJson } from "./support.ts";

export const mailSettingsRoutes = new Hono<AppEnv>();

/** The fields of a form post or of the island's JSON body, as strings; anything unreadable is empty. */
async function fields(c: Context): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  try {
    const type = c.req.header("content-type") ?? "";
    const body: unknown = type.includes("application/json") ? await c.req.json() : await c.req.parseBody();
    if (body && typeof body === "object") {
      for (const [k, v] of Object.entries(body as Record<string, unknown>)) {
        if (typeof v === "string") out[k] = v.slice(0, 1000);
        else if (typeof v === "boolean") out[k] = v ? "1" : "";
      }
    }
  } catch {
    // A body that cannot be read is an empty form: the service says what is missing.
  }
  return out;
}

const mailWords = (c: Context<PatronEnv>) => ({ domain: c.env.MAIL_DOMAIN, from: c.env.MAIL_FROM });

async function settingsPage(c: Context<PatronEnv>, opts: { notice?: MailNoticeCode; form?: MailFormState; status?: number; refused?: unknown }) {
  const settings = await mailSettings(c.var.db, c.var.patron.patronId);
  const res = await page(c, {
    title: MAIL_TITLE,
    shell: "mail",
    status: opts.status,
    refused: opts.refused,
    main: mailSettingsMain({ settings, csrf: csrfField(c), now: libraryNow(c), mail: mailWords(c), notice: opts.notice, form: opts.form }).toString(),
  });
  if (opts.refused instanceof TestMailTooSoon) res.headers.set("Retry-After", String(opts.refused.retryAfterSeconds));
  return res;
}

/** A refusal: the page with the form as it was filled and every reason (HTML), or the error envelope (JSON). */
async function refused(c: Context<PatronEnv>, err: unknown, form: MailFormState | undefined) {
  if (!(err instanceof AppError)) throw err;
  if (wantsJson(c)) {
    const retryAfter = err instanceof TestMailTooSoon ? String(err.retryAfterSeconds) : retryAfterOf(err);
    if (retryAfter) c.header("Retry-After", retryAfter);
    return c.json({ ...err.toJSON(), ...(err instanceof TestMailTooSoon ? { availableAt: err.availableAt } : {}) }, err.status);
  }
  const error = { message: err.message, reasons: err.reasons };
  return settingsPage(c, { form: form ? { ...form, error } : { form: "new", value: "", error }, status: err.status, refused: err });
}

function done(c: Context<PatronEnv>, code: MailNoticeCode, addressId?: number) {
  if (wantsJson(c)) return c.json({ done: code, ...(addressId !== undefined ? { addressId } : {}) });
  return seeOther(c, `/account/mail?done=${code}`);
}

/** 「変更する」's answer: saved (→ the page with its notice), or R42's warnings (nothing written; keep to register). */
function answered(c: Context<PatronEnv>, outcome: AddressOutcome, form: MailFormState, code: "added" | "changed") {
  if (outcome.kind === "saved") {
    kickOutbox(c);
    return done(c, code, outcome.addressId);
  }
  if (outcome.kind === "unchanged") return done(c, "unchanged", outcome.addressId);
  if (wantsJson(c)) return c.json({ warned: { address: outcome.address, warnings: outcome.warnings } });
  return settingsPage(c, { form: { ...form, value: outcome.address, warnings: outcome.warnings } });
}

function badId(c: Context<PatronEnv>) {
  return refused(c, refusal("not_found", [reason("mail_address_not_found")]), undefined);
}

mailSettingsRoutes.get("/account/mail", requirePatron(), async (c) => {
  if (wantsJson(c)) {
    c.header("Cache-Control", "no-store");
    const s = await mailSettings(c.var.db, c.var.patron.patronId);
    return c.json({ ...s, mail: mailWords(c) });
  }
  return settingsPage(c, { notice: mailNoticeCode(c.req.query("done")) });
});

mailSettingsRoutes.post("/account/mail", requirePatron(), async (c) => {
  const f = await fields(c);
  const form: MailFormState = { form: "new", value: f.address ?? "", op: "change" };
  try {
    const outcome = await addAddress(c.var.db, c.env, {
      patronId: c.var.patron.patronId,
      address: f.address ?? "",
      password: f.password ?? "",
      keep: f.keep === "1" || f.keep === "on" || f.keep === "true",
      clientAddress: clientAddress(c),
      deviceCookie: deviceCookieValue(c),
      now: libraryNow(c),
    });
    return answered(c, outcome, form, "added");
  } catch (err) {
    return refused(c, err, form);
  }
});

mailSettingsRoutes.post("/account/mail/preferences", requirePatron(), async (c) => {
  const f = await fields(c);
  const on = (v: string | undefined) => v === "1" || v === "on" || v === "true";
  await savePreferences(c.var.db, { patronId: c.var.patron.patronId, dueReminder: on(f.dueReminder), shelfReminder: on(f.shelfReminder), now: libraryNow(c) });
  return done(c, "prefs");
});

mailSettingsRoutes.post("/account/mail/:id", requirePatron(), async (c) => {
  const addressId = parseId(c.req.param("id"));
  if (addressId === null) return badId(c);
  const f = await fields(c);
  const op = f.op === "change" || f.op === "delete" ? f.op : undefined;
  const form: MailFormState = { form: addressId, value: f.address ?? "", op };
  const patronId = c.var.patron.patronId;
  try {
    if (op === "delete") {
      await deleteAddress(c.var.db, c.env, { patronId, addressId, now: libraryNow(c), clientAddress: clientAddress(c) });
      kickOutbox(c);
      return done(c, "deleted");
    }
    if (op !== "change") {
      // Say nothing about an address that is not the patron's: the same 404 as a missing one.
      const mine = (await mailSettings(c.var.db, patronId)).addresses.some((a) => a.id === addressId);
      throw mine ? refusal("bad_request", [reason("mail_operation_required", "op")]) : refusal("not_found", [reason("mail_address_not_found")]);
    }
    const outcome = await changeAddress(c.var.db, c.env, {
      patronId,
      addressId,
      address: f.address ?? "",
      password: f.password ?? "",
      keep: f.keep === "1" || f.keep === "on" || f.keep === "true",
      clientAddress: clientAddress(c),
      deviceCookie: deviceCookieValue(c),
      now: libraryNow(c),
    });
    return answered(c, outcome, form, "changed");
  } catch (err) {
    return refused(c, err, err instanceof AppError && err.code === "not_found" ? undefined : form);
  }
});

mailSettingsRoutes.post("/account/mail/:id/resend", requirePatron(), async (c) => {
  const addressId = parseId(c.req.param("id"));
  if (addressId === null) return badId(c);
  try {
    await resendConfirmation(c.var.db, c.env, { patronId: c.var.patron.patronId, addressId, now: libraryNow(c) });
    kickOutbox(c);
    return done(c, "resent", addressId);
  } catch (err) {
    return refused(c, err, undefined);
  }
});

mailSettingsRoutes.post("/account/mail/:id/test", requirePatron(), async (c) => {
  const addressId = parseId(c.req.param("id"));
  if (addressId === null) return badId(c);
  try {
    await sendTestMail(c.var.db, c.env, { patronId: c.var.patron.patronId, addressId, now: libraryNow(c), formatTime: timeWords });
    kickOutbox(c);
    return done(c, "test", addressId);
  } catch (err) {
    return refused(c, err, undefined);
  }
});

// ---- the confirmation link (R41; public: the token is the proof) ----------------------------------------------

function confirmRefused(c: Context<AppEnv>, err: unknown) {
  if (!(err instanceof AppError)) throw err;
  if (wantsJson(c)) return c.json(err.toJSON(), err.status);
  return page(c, { title: MAIL_CONFIRM_TITLE, status: err.status, main: confirmRefusedMain({ error: { message: err.message, reasons: err.reasons } }).toString() });
}

mailSettingsRoutes.get("/mail/confirm", (c) => {
  const token = c.req.query("token");
  // A link that is not one of ours is said at once; whether a well-formed one still works is said at 「確認する」.
  if (!isLinkToken(token)) return confirmRefused(c, refusal("not_found", [reason("mail_link_invalid")]));
  // The token stays out of Referer headers of anything this page loads (Referrer-Policy is same-origin already).
  return page(c, { title: MAIL_CONFIRM_TITLE, main: confirmMain({ token, csrf: csrfField(c) }).toString() });
});

mailSettingsRoutes.post("/mail/confirm", async (c) => {
  const f = await fields(c);
  try {
    await confirmMailAddress(c.var.db, { token: f.token ?? "", now: libraryNow(c), clientAddress: clientAddress(c) });
    if (wantsJson(c)) return c.json({ confirmed: true });
    return page(c, { title: MAIL_CONFIRM_TITLE, main: confirmedMain({ loggedIn: c.get("session")?.kind === "patron" }).toString() });
  } catch (err) {
    return confirmRefused(c, err);
  }
});
