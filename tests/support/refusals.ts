// What the service tests of the counter (circulation, staff console, ILL) ask of a refusal and of the audit log.
import { env } from "cloudflare:workers";
import { AppError } from "../../worker/src/errors.ts";

/** The AppError a service refused with; fails the test when it did not refuse, rethrows anything else (a bug). */
export async function refusalOf(p: Promise<unknown>): Promise<AppError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof AppError) return err;
    throw err;
  }
  throw new Error("expected a refusal");
}

/** Audit rows of one action on one target. */
export async function auditCount(action: string, targetId: number): Promise<number> {
  return Number((await env.DB.prepare("SELECT count(*) AS n FROM audit_log WHERE action = ? AND target_id = ?").bind(action, targetId).first<{ n: number }>())!.n);
}
