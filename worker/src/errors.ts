// The one error envelope: { error: { code, message, reasons? } }, a closed set of codes, one code→status map.
import { MESSAGES, type ReasonCode } from "./domain/messages.ts";

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
