// R12, R14, R16, R32, R34 (issue 8 item 1, ILL): inter-library holds at the counter.
//
//   enterIllHold(db, input)        「リクエスト（予約）申込書」 with 「市外から取り寄せ」: a paper-form hold (channel 'paper',
//                                  placed_at = the reception time, entered_by_staff_id) with external = 1, on a
//                                  catalogue record (by its record id, as the paper form names records) that has NO
//                                  obtainable loanable copy in the city — a record the city holds is held normally.
//                                  The same R14 limit in the guarded INSERT (every channel counts); the same
//                                  idempotent submission (scope holds-paper:<staffId>, the paper form's, so
//                                  services/hold-placement.ts paperAnswer shows its answer). Such a hold can't be
//                                  cancelled or changed online (services/hold-status.ts refuses external holds, R34).
//   illWaiting(db, actor)          「相互貸借資料の受入」: the external holds waiting at the actor's branch for their copy
//   receiveIllItem(db, actor, …)   the borrowed copy arrives: INSERT the item (record = the hold's, branch = the pickup
//                                  branch, loanable, ill_hold_id = the hold, on the shelf), then 「返却」's one trap path
//                                  (services/circulation.ts checkIn) makes the hold ready. Its loan is inter_library
//                                  (set from ill_hold_id at checkout) and so never renewed (R32).
// Arrival acts at the actor's own branch (an admin too): the copy is put on that branch's hold shelf.
import { claimIdempotencyKey, findPatronIdByCard, listPickupBranches, patronPlacementFacts, readIdempotencyKey, recordTitles, storeIdempotentAnswer } from "../data/hold-placement.ts";
import { d1Client, type Db } from "../data/db.ts";
import {
  barcodeExists,
  heldIdByKey,
  illArrivalHold,
  illAuditStatement,
  illHoldInsertStatement,
  illItemInsertStatements,
  illWaitingHolds,
  isHeldInCity,
} from "../data/ill.ts";
import { HOLD_LIMIT } from "../domain/policy.ts";
import { CONTACT_METHODS, type ContactMethod } from "../domain/vocabulary.ts";
import { AppError, reason, refusal, type Reason } from "../errors.ts";
import { MESSAGES, type ReasonCode } from "../domain/messages.ts";
import { isFormKey, parseTokyoDateTime, type PaperForm } from "./hold-placement.ts";
import type { ConsoleActor } from "./staff-console.ts";
import { checkIn, normalizeCode, type CheckInAnswer } from "./circulation.ts";

/** The paper form's idempotency scope (services/hold-placement.ts staffScope): paperAnswer reads the answer there. */
function paperScope(staffId: number): string {
  return `holds-paper:${staffId}`;
}

const ILL_LIST_LIMIT = 200;

/**
 * R12/R14/R16/R34: the ILL paper hold. Bad input → 400 with every reason (nothing changes); a record the city holds →
 * 400 ill_record_held_in_city. Answers the form key whose answer page (/staff/holds/paper/answer) to show.
 */
