// The Worker's bindings (wrangler.toml) and what middleware puts on the context.
import type { Db } from "./data/db.ts";
import type { Day } from "./domain/calendar.ts";
import type { PatronSession, Session, StaffSession } from "./domain/session.ts";

export interface Env {
  DB: D1Database;
  ASSETS: Fetcher;
  LIBRARY_NAME: string;
  SITE_NAME: string;
  SITE_ORIGIN: string;
  MAIL_FROM: string;
  MAIL_DOMAIN: string;
  /** R03 hashing: the pepper, a Worker secret (`wrangler secret put PASSWORD_PEPPER`; locally .dev.vars). */
  PASSWORD_PEPPER: string;
  /** Issue 8 item 6: "on" only in .dev.vars (local development): allows the local clock (domain/local-clock.ts). */
  LOCAL_CLOCK?: string;
  /**
   * Issue 9 item 7: Cloudflare Email Service's `send_email` binding (wrangler.toml [[send_email]]), the production
   * transport (worker/src/mail/cloudflare-transport.ts). Absent locally.
   */
  EMAIL?: SendEmail;
  /** Issue 9 item 7: "on" only in .dev.vars: mail goes to the dev mailbox (/dev/mail) instead (worker/src/mail/dev-mailbox.ts). */
  DEV_MAILBOX?: string;
}

export type { PatronSession, Session, StaffSession } from "./domain/session.ts";

/**
 * c.var.db: the drizzle handle, made once per request (middleware/session.ts dbContext).
 * c.var.session: set on every request by middleware/session.ts; null when nobody is logged in.
 * c.var.now, c.var.testDay: the library's now and the local clock's day (middleware/clock.ts; issue 8 item 6).
 */
export type AppEnv = { Bindings: Env; Variables: { db: Db; session: Session | null; now: number; testDay: Day | null } };

/** Behind requirePatron(): c.var.patron is the logged-in patron (no `kind` check left to the route). */
export type PatronEnv = AppEnv & { Variables: { patron: PatronSession } };

/** Behind requireStaff(): c.var.staff is the logged-in member of staff. */
export type StaffEnv = AppEnv & { Variables: { staff: StaffSession } };
