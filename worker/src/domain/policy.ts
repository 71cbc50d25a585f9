// R02, R03, R05, R14, R21, R31, R33, R40 and issue 3's sessions and throttle: the library's policy numbers, in one place.

/** R02: a password is 6 to 20 half-width alphanumerics. */
export const PASSWORD_MIN = 6;
/** R02: a password is 6 to 20 half-width alphanumerics. */
export const PASSWORD_MAX = 20;

/** R13: the cart is a candidate list, not holds; bounded so that one cookie cannot grow a table without end. */
export const CART_LIMIT = 30;

/** 「マイブックリスト」 (issue 7 item 9): at most 20 lists per patron (trigger book_lists_limit says the same)… */
export const BOOK_LIST_LIMIT = 20;
/** …of at most 500 records each (trigger book_list_entries_limit); a list's name is 1 to 100 characters. */
export const BOOK_LIST_ENTRY_LIMIT = 500;
export const BOOK_LIST_NAME_MAX = 100;

/** R14: at most 10 holds (books and magazines together) per patron, across every channel. */
export const HOLD_LIMIT = 10;

/** R21: a ready hold waits 1 week, counted in open days of the pickup library from the day after the contact day. */
export const HOLD_SHELF_OPEN_DAYS = 7;

/**
 * Issue 8 item 1: at most 10 open loans per patron — Kitakyushu City Library's loan rule (10点まで、2週間;
 * http://www.city.kitakyushu.lg.jp/kyouiku/file_0365.html, db/seed/data/kitakyushu/library-facts.json
 * system.loan_rule). Trigger loans_limit_insert (0007) is the backstop.
 */
export const LOAN_LIMIT = 10;

/** R31: a loan runs 2 weeks (the guide: 2週間まで). */
export const LOAN_DAYS = 14;
/** R31: a renewal sets the due date to the day of renewal + 2 weeks. */
export const RENEWAL_DAYS = 14;
/** R31: a loan can be renewed once. */
export const MAX_RENEWALS = 1;

/** R33: a cancelled or expired hold stays visible in 「予約状況一覧」 for 2 weeks. */
export const CANCELLED_VISIBLE_DAYS = 14;

/** R40: up to 3 mail addresses per patron (PC and phone together). */
export const MAIL_ADDRESS_LIMIT = 3;

// Mail (issue 9). R41: the confirmation link works once, for a limited time.
/** R41: a confirmation link works for 24 hours after it was sent (then 「確認メールを再送」 issues a new one). */
export const MAIL_CONFIRM_TTL_MS = 24 * 60 * 60_000;
/** R41: 「確認メールを再送」 issues a new link at most this often (a button pressed twice sends one mail). */
export const RESEND_GAP_MS = 60_000;
/** R20: the ready notice goes on the day after the hold became ready (用意できた日の翌日), from this Tokyo hour on. */
export const READY_NOTICE_HOUR = 8;
/** Issue 9 item 6: 「返却期限のお知らせ」 goes this many days before the due date (opt-in). */
export const DUE_REMINDER_DAYS_BEFORE = 2;
/** Issue 9 item 8: 「テストメールを送信」 at most once per address in this many ms. */
export const TEST_MAIL_INTERVAL_MS = 10 * 60_000;
/** Issue 9 item 4: a row is tried at most this many times, then it is dead. */
export const MAIL_MAX_ATTEMPTS = 8;
/** Issue 9 item 4: a sending row is leased to one job run for this long; a run that dies leaves it to the next. */
export const MAIL_LEASE_MS = 2 * 60_000;
/** Issue 9 item 4: back-off after the n-th temporary failure: 1, 2, 4 … minutes, at most 6 hours. */
export const MAIL_BACKOFF_BASE_MS = 60_000;
export const MAIL_BACKOFF_MAX_MS = 6 * 60 * 60_000;
/** Issue 9 item 4: one job run hands at most this many rows to the provider (a Worker's subrequest budget). */
export const MAIL_BATCH_SIZE = 50;

