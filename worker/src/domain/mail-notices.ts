// R20, R21, R43, R44 (issue 9 items 5, 6): the notices — when each is due, whether it still holds when its turn comes,
// and its text. Pure: the facts and `today` are passed in (services/mail-notices.ts reads them; data/mail-notices.ts
// writes). Catalogue text (titles, volume labels) is untrusted: every line goes through mail/text.ts oneLine, so a
// title with CR/LF cannot add a header or a line, and the mail is plain text (no markup is ever interpreted).
import { oneLine, plainBody } from "../mail/text.ts";
import { addDays, tokyoDayStartMs, weekdayOf, type Day } from "./calendar.ts";
import { DUE_REMINDER_DAYS_BEFORE, READY_NOTICE_HOUR } from "./policy.ts";
import type { ContactMethod, HoldStatus } from "./vocabulary.ts";

const HOUR_MS = 3_600_000;

/** READY_NOTICE_HOUR:00 Asia/Tokyo on `day` (ms): the hour the library's notices of that day go from. */
export function noticeHourOf(day: Day): number {
  return tokyoDayStartMs(day) + READY_NOTICE_HOUR * HOUR_MS;
}

/** R20: a hold that became ready on `readyDay` is announced on the next day (用意できた日の翌日), from READY_NOTICE_HOUR. */
export function readyNoticeDueAt(readyDay: Day): number {
  return noticeHourOf(readyNoticeDay(readyDay));
}

/** R20: the day the ready notice is meant to go — and so (R21) the contact day the hold's deadline is first counted from. */
export function readyNoticeDay(readyDay: Day): Day {
  return addDays(readyDay, 1);
}

/** Issue 9 item 6: 「返却期限のお知らせ」 is meant for DUE_REMINDER_DAYS_BEFORE days before the due date. */
export function dueReminderDay(dueDate: Day): Day {
  return addDays(dueDate, -DUE_REMINDER_DAYS_BEFORE);
}

/** Issue 9 item 6: the shelf reminder is meant for the day before a ready hold's last day on the hold shelf. */
export function shelfReminderDay(shelfUntil: Day): Day {
  return addDays(shelfUntil, -1);
}

// ---- event keys (mail_outbox.dedupe_key; COMMON contract) --------------------------------------------------------

export function readyNoticePrefix(holdId: number): string {
  return `hold-ready:${holdId}`;
}

/** `due-reminder:{loanId}:{dueDate}` + `:{addressId}` (added per address by the enqueue statement). */
export function dueReminderPrefix(loanId: number, dueDate: Day): string {
  return `due-reminder:${loanId}:${dueDate}`;
}

export function shelfReminderPrefix(holdId: number, shelfUntil: Day): string {
  return `shelf-reminder:${holdId}:${shelfUntil}`;
}

/** The day a reminder's key was written for (the due date or the shelf day it announced), or null when not a reminder key. */
export function reminderKeyDay(eventKey: string): Day | null {
  const m = /^(?:due|shelf)-reminder:\d+:(\d{4}-\d{2}-\d{2}):\d+$/.exec(eventKey);
  return m ? m[1]! : null;
}

// ---- what still holds when the turn comes ------------------------------------------------------------------------

export type NoticeDecision = { ok: true } | { ok: false; reasons: CancelReason[] };

/** Why a notice is not sent (mail_outbox.last_error of the cancelled row). */
export type CancelReason =
  | "hold_missing"
  | "hold_not_ready"
  | "hold_other_patron"
  | "contact_not_mail"
  | "shelf_day_changed"
  | "shelf_day_passed"
  | "loan_missing"
  | "loan_returned"
  | "loan_other_patron"
  | "due_date_changed"
  | "due_date_passed"
  | "reminder_off"
  | "key_unreadable";

export interface HoldNoticeFacts {
  id: number;
  patronId: number;
  status: HoldStatus;
  contact: ContactMethod;
  contactDate: Day | null;
  shelfUntil: Day | null;
}

