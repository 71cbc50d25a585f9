// Failed logins and self-service issues, for throttling (issue 3 item 5; R02's weak passwords, R04).
import { sql } from "drizzle-orm";
import { check, index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

export const AUTH_FAILURE_KINDS = ["login", "apply", "staff_login"] as const;
export type AuthFailureKind = (typeof AUTH_FAILURE_KINDS)[number];

// One row per failed attempt; rows older than the longest throttle window are pruned. No patron id: a failure
// against a card number nobody holds counts the same as any other (the answer must not tell them apart).
export const authFailures = sqliteTable(
  "auth_failures",
  {
    id: integer("id").primaryKey(),
    // 'login' (patron login, and a wrong current password in 「パスワード変更」), 'apply' (R04), 'staff_login'.
    kind: text("kind", { enum: AUTH_FAILURE_KINDS }).notNull(),
    // The card number as typed (cleaned, at most 32 characters), or the staff login.
    subject: text("subject").notNull(),
    // The client address's throttle key (IPv6: its /64), domain/throttle.ts addressKey().
    clientAddress: text("client_address").notNull(),
    at: integer("at").notNull(),
  },
  (t) => [
    check("auth_failures_kind", sql`${t.kind} IN ('login','apply','staff_login')`),
    index("auth_failures_subject").on(t.kind, t.subject, t.at),
    index("auth_failures_address").on(t.kind, t.clientAddress, t.at),
    index("auth_failures_at").on(t.kind, t.at),
  ],
);
