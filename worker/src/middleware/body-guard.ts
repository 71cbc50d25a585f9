// Issue 6 item 6 ("500 on malformed bodies"): one check, before any other middleware or route reads a body, that a
// form body can be read at all. A multipart body without a boundary, a broken multipart body, or a urlencoded
// body in a charset the platform cannot decode (charset=utf-16) made FormData parsing throw inside a route,
// which became a 500. Here it becomes 400 with the error page (app.onError), on every route at once.
// JSON bodies are left to their route (POST /api/session answers a bad one with its own 400 envelope).
import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../env.ts";
import { MESSAGES } from "../domain/messages.ts";
import { AppError } from "../errors.ts";
import { checkRequestHeaders } from "./csrf.ts";

const WITH_BODY = new Set(["POST", "PUT", "PATCH", "DELETE"]);
const FORM_TYPES = new Set(["application/x-www-form-urlencoded", "multipart/form-data"]);

/** Form posts here are a few fields; anything far larger is not one of this site's forms. */
export const MAX_FORM_BYTES = 64 * 1024;

function mediaType(contentType: string | undefined): string {
  return (contentType ?? "").split(";")[0]!.trim().toLowerCase();
}

/** The charset parameter of a Content-Type, lower-cased, or null. */
function charsetOf(contentType: string | undefined): string | null {
  const m = /;\s*charset\s*=\s*"?([^";\s]+)"?/i.exec(contentType ?? "");
  return m ? m[1]!.toLowerCase() : null;
}

/**
 * Null when the body of this request can be read as the form it claims to be; otherwise why not. Reads a
 * clone, so the route (and the CSRF check) still get the untouched body.
 */
export async function unreadableForm(req: Request): Promise<string | null> {
  const type = req.headers.get("content-type") ?? undefined;
  if (!FORM_TYPES.has(mediaType(type))) return null;
  // A form is UTF-8 (every page here is): the WHATWG parser would read any other charset's bytes as UTF-8
  // anyway, so a body that says otherwise is refused rather than silently misread.
  const charset = charsetOf(type);
  if (charset !== null && charset !== "utf-8" && charset !== "utf8") return "charset";
  const length = Number(req.headers.get("content-length") ?? "0");
  if (Number.isFinite(length) && length > MAX_FORM_BYTES) return "too_large";
  try {
    const bytes = await req.clone().arrayBuffer();
    if (bytes.byteLength > MAX_FORM_BYTES) return "too_large";
    await new Response(bytes, { headers: { "Content-Type": type ?? "" } }).formData();
  } catch {
    return "malformed";
  }
  return null;
}

/**
 * Before the CSRF token check, after its header checks: a request the CSRF layer refuses by its headers alone
 * (another site, no Origin, a body type no form has) is left to it (403), so a forgery learns nothing from
 * how its body was read; a same-origin form whose body cannot be read is a 400, not a missing token.
 */
export function bodyGuard(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (
      WITH_BODY.has(c.req.method) &&
      checkRequestHeaders(c.req.method, c.req.url, c.req.raw.headers) === null &&
      (await unreadableForm(c.req.raw)) !== null
    ) {
      throw new AppError("bad_request", MESSAGES.bad_body);
    }
    await next();
  };
}
