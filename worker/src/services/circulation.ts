// R15, R16, R21, R22, R35 (issue 8 items 1–3): the counter — 「貸出」 checkOut, 「返却」 checkIn, 「到着」 receiveTransit —
// and the R21 expiry job's expireHolds. The shared contract of issue 8 (the console, the demo and the journey call
// these; keep the signatures stable, add rather than change):
//
//   checkOut(db, actor, { cardNumber, barcode, now })   a loan of LOAN_DAYS (14) at the actor's branch; the patron's
//                                                      ready hold on this copy becomes 'fulfilled' in the same batch
//   checkIn(db, actor, { barcode, now })                the open loan (if any) ends; the copy is trapped for the first
//                                                      waiting hold that may take it (domain/trap.ts) — ready here or
//                                                      in transit — else back on the shelf, home, or to the lender
//   receiveTransit(db, actor, { barcode, now })         the transit addressed to the actor's branch is closed: its hold
//                                                      ready, or (hold gone meanwhile / copy going home) trapped again
//   expireHolds(db, { now })                            R21: every ready hold past its shelf day cancelled ('expired')
//                                                      and its copy passed on through the same trap; by state and
//                                                      deadline, in bounded chunks — two runs (or two at once) do what
//                                                      one does, missed days are caught up
//
// Each action: read the facts, decide with the pure rules, write ONE guarded batch (data/circulation.ts). A claim
// that lost a race changed nothing; we read the facts again and decide again (a second scan of a copy already trapped
// answers what happened to it). Refusals are AppErrors with one Japanese message per reason; never a 500.
import { constraintReason, d1Client, type Db } from "../data/db.ts";
import {
  checkInStatements,
  checkoutStatements,
  expireStatements,
  holderOf,
  loadBranches,
  loadCandidates,
  loadCopyFacts,
  loadPatronByCard,
  loanJustMade,
  openLoanCount,
  openTransitOf,
  overdueReadyHolds,
  ownActiveHold,
  readyHoldsAt,
  receiveStatements,
  transitSlip,
  type TransitSlip,
  runClaim,
  type BranchInfo,
  type Candidate,
  type CopyFacts,
  type ReadyFacts,
} from "../data/circulation.ts";
import { loadCalendar } from "../data/calendar.ts";
import { addDays, tokyoDay, type CalendarData, type Day } from "../domain/calendar.ts";
import { checkoutHold, checkoutRefusals, dueDateOf, placeCopy, type CheckoutReason, type Placement } from "../domain/circulation.ts";
import { holdShelfDeadline, shelfCountFrom } from "../domain/hold-shelf.ts";
import { LOAN_LIMIT } from "../domain/policy.ts";
import { chooseHoldForCopy } from "../domain/trap.ts";
import type { ContactMethod, StaffRole } from "../domain/vocabulary.ts";
import { refusal, reason, type ErrorCode } from "../errors.ts";
import type { ReasonCode } from "../domain/messages.ts";

export interface CounterActor {
  staffId: number;
  role: StaffRole;
  /** The branch the counter acts for (c.var.staff.branchId; an admin acts for their own logged-in branch too). */
  branchId: number;
  clientAddress: string | null;
}

export interface CopyView {
  id: number;
  barcode: string;
  title: string;
  volumeLabel: string | null;
  shelfMark: string | null;
}

export interface PatronView {
  id: number;
  cardNumber: string;
  name: string;
}

/** Where the copy went (or already was). */
export type CopyOutcome =
  /** Trapped for a hold picked up here: on the hold shelf until `shelfUntil` (R21). */
  | { kind: "ready"; holdId: number; patron: PatronView; pickupBranch: BranchInfo; shelfUntil: Day }
  /** Trapped for a hold picked up elsewhere: in transit with a slip (transitId). */
  | { kind: "transit"; holdId: number; transitId: number | null; toBranch: BranchInfo; patron: PatronView | null }
  /** No hold takes it: on its own branch's shelf. */
  | { kind: "shelf"; branch: BranchInfo }
  /** No hold takes it, and it belongs elsewhere: in transit home (slip). */
  | { kind: "home"; transitId: number | null; toBranch: BranchInfo }
  /** An ILL copy whose hold is done: back to the library that lent it (withdrawn here). */
  | { kind: "lender" }
  /** Nothing changed: the copy is already on the hold shelf for this hold. */
  | { kind: "on_hold_shelf"; holdId: number; patron: PatronView; pickupBranch: BranchInfo | null; shelfUntil: Day | null };

