// R20, issue 9 item 6: the notices' pure rules (domain/mail-notices.ts) — when each is due (Asia/Tokyo, across month and
// year ends), the event keys and the day a reminder key names, and the decisions that cancel a stale notice.
import { describe, expect, it } from "vitest";
import {
  dayInJapanese,
  dueReminderDay,
  dueReminderDecision,
  readyNoticeDecision,
  readyNoticeDueAt,
  reminderKeyDay,
  shelfReminderDay,
  shelfReminderDecision,
} from "../../worker/src/domain/mail-notices.ts";

const ready = { id: 1, patronId: 7, status: "ready" as const, contact: "mail" as const, contactDate: null, shelfUntil: "2026-12-12" };

describe("R20 when the ready notice is due", () => {
  it("READY_NOTICE_HOUR (08:00) Tokyo on the day after the ready day — 23:00 UTC of the ready day itself", () => {
    expect(readyNoticeDueAt("2026-12-04")).toBe(Date.UTC(2026, 11, 4, 23, 0, 0));
    expect(readyNoticeDueAt("2026-12-31")).toBe(Date.UTC(2026, 11, 31, 23, 0, 0)); // 2027-01-01 08:00 JST
    expect(readyNoticeDueAt("2028-02-28")).toBe(Date.UTC(2028, 1, 28, 23, 0, 0)); // 02-29 08:00 JST (leap year)
  });
});

describe("issue 9 item 6 reminder days and keys", () => {
  it("DUE_REMINDER_DAYS_BEFORE (2) days before the due date; the day before the shelf day; the key names its day", () => {
    expect(dueReminderDay("2027-01-01")).toBe("2026-12-30");
    expect(shelfReminderDay("2026-12-01")).toBe("2026-11-30");
    expect(reminderKeyDay("due-reminder:12:2026-12-17:3")).toBe("2026-12-17");
    expect(reminderKeyDay("shelf-reminder:9:2026-12-10:44")).toBe("2026-12-10");
    expect(reminderKeyDay("hold-ready:9:44")).toBeNull();
    expect(reminderKeyDay("due-reminder:12:2026-12-17")).toBeNull();
  });

  it("「2026年12月10日（木）」", () => {
    expect(dayInJapanese("2026-12-10")).toBe("2026年12月10日（木）");
    expect(dayInJapanese("2027-01-03")).toBe("2027年1月3日（日）");
  });
});

describe("stale notices are cancelled, with every reason", () => {
  it("R20, R43: the ready notice needs the hold still ready, the row's patron's, with mail chosen", () => {
    expect(readyNoticeDecision(ready, { patronId: 7 })).toEqual({ ok: true });
    expect(readyNoticeDecision(null, { patronId: 7 })).toEqual({ ok: false, reasons: ["hold_missing"] });
    expect(readyNoticeDecision({ ...ready, status: "fulfilled", contact: "phone" }, { patronId: 8 })).toEqual({ ok: false, reasons: ["hold_not_ready", "hold_other_patron", "contact_not_mail"] });
  });

  it("the shelf reminder: the very deadline it was written for, not passed, opted in", () => {
    const row = { patronId: 7, keyDay: "2026-12-12" };
    expect(shelfReminderDecision(ready, row, { today: "2026-12-11", optedIn: true })).toEqual({ ok: true });
    expect(shelfReminderDecision(ready, row, { today: "2026-12-12", optedIn: true })).toEqual({ ok: true });
    expect(shelfReminderDecision(ready, row, { today: "2026-12-13", optedIn: false })).toEqual({ ok: false, reasons: ["shelf_day_passed", "reminder_off"] });
    expect(shelfReminderDecision({ ...ready, shelfUntil: "2026-12-15" }, row, { today: "2026-12-11", optedIn: true })).toEqual({ ok: false, reasons: ["shelf_day_changed"] });
  });

  it("「返却期限のお知らせ」: the loan open with the due date it was written for, up to that day", () => {
    const loan = { id: 3, patronId: 7, dueDate: "2026-12-17", returned: false };
    const row = { patronId: 7, keyDay: "2026-12-17" };
    expect(dueReminderDecision(loan, row, { today: "2026-12-17", optedIn: true })).toEqual({ ok: true });
    expect(dueReminderDecision(loan, row, { today: "2026-12-18", optedIn: true })).toEqual({ ok: false, reasons: ["due_date_passed"] });
    expect(dueReminderDecision({ ...loan, returned: true, dueDate: "2026-12-31" }, row, { today: "2026-12-15", optedIn: true })).toEqual({ ok: false, reasons: ["loan_returned", "due_date_changed"] });
    expect(dueReminderDecision(loan, { patronId: 7, keyDay: null }, { today: "2026-12-15", optedIn: true })).toEqual({ ok: false, reasons: ["key_unreadable"] });
  });
});
