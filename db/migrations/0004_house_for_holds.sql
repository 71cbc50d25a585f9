CREATE TABLE `item_transits` (
	`id` integer PRIMARY KEY NOT NULL,
	`item_id` integer NOT NULL,
	`from_branch_id` integer NOT NULL,
	`to_branch_id` integer NOT NULL,
	`hold_id` integer,
	`sent_at` integer NOT NULL,
	`received_at` integer,
	FOREIGN KEY (`item_id`) REFERENCES `items`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`from_branch_id`) REFERENCES `branches`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`to_branch_id`) REFERENCES `branches`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`hold_id`) REFERENCES `holds`(`id`) ON UPDATE no action ON DELETE set null,
	CONSTRAINT "item_transits_moves" CHECK("item_transits"."from_branch_id" <> "item_transits"."to_branch_id"),
	CONSTRAINT "item_transits_order" CHECK("item_transits"."received_at" IS NULL OR "item_transits"."received_at" >= "item_transits"."sent_at")
);
--> statement-breakpoint
CREATE UNIQUE INDEX `item_transits_open` ON `item_transits` (`item_id`) WHERE received_at IS NULL;--> statement-breakpoint
CREATE INDEX `item_transits_arriving` ON `item_transits` (`to_branch_id`,`received_at`);--> statement-breakpoint
CREATE INDEX `item_transits_hold` ON `item_transits` (`hold_id`);--> statement-breakpoint
PRAGMA foreign_keys=OFF;--> statement-breakpoint
CREATE TABLE `__new_mail_outbox` (
	`id` integer PRIMARY KEY NOT NULL,
	`patron_id` integer,
	`to_address` text NOT NULL,
	`kind` text NOT NULL,
	`subject` text NOT NULL,
	`body` text NOT NULL,
	`dedupe_key` text NOT NULL,
	`status` text DEFAULT 'pending' NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`last_error` text,
	`next_attempt_at` integer DEFAULT 0 NOT NULL,
	`lease_id` text,
	`leased_until` integer,
	`created_at` integer NOT NULL,
	`sent_at` integer,
	FOREIGN KEY (`patron_id`) REFERENCES `patrons`(`id`) ON UPDATE no action ON DELETE set null,
	CONSTRAINT "mail_outbox_status" CHECK("__new_mail_outbox"."status" IN ('pending','sending','sent','failed')),
	CONSTRAINT "mail_outbox_kind" CHECK("__new_mail_outbox"."kind" IN ('address_confirmation','hold_ready')),
	CONSTRAINT "mail_outbox_lease" CHECK(("__new_mail_outbox"."status" = 'sending') = ("__new_mail_outbox"."lease_id" IS NOT NULL AND "__new_mail_outbox"."leased_until" IS NOT NULL)),
	CONSTRAINT "mail_outbox_sent" CHECK("__new_mail_outbox"."status" <> 'sent' OR "__new_mail_outbox"."sent_at" IS NOT NULL)
);
--> statement-breakpoint
-- Hand-corrected copy (drizzle-kit listed the new columns on the old table too): a row caught 'sending' has no
-- lease to keep, so it goes back to 'pending' and is due at once; a 'sent' row without its time takes its creation.
INSERT INTO `__new_mail_outbox`("id", "patron_id", "to_address", "kind", "subject", "body", "dedupe_key", "status", "attempts", "last_error", "next_attempt_at", "created_at", "sent_at") SELECT "id", "patron_id", "to_address", "kind", "subject", "body", "dedupe_key", CASE "status" WHEN 'sending' THEN 'pending' ELSE "status" END, "attempts", "last_error", 0, "created_at", CASE WHEN "status" = 'sent' THEN coalesce("sent_at", "created_at") ELSE "sent_at" END FROM `mail_outbox`;--> statement-breakpoint
DROP TABLE `mail_outbox`;--> statement-breakpoint
ALTER TABLE `__new_mail_outbox` RENAME TO `mail_outbox`;--> statement-breakpoint
CREATE UNIQUE INDEX `mail_outbox_dedupe` ON `mail_outbox` (`dedupe_key`);--> statement-breakpoint
CREATE INDEX `mail_outbox_due` ON `mail_outbox` (`status`,`next_attempt_at`);--> statement-breakpoint
CREATE TABLE `__new_holds` (
	`id` integer PRIMARY KEY NOT NULL,
	`patron_id` integer NOT NULL,
	`record_id` integer NOT NULL,
	`channel` text NOT NULL,
	`terminal_id` integer,
	`pickup_branch_id` integer NOT NULL,
	`contact` text NOT NULL,
	`mail_address_id` integer,
	`status` text DEFAULT 'waiting' NOT NULL,
	`placed_at` integer NOT NULL,
	`group_id` integer,
	`group_position` integer,
	`item_id` integer,
	`external` integer DEFAULT false NOT NULL,
	`ready_at` integer,
	`contact_date` text,
	`shelf_until` text,
	`cancelled_at` integer,
	`cancel_reason` text,
	`fulfilled_at` integer,
	`idempotency_key` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`patron_id`) REFERENCES `patrons`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`record_id`) REFERENCES `records`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`terminal_id`) REFERENCES `opac_terminals`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`pickup_branch_id`) REFERENCES `branches`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`mail_address_id`) REFERENCES `mail_addresses`(`id`) ON UPDATE no action ON DELETE set null,
	FOREIGN KEY (`group_id`) REFERENCES `hold_groups`(`id`) ON UPDATE no action ON DELETE set null,
	FOREIGN KEY (`item_id`) REFERENCES `items`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "holds_status" CHECK("__new_holds"."status" IN ('waiting','in_transit','ready','cancelled','fulfilled')),
	CONSTRAINT "holds_channel" CHECK("__new_holds"."channel" IN ('web','opac','paper')),
	CONSTRAINT "holds_contact" CHECK("__new_holds"."contact" IN ('mail','phone','none')),
	CONSTRAINT "holds_cancel_reason_known" CHECK("__new_holds"."cancel_reason" IS NULL OR "__new_holds"."cancel_reason" IN ('patron','expired','staff')),
	CONSTRAINT "holds_cancel_reason" CHECK(("__new_holds"."status" = 'cancelled') = ("__new_holds"."cancel_reason" IS NOT NULL)),
	CONSTRAINT "holds_item_when_allocated" CHECK("__new_holds"."status" NOT IN ('in_transit','ready') OR "__new_holds"."item_id" IS NOT NULL),
	CONSTRAINT "holds_group_position" CHECK(("__new_holds"."group_id" IS NULL) = ("__new_holds"."group_position" IS NULL)),
	CONSTRAINT "holds_ready_shelf" CHECK("__new_holds"."status" <> 'ready' OR ("__new_holds"."ready_at" IS NOT NULL AND "__new_holds"."shelf_until" IS NOT NULL)),
	CONSTRAINT "holds_shelf_until_shape" CHECK("__new_holds"."shelf_until" IS NULL OR length("__new_holds"."shelf_until") = 10)
);
--> statement-breakpoint
INSERT INTO `__new_holds`("id", "patron_id", "record_id", "channel", "terminal_id", "pickup_branch_id", "contact", "mail_address_id", "status", "placed_at", "group_id", "group_position", "item_id", "external", "ready_at", "contact_date", "shelf_until", "cancelled_at", "cancel_reason", "fulfilled_at", "idempotency_key", "created_at", "updated_at") SELECT "id", "patron_id", "record_id", "channel", "terminal_id", "pickup_branch_id", "contact", "mail_address_id", "status", "placed_at", "group_id", "group_position", "item_id", "external", "ready_at", "contact_date", "shelf_until", "cancelled_at", "cancel_reason", "fulfilled_at", "idempotency_key", "created_at", "updated_at" FROM `holds`;--> statement-breakpoint
DROP TABLE `holds`;--> statement-breakpoint
ALTER TABLE `__new_holds` RENAME TO `holds`;--> statement-breakpoint
CREATE UNIQUE INDEX `holds_one_active` ON `holds` (`patron_id`,`record_id`) WHERE status IN ('waiting','in_transit','ready');--> statement-breakpoint
CREATE UNIQUE INDEX `holds_item_active` ON `holds` (`item_id`) WHERE status IN ('in_transit','ready');--> statement-breakpoint
CREATE UNIQUE INDEX `holds_group_slot` ON `holds` (`group_id`,`group_position`) WHERE status IN ('waiting','in_transit','ready');--> statement-breakpoint
CREATE UNIQUE INDEX `holds_idempotency` ON `holds` (`patron_id`,`idempotency_key`) WHERE idempotency_key IS NOT NULL;--> statement-breakpoint
CREATE INDEX `holds_queue` ON `holds` (`record_id`,`status`,`placed_at`,`id`);--> statement-breakpoint
CREATE INDEX `holds_patron` ON `holds` (`patron_id`,`status`);--> statement-breakpoint
CREATE INDEX `holds_shelf` ON `holds` (`status`,`shelf_until`);--> statement-breakpoint
ALTER TABLE `items` ADD `current_branch_id` integer REFERENCES branches(id);--> statement-breakpoint
-- Hand-written rebuild in drizzle-kit's form (it printed ALTER TABLE … ADD … NOT NULL, which SQLite refuses).
-- No loan has been written before 0004 (circulation comes after it); a database that had one would stop here
-- rather than invent who lent it: the counter branch is the copy's own, the staff member is unknown (NOT NULL).
CREATE TABLE `__new_loans` (
	`id` integer PRIMARY KEY NOT NULL,
	`item_id` integer NOT NULL,
	`patron_id` integer NOT NULL,
	`loaned_at` integer NOT NULL,
	`checkout_branch_id` integer NOT NULL,
	`staff_id` integer NOT NULL,
	`hold_id` integer,
	`due_date` text NOT NULL,
	`renewals` integer DEFAULT 0 NOT NULL,
	`inter_library` integer DEFAULT false NOT NULL,
	`returned_at` integer,
	FOREIGN KEY (`item_id`) REFERENCES `items`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`patron_id`) REFERENCES `patrons`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`checkout_branch_id`) REFERENCES `branches`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`staff_id`) REFERENCES `staff_users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`hold_id`) REFERENCES `holds`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "loans_renewals" CHECK("__new_loans"."renewals" BETWEEN 0 AND 1),
	CONSTRAINT "loans_ill_no_renewal" CHECK("__new_loans"."inter_library" = 0 OR "__new_loans"."renewals" = 0)
);
--> statement-breakpoint
INSERT INTO `__new_loans`("id", "item_id", "patron_id", "loaned_at", "checkout_branch_id", "staff_id", "hold_id", "due_date", "renewals", "inter_library", "returned_at") SELECT l."id", l."item_id", l."patron_id", l."loaned_at", i."branch_id", NULL, NULL, l."due_date", l."renewals", l."inter_library", l."returned_at" FROM `loans` l JOIN `items` i ON i."id" = l."item_id";--> statement-breakpoint
DROP TABLE `loans`;--> statement-breakpoint
ALTER TABLE `__new_loans` RENAME TO `loans`;--> statement-breakpoint
CREATE UNIQUE INDEX `loans_item_open` ON `loans` (`item_id`) WHERE returned_at IS NULL;--> statement-breakpoint
CREATE INDEX `loans_patron` ON `loans` (`patron_id`,`returned_at`);--> statement-breakpoint
CREATE UNIQUE INDEX `loans_hold` ON `loans` (`hold_id`) WHERE hold_id IS NOT NULL;--> statement-breakpoint
PRAGMA foreign_keys=ON;--> statement-breakpoint
-- Custom SQL (issue 6 item 5): what drizzle's schema cannot say. The vocabularies are worker/src/domain/vocabulary.ts
-- (ACTIVE_HOLD_STATUSES = 'waiting','in_transit','ready'); tests/worker/schema-invariants.test.ts checks each one.
-- Rebuilding holds dropped its triggers (0001): R14's limit and R11/R12's pickup check come back unchanged.
CREATE TRIGGER holds_limit_insert BEFORE INSERT ON holds
WHEN NEW.status IN ('waiting','in_transit','ready')
  AND (SELECT count(*) FROM holds WHERE patron_id = NEW.patron_id AND status IN ('waiting','in_transit','ready')) >= 10
BEGIN
  SELECT RAISE(ABORT, 'hold_limit_reached');
END;
--> statement-breakpoint
CREATE TRIGGER holds_limit_reactivate BEFORE UPDATE OF status ON holds
WHEN OLD.status NOT IN ('waiting','in_transit','ready') AND NEW.status IN ('waiting','in_transit','ready')
  AND (SELECT count(*) FROM holds WHERE patron_id = NEW.patron_id AND status IN ('waiting','in_transit','ready')) >= 10
BEGIN
  SELECT RAISE(ABORT, 'hold_limit_reached');
END;
--> statement-breakpoint
CREATE TRIGGER holds_pickup_in_city BEFORE INSERT ON holds
WHEN (SELECT is_pickup FROM branches WHERE id = NEW.pickup_branch_id) IS NOT 1
BEGIN
  SELECT RAISE(ABORT, 'pickup_not_allowed');
END;
--> statement-breakpoint
-- R11, R12, R34: changing a hold's pickup library is held to the same rule as choosing it.
CREATE TRIGGER holds_pickup_in_city_update BEFORE UPDATE OF pickup_branch_id ON holds
WHEN NEW.pickup_branch_id IS NOT OLD.pickup_branch_id
  AND (SELECT is_pickup FROM branches WHERE id = NEW.pickup_branch_id) IS NOT 1
BEGIN
  SELECT RAISE(ABORT, 'pickup_not_allowed');
END;
--> statement-breakpoint
-- R15: deleting an ordered group takes its holds out of it, position and all, before ON DELETE SET NULL would
-- leave a position without a group (which holds_group_position refuses, so the delete failed before 0004).
CREATE TRIGGER hold_groups_release BEFORE DELETE ON hold_groups
BEGIN
  UPDATE holds SET group_id = NULL, group_position = NULL WHERE group_id = OLD.id;
END;
--> statement-breakpoint
-- A copy is where it belongs until it moves: inserted without a current branch, it is at its own.
CREATE TRIGGER items_current_branch_default AFTER INSERT ON items
WHEN NEW.current_branch_id IS NULL AND NEW.status <> 'in_transit'
BEGIN
  UPDATE items SET current_branch_id = NEW.branch_id WHERE id = NEW.id;
END;
--> statement-breakpoint
-- Only a copy in transit may be nowhere (SQLite cannot add this CHECK to a table others reference without a
-- rebuild that D1's enforced foreign keys make unsafe; a trigger says it instead).
CREATE TRIGGER items_location BEFORE UPDATE ON items
WHEN NEW.current_branch_id IS NULL AND NEW.status <> 'in_transit'
BEGIN
  SELECT RAISE(ABORT, 'item_location_missing');
END;
--> statement-breakpoint
UPDATE items SET current_branch_id = branch_id WHERE current_branch_id IS NULL AND status <> 'in_transit';
