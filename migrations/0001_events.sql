CREATE TABLE `events` (
	`id` text PRIMARY KEY NOT NULL,
	`app_id` text NOT NULL,
	`type` text NOT NULL,
	`object_type` text NOT NULL,
	`object_id` text NOT NULL,
	`data` text NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `events_app_time` ON `events` (`app_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `events_object` ON `events` (`object_id`,`created_at`);