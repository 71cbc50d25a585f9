// Bytes over the wire of a first visit (empty cache): every response the page loads, each body compressed
// with brotli (what Cloudflare serves to browsers that accept it), summed by kind.
import type { Browser } from "playwright-core";
import { brotliBytes, type ByteCounts } from "../support/page-bytes.ts";

export interface PageBytes extends ByteCounts {
  url: string;
  /** Each script's path and its brotli bytes (a budget over several pages counts a shared file once). */
  scripts: Record<string, number>;
}

/** `cookie`: a session cookie (issue 10 item 6: the account pages, logged in). */
export async function firstVisitBytes(browser: Browser, url: string, javaScriptEnabled = true, cookie?: string): Promise<PageBytes> {
  const context = await browser.newContext({ javaScriptEnabled, viewport: { width: 360, height: 740 }, ...(cookie ? { extraHTTPHeaders: { Cookie: cookie } } : {}) });
  const page = await context.newPage();
  const pending: Promise<void>[] = [];
  const out: PageBytes = { url, html: 0, css: 0, js: 0, other: 0, total: 0, requests: 0, scripts: {} };
  page.on("response", (res) => {
    pending.push(
      (async () => {
        const type = res.request().resourceType();
        let body: Buffer;
        try {
          body = await res.body();
        } catch {
          return;
        }
        const n = brotliBytes(body);
        out.requests++;
        if (type === "document") out.html += n;
        else if (type === "stylesheet") out.css += n;
        else if (type === "script") {
          out.js += n;
          out.scripts[new URL(res.url()).pathname] = n;
        }
        else out.other += n;
        out.total += n;
      })(),
    );
  });
  await page.goto(url, { waitUntil: "networkidle" });
  await Promise.all(pending);
  await context.close();
  return out;
}
