CREATE TABLE `simulcast_targets` (
	`id` text PRIMARY KEY NOT NULL,
	`app_id` text NOT NULL,
	`stream_id` text NOT NULL,
	`name` text,
	`url` text NOT NULL,
	`stream_key_sealed` text,
	`enabled` integer NOT NULL,
	`status` text NOT NULL,
	`last_error` text,
	`next_retry_at` integer,
	`revision` integer DEFAULT 1 NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`stream_id`) REFERENCES `streams`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `simulcast_targets_stream` ON `simulcast_targets` (`stream_id`,`created_at`);