export interface CheckInAnswer {
  copy: CopyView;
  /** False: 「貸出中ではありませんでした」 (a pick-list capture, or a copy found) — still trapped when a hold waits. */
  wasOnLoan: boolean;
  loan: { id: number; patron: PatronView; dueDate: Day; overdue: boolean } | null;
  /** The scan closed a transit addressed to this branch (checked in where it was going: the same as 「到着」). */
  received: boolean;
  outcome: CopyOutcome;
}

export interface ArrivalAnswer {
  copy: CopyView;
  transitId: number;
  outcome: CopyOutcome;
}

export interface CheckOutAnswer {
  loanId: number;
  patron: PatronView & { openLoans: number; limit: number };
  copy: CopyView;
  dueDate: Day;
  /** R22: the patron's hold this loan filled (now 'fulfilled'), if any. */
  fulfilledHoldId: number | null;
  interLibrary: boolean;
}

const ATTEMPTS = 4;

/** What a scanner (or a person) typed: full-width digits and letters folded (NFKC), spaces dropped. */
export function normalizeCode(raw: string | null | undefined): string {
  return (raw ?? "").normalize("NFKC").replace(/\s+/g, "");
}

function refuse(codes: readonly ReasonCode[]): never {
  const first = codes[0] ?? "bad_request";
  const status: ErrorCode = first === "patron_not_found" || first === "item_not_found" || first === "transit_not_found" ? "not_found" : first === "transit_other_branch" ? "forbidden" : first === "barcode_required" || first === "checkout_card_required" ? "bad_request" : "conflict";
  throw refusal(status, codes.map((c) => reason(c)));
}

function copyView(c: CopyFacts): CopyView {
  return { id: c.id, barcode: c.barcode, title: c.title, volumeLabel: c.volumeLabel, shelfMark: c.shelfMark };
}

function branchOf(branches: Map<number, BranchInfo>, id: number): BranchInfo {
  return branches.get(id) ?? { id, code: "", name: `図書館 ${id}` };
}

/** R21: the deadline and contact day a hold becoming ready today is written with. Phone counts from the ready day
 *  until the call is recorded (contact_date NULL); 連絡不要 counts from the ready day, which is its contact day. */
function readyFacts(calendar: CalendarData, pickupCode: string, contact: ContactMethod, today: Day, patronId: number): ReadyFacts {
  const contactDate = contact === "none" ? today : null;
  // issue 9 notices: R20, R21 — mail counts from the day the notice is due (domain/hold-shelf.ts shelfCountFrom);
  // the send stamps the real contact day (services/mail-notices.ts); a late send moves the deadline later.
  const from = shelfCountFrom({ contact, readyDay: today, contactDay: contactDate });
  const shelfUntil = holdShelfDeadline(calendar, pickupCode, from);
  const mailNotice = contact === "mail" ? { patronId, readyDay: today } : null;
  return { shelfUntil, contactDate, mailNotice };
  // end issue 9 notices
}

/** A lazily loaded calendar (only a copy becoming ready needs it). */
function calendarLoader(db: Db, today: Day): () => Promise<CalendarData> {
  let cached: Promise<CalendarData> | null = null;
  return () => (cached ??= loadCalendar(db, { from: addDays(today, -1) }));
}

/** The trap over the record's waiting holds, and where the copy goes (domain/trap.ts, domain/circulation.ts). */
function decide(copy: { atBranchId: number; homeBranchId: number; illHoldId: number | null }, candidates: readonly Candidate[]): { placement: Placement; hold: Candidate | null } {
  const decision = chooseHoldForCopy({ atBranchId: copy.atBranchId, fetchedForHoldId: copy.illHoldId }, candidates);
  const placement = placeCopy(copy, decision);
  const hold = decision.kind === "shelf" ? null : (candidates.find((c) => c.id === decision.holdId) ?? null);
  return { placement, hold };
}

