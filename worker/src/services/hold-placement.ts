// 「予約申込」 (issue 7 items 2, 3, 8) and the counter's paper form (item 5): R01, R05, R11, R12, R13, R14, R16, R20,
// R36, R43 when a hold is placed.
//   applyScreen     what the screen shows before submitting: each cart line with its decision, the pickup libraries
//                   (default: the home branch), whether メール can be chosen, 「予約できる残り冊数」 and the lines
//                   that would not fit
//   submitApply     the submission: validated (a bad form changes nothing), then idempotent — the form's key is
//                   claimed in idempotency_keys (scope holds:<patronId>) with INSERT … ON CONFLICT DO NOTHING; only
//                   the first request with a key places anything (one batch of guarded INSERTs, data/hold-placement.ts)
//                   and stores its answer; every other (a retry, a double click, a concurrent copy) answers from
//                   that answer or, while the first is still at work, from the holds that carry the key
//   applyAnswer     the answer page's content: every line placed (with its queue position) or refused (every reason)
//   enterPaperHold  R12/R16: a member of staff enters a paper form — channel 'paper', placed_at = reception time,
//                   entered_by_staff_id, the same R14 guard, an audit row in the same batch
// Channel: 'opac' on an OPAC terminal session (R36), else 'web'. Contact (R20, R43): the application's 「連絡方法」
// and, when it is メール, per hold whether to be told by mail (unticked → that hold's contact is 'none').
import { AppError, reason, refusal, type Reason } from "../errors.ts";
import { listCartLines } from "../data/cart.ts";
import type { Db } from "../data/db.ts";
import {
  claimIdempotencyKey,
  findPatronIdByCard,
  listPickupBranches,
  patronPlacementFacts,
  placedByFormKey,
  placedByKeys,
  placeHolds,
  readIdempotencyKey,
  recordPlacementFacts,
  recordTitles,
  storeIdempotentAnswer,
  terminalBranchId,
  IDEMPOTENCY_DONE,
  paperAuditStatement,
  type PatronPlacementFacts,
  type PickupBranch,
  type PlacedHold,
  type RecordPlacementFacts,
} from "../data/hold-placement.ts";
import { decideHoldable } from "../domain/holdability.ts";
import { decideHoldPlacement, decideLine, type LineDecision, type PlacementLineFacts, type PlacementReason } from "../domain/hold-placement.ts";
import { MESSAGES, type ReasonCode } from "../domain/messages.ts";
import { CART_LIMIT, HOLD_LIMIT } from "../domain/policy.ts";
import { CONTACT_METHODS, type ContactMethod, type HoldChannel } from "../domain/vocabulary.ts";
import { d1Client } from "../data/db.ts";
import { randomKey } from "./tokens.ts";

/** A form's idempotency key: 18 random bytes, base64url (24 characters). */
const FORM_KEY = /^[A-Za-z0-9_-]{24}$/;

export function newFormKey(): string {
  return randomKey(18);
}

export function isFormKey(value: unknown): value is string {
  return typeof value === "string" && FORM_KEY.test(value);
}

export function patronScope(patronId: number): string {
  return `holds:${patronId}`;
}

function staffScope(staffId: number): string {
  return `holds-paper:${staffId}`;
}

function lineKey(formKey: string, recordId: number): string {
  return `${formKey}:${recordId}`;
}

export interface ShelfPlace {
  branchName: string;
  shelfMark: string | null;
}

export interface ScreenLine {
  recordId: number;
  title: string;
  volumeLabel: string | null;
  author: string | null;
  /** Refused for reasons of its own (not the limit): every reason. */
  reasons: ReasonCode[];
  /** R36: where it stands on this branch's shelf. */
  shelf: ShelfPlace[];
  /** Would be placed but for the limit (all lines ticked, in cart order). */
  wouldNotFit: boolean;
}

export interface ApplyScreen {
  formKey: string;
  lines: ScreenLine[];
  remaining: number;
  activeHolds: number;
  pickupBranches: PickupBranch[];
  defaultPickupBranchId: number | null;
  /** R20/R43: メール can be chosen (a confirmed address exists). */
  mailAvailable: boolean;
  /** An address exists but none is confirmed yet (the option says so). */
  mailUnconfirmed: boolean;
  /** R36: on an OPAC terminal (the holds placed here are channel 'opac'). */
  onTerminal: boolean;
}

