// Builds the Hono app: error handler, middleware, route groups.
import { Hono } from "hono";
import { html } from "hono/html";
import type { AppEnv } from "./env.ts";
import { AppError, retryAfterOf } from "./errors.ts";
import { MESSAGES } from "./domain/messages.ts";
import { renderInShell } from "./views/shell.ts";
import { securityHeaders } from "./middleware/security-headers.ts";
import { csrfProtection } from "./middleware/csrf.ts";
import { searchRoutes } from "./routes/search.ts";
import { catalogRoutes } from "./routes/catalog.ts";
import { accountRoutes } from "./routes/account.ts";
import { staffRoutes } from "./routes/staff.ts";
import { cartRoutes } from "./routes/cart.ts";
import { dbContext, sessionMiddleware } from "./middleware/session.ts";

function wantsHtml(path: string, accept: string | undefined): boolean {
  return !path.startsWith("/api/") && (accept ?? "").includes("text/html");
}

export function buildApp() {
  const app = new Hono<AppEnv>();

  // Security baseline (docs/security.md): headers on every response, errors included; then CSRF checks on
  // every state-changing request, before any route can see it.
  app.use(securityHeaders());
  app.use(csrfProtection());

  // One database handle per request (c.var.db), then who is asking (c.var.session).
  app.use(dbContext);
  app.use(sessionMiddleware);

  // The trivial endpoint the benchmarks compare against.
  app.get("/health", (c) => c.text("ok"));

  app.route("/", searchRoutes);
  app.route("/", catalogRoutes);
  app.route("/", accountRoutes);
  app.route("/", staffRoutes);
  app.route("/", cartRoutes);

  app.notFound(async (c) => {
    if (wantsHtml(c.req.path, c.req.header("accept"))) {
      return renderInShell(c.env, {
        title: "ページが見つかりません",
        status: 404,
        main: html`<h1>ページが見つかりません</h1><p>${MESSAGES.not_found}</p><p><a href="/">トップページへ</a></p>`.toString(),
      });
    }
    return c.json(new AppError("not_found", MESSAGES.not_found).toJSON(), 404);
  });

  app.onError(async (err, c) => {
    const appErr = err instanceof AppError ? err : undefined;
    if (!appErr) console.error("unhandled", err);
    const e = appErr ?? new AppError("internal", MESSAGES.internal);
    // A throttled answer says when to come back, on the page and in the JSON envelope alike.
    const retryAfter = retryAfterOf(e);
    const headers: Record<string, string> = retryAfter ? { "Retry-After": retryAfter } : {};
    if (wantsHtml(c.req.path, c.req.header("accept"))) {
      try {
        const items = e.reasons.length ? e.reasons.map((r) => html`<li>${r.message}</li>`) : [html`<li>${e.message}</li>`];
        const res = await renderInShell(c.env, {
          title: "エラー",
          status: e.status,
          main: html`<h1>エラー</h1><ul role="alert">${items}</ul><p><a href="/">トップページへ</a></p>`.toString(),
        });
        for (const [k, v] of Object.entries(headers)) res.headers.set(k, v);
        return res;
      } catch {
        // fall through to the JSON envelope
      }
    }
    return c.json(e.toJSON(), e.status, headers);
  });

  return app;
}
