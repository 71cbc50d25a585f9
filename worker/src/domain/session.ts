// Issue 3 items 2, 11 (R03, R05): who a request comes from, as routes see it. Types only; the session rules
// (timeouts) live in session-policy.ts, the rows in data/sessions.ts.

/** A logged-in patron (c.var.session, and c.var.patron behind requirePatron()). */
export interface PatronSession {
  kind: "patron";
  patronId: number;
  cardNumber: string;
  name: string;
  /** R05: logged in with a counter-issued temporary password; only 「パスワード変更」 is open. */
  temporary: boolean;
  /** R03, R36: the in-library OPAC terminal the session was opened on, or null on the web. */
  terminalId: number | null;
}

/** A logged-in member of staff (issue 3 item 11; c.var.staff behind requireStaff()). */
export interface StaffSession {
  kind: "staff";
  staffId: number;
  login: string;
  role: "counter" | "admin";
  branchId: number;
}

export type Session = PatronSession | StaffSession;