interface PatronContext {
  patronId: number;
  temporary: boolean;
  terminalId: number | null;
}

function shelfPlaces(record: RecordPlacementFacts | undefined, shelf: { branchId: number; shelfMark: string | null }[]): ShelfPlace[] {
  const names = new Map(record?.items.map((i) => [i.branchId, i.branchName]) ?? []);
  return shelf.map((s) => ({ branchName: names.get(s.branchId) ?? "", shelfMark: s.shelfMark }));
}

function lineFacts(recordId: number, record: RecordPlacementFacts | undefined, inCart: boolean): PlacementLineFacts {
  if (!record) return { recordId, holdable: { ok: false, reasons: ["not_held_in_city"] }, alreadyHeld: false, inCart, items: [] };
  return { recordId, holdable: decideHoldable({ items: record.items, branches: record.branches }), alreadyHeld: record.alreadyHeld, inCart, items: record.items };
}

async function mustPatron(db: Db, patronId: number): Promise<PatronPlacementFacts> {
  const patron = await patronPlacementFacts(db, patronId);
  if (!patron) throw refusal("unauthorized", [reason("login_required")]);
  return patron;
}

/** 「予約申込」 before submitting: every cart line ticked, in cart order. */
export async function applyScreen(db: Db, input: PatronContext & { cartKey: string | null }): Promise<ApplyScreen> {
  const [patron, cart, pickupBranches, terminalBranch] = await Promise.all([
    mustPatron(db, input.patronId),
    listCartLines(db, input.cartKey, input.patronId),
    listPickupBranches(db),
    terminalBranchId(db, input.terminalId),
  ]);
  const records = await recordPlacementFacts(db, input.patronId, cart.map((l) => l.recordId));
  const decision = decideHoldPlacement({
    patron: { temporaryPassword: input.temporary, activeHolds: patron.activeHolds },
    terminalBranchId: terminalBranch,
    cartRequired: true,
    lines: cart.map((l) => lineFacts(l.recordId, records.get(l.recordId), true)),
  });
  const lines = cart.map((l, i): ScreenLine => {
    const d = decision.lines[i]!;
    const own = d.ok ? [] : d.reasons.filter((r) => r !== "hold_limit_reached" || !decision.wouldNotFit.includes(l.recordId));
    return {
      recordId: l.recordId,
      title: l.title,
      volumeLabel: l.volumeLabel,
      author: l.author,
      reasons: own,
      shelf: d.ok ? [] : shelfPlaces(records.get(l.recordId), d.shelf),
      wouldNotFit: decision.wouldNotFit.includes(l.recordId),
    };
  });
  const home = pickupBranches.find((b) => b.id === patron.homeBranchId);
  return {
    formKey: newFormKey(),
    lines,
    remaining: decision.remaining,
    activeHolds: patron.activeHolds,
    pickupBranches,
    defaultPickupBranchId: home?.id ?? pickupBranches[0]?.id ?? null,
    mailAvailable: patron.mailAddressId !== null,
    mailUnconfirmed: patron.mailAddressId === null && patron.hasAnyAddress,
    onTerminal: terminalBranch !== null,
  };
}

// ---- the answer ----------------------------------------------------------------------------------------------

export interface AnswerLine {
  recordId: number;
  title: string;
  volumeLabel: string | null;
  placed: boolean;
  reasons: ReasonCode[];
  shelf: ShelfPlace[];
  /** R16, for a placed line: 「予約順位（目安）N番目」 (live: active holds on the record up to this one). */
  position?: number;
  holdId?: number;
}

export interface PlacementAnswer {
  lines: AnswerLine[];
  pickupBranchName: string;
  contact: ContactMethod;
  channel: HoldChannel;
  /** The submission is still being processed by its first request (only what is placed so far is listed). */
  pending: boolean;
  /** Paper form: the patron's card number and the reception time. */
  cardNumber?: string;
  placedAt?: number;
}

