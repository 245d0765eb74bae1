PRAGMA foreign_keys=OFF;--> statement-breakpoint
CREATE TABLE `__new_usage_buckets` (
	`granularity` text NOT NULL,
	`bucket` integer NOT NULL,
	`app_id` text NOT NULL,
	`stream_id` text NOT NULL,
	`meter` text NOT NULL,
	`dimension` text DEFAULT '' NOT NULL,
	`quantity` real NOT NULL,
	PRIMARY KEY(`granularity`, `bucket`, `app_id`, `stream_id`, `meter`, `dimension`)
);
--> statement-breakpoint
INSERT INTO `__new_usage_buckets`("granularity", "bucket", "app_id", "stream_id", "meter", "dimension", "quantity") SELECT "granularity", "bucket", "app_id", "stream_id", "meter", '', "quantity" FROM `usage_buckets`;--> statement-breakpoint
DROP TABLE `usage_buckets`;--> statement-breakpoint
ALTER TABLE `__new_usage_buckets` RENAME TO `usage_buckets`;--> statement-breakpoint
PRAGMA foreign_keys=ON;--> statement-breakpoint
CREATE INDEX `usage_buckets_app_time` ON `usage_buckets` (`app_id`,`granularity`,`bucket`);