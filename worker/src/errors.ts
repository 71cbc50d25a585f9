// The one error envelope: { error: { code, message, reasons? } }, a closed set of codes, one code→status map.
import { constraintReason } from "./data/db.ts";
import { MESSAGES, type ReasonCode } from "./domain/messages.ts";
import { formatWait } from "./domain/throttle.ts";

export const ERROR_STATUS = {
  bad_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  too_many_requests: 429,
  internal: 500,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

export interface Reason {
  code: ReasonCode;
  message: string;
  field?: string;
}

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly reasons: Reason[];
  constructor(code: ErrorCode, message: string, reasons: Reason[] = []) {
    super(message);
    this.code = code;
    this.reasons = reasons;
  }
  get status(): (typeof ERROR_STATUS)[ErrorCode] {
    return ERROR_STATUS[this.code];
  }
  toJSON() {
    return { error: { code: this.code, message: this.message, ...(this.reasons.length ? { reasons: this.reasons } : {}) } };
  }
}

export function reason(code: ReasonCode, field?: string): Reason {
  return field ? { code, message: MESSAGES[code], field } : { code, message: MESSAGES[code] };
}

/** A refusal carrying every reason (rules collect them all). The headline is the first reason's message. */
export function refusal(code: ErrorCode, reasons: Reason[]): AppError {
  return new AppError(code, reasons[0]?.message ?? MESSAGES.bad_request, reasons);
}

/**
 * 429 with the wait (issue 3 item 5): the message says when to try again, and every response that carries it — the
 * HTML pages (routes/support.ts page()) and the JSON envelope (app.onError) — gets `Retry-After` from it.
 */
export class ThrottledError extends AppError {
  readonly retryAfterSeconds: number;
  constructor(retryAfterSeconds: number) {
    const seconds = Math.max(1, Math.ceil(retryAfterSeconds));
    const message = `${MESSAGES.too_many_attempts}${formatWait(seconds)}ほどたってから、もう一度お試しください。`;
    super("too_many_requests", message, [{ code: "too_many_attempts", message }]);
    this.retryAfterSeconds = seconds;
  }
}

/** The Retry-After header value an error calls for (whole seconds), if any. */
export function retryAfterOf(err: unknown): string | undefined {
  return err instanceof ThrottledError ? String(err.retryAfterSeconds) : undefined;
}

/**
 * A database backstop that fired (data/db.ts constraintReason) as the refusal it means — 409 conflict by default:
 * the request was fine when it was decided, the database's state said no — or null when `err` is no such thing.
 */
export function constraintRefusal(err: unknown, code: ErrorCode = "conflict"): AppError | null {
  const violation = constraintReason(err);
  return violation ? refusal(code, [reason(violation.reason)]) : null;
}