/** What is stored in idempotency_keys.response (positions are computed again when the answer is shown). */
interface StoredAnswer {
  patronId: number;
  lines: Omit<AnswerLine, "position" | "holdId" | "title" | "volumeLabel">[];
  pickupBranchName: string;
  contact: ContactMethod;
  channel: HoldChannel;
  cardNumber?: string;
  placedAt?: number;
}

async function withPositions(db: Db, stored: StoredAnswer, formKey: string): Promise<PlacementAnswer> {
  const placed = await placedByFormKey(db, stored.patronId, formKey);
  const byRecord = new Map(placed.map((p) => [p.recordId, p]));
  const titles = await recordTitles(db, stored.lines.map((l) => l.recordId));
  return {
    ...stored,
    pending: false,
    lines: stored.lines.map((l) => {
      const hold = byRecord.get(l.recordId);
      const t = titles.get(l.recordId);
      return { ...l, title: t?.title ?? "", volumeLabel: t?.volumeLabel ?? null, position: hold?.position, holdId: hold?.holdId };
    }),
  };
}

async function answerFromHolds(db: Db, patronId: number, formKey: string, channel: HoldChannel): Promise<PlacementAnswer> {
  const placed = await placedByFormKey(db, patronId, formKey);
  const titles = await recordTitles(db, placed.map((p) => p.recordId));
  return {
    lines: placed.map((p) => ({
      recordId: p.recordId,
      title: titles.get(p.recordId)?.title ?? "",
      volumeLabel: titles.get(p.recordId)?.volumeLabel ?? null,
      placed: true,
      reasons: [],
      shelf: [],
      position: p.position,
      holdId: p.holdId,
    })),
    pickupBranchName: "",
    contact: placed[0]?.contact ?? "none",
    channel,
    pending: true,
  };
}

/** The answer for a form key in a scope, or null when nothing was ever submitted with it (or it is someone else's). */
async function answerFor(db: Db, scope: string, formKey: string, patronId: number | null, channel: HoldChannel): Promise<PlacementAnswer | null> {
  if (!isFormKey(formKey)) return null;
  const row = await readIdempotencyKey(db, scope, formKey);
  if (!row) return null;
  if (row.status === IDEMPOTENCY_DONE) {
    const stored = JSON.parse(row.response) as StoredAnswer;
    if (patronId !== null && stored.patronId !== patronId) return null;
    return withPositions(db, stored, formKey);
  }
  if (patronId === null) return null;
  return answerFromHolds(db, patronId, formKey, channel);
}

export function applyAnswer(db: Db, input: { patronId: number; formKey: string }): Promise<PlacementAnswer | null> {
  return answerFor(db, patronScope(input.patronId), input.formKey, input.patronId, "web");
}

export function paperAnswer(db: Db, input: { staffId: number; formKey: string }): Promise<PlacementAnswer | null> {
  return answerFor(db, staffScope(input.staffId), input.formKey, null, "paper");
}

// ---- placing -------------------------------------------------------------------------------------------------

interface Placement {
  scope: string;
  formKey: string;
  patron: PatronPlacementFacts;
  temporary: boolean;
  terminalId: number | null;
  terminalBranch: number | null;
  channel: HoldChannel;
  cartKey: string | null;
  cartRequired: boolean;
  /** Requested record ids, in the order slots are given out (cart order). */
  recordIds: number[];
  inCart: Set<number>;
  pickup: PickupBranch;
  contact: ContactMethod;
  /** With contact 'mail': the lines to be told by mail (the rest: 'none'). */
  mailRecordIds: Set<number>;
  placedAt: number;
  enteredByStaffId: number | null;
  audit: { staffId: number; clientAddress: string | null } | null;
  now: number;
}

function lineContact(p: Placement, recordId: number): ContactMethod {
  if (p.contact !== "mail") return p.contact;
  return p.mailRecordIds.has(recordId) ? "mail" : "none";
}

function auditStatement(db: Db, p: Placement, keys: string[]): D1PreparedStatement | null {
  if (!p.audit) return null;
  return paperAuditStatement(db, {
    at: p.now,
    staffId: p.audit.staffId,
    patronId: p.patron.patronId,
    clientAddress: p.audit.clientAddress,
    detail: { formKey: p.formKey, recordIds: p.recordIds, placedAt: p.placedAt, pickupBranchId: p.pickup.id, contact: p.contact },
    keys,
  });
}

