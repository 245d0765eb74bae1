ALTER TABLE `assets` ADD `media_asset_id` text;--> statement-breakpoint
ALTER TABLE `assets` ADD `clip_start_s` real;--> statement-breakpoint
ALTER TABLE `assets` ADD `clip_end_s` real;--> statement-breakpoint
ALTER TABLE `assets` ADD `clip_ranges` text;--> statement-breakpoint
CREATE INDEX `assets_media` ON `assets` (`media_asset_id`);--> statement-breakpoint
ALTER TABLE `streams` ADD `dvr_window_s` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `streams` ADD `max_duration_s` integer DEFAULT 43200 NOT NULL;--> statement-breakpoint
ALTER TABLE `streams` ADD `recording_retention_days` integer;