export async function enterIllHold(
  db: Db,
  input: { staffId: number; clientAddress: string | null; form: PaperForm; now: number },
): Promise<{ formKey: string }> {
  const { form } = input;
  if (!isFormKey(form.formKey)) throw refusal("bad_request", [reason("hold_form_expired")]);
  const scope = paperScope(input.staffId);
  if (await readIdempotencyKey(db, scope, form.formKey)) return { formKey: form.formKey };
  const reasons: Reason[] = [];
  const card = form.cardNumber.trim();
  const cardShape = /^[0-9]{6,16}$/.test(card);
  const patronId = cardShape ? await findPatronIdByCard(db, card) : null;
  if (!cardShape) reasons.push(reason("card_number_invalid", "cardNumber"));
  else if (patronId === null) reasons.push(reason("patron_not_found", "cardNumber"));
  const rawRecord = form.recordId.trim();
  const recordId = /^[1-9][0-9]{0,9}$/.test(rawRecord) ? Number(rawRecord) : null;
  if (recordId === null) reasons.push(reason("hold_lines_invalid", "recordId"));
  const receivedAt = parseTokyoDateTime(form.receivedAt);
  if (receivedAt === null || receivedAt > input.now + 60_000) reasons.push(reason("reception_time_invalid", "receivedAt"));
  const patron = patronId !== null ? await patronPlacementFacts(db, patronId) : null;
  const pickupBranches = await listPickupBranches(db);
  const pickup = /^[1-9][0-9]{0,9}$/.test(form.pickupBranchId) ? pickupBranches.find((b) => b.id === Number(form.pickupBranchId)) : undefined;
  if (!pickup) reasons.push(reason("pickup_not_allowed", "pickupBranchId"));
  const contact = (CONTACT_METHODS as readonly string[]).includes(form.contact) ? (form.contact as ContactMethod) : undefined;
  if (!contact) reasons.push(reason("hold_contact_invalid", "contact"));
  else if (contact === "mail" && patron && patron.mailAddressId === null) reasons.push(reason("hold_mail_unavailable", "contact"));
  if (reasons.length > 0 || !patron || recordId === null || receivedAt === null || !pickup || !contact) throw refusal("bad_request", reasons);
  const titles = await recordTitles(db, [recordId]);
  if (!titles.has(recordId)) throw new AppError("not_found", MESSAGES.record_not_found, [reason("record_not_found", "recordId")]);
  if (await isHeldInCity(db, recordId)) throw refusal("bad_request", [reason("ill_record_held_in_city", "recordId")]);

  if (!(await claimIdempotencyKey(db, scope, form.formKey, input.now))) return { formKey: form.formKey };
  const key = `${form.formKey}:${recordId}`;
  let placed: number | null;
  try {
    await d1Client(db).batch([
      illHoldInsertStatement(db, {
        patronId: patron.patronId,
        recordId,
        pickupBranchId: pickup.id,
        contact,
        mailAddressId: contact === "mail" ? patron.mailAddressId : null,
        placedAt: receivedAt,
        staffId: input.staffId,
        idempotencyKey: key,
        now: input.now,
      }),
      illAuditStatement(db, {
        at: input.now,
        staffId: input.staffId,
        patronId: patron.patronId,
        idempotencyKey: key,
        detail: { formKey: form.formKey, recordId, placedAt: receivedAt, pickupBranchId: pickup.id, contact, external: true },
        clientAddress: input.clientAddress,
      }),
    ]);
    placed = await heldIdByKey(db, patron.patronId, key);
  } catch (err) {
    // Nothing was written (the batch is all or nothing): free the key so that a retry can try again.
    await d1Client(db).prepare("DELETE FROM idempotency_keys WHERE scope = ? AND key = ? AND status = 0").bind(scope, form.formKey).run();
    throw err;
  }
  // Not placed: the guards said no — why, every reason the facts give now.
  const refusedFor: ReasonCode[] = [];
  if (placed === null) {
    const now = await patronPlacementFacts(db, patron.patronId);
    const already = await d1Client(db)
      .prepare("SELECT 1 FROM holds WHERE patron_id = ? AND record_id = ? AND status IN ('waiting','in_transit','ready')")
      .bind(patron.patronId, recordId)
      .first();
    if (already) refusedFor.push("already_held");
    if ((now?.activeHolds ?? HOLD_LIMIT) >= HOLD_LIMIT) refusedFor.push("hold_limit_reached");
    if (await isHeldInCity(db, recordId)) refusedFor.push("ill_record_held_in_city");
    if (refusedFor.length === 0) refusedFor.push("hold_limit_reached");
  }
  // The paper form's stored answer (services/hold-placement.ts StoredAnswer), so that paperAnswer shows it.
  await storeIdempotentAnswer(
    db,
    scope,
    form.formKey,
    JSON.stringify({
      patronId: patron.patronId,
      pickupBranchName: pickup.name,
      contact,
      channel: "paper",
      cardNumber: patron.cardNumber,
      placedAt: receivedAt,
      lines: [{ recordId, placed: placed !== null, reasons: refusedFor, shelf: [] }],
    }),
  );
  return { formKey: form.formKey };
}

