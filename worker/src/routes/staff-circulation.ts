// Issue 8 item 1: the counter (requireStaff; a counter acts for its own branch, c.var.staff.branchId — an admin for
// the branch they logged in at). Plain forms for a barcode scanner; POST renders the answer above a fresh focused
// field (no redirect), every refusal a Japanese message, never a 500. Business time is libraryNow(c).
//   GET/POST /staff/checkout             「貸出」: card first, then item barcodes for that patron (card kept in a hidden
//                                        field, ?card= on GET); loans n/10 and ready holds at this branch beside it
//   GET/POST /staff/checkin              「返却」 (also the pick list's capture)
//   GET/POST /staff/arrival              「到着」
//   GET      /staff/transits/:id/slip    搬送票 (destination, title, barcode, date; print stylesheet in site.css)
import { Hono, type Context } from "hono";
import type { StaffEnv } from "../env.ts";
import { sql } from "drizzle-orm";
import { AppError } from "../errors.ts";
import { libraryNow } from "../middleware/clock.ts";
import { csrfField } from "../middleware/csrf.ts";
import { requireStaff } from "../middleware/session.ts";
import { checkIn, checkOut, counterPatron, receiveTransit, transitSlipFor, type CounterActor, type CounterPatron } from "../services/circulation.ts";
import { formatTokyoDateTime } from "../services/hold-placement.ts";
import { ARRIVAL_TITLE, arrivalMain, CHECKIN_TITLE, checkinMain, CHECKOUT_TITLE, checkoutMain, SLIP_TITLE, slipMain } from "../views/staff-circulation.ts";
import { h, type FormError } from "../views/forms.ts";
import { asFormError, clientAddress, formText, page } from "./support.ts";

export const staffCirculationRoutes = new Hono<StaffEnv>();

function actorOf(c: Context<StaffEnv>): CounterActor {
  const s = c.var.staff;
  return { staffId: s.staffId, role: s.role, branchId: s.branchId, clientAddress: clientAddress(c) };
}

async function branchName(c: Context<StaffEnv>): Promise<string> {
  const [row] = await c.var.db.all<{ name: string }>(sql`SELECT name FROM branches WHERE id = ${c.var.staff.branchId}`);
  return row?.name ?? "この図書館";
}

/** A refusal for the page: the service's AppError; anything else is a bug (and stays one). */
function refusedOf(err: unknown): { error: FormError; status: number } {
  return { error: asFormError(err), status: (err as AppError).status };
}

// ---- 「貸出」 ---------------------------------------------------------------------------------------------------------

async function checkoutPage(c: Context<StaffEnv>, v: { patron: CounterPatron | null; answer?: Awaited<ReturnType<typeof checkOut>>; error?: FormError; status?: number }) {
  return page(c, { title: CHECKOUT_TITLE, status: v.status, main: checkoutMain({ csrf: csrfField(c), branchName: await branchName(c), patron: v.patron, answer: v.answer, error: v.error }).toString() });
}

staffCirculationRoutes.get("/staff/checkout", requireStaff(), async (c) => {
  const card = c.req.query("card") ?? "";
  if (!card) return checkoutPage(c, { patron: null });
  try {
    return checkoutPage(c, { patron: await counterPatron(c.var.db, actorOf(c), card) });
  } catch (err) {
    return checkoutPage(c, { patron: null, ...refusedOf(err) });
  }
});

staffCirculationRoutes.post("/staff/checkout", requireStaff(), async (c) => {
  const body = await c.req.parseBody();
  const cardNumber = formText(body, "cardNumber");
  const barcode = formText(body, "barcode");
  const actor = actorOf(c);
  let patron: CounterPatron;
  try {
    patron = await counterPatron(c.var.db, actor, cardNumber);
  } catch (err) {
    return checkoutPage(c, { patron: null, ...refusedOf(err) });
  }
  if (!barcode.trim()) return checkoutPage(c, { patron });
  try {
    const answer = await checkOut(c.var.db, actor, { cardNumber, barcode, now: libraryNow(c) });
    return checkoutPage(c, { patron: await counterPatron(c.var.db, actor, cardNumber), answer });
  } catch (err) {
    return checkoutPage(c, { patron, ...refusedOf(err) });
  }
});

// ---- 「返却」 「到着」 -------------------------------------------------------------------------------------------------

staffCirculationRoutes.get("/staff/checkin", requireStaff(), async (c) =>
  page(c, { title: CHECKIN_TITLE, main: checkinMain({ csrf: csrfField(c), branchName: await branchName(c) }).toString() }),
);

staffCirculationRoutes.post("/staff/checkin", requireStaff(), async (c) => {
  const body = await c.req.parseBody();
  const name = await branchName(c);
  try {
    const answer = await checkIn(c.var.db, actorOf(c), { barcode: formText(body, "barcode"), now: libraryNow(c) });
    return page(c, { title: CHECKIN_TITLE, main: checkinMain({ csrf: csrfField(c), branchName: name, answer }).toString() });
  } catch (err) {
    const { error, status } = refusedOf(err);
    return page(c, { title: CHECKIN_TITLE, status, main: checkinMain({ csrf: csrfField(c), branchName: name, error }).toString() });
  }
});

staffCirculationRoutes.get("/staff/arrival", requireStaff(), async (c) =>
  page(c, { title: ARRIVAL_TITLE, main: arrivalMain({ csrf: csrfField(c), branchName: await branchName(c) }).toString() }),
);

staffCirculationRoutes.post("/staff/arrival", requireStaff(), async (c) => {
  const body = await c.req.parseBody();
  const name = await branchName(c);
  try {
    const answer = await receiveTransit(c.var.db, actorOf(c), { barcode: formText(body, "barcode"), now: libraryNow(c) });
    return page(c, { title: ARRIVAL_TITLE, main: arrivalMain({ csrf: csrfField(c), branchName: name, answer }).toString() });
  } catch (err) {
    const { error, status } = refusedOf(err);
    return page(c, { title: ARRIVAL_TITLE, status, main: arrivalMain({ csrf: csrfField(c), branchName: name, error }).toString() });
  }
});

// ---- 搬送票 ---------------------------------------------------------------------------------------------------------

staffCirculationRoutes.get("/staff/transits/:id/slip", requireStaff(), async (c) => {
  const id = Number(c.req.param("id"));
  try {
    const slip = await transitSlipFor(c.var.db, actorOf(c), /^\d{1,12}$/.test(c.req.param("id")) ? id : NaN);
    return page(c, { title: SLIP_TITLE, main: slipMain(slip, formatTokyoDateTime(slip.sentAt).replace("T", " ")).toString() });
  } catch (err) {
    const { error, status } = refusedOf(err);
    return page(c, { title: SLIP_TITLE, status, main: h`<h1>${SLIP_TITLE}</h1><p>${error.message}</p><p><a href="/staff/checkin">返却</a></p>`.toString() });
  }
});
