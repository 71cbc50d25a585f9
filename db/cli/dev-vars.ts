// Local secrets for `wrangler dev` live in .dev.vars (git-ignored). The password pepper (R03 hashing) is made
// once per checkout; production sets it with `wrangler secret put PASSWORD_PEPPER`.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { DEV_VARS } from "./paths.ts";

export function ensureDevVars(): Record<string, string> {
  const vars: Record<string, string> = {};
  if (existsSync(DEV_VARS)) {
    for (const line of readFileSync(DEV_VARS, "utf8").split("\n")) {
      const m = /^([A-Z0-9_]+)\s*=\s*"?([^"]*)"?\s*$/.exec(line.trim());
      if (m) vars[m[1]!] = m[2]!;
    }
  }
  if (!vars.PASSWORD_PEPPER) {
    vars.PASSWORD_PEPPER = randomBytes(32).toString("base64url");
    const text = Object.entries(vars).map(([k, v]) => `${k}="${v}"`).join("\n") + "\n";
    writeFileSync(DEV_VARS, text, { mode: 0o600 });
  }
  return vars;
}
