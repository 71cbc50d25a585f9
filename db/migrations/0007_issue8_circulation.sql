CREATE TABLE `local_clock` (
	`id` integer PRIMARY KEY NOT NULL,
	`today` text NOT NULL,
	`set_at` integer NOT NULL,
	CONSTRAINT "local_clock_one_row" CHECK("local_clock"."id" = 1),
	CONSTRAINT "local_clock_day" CHECK(length("local_clock"."today") = 10)
);
--> statement-breakpoint
ALTER TABLE `items` ADD `ill_hold_id` integer;--> statement-breakpoint
CREATE UNIQUE INDEX `items_ill_hold` ON `items` (`ill_hold_id`) WHERE ill_hold_id IS NOT NULL;--> statement-breakpoint
ALTER TABLE `loans` ADD `renewed_at` integer;--> statement-breakpoint
ALTER TABLE `loans` ADD `return_branch_id` integer REFERENCES branches(id);--> statement-breakpoint
ALTER TABLE `loans` ADD `return_staff_id` integer REFERENCES staff_users(id);--> statement-breakpoint
-- Custom SQL (issue 8 item 1): at most 10 open loans per patron (policy.ts LOAN_LIMIT, Kitakyushu's loan rule).
-- The checkout's guarded INSERT says the same first; this is the backstop for two counters at once.
CREATE TRIGGER loans_limit_insert BEFORE INSERT ON loans
WHEN NEW.returned_at IS NULL
  AND (SELECT count(*) FROM loans WHERE patron_id = NEW.patron_id AND returned_at IS NULL) >= 10
BEGIN
  SELECT RAISE(ABORT, 'loan_limit_reached');
END;
--> statement-breakpoint
-- R31: a renewal is recorded with its time, and only a renewed loan has one.
CREATE TRIGGER loans_renewed_at BEFORE UPDATE OF renewals ON loans
WHEN NEW.renewals > 0 AND NEW.renewed_at IS NULL
BEGIN
  SELECT RAISE(ABORT, 'loan_renewed_at_missing');
END;