function decision(reasons: CancelReason[]): NoticeDecision {
  return reasons.length ? { ok: false, reasons } : { ok: true };
}

/** R20, R43: the ready notice goes only while the hold is still ready (not picked up, cancelled or expired), with mail chosen. */
export function readyNoticeDecision(hold: HoldNoticeFacts | null, row: { patronId: number | null }): NoticeDecision {
  if (!hold) return decision(["hold_missing"]);
  const reasons: CancelReason[] = [];
  if (hold.status !== "ready") reasons.push("hold_not_ready");
  if (row.patronId !== hold.patronId) reasons.push("hold_other_patron");
  if (hold.contact !== "mail") reasons.push("contact_not_mail");
  return decision(reasons);
}

/** The shelf reminder goes while the hold is ready with the very deadline it was written for, not yet passed, and opted in. */
export function shelfReminderDecision(hold: HoldNoticeFacts | null, row: { patronId: number | null; keyDay: Day | null }, f: { today: Day; optedIn: boolean }): NoticeDecision {
  if (row.keyDay === null) return decision(["key_unreadable"]);
  if (!hold) return decision(["hold_missing"]);
  const reasons: CancelReason[] = [];
  if (hold.status !== "ready") reasons.push("hold_not_ready");
  if (row.patronId !== hold.patronId) reasons.push("hold_other_patron");
  if (hold.shelfUntil !== row.keyDay) reasons.push("shelf_day_changed");
  else if (f.today > hold.shelfUntil) reasons.push("shelf_day_passed");
  if (!f.optedIn) reasons.push("reminder_off");
  return decision(reasons);
}

export interface LoanNoticeFacts {
  id: number;
  patronId: number;
  dueDate: Day;
  returned: boolean;
}

/** 「返却期限のお知らせ」 goes while the loan is open with the due date it was written for (a renewal moves it), not yet passed. */
export function dueReminderDecision(loan: LoanNoticeFacts | null, row: { patronId: number | null; keyDay: Day | null }, f: { today: Day; optedIn: boolean }): NoticeDecision {
  if (row.keyDay === null) return decision(["key_unreadable"]);
  if (!loan) return decision(["loan_missing"]);
  const reasons: CancelReason[] = [];
  if (loan.returned) reasons.push("loan_returned");
  if (row.patronId !== loan.patronId) reasons.push("loan_other_patron");
  if (loan.dueDate !== row.keyDay) reasons.push("due_date_changed");
  else if (f.today > loan.dueDate) reasons.push("due_date_passed");
  if (!f.optedIn) reasons.push("reminder_off");
  return decision(reasons);
}

// ---- the text ----------------------------------------------------------------------------------------------------

const WEEKDAYS = ["日", "月", "火", "水", "木", "金", "土"] as const;

/** 2026-12-10 → 「2026年12月10日（木）」. */
export function dayInJapanese(day: Day): string {
  const [y, m, d] = day.split("-").map(Number);
  return `${y}年${m}月${d}日（${WEEKDAYS[weekdayOf(day)]}）`;
}

export interface MailText {
  subject: string;
  text: string;
}

export interface NoticeSite {
  /** The site's origin (SITE_ORIGIN), e.g. https://toshokan.example.jp — R44: every notice carries the site's URL. */
  siteOrigin: string;
  /** The library's name (LIBRARY_NAME), signed under every notice. */
  libraryName: string;
}

export interface ItemWords {
  title: string;
  volumeLabel: string | null;
}

/** Subject lines stay short: carriers' phones cut long ones, and a title can be very long. */
const SUBJECT_MAX = 80;
const LINE_MAX = 200;

function titleLine(item: ItemWords): string {
  const volume = item.volumeLabel ? oneLine(item.volumeLabel, 40) : "";
  return oneLine(volume ? `${item.title} ${volume}` : item.title, LINE_MAX);
}

