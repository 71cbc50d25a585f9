// Audit log and idempotency keys.
import { index, integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";

export const auditLog = sqliteTable(
  "audit_log",
  {
    id: integer("id").primaryKey(),
    at: integer("at").notNull(),
    actorKind: text("actor_kind", { enum: ["patron", "staff", "system", "anonymous"] }).notNull(),
    actorId: integer("actor_id"),
    action: text("action").notNull(),
    targetKind: text("target_kind"),
    targetId: integer("target_id"),
    detail: text("detail"),
    clientAddress: text("client_address"),
  },
  (t) => [index("audit_log_at").on(t.at), index("audit_log_actor").on(t.actorKind, t.actorId, t.at)],
);

// Writes a client may retry carry a key; the first answer is replayed.
export const idempotencyKeys = sqliteTable(
  "idempotency_keys",
  {
    scope: text("scope").notNull(),
    key: text("key").notNull(),
    status: integer("status").notNull(),
    response: text("response").notNull(),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.scope, t.key] })],
);
