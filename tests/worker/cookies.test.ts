// Issue 6 item 1 ("any browser, locally"): every cookie is named and written by worker/src/middleware/cookies.ts.
// Production cookies stay `__Host-` + Secure; the local mode (plain names, no Secure, for Safari, w3m and lynx on
// http://localhost) needs both the LOCAL_COOKIES var — which only .dev.vars sets, never wrangler.toml — and a
// plain-http request to a loopback host, so a production configuration cannot turn it on.
import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import wranglerToml from "../../wrangler.toml?raw";
import { COOKIE_NAMES, LOCAL_COOKIES_VAR, cookieHeader, cookieMode, type CookieKind } from "../../worker/src/middleware/cookies.ts";
import { demoDb, insertPatron } from "../support/accounts.ts";
import { TestClient } from "../support/session-client.ts";

/** The [vars] table of wrangler.toml: what a deployment runs with. */
function productionVars(): Record<string, string> {
  const section = /^\[vars\]\s*$([\s\S]*?)(?=^\[|(?![\s\S]))/m.exec(wranglerToml)?.[1] ?? "";
  const vars: Record<string, string> = {};
  for (const line of section.split("\n")) {
    const m = /^\s*([A-Z0-9_]+)\s*=\s*"([^"]*)"/.exec(line);
    if (m) vars[m[1]!] = m[2]!;
  }
  return vars;
}

const KINDS: CookieKind[] = ["session", "csrf", "cart", "device"];

describe("issue 6 item 1: production cookies stay __Host- and Secure", () => {
  it("wrangler.toml's vars (a deployment's configuration) never name LOCAL_COOKIES, and give production cookies even on http://localhost", () => {
    const vars = productionVars();
    expect(vars.SITE_ORIGIN).toBeDefined(); // the parser did read the table
    expect(Object.keys(vars)).not.toContain(LOCAL_COOKIES_VAR);
    expect(wranglerToml).not.toMatch(new RegExp(`^\\s*${LOCAL_COOKIES_VAR}\\s*=`, "m"));
    for (const url of ["http://localhost:8787/login", "http://127.0.0.1:8833/cart", "https://shiori.example/login"]) {
      expect(cookieMode(vars, url), url).toBe("production");
    }
  });

  it("LOCAL_COOKIES alone is not enough: over https, or to a host that is not loopback, cookies stay production", () => {
    const local = { [LOCAL_COOKIES_VAR]: "1" };
    for (const url of [
      "https://localhost:8787/",
      "https://127.0.0.1/",
      "http://shiori.example/",
      "http://localhost.evil.example/",
      "http://127.0.0.1.evil.example/",
      "http://10.0.0.1/",
      "not a url",
    ]) {
      expect(cookieMode(local, url), url).toBe("production");
    }
    for (const flag of ["true", "0", "", 1, true]) expect(cookieMode({ [LOCAL_COOKIES_VAR]: flag }, "http://localhost/"), String(flag)).toBe("production");
  });

  it("local mode: LOCAL_COOKIES=1 and plain http to localhost, 127.0.0.0/8 or [::1]", () => {
    const local = { [LOCAL_COOKIES_VAR]: "1" };
    for (const url of ["http://localhost:8787/", "http://127.0.0.1:8833/cart", "http://127.1.2.3/", "http://[::1]:8787/"]) {
      expect(cookieMode(local, url), url).toBe("local");
    }
  });

  it("every cookie: `__Host-`, Secure, HttpOnly, Path=/, no Domain in production; the same attributes minus the prefix and Secure locally", () => {
    for (const kind of KINDS) {
      const prod = cookieHeader(kind, "production", "v", 60);
      expect(prod, kind).toMatch(new RegExp(`^${COOKIE_NAMES[kind]}=v; Secure; HttpOnly; SameSite=(Lax|Strict); Path=/; Max-Age=60$`));
      expect(COOKIE_NAMES[kind]).toMatch(/^__Host-shiori_/);
      expect(prod).not.toMatch(/Domain=/i);
      const local = cookieHeader(kind, "local", "v", 60);
      expect(local).toBe(prod.replace("__Host-", "").replace("; Secure", ""));
    }
  });

  it("through the whole Worker: the login page's CSRF cookie, then the login's session, CSRF and cart cookies are all __Host- + Secure", async () => {
    const db = await demoDb();
    const p = await insertPatron(db);
    const page = await exports.default.fetch("https://shiori.test/login", { headers: { accept: "text/html" } });
    await page.arrayBuffer();
    const client = new TestClient();
    const login = await client.loginWithForm(p.cardNumber, p.password!);
    expect(login.status).toBe(303);
    const set = [...page.headers.getSetCookie(), ...login.headers.getSetCookie()];
    for (const line of set) {
      expect(line).toMatch(/^__Host-shiori_(session|csrf|cart|device)=/);
      expect(line).toMatch(/; Secure;/);
    }
    for (const kind of KINDS) expect(login.headers.getSetCookie().some((l) => l.startsWith(`${COOKIE_NAMES[kind]}=`)), kind).toBe(true);
  });
});
