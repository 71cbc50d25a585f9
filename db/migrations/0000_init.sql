CREATE TABLE `branch_closures` (
	`id` integer PRIMARY KEY NOT NULL,
	`branch_id` integer,
	`kind` text DEFAULT 'closed' NOT NULL,
	`from_date` text NOT NULL,
	`to_date` text NOT NULL,
	`reason` text NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`branch_id`) REFERENCES `branches`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "branch_closures_kind" CHECK("branch_closures"."kind" IN ('closed','open')),
	CONSTRAINT "branch_closures_dates" CHECK("branch_closures"."from_date" <= "branch_closures"."to_date" AND length("branch_closures"."from_date") = 10 AND length("branch_closures"."to_date") = 10)
);
--> statement-breakpoint
CREATE INDEX `branch_closures_branch` ON `branch_closures` (`branch_id`,`from_date`);--> statement-breakpoint
CREATE TABLE `branches` (
	`id` integer PRIMARY KEY NOT NULL,
	`code` text NOT NULL,
	`name` text NOT NULL,
	`in_city` integer NOT NULL,
	`is_pickup` integer NOT NULL,
	`sort_order` integer DEFAULT 0 NOT NULL,
	`note` text,
	CONSTRAINT "branches_pickup_in_city" CHECK("branches"."is_pickup" = 0 OR "branches"."in_city" = 1)
);
--> statement-breakpoint
CREATE UNIQUE INDEX `branches_code_unique` ON `branches` (`code`);--> statement-breakpoint
CREATE TABLE `people` (
	`id` integer PRIMARY KEY NOT NULL,
	`source_key` text NOT NULL,
	`name` text NOT NULL,
	`name_reading` text,
	`birth` text,
	`death` text
);
--> statement-breakpoint
CREATE UNIQUE INDEX `people_source_key_unique` ON `people` (`source_key`);--> statement-breakpoint
CREATE TABLE `record_people` (
	`record_id` integer NOT NULL,
	`person_id` integer NOT NULL,
	`role` text NOT NULL,
	`position` integer NOT NULL,
	PRIMARY KEY(`record_id`, `person_id`, `role`),
	FOREIGN KEY (`record_id`) REFERENCES `records`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`person_id`) REFERENCES `people`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `record_people_person` ON `record_people` (`person_id`);--> statement-breakpoint