async function readyFor(db: Db, branches: Map<number, BranchInfo>, calendar: () => Promise<CalendarData>, placement: Placement, hold: Candidate | null, today: Day): Promise<ReadyFacts | null> {
  if (placement.kind !== "ready" || !hold) return null;
  return readyFacts(await calendar(), branchOf(branches, hold.pickupBranchId).code, hold.contact, today, hold.patronId); // issue 9 notices: patronId
}

/** A database backstop fired (a race the guards did not see): try again with fresh facts. Anything else is a bug. */
function retryable(err: unknown): boolean {
  return constraintReason(err) !== null;
}

async function outcomeOf(db: Db, branches: Map<number, BranchInfo>, itemId: number, atBranchId: number, placement: Placement, ready: ReadyFacts | null): Promise<CopyOutcome> {
  switch (placement.kind) {
    case "ready": {
      const h = await holderOf(db, placement.holdId);
      return { kind: "ready", holdId: placement.holdId, patron: { id: h!.patronId, cardNumber: h!.cardNumber, name: h!.name }, pickupBranch: branchOf(branches, atBranchId), shelfUntil: ready!.shelfUntil };
    }
    case "transit": {
      const [t, h] = await Promise.all([openTransitOf(db, itemId), holderOf(db, placement.holdId)]);
      return { kind: "transit", holdId: placement.holdId, transitId: t?.id ?? null, toBranch: branchOf(branches, placement.toBranchId), patron: h ? { id: h.patronId, cardNumber: h.cardNumber, name: h.name } : null };
    }
    case "home": {
      const t = await openTransitOf(db, itemId);
      return { kind: "home", transitId: t?.id ?? null, toBranch: branchOf(branches, placement.toBranchId) };
    }
    case "shelf":
      return { kind: "shelf", branch: branchOf(branches, atBranchId) };
    case "lender":
      return { kind: "lender" };
  }
}

function heldOutcome(copy: CopyFacts, branches: Map<number, BranchInfo>): CopyOutcome {
  const h = copy.allocatedHold!;
  return { kind: "on_hold_shelf", holdId: h.id, patron: { id: h.patronId, cardNumber: h.cardNumber, name: h.name }, pickupBranch: branches.get(h.pickupBranchId) ?? null, shelfUntil: h.shelfUntil };
}

// ---- 「貸出」 ---------------------------------------------------------------------------------------------------------

export async function checkOut(db: Db, actor: CounterActor, input: { cardNumber: string; barcode: string; now: number }): Promise<CheckOutAnswer> {
  const card = normalizeCode(input.cardNumber);
  const barcode = normalizeCode(input.barcode);
  const missing: ReasonCode[] = [];
  if (!card) missing.push("checkout_card_required");
  if (!barcode) missing.push("barcode_required");
  if (missing.length) refuse(missing);
  const today = tokyoDay(input.now);
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const [patron, copy] = await Promise.all([loadPatronByCard(db, card), loadCopyFacts(db, barcode)]);
    const own = patron && copy ? await ownActiveHold(db, patron.id, copy.recordId) : null;
    const facts = {
      patron: patron && { id: patron.id, status: patron.status, openLoans: patron.openLoans },
      item: copy && { id: copy.id, recordId: copy.recordId, status: copy.status, loanable: copy.loanable, illHoldId: copy.illHoldId },
      allocatedHold: copy?.allocatedHold ? { id: copy.allocatedHold.id, patronId: copy.allocatedHold.patronId, status: copy.allocatedHold.status } : null,
      ownHold: own,
    };
    const reasons: CheckoutReason[] = checkoutRefusals(facts);
    if (reasons.length) refuse(reasons);
    const p = patron!;
    const c = copy!;
    const hold = checkoutHold(facts);
    const dueDate = dueDateOf(today);
    const statements = checkoutStatements(db, {
      patronId: p.id,
      itemId: c.id,
      fromStatus: c.status,
      hold,
      branchId: actor.branchId,
      dueDate,
      interLibrary: c.illHoldId !== null,
      now: input.now,
      actor: { staffId: actor.staffId, clientAddress: actor.clientAddress },
      detail: { patronId: p.id, branchId: actor.branchId, dueDate, holdId: hold?.id ?? null },
    });
    let claimed: boolean;
    try {
      claimed = await runClaim(db, statements);
    } catch (err) {
      const why = constraintReason(err);
      if (why?.reason === "loan_limit_reached") refuse(["loan_limit_reached"]);
      if (why) continue;
      throw err;
    }
    if (!claimed) continue; // the facts changed under us: read them again, the refusal will say why
    const loan = await loanJustMade(db, c.id, input.now, actor.staffId);
    if (!loan) continue;
    return {
      loanId: loan.id,
      patron: { id: p.id, cardNumber: p.cardNumber, name: p.name, openLoans: await openLoanCount(db, p.id), limit: LOAN_LIMIT },
      copy: copyView(c),
      dueDate: loan.dueDate,
      fulfilledHoldId: hold?.id ?? null,
      interLibrary: c.illHoldId !== null,
    };
  }
  refuse(["circulation_busy"]);
}

