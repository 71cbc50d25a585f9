// Branches (館) and the library calendar's data. R11/R12: in-city vs outside; R21: closed days per branch.
import { sql } from "drizzle-orm";
import { check, index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

export const branches = sqliteTable(
  "branches",
  {
    id: integer("id").primaryKey(),
    code: text("code").notNull().unique(),
    name: text("name").notNull(),
    // R11: only in-city libraries (city libraries, ムーブ図書・情報室, 学術情報センター一般図書室) make a record holdable.
    inCity: integer("in_city", { mode: "boolean" }).notNull(),
    // A branch outside the city is only an inter-library-loan lender, never a pickup library (R12, R32, R34).
    isPickup: integer("is_pickup", { mode: "boolean" }).notNull(),
    sortOrder: integer("sort_order").notNull().default(0),
    // R34: where a hold can no longer be changed online the page says to phone the branch; null: not known.
    phone: text("phone"),
    note: text("note"),
  },
  (t) => [check("branches_pickup_in_city", sql`${t.isPickup} = 0 OR ${t.inCity} = 1`)],
);

// Staff-entered exceptions to the closed-day rules: temporary closures (臨時休館) and, rarely, special openings.
// branch_id NULL means every branch. Dates are Asia/Tokyo calendar days, 'YYYY-MM-DD', inclusive.
export const branchClosures = sqliteTable(
  "branch_closures",
  {
    id: integer("id").primaryKey(),
    branchId: integer("branch_id").references(() => branches.id),
    kind: text("kind", { enum: ["closed", "open"] }).notNull().default("closed"),
    fromDate: text("from_date").notNull(),
    toDate: text("to_date").notNull(),
    reason: text("reason").notNull(),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [
    check("branch_closures_kind", sql`${t.kind} IN ('closed','open')`),
    check("branch_closures_dates", sql`${t.fromDate} <= ${t.toDate} AND length(${t.fromDate}) = 10 AND length(${t.toDate}) = 10`),
    index("branch_closures_branch").on(t.branchId, t.fromDate),
  ],
);
