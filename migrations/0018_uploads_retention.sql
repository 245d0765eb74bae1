CREATE TABLE `uploads` (
	`id` text PRIMARY KEY NOT NULL,
	`app_id` text NOT NULL,
	`status` text NOT NULL,
	`error_reason` text,
	`cors_origin` text,
	`max_bytes` integer NOT NULL,
	`length` integer,
	`offset` integer DEFAULT 0 NOT NULL,
	`filename` text,
	`filetype` text,
	`multipart_id` text,
	`parts` text NOT NULL,
	`tail_bytes` integer DEFAULT 0 NOT NULL,
	`asset_settings` text NOT NULL,
	`asset_id` text,
	`expires_at` integer NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`app_id`) REFERENCES `apps`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `uploads_app` ON `uploads` (`app_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `uploads_expiry` ON `uploads` (`status`,`expires_at`);--> statement-breakpoint
ALTER TABLE `assets` ADD `upload_id` text;--> statement-breakpoint
ALTER TABLE `assets` ADD `input_url` text;--> statement-breakpoint
ALTER TABLE `stream_sessions` ADD `media_deleted_at` integer;