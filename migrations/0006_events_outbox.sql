ALTER TABLE `events` ADD `delivered_at` integer;--> statement-breakpoint
CREATE INDEX `events_undelivered` ON `events` (`object_id`,`created_at`) WHERE "events"."delivered_at" IS NULL;--> statement-breakpoint
-- Events written before the outbox were handed to their endpoints when they were recorded.
UPDATE `events` SET `delivered_at` = `created_at` WHERE `delivered_at` IS NULL;