// ---- 「返却」 ---------------------------------------------------------------------------------------------------------

export async function checkIn(db: Db, actor: CounterActor, input: { barcode: string; now: number }): Promise<CheckInAnswer> {
  const barcode = normalizeCode(input.barcode);
  if (!barcode) refuse(["barcode_required"]);
  const today = tokyoDay(input.now);
  const branches = await loadBranches(db);
  const calendar = calendarLoader(db, today);
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const copy = await loadCopyFacts(db, barcode);
    if (!copy) refuse(["item_not_found"]);
    if (copy.status === "withdrawn") refuse(["item_withdrawn"]);
    if (copy.transit || copy.status === "in_transit") {
      // Checked in where it was going: that is its arrival.
      if (copy.transit && copy.transit.toBranchId === actor.branchId) {
        const arrival = await receiveTransit(db, actor, input);
        return { copy: arrival.copy, wasOnLoan: false, loan: null, received: true, outcome: arrival.outcome };
      }
      refuse(["item_in_transit"]);
    }
    if (copy.status === "on_hold_shelf" && copy.allocatedHold) {
      return { copy: copyView(copy), wasOnLoan: false, loan: null, received: false, outcome: heldOutcome(copy, branches) };
    }
    const candidates = (await loadCandidates(db, [copy.recordId])).get(copy.recordId) ?? [];
    const { placement, hold } = decide({ atBranchId: actor.branchId, homeBranchId: copy.homeBranchId, illHoldId: copy.illHoldId }, candidates);
    const ready = await readyFor(db, branches, calendar, placement, hold, today);
    const statements = checkInStatements(db, {
      itemId: copy.id,
      fromStatus: copy.status,
      loanId: copy.loan?.id ?? null,
      atBranchId: actor.branchId,
      placement,
      ready,
      now: input.now,
      actor: { staffId: actor.staffId, clientAddress: actor.clientAddress },
      detail: { branchId: actor.branchId, loanId: copy.loan?.id ?? null, placement },
    });
    try {
      if (!(await runClaim(db, statements))) continue;
    } catch (err) {
      if (retryable(err)) continue;
      throw err;
    }
    return {
      copy: copyView(copy),
      wasOnLoan: copy.loan !== null,
      loan: copy.loan && {
        id: copy.loan.id,
        patron: { id: copy.loan.patronId, cardNumber: copy.loan.cardNumber, name: copy.loan.name },
        dueDate: copy.loan.dueDate,
        overdue: today > copy.loan.dueDate,
      },
      received: false,
      outcome: await outcomeOf(db, branches, copy.id, actor.branchId, placement, ready),
    };
  }
  refuse(["circulation_busy"]);
}

// ---- 「到着」 ---------------------------------------------------------------------------------------------------------

