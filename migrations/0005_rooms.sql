CREATE TABLE `chat_bans` (
	`id` text PRIMARY KEY NOT NULL,
	`app_id` text NOT NULL,
	`user_id` text NOT NULL,
	`reason` text,
	`expires_at` integer,
	`created_by` text,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `chat_bans_app_user` ON `chat_bans` (`app_id`,`user_id`);--> statement-breakpoint
CREATE INDEX `chat_bans_app_time` ON `chat_bans` (`app_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `rooms` (
	`id` text PRIMARY KEY NOT NULL,
	`app_id` text NOT NULL,
	`name` text,
	`kind` text NOT NULL,
	`stream_id` text,
	`direct_key` text,
	`members` text,
	`settings` text NOT NULL,
	`metadata` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`deleted_at` integer
);
--> statement-breakpoint
CREATE INDEX `rooms_app_time` ON `rooms` (`app_id`,`created_at`);--> statement-breakpoint
CREATE UNIQUE INDEX `rooms_stream` ON `rooms` (`stream_id`) WHERE stream_id IS NOT NULL AND deleted_at IS NULL;--> statement-breakpoint
CREATE UNIQUE INDEX `rooms_direct` ON `rooms` (`app_id`,`direct_key`) WHERE direct_key IS NOT NULL AND deleted_at IS NULL;