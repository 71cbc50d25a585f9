// R01, R05, R11, R14, R15 (issue 7 item 4): 順番予約 from the 「予約カート」. The screens (routes/holds-series.ts) ask
// here for the series the cart holds, the form's facts (each volume's reasons, R14's remaining slots, the 「受取館」
// and 「連絡方法」 choices), check a submission (order, pickup, contact), and place the group: decided over fresh facts
// (domain/series-placement.ts), then written in one guarded D1 batch (data/series-placement.ts), which re-checks
// R14 itself. A replayed or doubled 「OK」 (the same idempotency key) places nothing twice: it answers the first
// request's group.
import { AppError, constraintRefusal, reason, refusal, type Reason } from "../errors.ts";
import {
  choiceRows,
  groupHolds,
  placementRows,
  runSeriesPlacement,
  seriesVolumesInCart,
  storedAnswer,
  type ChoiceRows,
  type GroupHoldRow,
} from "../data/series-placement.ts";
import type { Db } from "../data/db.ts";
import { decideHoldable } from "../domain/holdability.ts";
import { shelfCopiesAtBranch } from "../domain/hold-placement.ts";
import { MESSAGES } from "../domain/messages.ts";
import { HOLD_LIMIT } from "../domain/policy.ts";
import {
  decideSeriesPlacement,
  lineReasons,
  orderFromPositions,
  seriesInCart,
  slotsLeft,
  type SeriesInCart,
  type SeriesLineFacts,
  type SeriesLineReason,
  type SeriesVolume,
} from "../domain/series-placement.ts";
import { CONTACT_METHODS, type ContactMethod } from "../domain/vocabulary.ts";
import { randomKey } from "./tokens.ts";

export type { GroupHoldRow } from "../data/series-placement.ts";

export interface Asker {
  patronId: number;
  cartKey: string | null;
  /** R36: the OPAC terminal of the session (channel 'opac'), or null on the web. */
  terminalId: number | null;
}

/** The series of the cart that 「順番予約」 can take (two or more volumes each); patronId null: an anonymous cart. */
export async function cartSeries(db: Db, a: { cartKey: string | null; patronId: number | null }): Promise<SeriesInCart[]> {
  return seriesInCart(await seriesVolumesInCart(db, a.cartKey, a.patronId));
}

export interface VolumeLine extends SeriesVolume {
  reasons: SeriesLineReason[];
  /** R36: where the copies stand on the terminal branch's shelf (with on_shelf_at_terminal). */
  shelf: { branchName: string; shelfMark: string | null }[];
}

export interface SeriesForm {
  series: SeriesInCart;
  lines: VolumeLine[];
  activeHolds: number;
  slotsLeft: number;
  choices: ChoiceRows;
}

function lineFacts(rows: Awaited<ReturnType<typeof placementRows>>, recordId: number): SeriesLineFacts {
  const items = rows.items.get(recordId) ?? [];
  return {
    recordId,
    holdable: decideHoldable({ items, branches: rows.branches }),
    alreadyHeld: rows.heldRecordIds.has(recordId),
    // Every volume here is one of the patron's cart lines (cartSeries / readSeriesRequest check that).
    inCart: true,
    items,
  };
}

/** The form's facts for one series: each volume with every reason it cannot be held, R14's slots, the choices. */
export async function seriesForm(db: Db, a: Asker, series: SeriesInCart): Promise<SeriesForm> {
  const [rows, choices] = await Promise.all([
    placementRows(db, a.patronId, series.volumes.map((v) => v.recordId), a.terminalId),
    choiceRows(db, a.patronId),
  ]);
  return {
    series,
    lines: series.volumes.map((v) => {
      const facts = lineFacts(rows, v.recordId);
      const reasons = lineReasons(facts, rows.terminalBranchId);
      const shelf =
        rows.terminalBranchId !== null && reasons.includes("on_shelf_at_terminal")
          ? shelfCopiesAtBranch(facts.items, rows.terminalBranchId).map((c) => ({ branchName: rows.branchNames.get(c.branchId) ?? "", shelfMark: c.shelfMark }))
          : [];
      return { ...v, reasons, shelf };
    }),
    activeHolds: rows.activeHolds,
    slotsLeft: slotsLeft(rows.activeHolds, HOLD_LIMIT),
    choices,
  };
}

export interface SeriesRequest {
  series: SeriesInCart;
  /** The volumes in the chosen order. */
  volumes: SeriesVolume[];
  pickupBranchId: number;
  pickupName: string;
  contact: ContactMethod;
  mailAddressId: number | null;
}

const bad = (code: Parameters<typeof reason>[0], field?: string): Reason => reason(code, field);

/**
 * A submission's choices checked against the cart and the patron (whatever the client sent): the series is one of
 * the cart's, every volume named is one of its cart lines and all of them are named, the order is 1..n, the pickup
 * library an in-city pickup branch, the contact one of three (メール only with a mail address). 400 with every reason.
 */
