// Local secrets and local-only settings for `wrangler dev` live in .dev.vars (git-ignored; only `wrangler dev` reads
// it, never a deployment). Made once per checkout, completed when a setting is missing:
//   PASSWORD_PEPPER  the R03 pepper; production sets it with `wrangler secret put PASSWORD_PEPPER`.
//   LOCAL_COOKIES    "1": cookies without `__Host-` and Secure on plain-http loopback requests, so Safari, w3m and
//                    lynx keep a session and a cart on http://localhost (issue 6 item 1; worker/src/middleware/
//                    cookies.ts). wrangler.toml's [vars] never sets it, so a deployment keeps `__Host-` + Secure.
//   LOCAL_CLOCK      "on": `npm run clock` may set the service's today (issue 8 item 6; worker/src/domain/
//                    local-clock.ts). Never in wrangler.toml, so a deployment has no local clock.
//   DEV_MAILBOX      "on": mail goes to the dev mailbox (/dev/mail, /dev/mail.json) instead of Cloudflare Email
//                    Service (issue 9 item 7; worker/src/mail/dev-mailbox.ts). Never in wrangler.toml either.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { DEV_VARS } from "./paths.ts";

const LOCAL_ONLY = { LOCAL_COOKIES: "1", LOCAL_CLOCK: "on", DEV_MAILBOX: "on" } as const;

export function ensureDevVars(): Record<string, string> {
  const vars: Record<string, string> = {};
  if (existsSync(DEV_VARS)) {
    for (const line of readFileSync(DEV_VARS, "utf8").split("\n")) {
      const m = /^([A-Z0-9_]+)\s*=\s*"?([^"]*)"?\s*$/.exec(line.trim());
      if (m) vars[m[1]!] = m[2]!;
    }
  }
  let changed = false;
  if (!vars.PASSWORD_PEPPER) {
    vars.PASSWORD_PEPPER = randomBytes(32).toString("base64url");
    changed = true;
  }
  for (const [k, v] of Object.entries(LOCAL_ONLY)) {
    if (vars[k] === undefined) {
      vars[k] = v;
      changed = true;
    }
  }
  if (changed) {
    const text = Object.entries(vars).map(([k, v]) => `${k}="${v}"`).join("\n") + "\n";
    writeFileSync(DEV_VARS, text, { mode: 0o600 });
  }
  return vars;
}
