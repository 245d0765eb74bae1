CREATE TABLE `stripe_events` (
	`id` text PRIMARY KEY NOT NULL,
	`type` text NOT NULL,
	`received_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `subscriptions` (
	`org_id` text PRIMARY KEY NOT NULL,
	`plan` text NOT NULL,
	`status` text NOT NULL,
	`billing` text NOT NULL,
	`period_start` integer NOT NULL,
	`period_end` integer NOT NULL,
	`alert_thresholds` text NOT NULL,
	`stripe_customer_id` text,
	`stripe_subscription_id` text,
	`changes` text NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `usage_alerts` (
	`org_id` text NOT NULL,
	`limit` text NOT NULL,
	`threshold` integer NOT NULL,
	`period_start` integer NOT NULL,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`org_id`, `limit`, `threshold`, `period_start`)
);
--> statement-breakpoint
CREATE TABLE `usage_buckets` (
	`granularity` text NOT NULL,
	`bucket` integer NOT NULL,
	`app_id` text NOT NULL,
	`stream_id` text NOT NULL,
	`meter` text NOT NULL,
	`quantity` real NOT NULL,
	PRIMARY KEY(`granularity`, `bucket`, `app_id`, `stream_id`, `meter`)
);
--> statement-breakpoint
CREATE INDEX `usage_buckets_app_time` ON `usage_buckets` (`app_id`,`granularity`,`bucket`);--> statement-breakpoint
CREATE TABLE `usage_chat_users` (
	`app_id` text NOT NULL,
	`month` text NOT NULL,
	`user_id` text NOT NULL,
	PRIMARY KEY(`app_id`, `month`, `user_id`)
);
