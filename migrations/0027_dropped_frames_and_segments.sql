ALTER TABLE `analytics_rollups` ADD `dropped_frames` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `analytics_rollups` ADD `total_frames` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `analytics_views` ADD `dropped_frames` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `analytics_views` ADD `total_frames` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `stream_health_samples` ADD `segments_dropped` integer DEFAULT 0 NOT NULL;