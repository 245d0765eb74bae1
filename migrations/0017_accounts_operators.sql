CREATE TABLE `oauth_identities` (
	`id` text PRIMARY KEY NOT NULL,
	`user_id` text NOT NULL,
	`provider` text NOT NULL,
	`subject` text NOT NULL,
	`email` text NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `oauth_identities_subject` ON `oauth_identities` (`provider`,`subject`);--> statement-breakpoint
CREATE INDEX `oauth_identities_user` ON `oauth_identities` (`user_id`);--> statement-breakpoint
CREATE TABLE `operator_audit` (
	`id` text PRIMARY KEY NOT NULL,
	`operator_id` text NOT NULL,
	`operator_email` text NOT NULL,
	`action` text NOT NULL,
	`target_type` text NOT NULL,
	`target_id` text NOT NULL,
	`org_id` text,
	`details` text,
	`ip` text,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `operator_audit_time` ON `operator_audit` (`created_at`);--> statement-breakpoint
CREATE INDEX `operator_audit_org` ON `operator_audit` (`org_id`,`created_at`);--> statement-breakpoint
ALTER TABLE `orgs` ADD `suspended_at` integer;--> statement-breakpoint
ALTER TABLE `orgs` ADD `suspended_reason` text;--> statement-breakpoint
ALTER TABLE `sessions` ADD `view_as_by` text;--> statement-breakpoint
ALTER TABLE `sessions` ADD `operator_session_id` text;