/** Decide, write one batch, read back what was placed, and give every line not placed its reasons. */
async function place(db: Db, p: Placement): Promise<StoredAnswer> {
  const records = await recordPlacementFacts(db, p.patron.patronId, p.recordIds);
  const facts = (alreadyHeld: (id: number) => boolean) =>
    p.recordIds.map((id) => {
      const f = lineFacts(id, records.get(id), p.inCart.has(id));
      return { ...f, alreadyHeld: alreadyHeld(id) || f.alreadyHeld };
    });
  const decision = decideHoldPlacement({
    patron: { temporaryPassword: p.temporary, activeHolds: p.patron.activeHolds },
    terminalBranchId: p.terminalBranch,
    cartRequired: p.cartRequired,
    lines: facts(() => false),
  });
  const candidates = decision.lines.filter((l) => l.ok).map((l) => l.recordId);
  const keys = candidates.map((id) => lineKey(p.formKey, id));
  if (candidates.length > 0) {
    const batch = {
      patronId: p.patron.patronId,
      channel: p.channel,
      terminalId: p.channel === "opac" ? p.terminalId : null,
      pickupBranchId: p.pickup.id,
      placedAt: p.placedAt,
      enteredByStaffId: p.enteredByStaffId,
      now: p.now,
      cartKey: p.cartKey,
      lines: candidates.map((id) => ({
        recordId: id,
        contact: lineContact(p, id),
        mailAddressId: lineContact(p, id) === "mail" ? p.patron.mailAddressId : null,
        idempotencyKey: lineKey(p.formKey, id),
      })),
    };
    const audit = auditStatement(db, p, keys);
    await placeHolds(db, batch, audit ? [audit] : []);
  }
  const placed = await placedByKeys(db, p.patron.patronId, keys);
  const placedIds = new Set(placed.map((h) => h.recordId));
  // A candidate the guards skipped: the database's state said no meanwhile. Ask the facts again for its reasons.
  let after: LineDecision[] = decision.lines;
  if (placed.length < candidates.length) {
    const now = await patronPlacementFacts(db, p.patron.patronId);
    const heldNow = await recordPlacementFacts(db, p.patron.patronId, candidates.filter((id) => !placedIds.has(id)));
    const ctx = { terminalBranchId: p.terminalBranch, cartRequired: p.cartRequired, temporaryPassword: p.temporary };
    const full = (now?.activeHolds ?? HOLD_LIMIT) >= HOLD_LIMIT;
    after = decision.lines.map((l) => {
      if (!l.ok || placedIds.has(l.recordId)) return l;
      const f = heldNow.get(l.recordId);
      const own = decideLine(lineFacts(l.recordId, f, p.inCart.has(l.recordId)), ctx);
      const reasons: PlacementReason[] = [...own.reasons];
      if (full || reasons.length === 0) reasons.push("hold_limit_reached");
      return { recordId: l.recordId, ok: false, reasons, shelf: own.shelf };
    });
  }
  return {
    patronId: p.patron.patronId,
    pickupBranchName: p.pickup.name,
    contact: p.contact,
    channel: p.channel,
    ...(p.audit ? { cardNumber: p.patron.cardNumber, placedAt: p.placedAt } : {}),
    lines: after.map((l) => ({
      recordId: l.recordId,
      placed: placedIds.has(l.recordId),
      reasons: l.ok || placedIds.has(l.recordId) ? [] : (l.reasons as ReasonCode[]),
      shelf: l.ok ? [] : shelfPlaces(records.get(l.recordId), l.shelf),
    })),
  };
}

/** Claims the key; the first request places and stores its answer, every other one finds it. */
async function placeOnce(db: Db, p: Placement): Promise<void> {
  if (!(await claimIdempotencyKey(db, p.scope, p.formKey, p.now))) return;
  let answer: StoredAnswer;
  try {
    answer = await place(db, p);
  } catch (err) {
    // Nothing was written (the batch is all or nothing): free the key so that a retry can try again.
    await d1Client(db).prepare("DELETE FROM idempotency_keys WHERE scope = ? AND key = ? AND status <> ?").bind(p.scope, p.formKey, IDEMPOTENCY_DONE).run();
    throw err;
  }
  await storeIdempotentAnswer(db, p.scope, p.formKey, JSON.stringify(answer));
}

