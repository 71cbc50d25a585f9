-- Issue 3: failed logins and self-service issues, for the throttle (worker/src/domain/throttle.ts; R02, R04).
CREATE TABLE `auth_failures` (
	`id` integer PRIMARY KEY NOT NULL,
	`kind` text NOT NULL,
	`subject` text NOT NULL,
	`client_address` text NOT NULL,
	`at` integer NOT NULL,
	CONSTRAINT "auth_failures_kind" CHECK("auth_failures"."kind" IN ('login','apply','staff_login'))
);
--> statement-breakpoint
CREATE INDEX `auth_failures_subject` ON `auth_failures` (`kind`,`subject`,`at`);--> statement-breakpoint
CREATE INDEX `auth_failures_address` ON `auth_failures` (`kind`,`client_address`,`at`);--> statement-breakpoint
CREATE INDEX `auth_failures_at` ON `auth_failures` (`kind`,`at`);
