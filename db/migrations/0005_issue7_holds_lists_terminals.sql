ALTER TABLE `opac_terminals` ADD `label` text;--> statement-breakpoint
ALTER TABLE `opac_terminals` ADD `active` integer DEFAULT true NOT NULL;--> statement-breakpoint
ALTER TABLE `opac_terminals` ADD `enrolment_hash` text;--> statement-breakpoint
ALTER TABLE `opac_terminals` ADD `enrolment_expires_at` integer;--> statement-breakpoint
ALTER TABLE `opac_terminals` ADD `enrolled_at` integer;--> statement-breakpoint
ALTER TABLE `opac_terminals` ADD `created_at` integer;--> statement-breakpoint
ALTER TABLE `holds` ADD `entered_by_staff_id` integer REFERENCES staff_users(id);--> statement-breakpoint
CREATE INDEX `book_list_entries_order` ON `book_list_entries` (`list_id`,`added_at`);--> statement-breakpoint
CREATE UNIQUE INDEX `book_lists_patron_name` ON `book_lists` (`patron_id`,`name`);--> statement-breakpoint
-- Issue 7 item 1: before one line per patron and record is required, a patron's duplicate lines (the same record in
-- carts of two devices) keep their earliest add.
DELETE FROM cart_lines WHERE patron_id IS NOT NULL AND id NOT IN (
  SELECT min(id) FROM cart_lines WHERE patron_id IS NOT NULL GROUP BY patron_id, record_id);--> statement-breakpoint
CREATE UNIQUE INDEX `cart_lines_patron_record` ON `cart_lines` (`patron_id`,`record_id`) WHERE patron_id IS NOT NULL;--> statement-breakpoint
-- Custom SQL (issue 7): the backstops drizzle's schema cannot say; tests/worker/schema-invariants.test.ts checks them.
-- 「マイブックリスト」: policy.ts BOOK_LIST_LIMIT (20 lists per patron) and BOOK_LIST_ENTRY_LIMIT (500 records a list).
CREATE TRIGGER book_lists_limit BEFORE INSERT ON book_lists
WHEN (SELECT count(*) FROM book_lists WHERE patron_id = NEW.patron_id) >= 20
BEGIN
  SELECT RAISE(ABORT, 'book_list_limit_reached');
END;
--> statement-breakpoint
CREATE TRIGGER book_list_entries_limit BEFORE INSERT ON book_list_entries
WHEN (SELECT count(*) FROM book_list_entries WHERE list_id = NEW.list_id) >= 500
BEGIN
  SELECT RAISE(ABORT, 'book_list_full');
END;
--> statement-breakpoint
-- R15: a later volume of an ordered hold is never allocated a copy (in transit or ready) while an earlier volume of
-- its group still waits; cancelled volumes step aside. domain/ordered-holds.ts asks the same question first.
CREATE TRIGGER holds_series_order BEFORE UPDATE OF status ON holds
WHEN NEW.group_id IS NOT NULL AND NEW.status IN ('in_transit','ready') AND OLD.status = 'waiting'
  AND EXISTS (SELECT 1 FROM holds e WHERE e.group_id = NEW.group_id AND e.group_position < NEW.group_position
    AND e.status = 'waiting')
BEGIN
  SELECT RAISE(ABORT, 'series_order_pending');
END;
