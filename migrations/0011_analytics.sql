CREATE TABLE `analytics_rollups` (
	`granularity` text NOT NULL,
	`bucket` integer NOT NULL,
	`app_id` text NOT NULL,
	`stream_id` text NOT NULL,
	`country` text NOT NULL,
	`browser` text NOT NULL,
	`os` text NOT NULL,
	`rendition` text NOT NULL,
	`views_started` integer NOT NULL,
	`viewers` integer NOT NULL,
	`watch_ms` integer NOT NULL,
	`rebuffer_ms` integer NOT NULL,
	`rebuffer_count` integer NOT NULL,
	`errors` integer NOT NULL,
	`startup_sum_ms` integer NOT NULL,
	`startup_count` integer NOT NULL,
	`latency_sum_ms` integer NOT NULL,
	`latency_count` integer NOT NULL,
	PRIMARY KEY(`granularity`, `stream_id`, `bucket`, `country`, `browser`, `os`, `rendition`)
);
--> statement-breakpoint
CREATE INDEX `analytics_rollups_app` ON `analytics_rollups` (`app_id`,`granularity`,`bucket`);--> statement-breakpoint
CREATE TABLE `analytics_views` (
	`view_id` text NOT NULL,
	`app_id` text NOT NULL,
	`stream_id` text NOT NULL,
	`viewer_id` text NOT NULL,
	`country` text NOT NULL,
	`browser` text NOT NULL,
	`os` text NOT NULL,
	`started_at` integer NOT NULL,
	`last_at` integer NOT NULL,
	`playing_ms` integer NOT NULL,
	`startup_ms` integer,
	`rebuffer_count` integer NOT NULL,
	`rebuffer_ms` integer NOT NULL,
	`error_count` integer NOT NULL,
	`live_latency_ms` integer,
	PRIMARY KEY(`stream_id`, `view_id`)
);
--> statement-breakpoint
CREATE INDEX `analytics_views_app_time` ON `analytics_views` (`app_id`,`started_at`);--> statement-breakpoint
CREATE INDEX `analytics_views_stream_time` ON `analytics_views` (`stream_id`,`started_at`);--> statement-breakpoint
CREATE TABLE `origin_heartbeats` (
	`origin_id` text PRIMARY KEY NOT NULL,
	`last_seen_at` integer NOT NULL,
	`publications` integer NOT NULL
);
