// Dynamic pages wear the same shell as the static ones: Astro builds /_shell/ from the site's one layout
// (header with search, 「予約カートを見る」, login; footer), and the Worker fills it with HTMLRewriter.
// So the shell lives in one place (site/src/layouts/Base.astro) and dynamic pages load the same CSS and islands.
import type { Env } from "../env.ts";

export interface ShellContent {
  title: string;
  /** Trusted HTML: built with hono/html's `html` template, which escapes every interpolation. */
  main: string;
  /** Extra trusted head markup (canonical link, robots, JSON-LD). */
  head?: string;
  /** The header search box's value (untrusted text; set as an attribute, escaped by HTMLRewriter). */
  query?: string;
  status?: number;
}

let shellCache: { text: string } | undefined;

async function loadShell(env: Env): Promise<string> {
  if (shellCache) return shellCache.text;
  const res = await env.ASSETS.fetch(new Request("https://assets.invalid/_shell/"));
  if (!res.ok) throw new Error(`shell page missing from the static assets (status ${res.status}); run the site build`);
  const text = await res.text();
  shellCache = { text };
  return text;
}

export async function renderInShell(env: Env, content: ShellContent): Promise<Response> {
  const shell = await loadShell(env);
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
    .on("main", {
      element(el) {
        el.setInnerContent(content.main, { html: true });
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
