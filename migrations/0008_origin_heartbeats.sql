CREATE TABLE `origin_heartbeats` (
	`origin_id` text PRIMARY KEY NOT NULL,
	`last_seen_at` integer NOT NULL,
	`publications` integer NOT NULL
);