CREATE TABLE `records` (
	`id` integer PRIMARY KEY NOT NULL,
	`source` text NOT NULL,
	`source_id` text NOT NULL,
	`title` text NOT NULL,
	`title_reading` text,
	`subtitle` text,
	`subtitle_reading` text,
	`responsibility` text,
	`series_id` integer,
	`volume_label` text,
	`volume_order` integer,
	`material_type` text DEFAULT 'book' NOT NULL,
	`ndc` text,
	`publisher` text,
	`pub_year` integer,
	`isbn13` text,
	`isbn10` text,
	`extent` text,
	`note` text,
	`source_url` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`series_id`) REFERENCES `series`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "records_material_type" CHECK("records"."material_type" IN ('book','magazine','audio','video','electronic','other')),
	CONSTRAINT "records_isbn13_shape" CHECK("records"."isbn13" IS NULL OR (length("records"."isbn13") = 13 AND "records"."isbn13" NOT GLOB '*[^0-9]*')),
	CONSTRAINT "records_isbn10_shape" CHECK("records"."isbn10" IS NULL OR (length("records"."isbn10") = 10 AND "records"."isbn10" NOT GLOB '*[^0-9X]*'))
);
--> statement-breakpoint
CREATE UNIQUE INDEX `records_source` ON `records` (`source`,`source_id`);--> statement-breakpoint
CREATE INDEX `records_isbn13` ON `records` (`isbn13`);--> statement-breakpoint
CREATE INDEX `records_isbn10` ON `records` (`isbn10`);--> statement-breakpoint
CREATE INDEX `records_series` ON `records` (`series_id`,`volume_order`);--> statement-breakpoint
CREATE INDEX `records_ndc` ON `records` (`ndc`);--> statement-breakpoint
CREATE INDEX `records_year` ON `records` (`pub_year`);--> statement-breakpoint
CREATE TABLE `series` (
	`id` integer PRIMARY KEY NOT NULL,
	`source_key` text NOT NULL,
	`title` text NOT NULL,
	`title_reading` text
);
--> statement-breakpoint
CREATE UNIQUE INDEX `series_source_key_unique` ON `series` (`source_key`);--> statement-breakpoint
CREATE TABLE `items` (
	`id` integer PRIMARY KEY NOT NULL,
	`barcode` text NOT NULL,
	`record_id` integer NOT NULL,
	`branch_id` integer NOT NULL,
	`loanable` integer NOT NULL,
	`status` text DEFAULT 'on_shelf' NOT NULL,
	`shelf_mark` text,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`record_id`) REFERENCES `records`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`branch_id`) REFERENCES `branches`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "items_status" CHECK("items"."status" IN ('on_shelf','on_loan','in_transit','on_hold_shelf','missing','withdrawn')),
	CONSTRAINT "items_reference_stays" CHECK("items"."loanable" = 1 OR "items"."status" NOT IN ('on_loan','on_hold_shelf'))
);
--> statement-breakpoint
CREATE UNIQUE INDEX `items_barcode_unique` ON `items` (`barcode`);--> statement-breakpoint
CREATE INDEX `items_record` ON `items` (`record_id`,`branch_id`);--> statement-breakpoint
CREATE INDEX `items_branch_status` ON `items` (`branch_id`,`status`);--> statement-breakpoint
CREATE TABLE `credentials` (
	`patron_id` integer PRIMARY KEY NOT NULL,
	`hash` text NOT NULL,
	`temporary` integer NOT NULL,
	`changed_at` integer NOT NULL,
	FOREIGN KEY (`patron_id`) REFERENCES `patrons`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `opac_terminals` (
	`id` integer PRIMARY KEY NOT NULL,
	`code` text NOT NULL,
	`branch_id` integer NOT NULL,
	`secret_hash` text,
	FOREIGN KEY (`branch_id`) REFERENCES `branches`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `opac_terminals_code_unique` ON `opac_terminals` (`code`);--> statement-breakpoint
CREATE TABLE `patrons` (
	`id` integer PRIMARY KEY NOT NULL,
	`card_number` text NOT NULL,
	`name` text NOT NULL,
	`name_kana` text,
	`birth_date` text NOT NULL,
	`phone_digits` text NOT NULL,
	`phone` text NOT NULL,
	`home_branch_id` integer NOT NULL,
	`status` text DEFAULT 'active' NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`home_branch_id`) REFERENCES `branches`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "patrons_status" CHECK("patrons"."status" IN ('active','suspended')),
	CONSTRAINT "patrons_card_shape" CHECK("patrons"."card_number" NOT GLOB '*[^0-9]*' AND length("patrons"."card_number") BETWEEN 6 AND 16),
	CONSTRAINT "patrons_phone_digits" CHECK("patrons"."phone_digits" NOT GLOB '*[^0-9]*')
);
--> statement-breakpoint
CREATE UNIQUE INDEX `patrons_card_number_unique` ON `patrons` (`card_number`);--> statement-breakpoint
CREATE TABLE `sessions` (
	`token_hash` text PRIMARY KEY NOT NULL,
	`patron_id` integer,
	`staff_id` integer,
	`terminal_id` integer,
	`created_at` integer NOT NULL,
	`last_seen_at` integer NOT NULL,
	`expires_at` integer NOT NULL,
	FOREIGN KEY (`patron_id`) REFERENCES `patrons`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`staff_id`) REFERENCES `staff_users`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`terminal_id`) REFERENCES `opac_terminals`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "sessions_one_subject" CHECK(("sessions"."patron_id" IS NULL) <> ("sessions"."staff_id" IS NULL))
);
--> statement-breakpoint
CREATE INDEX `sessions_patron` ON `sessions` (`patron_id`);--> statement-breakpoint
CREATE INDEX `sessions_staff` ON `sessions` (`staff_id`);--> statement-breakpoint
CREATE INDEX `sessions_expires` ON `sessions` (`expires_at`);--> statement-breakpoint
CREATE TABLE `staff_users` (
	`id` integer PRIMARY KEY NOT NULL,
	`login` text NOT NULL,
	`hash` text NOT NULL,
	`role` text NOT NULL,
	`branch_id` integer NOT NULL,
	`active` integer DEFAULT true NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`branch_id`) REFERENCES `branches`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "staff_users_role" CHECK("staff_users"."role" IN ('counter','admin'))
);
--> statement-breakpoint
CREATE UNIQUE INDEX `staff_users_login_unique` ON `staff_users` (`login`);--> statement-breakpoint
CREATE TABLE `book_list_entries` (
	`id` integer PRIMARY KEY NOT NULL,
	`list_id` integer NOT NULL,
	`record_id` integer NOT NULL,
	`note` text,
	`added_at` integer NOT NULL,
	FOREIGN KEY (`list_id`) REFERENCES `book_lists`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`record_id`) REFERENCES `records`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `book_list_entries_unique` ON `book_list_entries` (`list_id`,`record_id`);--> statement-breakpoint
