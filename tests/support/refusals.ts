// What the service tests of the counter (circulation, staff console, ILL) ask of a refusal and of the audit log,
// and what the route tests ask of a refused request (its reason codes; the login wall of a patron page).
import { env } from "cloudflare:workers";
import { expect } from "vitest";
import type { TestClient } from "./session-client.ts";
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

/** The reason codes of a JSON refusal (empty when it has none). */
export async function reasonCodes(res: Response): Promise<string[]> {
  const body = (await res.json()) as { error?: { reasons?: { code: string }[] } };
  return body.error?.reasons?.map((r) => r.code) ?? [];
}

/** A patron page behind the login (R01): a browser is sent to /login and back (next=path); JSON gets 401 login_required. */
export async function expectLoginWall(client: TestClient, path: string): Promise<void> {
  const html = await client.request(path, { html: true });
  expect(html.status, path).toBe(303);
  expect(html.headers.get("location")).toBe(`/login?next=${encodeURIComponent(path)}`);
  const json = await client.request(path);
  expect(json.status, path).toBe(401);
  expect(await reasonCodes(json)).toEqual(["login_required"]);
}
