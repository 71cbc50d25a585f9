// Dynamic pages wear the same shell as the static ones: Astro builds /_shell/ from the site's one layout
// (header with search, 「予約カートを見る」, login; footer), and the Worker fills it with HTMLRewriter.
// So the shell lives in one place (site/src/layouts/Base.astro) and dynamic pages load the same CSS and islands.
import type { Env } from "../env.ts";
import { isDay, type Day } from "../domain/calendar.ts";

export interface ShellContent {
  title: string;
  /** Trusted HTML: built with hono/html's `html` template, which escapes every interpolation. */
  main: string;
  /** Extra trusted head markup (canonical link, robots, JSON-LD). */
  head?: string;
  /** The header search box's value (untrusted text; set as an attribute, escaped by HTMLRewriter). */
  query?: string;
  status?: number;
  /**
   * Trusted HTML for the header's session slot (views/account.ts: the patron's name and 「ログアウト」, or
   * 「ログイン」), written into the (empty) slot. Omitted: the static pages' /cart-lines.js asks GET /api/session itself.
   */
  session?: string;
  /** A shell that also carries a page's island, kept after `main` (/_shell/login/: the login form's;
   *  /_shell/holds-series/: the 順番予約 form's 「上へ」「下へ」, issue 7 item 4; /_shell/holds/: 「予約状況一覧」's HoldList;
   *  /_shell/loans/: 「貸出状況一覧」's LoanList, issue 8 item 5). */
  shell?: "login" | "holds-series" | "holds" | "loans" | "mail"; // "mail": issue 9 H-addr (MailSettings island)
  /**
   * Issue 8 item 6: the local clock's day (c.var.testDay; only ever set in local development), shown at the top of
   * the header as 「テスト用の日付: 2026-12-10」 so nobody mistakes a demo's moved day for the real one.
   */
  testDay?: Day | null;
}

/** Issue 8 item 6: the banner a page wears while the local clock is set (static pages: site/public/cart-lines.js). */
export function testDayBanner(day: Day): string {
  return `<p class="test-day" role="status">テスト用の日付: ${day}</p>`;
}

const SHELL_PATHS = { default: "/_shell/", login: "/_shell/login/", "holds-series": "/_shell/holds-series/", holds: "/_shell/holds/", loans: "/_shell/loans/", mail: "/_shell/mail/" /* issue 9 H-addr */ } as const;
const shellCache = new Map<string, string>();

async function loadShell(env: Env, path: string): Promise<string> {
  const cached = shellCache.get(path);
  if (cached !== undefined) return cached;
  const res = await env.ASSETS.fetch(new Request(`https://assets.invalid${path}`));
  if (!res.ok) throw new Error(`shell page ${path} missing from the static assets (status ${res.status}); run the site build`);
  const text = await res.text();
  shellCache.set(path, text);
  return text;
}

export async function renderInShell(env: Env, content: ShellContent): Promise<Response> {
  const shell = await loadShell(env, SHELL_PATHS[content.shell ?? "default"]);
  const siteName = env.SITE_NAME;
  const rewriter = new HTMLRewriter()
    .on("title", {
      element(el) {
        el.setInnerContent(`${content.title} | ${siteName}`);
      },
    })
    .on('meta[name="robots"]', {
      element(el) {
        // The shell itself is noindex; a dynamic page decides for itself through `head`.
        el.remove();
      },
    })
    .on('meta[name="description"]', {
      element(el) {
        // Issue 10 item 6 (Lighthouse SEO): the shell's generic description, unless the page brings its own.
        if (content.head?.includes('name="description"')) el.remove();
      },
    })
    .on("main", {
      element(el) {
        // The plain shell's <main> is empty; a page shell's island (and its scripts) stay after the content.
        el.prepend(content.main, { html: true });
      },
    })
    .on("[data-shell-session]", {
      element(el) {
        // Issue 10 item 6 (R50): the slot is built empty (no header island any more); the Worker knows who asks.
        if (content.session !== undefined) el.setInnerContent(content.session, { html: true });
      },
    })
    .on("header.site", {
      element(el) {
        // A Day is YYYY-MM-DD (checked again here: it goes in as HTML).
        if (content.testDay && isDay(content.testDay)) el.prepend(testDayBanner(content.testDay), { html: true });
      },
    })
    .on("head", {
      element(el) {
        if (content.head) el.append(content.head, { html: true });
      },
    })
    .on("input[data-shell-query]", {
      element(el) {
        if (content.query !== undefined) el.setAttribute("value", content.query);
      },
    });
  const res = rewriter.transform(
    new Response(shell, { headers: { "content-type": "text/html; charset=utf-8" } }),
  );
  return new Response(res.body, {
    status: content.status ?? 200,
    headers: { "content-type": "text/html; charset=utf-8" },
  });
}