CREATE TABLE `book_lists` (
	`id` integer PRIMARY KEY NOT NULL,
	`patron_id` integer NOT NULL,
	`name` text NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`patron_id`) REFERENCES `patrons`(`id`) ON UPDATE no action ON DELETE cascade,
	CONSTRAINT "book_lists_name" CHECK(length("book_lists"."name") BETWEEN 1 AND 100)
);
--> statement-breakpoint
CREATE INDEX `book_lists_patron` ON `book_lists` (`patron_id`);--> statement-breakpoint
CREATE TABLE `cart_lines` (
	`id` integer PRIMARY KEY NOT NULL,
	`cart_key` text NOT NULL,
	`patron_id` integer,
	`record_id` integer NOT NULL,
	`added_at` integer NOT NULL,
	FOREIGN KEY (`patron_id`) REFERENCES `patrons`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`record_id`) REFERENCES `records`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `cart_lines_unique` ON `cart_lines` (`cart_key`,`record_id`);--> statement-breakpoint
CREATE INDEX `cart_lines_patron` ON `cart_lines` (`patron_id`);--> statement-breakpoint
CREATE TABLE `hold_groups` (
	`id` integer PRIMARY KEY NOT NULL,
	`patron_id` integer NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`patron_id`) REFERENCES `patrons`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `holds` (
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
	CONSTRAINT "holds_status" CHECK("holds"."status" IN ('waiting','in_transit','ready','cancelled','fulfilled')),
	CONSTRAINT "holds_channel" CHECK("holds"."channel" IN ('web','opac','paper')),
	CONSTRAINT "holds_contact" CHECK("holds"."contact" IN ('mail','phone','none')),
	CONSTRAINT "holds_cancel_reason" CHECK(("holds"."status" = 'cancelled') = ("holds"."cancel_reason" IS NOT NULL)),
	CONSTRAINT "holds_item_when_allocated" CHECK("holds"."status" NOT IN ('in_transit','ready') OR "holds"."item_id" IS NOT NULL),
	CONSTRAINT "holds_group_position" CHECK(("holds"."group_id" IS NULL) = ("holds"."group_position" IS NULL))
);
--> statement-breakpoint
CREATE UNIQUE INDEX `holds_one_active` ON `holds` (`patron_id`,`record_id`) WHERE status IN ('waiting','in_transit','ready');--> statement-breakpoint
CREATE UNIQUE INDEX `holds_item_active` ON `holds` (`item_id`) WHERE status IN ('in_transit','ready');--> statement-breakpoint
CREATE UNIQUE INDEX `holds_group_slot` ON `holds` (`group_id`,`group_position`);--> statement-breakpoint
CREATE UNIQUE INDEX `holds_idempotency` ON `holds` (`patron_id`,`idempotency_key`) WHERE idempotency_key IS NOT NULL;--> statement-breakpoint
CREATE INDEX `holds_queue` ON `holds` (`record_id`,`status`,`placed_at`,`id`);--> statement-breakpoint
CREATE INDEX `holds_patron` ON `holds` (`patron_id`,`status`);--> statement-breakpoint
CREATE INDEX `holds_shelf` ON `holds` (`status`,`shelf_until`);--> statement-breakpoint
CREATE TABLE `loans` (
	`id` integer PRIMARY KEY NOT NULL,
	`item_id` integer NOT NULL,
	`patron_id` integer NOT NULL,
	`loaned_at` integer NOT NULL,
	`due_date` text NOT NULL,
	`renewals` integer DEFAULT 0 NOT NULL,
	`inter_library` integer DEFAULT false NOT NULL,
	`returned_at` integer,
	FOREIGN KEY (`item_id`) REFERENCES `items`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`patron_id`) REFERENCES `patrons`(`id`) ON UPDATE no action ON DELETE cascade,
	CONSTRAINT "loans_renewals" CHECK("loans"."renewals" BETWEEN 0 AND 1),
	CONSTRAINT "loans_ill_no_renewal" CHECK("loans"."inter_library" = 0 OR "loans"."renewals" = 0)
);
--> statement-breakpoint
CREATE UNIQUE INDEX `loans_item_open` ON `loans` (`item_id`) WHERE returned_at IS NULL;--> statement-breakpoint
CREATE INDEX `loans_patron` ON `loans` (`patron_id`,`returned_at`);--> statement-breakpoint
CREATE TABLE `mail_addresses` (
	`id` integer PRIMARY KEY NOT NULL,
	`patron_id` integer NOT NULL,
	`address` text NOT NULL,
	`confirm_token_hash` text,
	`confirmed_at` integer,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`patron_id`) REFERENCES `patrons`(`id`) ON UPDATE no action ON DELETE cascade,
	CONSTRAINT "mail_addresses_shape" CHECK(instr("mail_addresses"."address", '..') = 0 AND instr("mail_addresses"."address", '.@') = 0 AND instr("mail_addresses"."address", '@') > 1)
);
--> statement-breakpoint
CREATE UNIQUE INDEX `mail_addresses_unique` ON `mail_addresses` (`patron_id`,`address`);--> statement-breakpoint
CREATE TABLE `mail_outbox` (
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
	`created_at` integer NOT NULL,
	`sent_at` integer,
	FOREIGN KEY (`patron_id`) REFERENCES `patrons`(`id`) ON UPDATE no action ON DELETE set null,
	CONSTRAINT "mail_outbox_status" CHECK("mail_outbox"."status" IN ('pending','sending','sent','failed'))
);
--> statement-breakpoint
CREATE UNIQUE INDEX `mail_outbox_dedupe` ON `mail_outbox` (`dedupe_key`);--> statement-breakpoint
CREATE INDEX `mail_outbox_pending` ON `mail_outbox` (`status`,`created_at`);--> statement-breakpoint
CREATE TABLE `audit_log` (
	`id` integer PRIMARY KEY NOT NULL,
	`at` integer NOT NULL,
	`actor_kind` text NOT NULL,
	`actor_id` integer,
	`action` text NOT NULL,
	`target_kind` text,
	`target_id` integer,
	`detail` text,
	`client_address` text
);
--> statement-breakpoint
CREATE INDEX `audit_log_at` ON `audit_log` (`at`);--> statement-breakpoint
CREATE INDEX `audit_log_actor` ON `audit_log` (`actor_kind`,`actor_id`,`at`);--> statement-breakpoint
CREATE TABLE `idempotency_keys` (
	`scope` text NOT NULL,
	`key` text NOT NULL,
	`status` integer NOT NULL,
	`response` text NOT NULL,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`scope`, `key`)
);
--> statement-breakpoint
CREATE TABLE `record_grams` (
	`gram` text NOT NULL,
	`record_id` integer NOT NULL,
	`fields` integer NOT NULL,
	PRIMARY KEY(`gram`, `record_id`),
	FOREIGN KEY (`record_id`) REFERENCES `records`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `record_grams_record` ON `record_grams` (`record_id`);