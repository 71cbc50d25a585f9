// R01, R05, R11, R14, R15 (issue 7 item 4): 順番予約 from the 「予約カート」, plain HTML forms that work without JavaScript.
//   GET  /holds/series                 the cart's series (two or more volumes): one → its form; several → choose
//                                      (?series=ID); the form: a 「順番」 number field per volume (default: volume
//                                      order), 「受取館」, 「連絡方法」, 「予約できる残り冊数: n／10」, 「順番予約申込み」.
//                                      Query order-<recordId>, pickup, contact prefill it (the way back from 確認).
//   POST /holds/series/confirm         checks the order and choices (400 with every reason, nothing changed), and the
//                                      group against R11/R14 (409); shows 「第一部上 → 第一部下」 and 「OK」 (the form
//                                      carries an idempotency key) and 「順番を変更する」
//   POST /holds/series                 「OK」: places the group in one guarded D1 batch → 303 /holds/series/groups/<id>;
//                                      a replayed or doubled key → 303 to the first answer; refused → 409, nothing placed
//   GET  /holds/series/groups/:id      the answer: the group's volumes in order with their state (the patron's own
//                                      groups only: any other id is 404)
// Login required (R01: GET → /login?next=… and back), a temporary password sent to 「パスワード変更」 (R05).
import { titleWithVolume } from "../views/forms.ts";
import { Hono, type Context } from "hono";
import type { AppEnv, PatronEnv } from "../env.ts";
import { libraryNow } from "../middleware/clock.ts";
import { AppError, reason, refusal } from "../errors.ts";
import type { SeriesInCart } from "../domain/series-placement.ts";
import { readCookie } from "../middleware/cookies.ts";
import { csrfField } from "../middleware/csrf.ts";
import { requirePatron } from "../middleware/session.ts";
import { isCartKey } from "../services/cart.ts";
import { storedAnswer } from "../data/series-placement.ts";
import {
  cartSeries,
  isSeriesKey,
  newSeriesKey,
  placeSeries,
  readSeriesRequest,
  seriesForm,
  seriesGroup,
  SeriesRefusal,
  type Asker,
} from "../services/series-placement.ts";
import {
  SERIES_TITLE,
  SERIES_DONE_TITLE,
  seriesAnswerMain,
  seriesChooserMain,
  seriesConfirmMain,
  seriesFormMain,
  seriesNoneMain,
  seriesNotFoundMain,
  seriesRefusedMain,
  type FormPrefill,
} from "../views/holds-series.ts";
import { parseRecordId } from "./catalog.ts";
import { asFormError, page, seeOther } from "./support.ts";

export const holdsSeriesRoutes = new Hono<AppEnv>();

function asker(c: Context<PatronEnv>): Asker {
  const cart = readCookie(c, "cart");
  return { patronId: c.var.patron.patronId, cartKey: isCartKey(cart) ? cart : null, terminalId: c.var.patron.terminalId };
}

type Body = Record<string, string | File | (string | File)[]>;

function one(body: Body, name: string): string {
  const v = body[name];
  return typeof v === "string" ? v : "";
}

function many(body: Body, name: string): string[] {
  const v = body[name];
  return (Array.isArray(v) ? v : v === undefined ? [] : [v]).filter((x): x is string => typeof x === "string");
}

/** Record ids as posted (any id that is not a number makes the whole list unreadable: null). */
function recordIds(raw: readonly string[]): number[] | null {
  const ids = raw.map((r) => parseRecordId(r));
  return ids.every((id): id is number => id !== null) ? ids : null;
}

function positionsOf(get: (name: string) => string | undefined, ids: readonly number[]): Map<number, string> {
  return new Map(ids.map((id) => [id, get(`order-${id}`) ?? ""]));
}

function refusedPage(
  c: Context<PatronEnv>,
  err: unknown,
  seriesId?: number,
  titles?: Map<number, string>,
  shelves?: Map<number, { branchName: string; shelfMark: string | null }[]>,
): Promise<Response> {
  const error = asFormError(err);
  const status = err instanceof AppError ? err.status : 400;
  const lines =
    err instanceof SeriesRefusal
      ? err.lines.map((l) => ({ title: titles?.get(l.recordId) ?? String(l.recordId), reasons: l.reasons, shelf: shelves?.get(l.recordId) ?? [] }))
      : undefined;
  const slotsLeft = err instanceof SeriesRefusal && err.reasons.some((r) => r.code === "series_does_not_fit") ? err.slotsLeft : undefined;
  return page(c, { title: SERIES_TITLE, status, main: seriesRefusedMain({ error, lines, slotsLeft, seriesId }).toString() });
}

async function formPage(
  c: Context<PatronEnv>,
  series: SeriesInCart,
  several: boolean,
  opts: { prefill?: FormPrefill; error?: AppError } = {},
): Promise<Response> {
  const form = await seriesForm(c.var.db, asker(c), series);
  return page(c, {
    title: SERIES_TITLE,
    status: opts.error?.status,
    // The shell with the 「上へ」「下へ」 island (site/src/islands/SeriesOrder.tsx); the number fields work without it.
    shell: "holds-series",
    main: seriesFormMain({ form, csrf: csrfField(c), error: opts.error ? asFormError(opts.error) : undefined, prefill: opts.prefill, several }).toString(),
  });
}

function titlesOf(series: SeriesInCart): Map<number, string> {
  return new Map(series.volumes.map((v) => [v.recordId, titleWithVolume(v)]));
}