export interface IllWaitingHold {
  holdId: number;
  recordId: number;
  title: string;
  volumeLabel: string | null;
  placedAt: number;
  cardNumber: string;
  patronName: string;
}

export async function illWaiting(db: Db, actor: ConsoleActor): Promise<IllWaitingHold[]> {
  return illWaitingHolds(db, actor.branchId, ILL_LIST_LIMIT);
}

function errorText(err: unknown): string {
  const parts: string[] = [];
  for (let e: unknown = err, i = 0; e && i < 5; i++) {
    parts.push(e instanceof Error ? e.message : String(e));
    e = e instanceof Error ? (e as Error & { cause?: unknown }).cause : null;
  }
  return parts.join(" | ");
}

/** A borrowed copy's barcode as staff label it: letters, digits and hyphens, at most 32 (e.g. ILL-0001). */
const ILL_BARCODE = /^[A-Za-z0-9][A-Za-z0-9-]{0,31}$/;

/**
 * R32/R34: the borrowed copy of an ILL hold arrives at the actor's branch (the hold's pickup library). The copy is
 * inserted (guarded: the hold still waiting here, external, no copy yet; the barcode unique), then checked in through
 * 「返却」's one trap path, which makes the hold ready here (R21 deadline) — the copy serves only this hold. A retry
 * after the copy was inserted but before the check-in took (same barcode, still on the shelf here) checks it in.
 */
export async function receiveIllItem(db: Db, actor: ConsoleActor, input: { holdId: number; barcode: string; now: number }): Promise<CheckInAnswer> {
  const barcode = normalizeCode(input.barcode);
  if (!ILL_BARCODE.test(barcode)) throw refusal("bad_request", [reason("ill_barcode_invalid", "barcode")]);
  const hold = await illArrivalHold(db, input.holdId);
  if (!hold || !hold.external || hold.pickupBranchId !== actor.branchId) throw refusal("not_found", [reason("ill_hold_not_found", "holdId")]);
  if (hold.item) {
    const retry = hold.status === "waiting" && hold.item.barcode === barcode && hold.item.status === "on_shelf" && hold.item.currentBranchId === actor.branchId;
    if (!retry) throw refusal("conflict", [reason("ill_already_received", "holdId")]);
  } else {
    if (hold.status !== "waiting") throw refusal("not_found", [reason("ill_hold_not_found", "holdId")]);
    if (await barcodeExists(db, barcode)) throw refusal("conflict", [reason("ill_barcode_taken", "barcode")]);
    try {
      const [insert] = await d1Client(db).batch(
        illItemInsertStatements(db, { holdId: hold.holdId, branchId: actor.branchId, barcode, staffId: actor.staffId, now: input.now, clientAddress: actor.clientAddress }),
      );
      if ((insert?.meta.changes ?? 0) === 0) {
        // Another counter received it (or the hold ended) meanwhile.
        const after = await illArrivalHold(db, input.holdId);
        throw refusal(after?.item ? "conflict" : "not_found", [reason(after?.item ? "ill_already_received" : "ill_hold_not_found", "holdId")]);
      }
    } catch (err) {
      if (err instanceof AppError) throw err;
      // Two counters typing at once: the unique indexes on items (barcode, ill_hold_id) are the backstop.
      const text = errorText(err);
      if (/UNIQUE constraint failed: items\.barcode/.test(text)) throw refusal("conflict", [reason("ill_barcode_taken", "barcode")]);
      if (/UNIQUE constraint failed: items\.ill_hold_id/.test(text)) throw refusal("conflict", [reason("ill_already_received", "holdId")]);
      throw err;
    }
  }
  return checkIn(db, actor, { barcode, now: input.now });
}
