// Builds the Hono app: error handler, middleware, route groups.
import { Hono, type Context } from "hono";
import { html } from "hono/html";
import type { AppEnv } from "./env.ts";
import { AppError, retryAfterOf } from "./errors.ts";
import { MESSAGES } from "./domain/messages.ts";
import { renderInShell } from "./views/shell.ts";
import { securityHeaders } from "./middleware/security-headers.ts";
import { checkRequestHeaders, csrfProtection } from "./middleware/csrf.ts";
import { bodyGuard } from "./middleware/body-guard.ts";
import { searchRoutes } from "./routes/search.ts";
import { catalogRoutes } from "./routes/catalog.ts";
import { accountRoutes } from "./routes/account.ts";
import { staffRoutes } from "./routes/staff.ts";
import { terminalRoutes } from "./routes/terminals.ts";
import { holdsApplyRoutes } from "./routes/holds-apply.ts";
import { staffHoldsRoutes } from "./routes/staff-holds.ts";
import { staffCirculationRoutes } from "./routes/staff-circulation.ts";
import { cartCountInHeader, cartRoutes } from "./routes/cart.ts";
import { bookListRoutes } from "./routes/book-lists.ts";
import { holdsSeriesRoutes } from "./routes/holds-series.ts";
import { holdsRoutes } from "./routes/holds.ts";
import { loansRoutes } from "./routes/loans.ts"; // issue 8: patron loans (R30–R32)
import { mailSettingsRoutes } from "./routes/mail-settings.ts"; // issue 9 H-addr
// issue 8: counter lists and ILL
import { staffConsoleRoutes } from "./routes/staff-console.ts";
import { devMailRoutes } from "./routes/dev-mail.ts"; // issue 9 H-out
import { dbContext, sessionMiddleware } from "./middleware/session.ts";
import { clockContext } from "./middleware/clock.ts";
import { cardRoutes } from "./routes/card.ts"; // issue 10 card
import { sessionTag } from "./middleware/session-tag.ts"; // issue 10 pwa

function wantsHtml(path: string, accept: string | undefined): boolean {
  return !path.startsWith("/api/") && (accept ?? "").includes("text/html");
}

/** A Hono route path as a regular expression (`:name` one segment, `*` anything). */
function routePattern(path: string): RegExp {
  const source = path
    .split(/(:[A-Za-z0-9_]+(?:\{[^}]*\})?|\*)/)
    .map((part) => (part === "*" ? ".*" : part.startsWith(":") ? "[^/]+" : part.replace(/[.+?^${}()|[\]\\]/g, "\\$&")))
    .join("");
  return new RegExp(`^${source}$`);
}

/** The methods some route answers at this path (GET brings HEAD, as Hono does), in a stable order. */
export function allowedMethods(routes: { method: string; pattern: RegExp }[], path: string): string[] {
  const methods = new Set(routes.filter((r) => r.pattern.test(path)).map((r) => r.method));
  if (methods.has("GET")) methods.add("HEAD");
  return ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"].filter((m) => methods.has(m));
}

async function methodNotAllowed(c: Context<AppEnv>, allow: string[]): Promise<Response> {
  if (wantsHtml(c.req.path, c.req.header("accept"))) {
    const res = await renderInShell(c.env, {
      testDay: c.var.testDay,
      title: "この操作はできません",
      status: 405,
      main: html`<h1>この操作はできません</h1><p>${MESSAGES.method_not_allowed}</p><p><a href="/">トップページへ</a></p>`.toString(),
    });
    res.headers.set("Allow", allow.join(", "));
    return res;
  }
  c.header("Allow", allow.join(", "));
  return c.json(new AppError("method_not_allowed", MESSAGES.method_not_allowed).toJSON(), 405);
}

export function buildApp() {
  const app = new Hono<AppEnv>();

  // Security baseline (docs/security.md): headers on every response, errors included; then CSRF checks on
  // every state-changing request, before any route can see it.
  app.use(securityHeaders());
  // Issue 6 item 6: a path the Worker serves, asked with a method it does not answer there, is 405 with Allow
  // and a page. A request the CSRF layer refuses by its headers alone (cross-site, no Origin, no form or JSON
  // body) still gets that 403 first, before anything about routing is revealed.
  let routeTable: { method: string; pattern: RegExp }[] | undefined;
  app.use(async (c, next) => {
    if (checkRequestHeaders(c.req.method, c.req.url, c.req.raw.headers) !== null) return next();
    routeTable ??= app.routes.filter((r) => r.method !== "ALL").map((r) => ({ method: r.method, pattern: routePattern(r.path) }));
    const allow = allowedMethods(routeTable, c.req.path);
    if (allow.length && !allow.includes(c.req.method)) return methodNotAllowed(c, allow);
    await next();
  });
  // Issue 6 item 6: an unreadable form body is a 400 page, before anything reads it (the CSRF token check included).
  app.use(bodyGuard());
  app.use(csrfProtection());

  // One database handle per request (c.var.db), then who is asking (c.var.session).
  app.use(dbContext);
  app.use(clockContext);
  app.use(sessionMiddleware);
  app.use(cartCountInHeader);
  app.use(sessionTag); // R50 (issue 10): which session a response was made for (middleware/session-tag.ts; the service worker's personal cache)

  // The trivial endpoint the benchmarks compare against.
  app.get("/health", (c) => c.text("ok"));

  app.route("/", searchRoutes);
  app.route("/", catalogRoutes);
  app.route("/", accountRoutes);
  app.route("/", staffRoutes);
  app.route("/", cartRoutes);
  app.route("/", terminalRoutes);
  app.route("/", holdsApplyRoutes);
  app.route("/", staffHoldsRoutes);
  app.route("/", staffCirculationRoutes);
  app.route("/", bookListRoutes);
  app.route("/", holdsSeriesRoutes);
  app.route("/", holdsRoutes);
  app.route("/", loansRoutes); // issue 8: patron loans (R30–R32)
  app.route("/", mailSettingsRoutes); // issue 9 H-addr
  // issue 8: counter lists and ILL
  app.route("/", staffConsoleRoutes);
  app.route("/", devMailRoutes); // issue 9 H-out
  app.route("/", cardRoutes); // R50 (issue 10): 「利用カード（バーコード）」

  app.notFound(async (c) => {
    if (wantsHtml(c.req.path, c.req.header("accept"))) {
      return renderInShell(c.env, {
        testDay: c.var.testDay,
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
          testDay: c.var.testDay,
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