export async function receiveTransit(db: Db, actor: CounterActor, input: { barcode: string; now: number }): Promise<ArrivalAnswer> {
  const barcode = normalizeCode(input.barcode);
  if (!barcode) refuse(["barcode_required"]);
  const today = tokyoDay(input.now);
  const branches = await loadBranches(db);
  const calendar = calendarLoader(db, today);
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const copy = await loadCopyFacts(db, barcode);
    if (!copy) refuse(["item_not_found"]);
    const transit = copy.transit;
    if (!transit) refuse(["transit_not_open"]);
    // A counter receives only what is addressed to its own branch (an admin: their logged-in branch).
    if (transit.toBranchId !== actor.branchId) refuse(["transit_other_branch"]);
    const travelled = copy.allocatedHold && copy.allocatedHold.status === "in_transit" && copy.allocatedHold.id === transit.holdId ? copy.allocatedHold : null;
    let placement: Placement;
    let from: "waiting" | "in_transit";
    let ready: ReadyFacts | null;
    if (travelled) {
      placement = { kind: "ready", holdId: travelled.id };
      from = "in_transit";
      ready = readyFacts(await calendar(), branchOf(branches, actor.branchId).code, travelled.contact, today, travelled.patronId); // issue 9 notices: patronId
    } else {
      // The hold it travelled for was cancelled or filled meanwhile, or the copy comes home: trap it again here.
      const candidates = (await loadCandidates(db, [copy.recordId])).get(copy.recordId) ?? [];
      const decided = decide({ atBranchId: actor.branchId, homeBranchId: copy.homeBranchId, illHoldId: copy.illHoldId }, candidates);
      placement = decided.placement;
      from = "waiting";
      ready = await readyFor(db, branches, calendar, placement, decided.hold, today);
    }
    const statements = receiveStatements(db, {
      transitId: transit.id,
      itemId: copy.id,
      atBranchId: actor.branchId,
      placement,
      from,
      ready,
      now: input.now,
      actor: { staffId: actor.staffId, clientAddress: actor.clientAddress },
      detail: { branchId: actor.branchId, transitId: transit.id, placement },
    });
    try {
      if (!(await runClaim(db, statements))) continue;
    } catch (err) {
      if (retryable(err)) continue;
      throw err;
    }
    return { copy: copyView(copy), transitId: transit.id, outcome: await outcomeOf(db, branches, copy.id, actor.branchId, placement, ready) };
  }
  refuse(["circulation_busy"]);
}

// ---- R21 expiry -----------------------------------------------------------------------------------------------------

/** Holds examined per round trip, and per D1 batch of writes (each hold's group is 3–5 statements). 10,000 ready
 *  holds take about 50 chunks × (1 select + 3 candidate batches + 4 write batches) ≈ 400 D1 calls in one invocation,
 *  well inside a Worker's per-invocation limit. */
const EXPIRY_CHUNK = 200;
const EXPIRY_BATCH = 50;

/**
 * R21: cancel every ready hold whose last shelf day is before today (Tokyo), reason 'expired', and pass its copy on
 * at the pickup branch: the next waiting hold that may take it (ready there, or in transit), else the shelf, home, or
 * the lending library. Selected by state and deadline only, so a missed day is simply caught up and a second run
 * finds nothing; each hold's batch is claimed by its guarded cancel, so two runs at once cancel (and promote) once.
 */