// Sessions (issue 3 item 2). R03: one password opens both the web site and the in-library OPAC terminals; a
// terminal is a shared machine in a public room, so its sessions end much sooner (the next patron sits down).
/** A web session ends after 30 minutes without a request. */
export const SESSION_IDLE_MS = 30 * 60_000;
/** A web session ends 12 hours after login, however active (a stolen cookie does not live for ever). */
export const SESSION_ABSOLUTE_MS = 12 * 60 * 60_000;
/** R03: an OPAC terminal session ends after 3 idle minutes: automatic logout on the shared machine. */
export const OPAC_SESSION_IDLE_MS = 3 * 60_000;
/** R03: an OPAC terminal session ends 30 minutes after login. */
export const OPAC_SESSION_ABSOLUTE_MS = 30 * 60_000;
/** last_seen_at is written at most once a minute on the web (one D1 write per minute, not per request)… */
export const SESSION_TOUCH_MS = 60_000;
/** …and every 15 seconds on an OPAC terminal, so its 3-minute idle limit is never cut short by more than 15 s. */
export const OPAC_SESSION_TOUCH_MS = 15_000;

// In-library OPAC terminals (issue 7 item 8, R03, R36): an admin's one-time enrolment code, then a device secret.
/** A terminal's enrolment code works once, for 24 hours after it was issued. */
export const TERMINAL_ENROLMENT_MS = 24 * 60 * 60_000;
/** The terminal's device-secret cookie is kept 400 days (browsers cap a cookie's life there); re-enrol after. */
export const TERMINAL_COOKIE_DAYS = 400;
/** Where a terminal stands (「2階 参考図書コーナー」), as staff label it: at most 40 characters. */
export const TERMINAL_LABEL_MAX = 40;

// Throttling (issue 3 item 5; R02 allows 6-character alphanumerics, weaker than NIST SP 800-63B, so guessing is
// slowed instead). Progressive delay, never a lock: after `free` failures the next attempt waits `baseMs`,
// doubling with each further failure up to `maxMs`; failures older than `windowMs` are forgotten. R04's
// self-service issue is throttled by the same numbers.
/** Failures are remembered for 24 hours per card and per client address. */
export const THROTTLE_WINDOW_MS = 24 * 60 * 60_000;
/** Per card: 5 failures free, then 30 s, 1, 2, 4, 8 min, capped at 15 min. */
export const THROTTLE_CARD = { free: 5, baseMs: 30_000, maxMs: 15 * 60_000, windowMs: THROTTLE_WINDOW_MS } as const;
/**
 * Per client address (IPv6: its /64): 20 failures free — several patrons may share one address (a carrier's
 * NAT, the library's own Wi-Fi) — then 30 s doubling to 15 min. One password tried over many card numbers
 * (password spraying) fails once per card and is stopped here.
 */
export const THROTTLE_ADDRESS = { free: 20, baseMs: 30_000, maxMs: 15 * 60_000, windowMs: THROTTLE_WINDOW_MS } as const;
/**
 * Overall: more than 1,000 failures in 10 minutes is an attack from many addresses; every attempt then waits
 * 1 s doubling to 30 s. It bounds the guessing rate (and the PBKDF2 work) whatever the number of addresses.
 */
export const THROTTLE_OVERALL = { free: 1000, baseMs: 1_000, maxMs: 30_000, windowMs: 10 * 60_000 } as const;

/**
 * Issue 6 §6: a browser that has logged in to a card before (its signed device cookie names the card) has its own
 * allowance, the card's numbers: 5 failures free, then 30 s doubling to 15 min. The card's, the address's and the
 * overall counts — what a stranger's failures fill — do not apply to it.
 */
export const THROTTLE_DEVICE = THROTTLE_CARD;
/** The device cookie is kept 180 days after the last login that issued it. */
export const DEVICE_COOKIE_DAYS = 180;
/** One browser remembers at most 5 cards (a family's shared tablet); the oldest is forgotten first. */
export const DEVICE_COOKIE_CARDS = 5;

/** R05: a counter-issued temporary password has 8 characters. */
export const TEMPORARY_PASSWORD_LENGTH = 8;

/** Issue 2 (R10 search): every search ranks, pages and sums facets over at most `candidates` hits (exact title
 *  matches always among them), reads a record's row for at most `tested` hits (a word too broad to list, a field,
 *  a facet filter) and counts at most `count` exactly (「10,000件以上」): no query can hold up the rest. */
export const SEARCH_BOUNDS = { candidates: 1_000, tested: 3_000, count: 10_000 } as const;

/** Issue 7: a form's idempotency key (「予約申込」, 順番予約) answers a retry with the first answer for 7 days; the
 *  nightly job then forgets it (a much later replay is still placed at most once: each hold keeps its line's key). */
export const IDEMPOTENCY_KEEP_MS = 7 * 24 * 60 * 60_000;
