CREATE TABLE `media_purges` (
	`id` text PRIMARY KEY NOT NULL,
	`app_id` text NOT NULL,
	`prefix` text NOT NULL,
	`multipart_id` text,
	`objects_deleted` integer DEFAULT 0 NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `media_purges_created` ON `media_purges` (`created_at`);--> statement-breakpoint
CREATE INDEX `media_purges_app` ON `media_purges` (`app_id`);