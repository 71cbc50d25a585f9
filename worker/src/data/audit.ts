// Issue 3 item 10: an audit row for every login, failure, password change and issue. Never a password or a token.
import { sql, type SQL } from "drizzle-orm";
import { auditLog } from "../../../db/schema/index.ts";
import type { Db } from "./db.ts";

export type AuditAction =
  | "login"
  | "login_failed"
  | "login_throttled"
  | "login_refused"
  | "logout"
  | "password_changed"
  | "password_change_failed"
  | "password_applied"
  | "password_apply_failed"
  | "password_apply_throttled"
  | "temporary_password_issued"
  | "staff_login"
  | "staff_login_failed"
  | "staff_login_throttled"
  // OPAC terminals (issue 7 item 8)
  | "terminal_registered"
  | "terminal_enrolment_issued"
  | "terminal_retired"
  | "terminal_enrolled"
  | "terminal_enrol_failed"
  | "terminal_enrol_throttled"
  // Issue 7 (R12, R16): a member of staff entered a paper-form hold (written in the placing batch, data/hold-placement.ts).
  | "hold_paper_entered"
  // issue 8: counter lists and ILL — 「連絡済み」 (R21), 「利用者照会」, a paper-form ILL hold (R12, R34), an ILL copy received
  | "hold_contact_recorded"
  | "patron_looked_up"
  | "hold_ill_entered"
  | "ill_item_received"
  // --- issue 8: circulation counter (H1) --- written in the action's own batch, raw SQL (data/circulation.ts audit):
  // target_kind 'item' for the counter's scans, 'hold' for the expiry job (actor_kind 'system').
  | "item_checked_out"
  | "item_checked_in"
  | "transit_received"
  | "hold_expired"
  // --- end issue 8: circulation counter (H1) ---
  | "mail_address_added" // issue 9 H-addr
  | "mail_address_changed" // issue 9 H-addr
  | "mail_address_deleted" // issue 9 H-addr
  | "mail_address_confirmed"; // issue 9 H-addr

export interface AuditEntry {
  at: number;
  actorKind: "patron" | "staff" | "system" | "anonymous";
  actorId?: number | null;
  action: AuditAction;
  targetKind?: "patron" | "staff" | "terminal" | null;
  targetId?: number | null;
  detail?: Record<string, unknown> | null;
  clientAddress?: string | null;
}

function row(e: AuditEntry) {
  return {
    at: e.at,
    actorKind: e.actorKind,
    actorId: e.actorId ?? null,
    action: e.action,
    targetKind: e.targetKind ?? null,
    targetId: e.targetId ?? null,
    detail: e.detail ? JSON.stringify(e.detail) : null,
    // An address is at most 45 characters (IPv6 with an IPv4 tail); anything longer was not one.
    clientAddress: e.clientAddress ? e.clientAddress.slice(0, 64) : null,
  };
}

export function auditStatement(db: Db, e: AuditEntry) {
  return db.insert(auditLog).values(row(e));
}

/** An audit row written only if `condition` holds when the batch reaches it (it re-checks what the batch did). */
export function auditIfStatement(db: Db, e: AuditEntry, condition: SQL) {
  const r = row(e);
  // INSERT … SELECT names every column of audit_log in table order, id first (NULL: the next rowid).
  return db
    .insert(auditLog)
    .select(
      sql`SELECT NULL, ${r.at}, ${r.actorKind}, ${r.actorId}, ${r.action}, ${r.targetKind}, ${r.targetId}, ${r.detail}, ${r.clientAddress} WHERE ${condition}`,
    );
}

export async function writeAudit(db: Db, e: AuditEntry): Promise<void> {
  await auditStatement(db, e);
}