// ---- the forms' input ----------------------------------------------------------------------------------------

export interface ApplyForm {
  formKey: string;
  recordIds: readonly string[];
  pickupBranchId: string;
  contact: string;
  mailRecordIds: readonly string[];
}

function parseIds(raw: readonly string[]): number[] | null {
  const out: number[] = [];
  for (const r of raw) {
    if (!/^[1-9][0-9]{0,9}$/.test(r)) return null;
    const n = Number(r);
    if (!Number.isSafeInteger(n)) return null;
    if (!out.includes(n)) out.push(n);
  }
  return out;
}

function isContact(v: string): v is ContactMethod {
  return (CONTACT_METHODS as readonly string[]).includes(v);
}

/** Every problem of the form (none of them changes anything). */
function checkCommon(
  form: { pickupBranchId: string; contact: string },
  pickupBranches: PickupBranch[],
  mailAvailable: boolean,
): { reasons: Reason[]; pickup?: PickupBranch; contact?: ContactMethod } {
  const reasons: Reason[] = [];
  const pickup = /^[1-9][0-9]{0,9}$/.test(form.pickupBranchId) ? pickupBranches.find((b) => b.id === Number(form.pickupBranchId)) : undefined;
  if (!pickup) reasons.push(reason("pickup_not_allowed", "pickupBranchId"));
  const contact = isContact(form.contact) ? form.contact : undefined;
  if (!contact) reasons.push(reason("hold_contact_invalid", "contact"));
  else if (contact === "mail" && !mailAvailable) reasons.push(reason("hold_mail_unavailable", "contact"));
  return { reasons, pickup, contact };
}

/**
 * 「予約申込」 POST. Bad input → AppError 400 (nothing changes, no key is claimed). Otherwise answers the form key
 * whose answer page to show; it is the same for every copy of the submission.
 */
export async function submitApply(db: Db, input: PatronContext & { cartKey: string | null; form: ApplyForm; now: number }): Promise<{ formKey: string }> {
  const { form } = input;
  if (!isFormKey(form.formKey)) throw refusal("bad_request", [reason("hold_form_expired")]);
  // A copy of a submission already made: its answer, whatever else the copy says.
  const scope = patronScope(input.patronId);
  if (await readIdempotencyKey(db, scope, form.formKey)) return { formKey: form.formKey };
  const ids = parseIds(form.recordIds);
  const mailIds = parseIds(form.mailRecordIds);
  const reasons: Reason[] = [];
  if (ids === null || mailIds === null || ids.length > CART_LIMIT) reasons.push(reason("hold_lines_invalid", "recordId"));
  else if (ids.length === 0) reasons.push(reason("hold_lines_none", "recordId"));
  const [patron, cart, pickupBranches, terminalBranch] = await Promise.all([
    mustPatron(db, input.patronId),
    listCartLines(db, input.cartKey, input.patronId),
    listPickupBranches(db),
    terminalBranchId(db, input.terminalId),
  ]);
  const common = checkCommon(form, pickupBranches, patron.mailAddressId !== null);
  reasons.push(...common.reasons);
  if (reasons.length > 0 || !ids || !mailIds || !common.pickup || !common.contact) throw refusal("bad_request", reasons);
  // Slots go out in cart order; a ticked record that is not in the cart comes last (and is refused: not_in_cart).
  const cartOrder = cart.map((l) => l.recordId);
  const ordered = [...cartOrder.filter((id) => ids.includes(id)), ...ids.filter((id) => !cartOrder.includes(id))];
  await placeOnce(db, {
    scope,
    formKey: form.formKey,
    patron,
    temporary: input.temporary,
    terminalId: input.terminalId,
    terminalBranch,
    channel: terminalBranch !== null ? "opac" : "web",
    cartKey: input.cartKey,
    cartRequired: true,
    recordIds: ordered,
    inCart: new Set(cartOrder),
    pickup: common.pickup,
    contact: common.contact,
    mailRecordIds: new Set(mailIds),
    placedAt: input.now,
    enteredByStaffId: null,
    audit: null,
    now: input.now,
  });
  return { formKey: form.formKey };
}

