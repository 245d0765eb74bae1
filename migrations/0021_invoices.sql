CREATE TABLE `invoices` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`period_start` integer NOT NULL,
	`period_end` integer NOT NULL,
	`currency` text NOT NULL,
	`lines` text NOT NULL,
	`subtotal_cents` integer NOT NULL,
	`total_cents` integer NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `invoices_org_period` ON `invoices` (`org_id`,`period_start`);--> statement-breakpoint
CREATE TABLE `plan_changes` (
	`org_id` text NOT NULL,
	`at` integer NOT NULL,
	`plan` text NOT NULL,
	PRIMARY KEY(`org_id`, `at`)
);
