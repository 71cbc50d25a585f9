// R33, R34: 「予約状況一覧」 — what a hold's state is called, which holds the list shows, and what the patron may do
// with each online (issue 7 items 6–7). Pure: facts and `now` in, words and decisions out.
//
// API:
//   holdStateWords(status)                「予約中です」 / 「取寄・準備中です」 / 「ご用意できました」 / 「取り消し」 (null: fulfilled)
//   cancelReasonWords(reason)             「ご本人による取消」 / 「取置期限切れ」 / 「図書館による取消」
//   contactWords(contact)                 「メール」 / 「電話」 / 「連絡不要」
//   decideHoldChange(hold)                R34: { ok: true } | { ok: false, reasons } — cancel and the changes of 受取館 and
//                                         連絡方法 are allowed only while waiting and never for an ILL (external) hold
//   allowedHoldActions(hold)              the actions the list offers (all or none, by decideHoldChange)
//   isListed(hold, now)                   R33: active holds, and cancelled ones for CANCELLED_VISIBLE_DAYS Tokyo days
//   listedSinceMs(now)                    the same cut-off as an instant, for SQL (cancelled_at >= it)
//   cancelledVisibleUntil(cancelledAt)    the last Tokyo day a cancelled hold is listed
//   contactLibrarySentence(facts)         R34: where the page says to come or phone, with the number it knows
//
// R33's visibility: a hold cancelled on Tokyo day D is listed through D + CANCELLED_VISIBLE_DAYS (the 14 days after
// the day of cancellation) and gone from the day after. A fulfilled hold (lent) is never listed: 「貸出状況」 shows it.
import { addDays, tokyoDay, tokyoDayStartMs, type Day } from "./calendar.ts";
import { CANCELLED_VISIBLE_DAYS } from "./policy.ts";
import { CHANGEABLE_HOLD_STATUSES, isActiveHoldStatus, type CancelReason, type ContactMethod, type HoldStatus } from "./vocabulary.ts";

export const HOLD_STATE_WORDS = {
  waiting: "予約中です",
  in_transit: "取寄・準備中です",
  ready: "ご用意できました",
  cancelled: "取り消し",
} as const satisfies Partial<Record<HoldStatus, string>>;

export const CANCEL_REASON_WORDS = {
  patron: "ご本人による取消",
  expired: "取置期限切れ",
  staff: "図書館による取消",
} as const satisfies Record<CancelReason, string>;

export const CONTACT_WORDS = { mail: "メール", phone: "電話", none: "連絡不要" } as const satisfies Record<ContactMethod, string>;

export function holdStateWords(status: HoldStatus): string | null {
  return status === "fulfilled" ? null : HOLD_STATE_WORDS[status];
}

export function cancelReasonWords(reason: CancelReason | null): string | null {
  return reason ? CANCEL_REASON_WORDS[reason] : null;
}

export function contactWords(contact: ContactMethod): string {
  return CONTACT_WORDS[contact];
}

export interface ChangeFacts {
  status: HoldStatus;
  /** holds.external: fetched from a library outside the city (ILL). */
  external: boolean;
}

export type HoldChangeReason = "hold_not_changeable" | "hold_external";

export type HoldChangeDecision = { ok: true } | { ok: false; reasons: HoldChangeReason[] };

/** R34: may the patron cancel this hold, or change its 受取館 / 連絡方法, online? Every reason at once. */
export function decideHoldChange(h: ChangeFacts): HoldChangeDecision {
  const reasons: HoldChangeReason[] = [];
  if (!(CHANGEABLE_HOLD_STATUSES as readonly string[]).includes(h.status)) reasons.push("hold_not_changeable");
  if (h.external) reasons.push("hold_external");
  return reasons.length ? { ok: false, reasons } : { ok: true };
}

export type HoldAction = "cancel" | "change_pickup" | "change_contact";

export function allowedHoldActions(h: ChangeFacts): HoldAction[] {
  return decideHoldChange(h).ok ? ["cancel", "change_pickup", "change_contact"] : [];
}

/** R33: the first instant whose cancellations are still listed at `now`. */
export function listedSinceMs(now: number): number {
  return tokyoDayStartMs(addDays(tokyoDay(now), -CANCELLED_VISIBLE_DAYS));
}

/** R33: the last Tokyo day a hold cancelled at `cancelledAt` is listed. */
export function cancelledVisibleUntil(cancelledAt: number): Day {
  return addDays(tokyoDay(cancelledAt), CANCELLED_VISIBLE_DAYS);
}

/** R33: is this hold in 「予約状況一覧」 at `now`? */
export function isListed(h: { status: HoldStatus; cancelledAt: number | null }, now: number): boolean {
  if (isActiveHoldStatus(h.status)) return true;
  if (h.status !== "cancelled" || h.cancelledAt === null) return false;
  return h.cancelledAt >= listedSinceMs(now);
}

export interface ContactLibraryFacts {
  /** The hold's pickup library. */
  pickupName: string;
  pickupPhone: string | null;
  /** The 中央図書館, named when the pickup library's number is not known. */
  centralName: string | null;
  centralPhone: string | null;
}

/**
 * R34 (the guide: 「ご来館時にお申し出いただくか、開館時間内に電話でお問合せください」): the sentence shown where a hold can
 * no longer be cancelled or changed online, with the pickup library's number — or, when that is not known, the
 * 中央図書館's; when neither is known it says to ask the library, without a number.
 */
export function contactLibrarySentence(f: ContactLibraryFacts): string {
  const come = "取消・変更をご希望の場合は、ご来館時にお申し出いただくか、開館時間内にお電話ください";
  if (f.pickupPhone) return `${come}（受取館の${f.pickupName}：電話 ${f.pickupPhone}）。`;
  if (f.centralPhone && f.centralName) return `${come}（${f.centralName}：電話 ${f.centralPhone}）。`;
  return "取消・変更をご希望の場合は、ご来館時にお申し出いただくか、図書館へお問い合わせください。";
}
