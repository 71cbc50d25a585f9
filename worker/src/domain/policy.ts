// R02, R14, R21, R31, R33, R40: the library's policy numbers, in one place. Everything else imports them.

/** R02: a password is 6 to 20 half-width alphanumerics. */
export const PASSWORD_MIN = 6;
/** R02: a password is 6 to 20 half-width alphanumerics. */
export const PASSWORD_MAX = 20;

/** R14: at most 10 holds (books and magazines together) per patron, across every channel. */
export const HOLD_LIMIT = 10;

/** R21: a ready hold waits 1 week, counted in open days of the pickup library from the day after the contact day. */
export const HOLD_SHELF_OPEN_DAYS = 7;

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
