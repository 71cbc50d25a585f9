// The Worker's bindings (wrangler.toml).
export interface Env {
  DB: D1Database;
  ASSETS: Fetcher;
  LIBRARY_NAME: string;
  SITE_NAME: string;
  SITE_ORIGIN: string;
  MAIL_FROM: string;
  MAIL_DOMAIN: string;
}

export type AppEnv = { Bindings: Env };