// ---- R12, R16: the counter's paper form ----------------------------------------------------------------------

export interface PaperForm {
  formKey: string;
  cardNumber: string;
  recordId: string;
  pickupBranchId: string;
  contact: string;
  /** Asia/Tokyo 'YYYY-MM-DDTHH:MM' (datetime-local). */
  receivedAt: string;
}

/** 'YYYY-MM-DDTHH:MM' in Asia/Tokyo (UTC+9, no daylight saving) → epoch ms; null if malformed. */
export function parseTokyoDateTime(raw: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/.exec(raw);
  if (!m) return null;
  const [y, mo, d, hh, mi] = m.slice(1).map(Number) as [number, number, number, number, number];
  const ms = Date.UTC(y, mo - 1, d, hh - 9, mi);
  const check = new Date(ms + 9 * 3600_000);
  if (check.getUTCFullYear() !== y || check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== d || check.getUTCHours() !== hh) return null;
  return ms;
}

export function formatTokyoDateTime(ms: number): string {
  return new Date(ms + 9 * 3600_000).toISOString().slice(0, 16);
}

export async function paperFormOptions(db: Db): Promise<{ formKey: string; pickupBranches: PickupBranch[] }> {
  return { formKey: newFormKey(), pickupBranches: await listPickupBranches(db) };
}

/** The paper form's entry: the same guarded insert (R14) as the web, channel 'paper', reception time as placed_at. */
export async function enterPaperHold(
  db: Db,
  input: { staffId: number; clientAddress: string | null; form: PaperForm; now: number },
): Promise<{ formKey: string }> {
  const { form } = input;
  if (!isFormKey(form.formKey)) throw refusal("bad_request", [reason("hold_form_expired")]);
  const scope = staffScope(input.staffId);
  if (await readIdempotencyKey(db, scope, form.formKey)) return { formKey: form.formKey };
  const reasons: Reason[] = [];
  const card = form.cardNumber.trim();
  const patronId = /^[0-9]{6,16}$/.test(card) ? await findPatronIdByCard(db, card) : null;
  if (!/^[0-9]{6,16}$/.test(card)) reasons.push(reason("card_number_invalid", "cardNumber"));
  else if (patronId === null) reasons.push(reason("patron_not_found", "cardNumber"));
  const ids = parseIds([form.recordId.trim()]);
  if (!ids || ids.length !== 1) reasons.push(reason("hold_lines_invalid", "recordId"));
  const receivedAt = parseTokyoDateTime(form.receivedAt);
  if (receivedAt === null || receivedAt > input.now + 60_000) reasons.push(reason("reception_time_invalid", "receivedAt"));
  const patron = patronId !== null ? await patronPlacementFacts(db, patronId) : null;
  const pickupBranches = await listPickupBranches(db);
  const common = checkCommon(form, pickupBranches, patron ? patron.mailAddressId !== null : true);
  reasons.push(...common.reasons);
  if (reasons.length > 0 || !patron || !ids || receivedAt === null || !common.pickup || !common.contact) throw refusal("bad_request", reasons);
  const recordIds = ids;
  const exists = await recordTitles(db, recordIds);
  if (!exists.has(recordIds[0]!)) throw new AppError("not_found", MESSAGES.record_not_found);
  await placeOnce(db, {
    scope,
    formKey: form.formKey,
    patron,
    temporary: false,
    terminalId: null,
    terminalBranch: null,
    channel: "paper",
    cartKey: null,
    cartRequired: false,
    recordIds,
    inCart: new Set(),
    pickup: common.pickup,
    contact: common.contact,
    mailRecordIds: new Set(recordIds),
    placedAt: receivedAt,
    enteredByStaffId: input.staffId,
    audit: { staffId: input.staffId, clientAddress: input.clientAddress },
    now: input.now,
  });
  return { formKey: form.formKey };
}

export type { PlacedHold };