holdsSeriesRoutes.get("/holds/series", requirePatron(), async (c) => {
  const all = await cartSeries(c.var.db, asker(c));
  const raw = c.req.query("series");
  if (raw === undefined) {
    if (all.length === 0) return page(c, { title: SERIES_TITLE, main: seriesNoneMain().toString() });
    if (all.length > 1) return page(c, { title: SERIES_TITLE, main: seriesChooserMain(all).toString() });
    return formPage(c, all[0]!, false);
  }
  const seriesId = parseRecordId(raw);
  const series = all.find((s) => s.seriesId === seriesId);
  if (!series) return refusedPage(c, refusal("bad_request", [reason("series_choice_invalid")]));
  const pickup = c.req.query("pickup");
  const contact = c.req.query("contact");
  const hasOrder = series.volumes.some((v) => c.req.query(`order-${v.recordId}`) !== undefined);
  const prefill: FormPrefill = {
    positions: hasOrder ? positionsOf((n) => c.req.query(n), series.volumes.map((v) => v.recordId)) : undefined,
    pickup,
    contact,
  };
  return formPage(c, series, all.length > 1, { prefill });
});

holdsSeriesRoutes.post("/holds/series/confirm", requirePatron(), async (c) => {
  const db = c.var.db;
  const a = asker(c);
  const body = (await c.req.parseBody({ all: true })) as Body;
  const seriesId = parseRecordId(one(body, "series"));
  const ids = recordIds(many(body, "recordId"));
  if (seriesId === null || ids === null) return refusedPage(c, refusal("bad_request", [reason("series_request_invalid")]));
  const positions = positionsOf((n) => (typeof body[n] === "string" ? (body[n] as string) : undefined), ids);
  const input = { seriesId, recordIds: ids, positions, pickup: one(body, "pickup"), contact: one(body, "contact") };
  let req: Awaited<ReturnType<typeof readSeriesRequest>>;
  try {
    req = await readSeriesRequest(db, a, input);
  } catch (err) {
    if (!(err instanceof AppError)) throw err;
    const series = (await cartSeries(db, a)).find((s) => s.seriesId === seriesId);
    // A bad order or choice: the form again, as the patron filled it, with every reason.
    if (series && !err.reasons.some((r) => r.code === "series_not_in_cart" || r.code === "series_choice_invalid")) {
      return formPage(c, series, false, { prefill: { positions, pickup: input.pickup, contact: input.contact }, error: err });
    }
    return refusedPage(c, err, series?.seriesId);
  }
  // Said before 「OK」: a group that cannot be placed (R11, R14, already held) is refused here already.
  const form = await seriesForm(db, a, req.series);
  const refusedLines = form.lines.filter((l) => l.reasons.length > 0);
  const doesNotFit = req.volumes.length > form.slotsLeft;
  if (refusedLines.length || doesNotFit) {
    const reasons = [
      ...(refusedLines.length ? [reason("series_volume_refused")] : []),
      ...(doesNotFit ? [reason("hold_limit_reached"), reason("series_does_not_fit")] : []),
    ];
    const err = new SeriesRefusal(reasons, refusedLines.map((l) => ({ recordId: l.recordId, reasons: l.reasons })), form.slotsLeft);
    return refusedPage(c, err, req.series.seriesId, titlesOf(req.series), new Map(refusedLines.map((l) => [l.recordId, l.shelf])));
  }
  return page(c, {
    title: `${SERIES_TITLE}の確認`,
    main: seriesConfirmMain({ req, key: newSeriesKey(), csrf: csrfField(c), slotsLeft: form.slotsLeft }).toString(),
  });
});

holdsSeriesRoutes.post("/holds/series", requirePatron(), async (c) => {
  const db = c.var.db;
  const a = asker(c);
  const body = (await c.req.parseBody({ all: true })) as Body;
  const key = one(body, "key");
  const seriesId = parseRecordId(one(body, "series"));
  const ids = recordIds(many(body, "recordId"));
  if (!isSeriesKey(key) || seriesId === null || ids === null || ids.length === 0) {
    return refusedPage(c, refusal("bad_request", [reason("series_request_invalid")]));
  }
  // A key already used answers its first request's group (a retried or double-clicked 「OK」), whatever else came.
  const replay = async () => (await storedAnswer(db, a.patronId, key))?.groupId ?? null;
  const earlier = await replay();
  if (earlier !== null) return seeOther(c, `/holds/series/groups/${earlier}`);
  let req: Awaited<ReturnType<typeof readSeriesRequest>>;
  try {
    req = await readSeriesRequest(db, a, { seriesId, recordIds: ids, pickup: one(body, "pickup"), contact: one(body, "contact") });
  } catch (err) {
    // An identical 「OK」 may have placed the group (and emptied those cart lines) meanwhile: its answer, then.
    const meanwhile = await replay();
    if (meanwhile !== null) return seeOther(c, `/holds/series/groups/${meanwhile}`);
    return refusedPage(c, err, seriesId);
  }
  try {
    const { groupId } = await placeSeries(db, a, req, key, libraryNow(c));
    return seeOther(c, `/holds/series/groups/${groupId}`);
  } catch (err) {
    if (err instanceof AppError) return refusedPage(c, err, seriesId, titlesOf(req.series));
    throw err;
  }
});

holdsSeriesRoutes.get("/holds/series/groups/:id", requirePatron(), async (c) => {
  const groupId = parseRecordId(c.req.param("id"));
  const group = groupId === null ? null : await seriesGroup(c.var.db, c.var.patron.patronId, groupId);
  if (!group) {
    return page(c, {
      title: SERIES_TITLE,
      status: 404,
      main: seriesNotFoundMain().toString(),
    });
  }
  return page(c, { title: SERIES_DONE_TITLE, main: seriesAnswerMain(group).toString() });
});
