// R15, R16, R33, R34: 「予約状況一覧」 and its actions, plain HTML forms that work without JavaScript (issue 7 items 4–7):
//   GET  /holds                 the list (requirePatron; R05 temporary password → 「パスワード変更」); ?cancelled=<id> /
//                               ?changed=<id> name what was just done (only a hold of the patron's is ever named)
//   POST /holds/:id/cancel      「取消」. Without `confirm=yes` (the list's button, no JavaScript): a confirmation page
//                               (200) — one more press cancels, a link goes back; with it: ONE guarded UPDATE → 303
//                               /holds?cancelled=<id>
//   POST /holds/:id/change      「変更」 (fields pickupBranchId, contact; either may be left out) → 303 /holds?changed=<id>
// JSON (Accept: application/json, as the HoldList island asks): the same routes answer { hold: { id, status, … } }, or the
// error envelope; `confirm` is then true or "yes". A hold that is not the patron's answers 404 and changes nothing; a
// hold of theirs in another state answers 409 with every reason and the sentence to come or phone its pickup library
// (its number, or the 中央図書館's). Bad ids and fields answer 400. The pages are private (noindex, no-store: page()).
import { titleWithVolume } from "../views/forms.ts";
import { Hono, type Context } from "hono";
import type { AppEnv, PatronEnv } from "../env.ts";
import { libraryNow } from "../middleware/clock.ts";
import { AppError, reason, refusal } from "../errors.ts";
import { csrfField } from "../middleware/csrf.ts";
import { requirePatron } from "../middleware/session.ts";
import { CONTACT_METHODS, type ContactMethod } from "../domain/vocabulary.ts";
import { cancelHold, changeHold, changeRefusal, HoldChangeRefused, listHolds, patronHold } from "../services/hold-status.ts";
import type { HoldRow } from "../data/hold-status.ts";
import { cancelConfirmMain, holdsMain, holdsRefusedMain, HOLDS_TITLE, type HoldsNotice } from "../views/holds.ts";
import { clientAddress, page, parseId, seeOther, wantsJson } from "./support.ts";

export const holdsRoutes = new Hono<AppEnv>();


/** The request's fields, from a no-JS form or a JSON body (anything unreadable is no fields). */
async function fields(c: Context): Promise<Record<string, unknown>> {
  if ((c.req.header("content-type") ?? "").includes("application/json")) {
    try {
      const body: unknown = await c.req.json();
      return body && typeof body === "object" && !Array.isArray(body) ? (body as Record<string, unknown>) : {};
    } catch {
      throw new AppError("bad_request", "送信された内容を読み取れませんでした。", [reason("bad_body")]);
    }
  }
  return (await c.req.parseBody()) as Record<string, unknown>;
}

function text(body: Record<string, unknown>, name: string): string | null {
  const v = body[name];
  if (typeof v === "string") return v.trim();
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  return null;
}

function holdJson(h: HoldRow) {
  return { hold: { id: h.id, status: h.status, cancelReason: h.cancelReason, pickupBranchId: h.pickupBranchId, pickupName: h.pickupName, contact: h.contact } };
}

/** A refusal as a page (HTML) or the error envelope (JSON, through app.onError). */
function refused(c: Context<PatronEnv>, err: unknown): Promise<Response> | Response {
  if (!(err instanceof AppError)) throw err;
  if (wantsJson(c)) {
    const body = err.toJSON();
    const extra = err instanceof HoldChangeRefused ? { contactSentence: err.contactSentence } : {};
    return c.json({ error: { ...body.error, ...extra } }, err.status);
  }
  return page(c, {
    title: HOLDS_TITLE,
    status: err.status,
    main: holdsRefusedMain({
      error: { message: err.message, reasons: err.reasons },
      contactSentence: err instanceof HoldChangeRefused ? err.contactSentence : undefined,
    }).toString(),
  });
}

function badId(c: Context<PatronEnv>) {
  return refused(c, refusal("bad_request", [reason("hold_invalid")]));
}

holdsRoutes.get("/holds", requirePatron(), async (c) => {
  const patron = c.var.patron;
  const list = await listHolds(c.var.db, patron.patronId, libraryNow(c));
  const cancelled = parseId(c.req.query("cancelled"));
  const changed = parseId(c.req.query("changed"));
  const named = list.items.find((i) => i.id === (cancelled ?? changed));
  const notice: HoldsNotice = named
    ? { kind: cancelled !== null ? "cancelled" : "changed", title: titleWithVolume(named) }
    : null;
  if (wantsJson(c)) return c.json(list);
  // The shell with the HoldList island (site/src/islands/HoldList.tsx): 「取消」 without a page reload.
  return page(c, { title: HOLDS_TITLE, main: holdsMain({ list, csrf: csrfField(c), notice }).toString(), shell: "holds" });
});

holdsRoutes.post("/holds/:id/cancel", requirePatron(), async (c) => {
  const holdId = parseId(c.req.param("id"));
  if (holdId === null) return badId(c);
  const patronId = c.var.patron.patronId;
  const db = c.var.db;
  try {
    const body = await fields(c);
    const confirm = text(body, "confirm");
    if (confirm !== "yes" && confirm !== "true") {
      // The list's 「取消」 without JavaScript: ask once more (only for a hold of the patron's that may be cancelled).
      const hold = await patronHold(db, patronId, holdId);
      const refusedChange = await changeRefusal(db, hold);
      if (refusedChange) throw refusedChange;
      if (wantsJson(c)) throw refusal("bad_request", [reason("bad_request")]);
      return page(c, { title: "予約の取消", main: cancelConfirmMain({ hold, csrf: csrfField(c) }).toString() });
    }
    const hold = await cancelHold(db, { patronId, holdId, now: libraryNow(c), clientAddress: clientAddress(c) });
    if (wantsJson(c)) return c.json(holdJson(hold));
    return seeOther(c, `/holds?cancelled=${holdId}`);
  } catch (err) {
    return refused(c, err);
  }
});

holdsRoutes.post("/holds/:id/change", requirePatron(), async (c) => {
  const holdId = parseId(c.req.param("id"));
  if (holdId === null) return badId(c);
  const patronId = c.var.patron.patronId;
  try {
    const body = await fields(c);
    const pickupRaw = text(body, "pickupBranchId");
    const contactRaw = text(body, "contact");
    const reasons = [];
    let pickupBranchId: number | null = null;
    if (pickupRaw) {
      pickupBranchId = parseId(pickupRaw);
      if (pickupBranchId === null) reasons.push(reason("hold_pickup_invalid", "pickupBranchId"));
    }
    let contact: ContactMethod | null = null;
    if (contactRaw) {
      if ((CONTACT_METHODS as readonly string[]).includes(contactRaw)) contact = contactRaw as ContactMethod;
      else reasons.push(reason("hold_contact_invalid", "contact"));
    }
    if (reasons.length) throw refusal("bad_request", reasons);
    const hold = await changeHold(c.var.db, { patronId, holdId, pickupBranchId, contact, now: libraryNow(c), clientAddress: clientAddress(c) });
    if (wantsJson(c)) return c.json(holdJson(hold));
    return seeOther(c, `/holds?changed=${holdId}`);
  } catch (err) {
    return refused(c, err);
  }
});
