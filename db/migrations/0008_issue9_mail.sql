CREATE TABLE `mail_attempts` (
	`id` integer PRIMARY KEY NOT NULL,
	`outbox_id` integer NOT NULL,
	`attempt` integer NOT NULL,
	`lease_id` text NOT NULL,
	`started_at` integer NOT NULL,
	`finished_at` integer NOT NULL,
	`outcome` text NOT NULL,
	`provider_message_id` text,
	`error` text,
	FOREIGN KEY (`outbox_id`) REFERENCES `mail_outbox`(`id`) ON UPDATE no action ON DELETE cascade,
	CONSTRAINT "mail_attempts_outcome" CHECK("mail_attempts"."outcome" IN ('accepted','temporary','permanent'))
);
--> statement-breakpoint
CREATE UNIQUE INDEX `mail_attempts_once` ON `mail_attempts` (`outbox_id`,`attempt`);--> statement-breakpoint
CREATE TABLE `mail_preferences` (
	`patron_id` integer PRIMARY KEY NOT NULL,
	`due_reminder` integer DEFAULT false NOT NULL,
	`shelf_reminder` integer DEFAULT false NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`patron_id`) REFERENCES `patrons`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `dev_mail` (
	`id` integer PRIMARY KEY NOT NULL,
	`idempotency_key` text NOT NULL,
	`message_id` text NOT NULL,
	`event_key` text NOT NULL,
	`from_address` text NOT NULL,
	`to_address` text NOT NULL,
	`subject` text NOT NULL,
	`text` text NOT NULL,
	`headers` text NOT NULL,
	`sent_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `dev_mail_idempotency_key_unique` ON `dev_mail` (`idempotency_key`);--> statement-breakpoint
PRAGMA foreign_keys=OFF;--> statement-breakpoint
CREATE TABLE `__new_mail_outbox` (
	`id` integer PRIMARY KEY NOT NULL,
	`patron_id` integer,
	`to_address` text NOT NULL,
	`address_id` integer,
	`hold_id` integer,
	`loan_id` integer,
	`kind` text NOT NULL,
	`subject` text,
	`body` text,
	`dedupe_key` text NOT NULL,
	`status` text DEFAULT 'pending' NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`last_error` text,
	`next_attempt_at` integer DEFAULT 0 NOT NULL,
	`lease_id` text,
	`leased_until` integer,
	`provider_message_id` text,
	`created_at` integer NOT NULL,
	`sent_at` integer,
	`ended_at` integer,
	FOREIGN KEY (`patron_id`) REFERENCES `patrons`(`id`) ON UPDATE no action ON DELETE set null,
	FOREIGN KEY (`address_id`) REFERENCES `mail_addresses`(`id`) ON UPDATE no action ON DELETE set null,
	FOREIGN KEY (`hold_id`) REFERENCES `holds`(`id`) ON UPDATE no action ON DELETE set null,
	FOREIGN KEY (`loan_id`) REFERENCES `loans`(`id`) ON UPDATE no action ON DELETE set null,
	CONSTRAINT "mail_outbox_status" CHECK("__new_mail_outbox"."status" IN ('pending','sending','sent','dead','cancelled')),
	CONSTRAINT "mail_outbox_kind" CHECK("__new_mail_outbox"."kind" IN ('address_confirmation','address_notice','hold_ready','due_reminder','shelf_reminder','test_mail')),
	CONSTRAINT "mail_outbox_lease" CHECK(("__new_mail_outbox"."status" = 'sending') = ("__new_mail_outbox"."lease_id" IS NOT NULL AND "__new_mail_outbox"."leased_until" IS NOT NULL)),
	CONSTRAINT "mail_outbox_sent" CHECK("__new_mail_outbox"."status" <> 'sent' OR ("__new_mail_outbox"."sent_at" IS NOT NULL AND "__new_mail_outbox"."subject" IS NOT NULL AND "__new_mail_outbox"."body" IS NOT NULL)),
	CONSTRAINT "mail_outbox_ended" CHECK("__new_mail_outbox"."status" NOT IN ('dead', 'cancelled') OR "__new_mail_outbox"."ended_at" IS NOT NULL)
);
--> statement-breakpoint
-- Issue 9: the old rows keep their facts; 'failed' (given up) is now 'dead', ended when it was last tried.
INSERT INTO `__new_mail_outbox`("id", "patron_id", "to_address", "address_id", "hold_id", "loan_id", "kind", "subject", "body", "dedupe_key", "status", "attempts", "last_error", "next_attempt_at", "lease_id", "leased_until", "provider_message_id", "created_at", "sent_at", "ended_at") SELECT "id", "patron_id", "to_address", NULL, NULL, NULL, "kind", "subject", "body", "dedupe_key", CASE "status" WHEN 'failed' THEN 'dead' ELSE "status" END, "attempts", "last_error", "next_attempt_at", "lease_id", "leased_until", NULL, "created_at", "sent_at", CASE "status" WHEN 'failed' THEN max("created_at", "next_attempt_at") END FROM `mail_outbox`;--> statement-breakpoint
DROP TABLE `mail_outbox`;--> statement-breakpoint
ALTER TABLE `__new_mail_outbox` RENAME TO `mail_outbox`;--> statement-breakpoint
PRAGMA foreign_keys=ON;--> statement-breakpoint
CREATE UNIQUE INDEX `mail_outbox_dedupe` ON `mail_outbox` (`dedupe_key`);--> statement-breakpoint
CREATE INDEX `mail_outbox_due` ON `mail_outbox` (`status`,`next_attempt_at`);--> statement-breakpoint
CREATE INDEX `mail_outbox_patron` ON `mail_outbox` (`patron_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `mail_outbox_address` ON `mail_outbox` (`address_id`,`created_at`);--> statement-breakpoint
ALTER TABLE `mail_addresses` ADD `confirm_expires_at` integer;--> statement-breakpoint
ALTER TABLE `mail_addresses` ADD `updated_at` integer;--> statement-breakpoint
CREATE UNIQUE INDEX `mail_addresses_token` ON `mail_addresses` (`confirm_token_hash`) WHERE "mail_addresses"."confirm_token_hash" IS NOT NULL;--> statement-breakpoint
-- R41 (issue 9 item 3): a link issued before links expired works for 24 hours from the address's registration.
UPDATE mail_addresses SET confirm_expires_at = created_at + 86400000 WHERE confirm_token_hash IS NOT NULL AND confirm_expires_at IS NULL;
