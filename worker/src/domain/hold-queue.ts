// R16: a hold's place in its record's queue and the estimated wait (issue 7 item 5). Pure: facts in, words out.
//
// API (other areas may use it; keep it stable):
//   queueLabel({ position, copies })            「予約順位（目安）3番目／所蔵2冊」
//   estimateWait({ position, copies, onShelf })  { kind: "soon" | "weeks" | "months" | "unknown", days?, text }
//                                                text e.g. 「目安：約4週間」 / 「まもなくご用意できます」 / …
//   waitText(facts)                              estimateWait(facts).text
//   PAPER_FORM_NOTE                              the note that paper-form holds can move the order
//   comparePlacement(a, b)                       the queue order itself: placed_at, then id
//
// The position is derived, never stored (R16): among the record's ACTIVE holds (waiting, in_transit, ready),
// ordered by reception time (placed_at: a paper form carries the time the counter received it) and then by id;
// 1 is the front. data/hold-queue.ts computes it in SQL with the same order (ROW_NUMBER() OVER …).
// 所蔵 (copies) counts the record's loanable copies held by in-city libraries that can still reach a patron
// (on the shelf, on loan, in transit, on the hold shelf: not missing, not withdrawn, not reference-only) — the
// copies the queue shares (R11).
//
// The estimate (shown as 目安, never promised):
//   - no such copy: the wait cannot be estimated (kind "unknown");
//   - a copy on the shelf for every hold up to this one (position ≤ onShelf): 「まもなくご用意できます」 (kind "soon");
//   - otherwise the copies serve the queue in rounds of `copies` patrons, each round one loan period:
//       rounds = ceil(position / copies)
//       days   = rounds × LOAN_DAYS + HANDLING_DAYS      (HANDLING_DAYS: transit to the pickup library and shelving)
//     shown in whole weeks, rounded to the nearest (at least 1): 「目安：約4週間」 (3番目／所蔵2冊: 2 × 14 + 3 = 31
//     days ≈ 4 weeks); from 13 weeks on in months (30 days each): 「目安：約4か月」.
//   Returns before the due date, renewals (R31), patrons who do not collect (R21) and paper-form holds entered
//   later with an earlier reception time all move it: the page says it is approximate.
import { LOAN_DAYS } from "./policy.ts";

/** Days a copy spends between one patron's return and the next patron's pickup shelf (transit, shelving). */
export const HANDLING_DAYS = 3;

export interface QueueFacts {
  /** 1-based place among the record's active holds (placed_at, then id). */
  position: number;
  /** Loanable, obtainable copies held in the city. */
  copies: number;
  /** Of those, how many are on the shelf now (available, 貸出可・在架). */
  onShelf: number;
}

export type WaitEstimate =
  | { kind: "unknown"; text: string }
  | { kind: "soon"; text: string }
  | { kind: "weeks"; days: number; weeks: number; text: string }
  | { kind: "months"; days: number; months: number; text: string };

export const WAIT_UNKNOWN_TEXT = "目安：市内に貸出できる所蔵がないため、待ち期間の目安はお出しできません。";
export const WAIT_SOON_TEXT = "目安：書架に資料があるため、まもなくご用意できます。";
/** R16: paper forms enter the queue at their reception time, so the order can change after the fact. */
export const PAPER_FORM_NOTE =
  "予約順位と待ち期間は目安です。窓口の申込書による予約は受付日時の順に加わるため、あとから順位が前後することがあります。返却や貸出延長の状況によっても変わります。";

/** 「予約順位（目安）3番目／所蔵2冊」 */
export function queueLabel(f: Pick<QueueFacts, "position" | "copies">): string {
  return `予約順位（目安）${f.position}番目／所蔵${f.copies}冊`;
}

export function estimateWait(f: QueueFacts): WaitEstimate {
  if (!Number.isInteger(f.position) || f.position < 1) throw new RangeError(`position must be a positive integer: ${f.position}`);
  if (f.copies <= 0) return { kind: "unknown", text: WAIT_UNKNOWN_TEXT };
  if (f.position <= f.onShelf) return { kind: "soon", text: WAIT_SOON_TEXT };
  const rounds = Math.ceil(f.position / f.copies);
  const days = rounds * LOAN_DAYS + HANDLING_DAYS;
  const weeks = Math.max(1, Math.round(days / 7));
  if (weeks >= 13) {
    const months = Math.round(days / 30);
    return { kind: "months", days, months, text: `目安：約${months}か月` };
  }
  return { kind: "weeks", days, weeks, text: `目安：約${weeks}週間` };
}

export function waitText(f: QueueFacts): string {
  return estimateWait(f).text;
}

/** R16: the queue order — reception time, then id (the earlier row first). */
export function comparePlacement(a: { placedAt: number; id: number }, b: { placedAt: number; id: number }): number {
  return a.placedAt - b.placedAt || a.id - b.id;
}
