// Issue 8 item 6: the local clock for demos and tests. One row at most: the Asia/Tokyo day `npm run clock -- DAY`
// set as the service's "today". Read only where worker/src/domain/local-clock.ts allows it (local development;
// never a production configuration): elsewhere the table is ignored, whatever it holds.
import { sql } from "drizzle-orm";
import { check, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

export const localClock = sqliteTable(
  "local_clock",
  {
    id: integer("id").primaryKey(),
    today: text("today").notNull(),
    setAt: integer("set_at").notNull(),
  },
  (t) => [check("local_clock_one_row", sql`${t.id} = 1`), check("local_clock_day", sql`length(${t.today}) = 10`)],
);
