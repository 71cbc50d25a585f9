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

// Issue 9 item 7: the dev mailbox. In local development the mail transport keeps each mail here instead of sending
// it, and /dev/mail shows them. Only where worker/src/mail/dev-mailbox.ts allows it (DEV_MAILBOX=on in .dev.vars on a
// loopback origin): a production configuration never writes or reads it. One row per idempotency key, as a provider
// that honours the key would keep one message.
export const devMail = sqliteTable("dev_mail", {
  id: integer("id").primaryKey(),
  idempotencyKey: text("idempotency_key").notNull().unique(),
  messageId: text("message_id").notNull(),
  eventKey: text("event_key").notNull(),
  fromAddress: text("from_address").notNull(),
  toAddress: text("to_address").notNull(),
  subject: text("subject").notNull(),
  text: text("text").notNull(),
  // JSON object of the extra headers the mail carried.
  headers: text("headers").notNull(),
  sentAt: integer("sent_at").notNull(),
});