function url(site: NoticeSite, path: string): string {
  // SITE_ORIGIN is configuration, not patron or catalogue text; still one line, and without a trailing slash.
  return oneLine(site.siteOrigin, LINE_MAX).replace(/\/+$/, "") + path;
}

function signed(site: NoticeSite, lines: string[]): string {
  const library = oneLine(site.libraryName, LINE_MAX);
  return plainBody(
    [
      ...lines,
      "",
      "このメールは送信専用のアドレスから自動で送信しています。返信はできません。",
      "お心当たりのない場合は、お手数ですが図書館までお問い合わせください。",
      "",
      library,
      "",
    ].join("\n"),
  );
}

function subject(site: NoticeSite, what: string, item: ItemWords): string {
  return oneLine(`【${site.libraryName}】${what}：${titleLine(item)}`, SUBJECT_MAX);
}

/** R20, R21, R44: the ready notice — the title, the pickup library, 「お取り置き期限」 counted from today, the site's URL. */
export function readyNoticeText(site: NoticeSite, f: { item: ItemWords; pickupName: string; shelfUntil: Day }): MailText {
  return {
    subject: subject(site, "予約資料のご用意ができました", f.item),
    text: signed(site, [
      "ご予約の資料のご用意ができました。",
      "図書館カードをお持ちのうえ、受取館でお受け取りください。",
      "",
      `資料名: ${titleLine(f.item)}`,
      `受取館: ${oneLine(f.pickupName, LINE_MAX)}`,
      `お取り置き期限: ${dayInJapanese(f.shelfUntil)}`,
      "（期限を過ぎると、予約は取り消しになります。休館日は数えません。）",
      "",
      "予約状況一覧:",
      url(site, "/holds"),
    ]),
  };
}

/** Issue 9 item 6: the day before a ready hold's last day (or that day itself, when a missed night is caught up). */
export function shelfReminderText(site: NoticeSite, f: { item: ItemWords; pickupName: string; shelfUntil: Day; today: Day }): MailText {
  const when = f.today === f.shelfUntil ? "本日" : f.today === addDays(f.shelfUntil, -1) ? "明日" : dayInJapanese(f.shelfUntil);
  return {
    subject: subject(site, "お取り置き期限のお知らせ", f.item),
    text: signed(site, [
      `ご用意できている予約資料のお取り置き期限は${when}までです。`,
      "",
      `資料名: ${titleLine(f.item)}`,
      `受取館: ${oneLine(f.pickupName, LINE_MAX)}`,
      `お取り置き期限: ${dayInJapanese(f.shelfUntil)}`,
      "（期限を過ぎると、予約は取り消しになります。）",
      "",
      "予約状況一覧:",
      url(site, "/holds"),
      "",
      "このお知らせは「メールアドレスの登録・変更・削除」で止められます。",
    ]),
  };
}

/** Issue 9 item 6: 「返却期限のお知らせ」, DUE_REMINDER_DAYS_BEFORE days before the due date (or later, up to it, when caught up). */
export function dueReminderText(site: NoticeSite, f: { item: ItemWords; dueDate: Day; today: Day }): MailText {
  const first = f.today === f.dueDate ? "お借りの資料は、本日が返却期限です。" : `お借りの資料の返却期限は${dayInJapanese(f.dueDate)}です。`;
  return {
    subject: subject(site, "返却期限のお知らせ", f.item),
    text: signed(site, [
      first,
      "期限までにご返却ください。延長できる資料は「貸出状況一覧」から延長できます。",
      "",
      `資料名: ${titleLine(f.item)}`,
      `返却期限: ${dayInJapanese(f.dueDate)}`,
      "",
      "貸出状況一覧:",
      url(site, "/loans"),
      "",
      "このお知らせは「メールアドレスの登録・変更・削除」で止められます。",
    ]),
  };
}
