// A browser stand-in for the route tests inside workerd: keeps cookies (the session and the CSRF cookie), sends
// what a same-origin browser sends on a state-changing request (Origin, Sec-Fetch-Site), posts no-JS forms with
// the page's _csrf token, and never follows redirects (tests look at them). Each client has its own address so
// the per-address throttle of one test never slows another.
import { exports } from "cloudflare:workers";
import { freshAddress } from "./accounts.ts";

export const BASE = "https://shiori.test";
const HTML_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";

export interface RequestOptions {
  method?: string;
  /** A no-JS form post (application/x-www-form-urlencoded); `_csrf` is added unless given. Pairs for repeated fields. */
  form?: Record<string, string> | [string, string][];
  /** A JSON body (the islands' API). */
  json?: unknown;
  /** Ask as a browser navigating (Accept: text/html) rather than as an island (application/json). */
  html?: boolean;
  headers?: Record<string, string>;
}

export class TestClient {
  readonly cookies = new Map<string, string>();
  readonly address = freshAddress();
  /** The _csrf token of the last page that had one. */
  csrf: string | undefined;

  cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
  }

  private keep(res: Response): void {
    for (const line of res.headers.getSetCookie()) {
      const [pair, ...attrs] = line.split(";");
      const eq = pair!.indexOf("=");
      const name = pair!.slice(0, eq).trim();
      const value = pair!.slice(eq + 1).trim();
      const gone = attrs.some((a) => /^\s*max-age=0\s*$/i.test(a)) || value === "";
      if (gone) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  async request(path: string, opts: RequestOptions = {}): Promise<Response> {
    const method = opts.method ?? (opts.form || opts.json !== undefined ? "POST" : "GET");
    const headers = new Headers({
      accept: opts.html || opts.form ? HTML_ACCEPT : "application/json",
      "cf-connecting-ip": this.address,
      ...opts.headers,
    });
    const cookie = this.cookieHeader();
    if (cookie) headers.set("cookie", cookie);
    let body: string | undefined;
    if (method !== "GET" && method !== "HEAD") {
      if (!headers.has("origin")) headers.set("origin", BASE);
      if (!headers.has("sec-fetch-site")) headers.set("sec-fetch-site", "same-origin");
    }
    if (opts.form) {
      const form = new URLSearchParams(opts.form);
      if (!form.has("_csrf") && this.csrf) form.set("_csrf", this.csrf);
      body = form.toString();
      headers.set("content-type", "application/x-www-form-urlencoded");
    } else if (opts.json !== undefined) {
      body = JSON.stringify(opts.json);
      headers.set("content-type", "application/json");
    }
    const res = await exports.default.fetch(BASE + path, { method, headers, body, redirect: "manual" });
    this.keep(res);
    return res;
  }

  /** GET a page as a browser would, remember its _csrf token, and return its status and HTML. */
  async page(path: string): Promise<{ res: Response; html: string }> {
    const res = await this.request(path, { html: true });
    const html = await res.text();
    const token = /name="_csrf" value="([^"]+)"/.exec(html)?.[1];
    if (token) this.csrf = token;
    return { res, html };
  }

  /** Log in through the islands' API; throws unless it succeeds. */
  async login(card: string, password: string): Promise<void> {
    const res = await this.request("/api/session", { json: { card, password } });
    if (res.status !== 200) throw new Error(`login ${card} failed: ${res.status} ${await res.text()}`);
    await res.arrayBuffer();
  }

  /** Log in through the no-JS form (GET /login for the token, then POST /login). */
  async loginWithForm(card: string, password: string, next = ""): Promise<Response> {
    await this.page(next ? `/login?next=${encodeURIComponent(next)}` : "/login");
    return this.request("/login", { form: { card, password, next } });
  }

  /** A staff login through the no-JS form (GET /staff/login for the token, then POST /staff/login). */
  async loginStaffWithForm(login: string, password: string, next = ""): Promise<Response> {
    await this.page(next ? `/staff/login?next=${encodeURIComponent(next)}` : "/staff/login");
    return this.request("/staff/login", { form: { login, password, next } });
  }

  /** A staff login that must succeed (for tests about what a staff session may open). */
  async loginStaff(login: string, password: string): Promise<void> {
    const res = await this.loginStaffWithForm(login, password);
    if (res.status !== 303) throw new Error(`staff login ${login} failed: ${res.status} ${await res.text()}`);
    await res.arrayBuffer();
  }

  hasSession(): boolean {
    return this.cookies.has("__Host-shiori_session");
  }
}

/** The HTML's visible text, roughly: tags dropped, whitespace folded (enough to look for a message). */
export function textOf(html: string): string {
  return html
    .replace(/<script[\s\S]*?<\/script>/g, "")
    .replace(/<style[\s\S]*?<\/style>/g, "")
    .replace(/<[^>]+>/g, " ")
    .replace(/&amp;/g, "&")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/\s+/g, " ");
}

/** The <main> of a page. */
export function mainOf(html: string): string {
  return /<main[^>]*>([\s\S]*?)<\/main>/.exec(html)?.[1] ?? "";
}
