// The Worker's bindings (wrangler.toml) and what middleware puts on the context.
import type { Session } from "./data/sessions.ts";

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
}

export type { PatronSession, Session, StaffSession } from "./data/sessions.ts";

/** c.var.session: set on every request by middleware/session.ts; null when nobody is logged in. */
export type AppEnv = { Bindings: Env; Variables: { session: Session | null } };