export async function expireHolds(db: Db, input: { now: number }): Promise<{ expired: number; passedOn: number }> {
  const today = tokyoDay(input.now);
  const branches = await loadBranches(db);
  const calendar = await loadCalendar(db, { from: addDays(today, -1) });
  let expired = 0;
  let passedOn = 0;
  // A second pass picks up the holds whose claim lost to a concurrent change (their next hold moved meanwhile).
  for (let pass = 0; pass < 2; pass++) {
    let cursor = 0;
    let missed = 0;
    for (;;) {
      const rows = await overdueReadyHolds(db, today, cursor, EXPIRY_CHUNK);
      if (!rows.length) break;
      cursor = rows[rows.length - 1]!.id;
      const candidates = await loadCandidates(db, rows.map((r) => r.recordId));
      const groups: { statements: D1PreparedStatement[]; passes: boolean }[] = [];
      for (const r of rows) {
        const list = candidates.get(r.recordId) ?? [];
        const { placement, hold } = decide({ atBranchId: r.atBranchId, homeBranchId: r.homeBranchId, illHoldId: r.illHoldId }, list);
        const ready = placement.kind === "ready" && hold ? readyFacts(calendar, branchOf(branches, hold.pickupBranchId).code, hold.contact, today, hold.patronId) : null; // issue 9 notices: patronId
        if (hold) {
          // This chunk's later copies of the record see the hold as taken (and its group's later volumes may follow).
          list.splice(list.indexOf(hold), 1);
          const self = hold.group?.members.find((m) => m.position === hold.group!.position);
          if (self) self.status = placement.kind === "ready" ? "ready" : "in_transit";
        }
        groups.push({
          statements: expireStatements(db, {
            holdId: r.id,
            itemId: r.itemId,
            today,
            atBranchId: r.atBranchId,
            placement,
            ready,
            now: input.now,
            detail: { shelfUntil: r.shelfUntil, placement },
          }),
          passes: placement.kind === "ready" || placement.kind === "transit",
        });
      }
      for (let i = 0; i < groups.length; i += EXPIRY_BATCH) {
        const part = groups.slice(i, i + EXPIRY_BATCH);
        const outcomes = await runExpiryBatch(db, part.map((g) => g.statements));
        outcomes.forEach((ok, j) => {
          if (ok) {
            expired++;
            if (part[j]!.passes) passedOn++;
          } else missed++;
        });
      }
    }
    if (missed === 0) break;
  }
  return { expired, passedOn };
}

/** One D1 batch for several holds' groups (a group whose claim fails writes nothing). When a backstop fires, the
 *  batch rolled back whole: each group is then run on its own, and a group that still fails is left for the next pass. */
async function runExpiryBatch(db: Db, groups: D1PreparedStatement[][]): Promise<boolean[]> {
  const client = d1Client(db);
  try {
    const results = await client.batch(groups.flat());
    const out: boolean[] = [];
    let at = 0;
    for (const g of groups) {
      out.push((results[at]?.meta.changes ?? 0) > 0);
      at += g.length;
    }
    return out;
  } catch (err) {
    if (!retryable(err)) throw err;
    const out: boolean[] = [];
    for (const g of groups) {
      try {
        const [claim] = await client.batch(g);
        out.push((claim?.meta.changes ?? 0) > 0);
      } catch (e) {
        if (!retryable(e)) throw e;
        out.push(false);
      }
    }
    return out;
  }
}

// ---- what the counter screens show beside the scans ------------------------------------------------------------------

export interface CounterPatron {
  patron: PatronView & { suspended: boolean; openLoans: number; limit: number };
  /** The patron's ready holds at this branch: the copies to fetch from the hold shelf. */
  readyHere: { holdId: number; title: string; volumeLabel: string | null; barcode: string | null; shelfUntil: Day | null }[];
}

/** 「貸出」's first scan: the patron by card, their loans n/10 and their ready holds at the actor's branch. */
export async function counterPatron(db: Db, actor: CounterActor, cardNumber: string): Promise<CounterPatron> {
  const card = normalizeCode(cardNumber);
  if (!card) refuse(["checkout_card_required"]);
  const p = await loadPatronByCard(db, card);
  if (!p) refuse(["patron_not_found"]);
  return {
    patron: { id: p.id, cardNumber: p.cardNumber, name: p.name, suspended: p.status !== "active", openLoans: p.openLoans, limit: LOAN_LIMIT },
    readyHere: await readyHoldsAt(db, p.id, actor.branchId),
  };
}

/** The transit slip (搬送票): a counter sees the slips of transits from or to its own branch; an admin any. */
export async function transitSlipFor(db: Db, actor: CounterActor, transitId: number): Promise<TransitSlip> {
  const slip = Number.isSafeInteger(transitId) && transitId > 0 ? await transitSlip(db, transitId) : null;
  if (!slip || (actor.role !== "admin" && slip.fromBranchId !== actor.branchId && slip.toBranchId !== actor.branchId)) refuse(["transit_not_found"]);
  return slip;
}
