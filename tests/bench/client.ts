// The benchmarks' browser stand-in over real HTTP (wrangler dev): a cookie jar with the page's CSRF token, and one
// request helper that sends what a same-origin browser sends (Origin, Sec-Fetch-Site) on form and JSON posts and
// never follows redirects. tests/support/session-client.ts is the same idea inside workerd.

export class Jar {
  cookies = new Map<string, string>();
  csrf = "";
  header(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
  }
  keep(res: Response): void {
    for (const line of res.headers.getSetCookie()) {
      const [pair, ...attrs] = line.split(";");
      const eq = pair!.indexOf("=");
      const name = pair!.slice(0, eq).trim();
      const value = pair!.slice(eq + 1).trim();
      if (value === "" || attrs.some((a) => /^\s*max-age=0\s*$/i.test(a))) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }
  /** Keeps the _csrf token of a page's form (unchanged when the page has none). */
  takeToken(html: string): void {
    this.csrf = /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? this.csrf;
  }
}

export interface SendInit {
  method?: string;
  form?: [string, string][];
  json?: unknown;
  /** Ask as a browser navigating (Accept: text/html); forms always do. */
  html?: boolean;
}

export async function send(base: string, jar: Jar, path: string, init: SendInit = {}): Promise<Response> {
  const headers = new Headers({ accept: init.html || init.form ? "text/html" : "application/json", cookie: jar.header() });
  let body: string | undefined;
  if (init.form || init.json !== undefined) {
    headers.set("origin", base);
    headers.set("sec-fetch-site", "same-origin");
  }
  if (init.form) {
    body = new URLSearchParams([...init.form, ["_csrf", jar.csrf]]).toString();
    headers.set("content-type", "application/x-www-form-urlencoded");
  } else if (init.json !== undefined) {
    body = JSON.stringify(init.json);
    headers.set("content-type", "application/json");
  }
  const res = await fetch(base + path, { method: init.method ?? (body ? "POST" : "GET"), headers, body, redirect: "manual" });
  jar.keep(res);
  return res;
}