export async function readSeriesRequest(
  db: Db,
  a: Asker,
  input: { seriesId: number | null; recordIds: number[]; positions?: ReadonlyMap<number, string>; pickup: string; contact: string },
): Promise<SeriesRequest> {
  const all = await cartSeries(db, a);
  const series = all.find((s) => s.seriesId === input.seriesId);
  if (!series) throw refusal("bad_request", [bad("series_choice_invalid")]);
  const inCart = new Map(series.volumes.map((v) => [v.recordId, v]));
  const named = new Set(input.recordIds);
  if (input.recordIds.some((id) => !inCart.has(id)) || named.size !== input.recordIds.length) {
    throw refusal("bad_request", [bad("series_not_in_cart")]);
  }
  const reasons: Reason[] = [];
  let volumes: SeriesVolume[] = [];
  if (input.positions) {
    const order = orderFromPositions(series.volumes, input.positions);
    if (order.ok) volumes = order.recordIds.map((id) => inCart.get(id)!);
    else reasons.push(bad(order.reason, "order"));
  } else {
    // The confirmation page's 「OK」 names every volume in the chosen order.
    if (named.size !== series.volumes.length) throw refusal("bad_request", [bad("series_request_invalid")]);
    volumes = input.recordIds.map((id) => inCart.get(id)!);
  }
  const choices = await choiceRows(db, a.patronId);
  const pickup = choices.pickupBranches.find((b) => String(b.id) === input.pickup);
  if (!pickup) reasons.push(bad("series_pickup_invalid", "pickup"));
  const contact = (CONTACT_METHODS as readonly string[]).includes(input.contact) ? (input.contact as ContactMethod) : null;
  if (!contact) reasons.push(bad("hold_contact_invalid", "contact"));
  else if (contact === "mail" && choices.mailAddressId === null) reasons.push(bad("hold_mail_unavailable", "contact"));
  if (reasons.length) throw refusal("bad_request", reasons);
  return {
    series,
    volumes,
    pickupBranchId: pickup!.id,
    pickupName: pickup!.name,
    contact: contact!,
    mailAddressId: contact === "mail" ? choices.mailAddressId : null,
  };
}

/** A fresh idempotency key for the confirmation form. */
export function newSeriesKey(): string {
  return randomKey(24);
}

const KEY_SHAPE = /^[A-Za-z0-9_-]{16,64}$/;
export function isSeriesKey(value: string): boolean {
  return KEY_SHAPE.test(value);
}

/** A refused group: every reason, each volume's own, and the remaining slots (R14). */
export class SeriesRefusal extends AppError {
  readonly lines: { recordId: number; reasons: SeriesLineReason[] }[];
  readonly slotsLeft: number;
  constructor(reasons: Reason[], lines: { recordId: number; reasons: SeriesLineReason[] }[], left: number) {
    super("conflict", reasons[0]?.message ?? MESSAGES.bad_request, reasons);
    this.lines = lines;
    this.slotsLeft = left;
  }
}

async function decideNow(db: Db, a: Asker, recordIds: readonly number[]): Promise<ReturnType<typeof decideSeriesPlacement>> {
  const rows = await placementRows(db, a.patronId, recordIds, a.terminalId);
  return decideSeriesPlacement({
    lines: recordIds.map((id) => lineFacts(rows, id)),
    terminalBranchId: rows.terminalBranchId,
    activeHolds: rows.activeHolds,
    limit: HOLD_LIMIT,
  });
}

/**
 * 「OK」: places the group, or refuses it whole. Returns the group's id — this request's, or, for a key already
 * used, the first request's (`replayed`). Refusals: SeriesRefusal (409) with every reason.
 */
export async function placeSeries(
  db: Db,
  a: Asker,
  req: SeriesRequest,
  key: string,
  now: number,
): Promise<{ groupId: number; replayed: boolean }> {
  const earlier = await storedAnswer(db, a.patronId, key);
  if (earlier?.groupId) return { groupId: earlier.groupId, replayed: true };
  const recordIds = req.volumes.map((v) => v.recordId);
  const decision = await decideNow(db, a, recordIds);
  if (!decision.ok) throw new SeriesRefusal(decision.reasons.map((r) => reason(r)), decision.lines, decision.slotsLeft);
  const nonce = randomKey(12);
  try {
    await runSeriesPlacement(db, {
      patronId: a.patronId,
      key,
      nonce,
      cartKey: a.cartKey,
      recordIds,
      pickupBranchId: req.pickupBranchId,
      contact: req.contact,
      mailAddressId: req.mailAddressId,
      channel: a.terminalId !== null ? "opac" : "web",
      terminalId: a.terminalId,
      now,
      limit: HOLD_LIMIT,
    });
  } catch (err) {
    // A backstop fired (another request placed a hold meanwhile): nothing was written. Say why, with fresh facts.
    const backstop = constraintRefusal(err);
    if (!backstop) throw err;
    const again = await decideNow(db, a, recordIds);
    if (!again.ok) throw new SeriesRefusal(again.reasons.map((r) => reason(r)), again.lines, again.slotsLeft);
    throw new SeriesRefusal(backstop.reasons, [], 0);
  }
  const answer = await storedAnswer(db, a.patronId, key);
  if (answer?.groupId) return { groupId: answer.groupId, replayed: answer.nonce !== nonce };
  // The guards wrote nothing: the group no longer fits (R14: holds placed meanwhile).
  const again = await decideNow(db, a, recordIds);
  if (!again.ok) throw new SeriesRefusal(again.reasons.map((r) => reason(r)), again.lines, again.slotsLeft);
  throw new SeriesRefusal([reason("hold_limit_reached"), reason("series_does_not_fit")], [], 0);
}

/** The answer page: the group's volumes in order with their state (null: no such group of this patron). */
export function seriesGroup(db: Db, patronId: number, groupId: number): Promise<{ seriesTitle: string | null; holds: GroupHoldRow[] } | null> {
  return groupHolds(db, patronId, groupId);
}
