ALTER TABLE `origin_heartbeats` ADD `ingest` text;--> statement-breakpoint
ALTER TABLE `origin_heartbeats` ADD `cpu` real;--> statement-breakpoint
ALTER TABLE `origin_heartbeats` ADD `backlog_bytes` integer;--> statement-breakpoint
ALTER TABLE `origin_heartbeats` ADD `registered_at` integer;