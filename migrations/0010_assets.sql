CREATE TABLE `asset_playback_ids` (
	`id` text PRIMARY KEY NOT NULL,
	`asset_id` text NOT NULL,
	`app_id` text NOT NULL,
	`policy` text NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`asset_id`) REFERENCES `assets`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `asset_playback_ids_asset` ON `asset_playback_ids` (`asset_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `assets` (
	`id` text PRIMARY KEY NOT NULL,
	`app_id` text NOT NULL,
	`stream_id` text,
	`session_id` text,
	`source` text NOT NULL,
	`parent_asset_id` text,
	`status` text NOT NULL,
	`error_reason` text,
	`duration_s` real,
	`resolution` text,
	`renditions` text NOT NULL,
	`passthrough` text,
	`mp4_support` text DEFAULT 'none' NOT NULL,
	`mp4_status` text,
	`mp4_rendition` text,
	`mp4_bytes` integer,
	`mp4_error` text,
	`metadata` text NOT NULL,
	`ready_at` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`app_id`) REFERENCES `apps`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`stream_id`) REFERENCES `streams`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `assets_session` ON `assets` (`session_id`);--> statement-breakpoint
CREATE INDEX `assets_app` ON `assets` (`app_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `assets_stream` ON `assets` (`stream_id`,`created_at`);--> statement-breakpoint
ALTER TABLE `streams` ADD `mp4_support` text DEFAULT 'none' NOT NULL;