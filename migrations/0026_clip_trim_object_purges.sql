ALTER TABLE `assets` ADD `trim_status` text;--> statement-breakpoint
ALTER TABLE `assets` ADD `trim_error` text;--> statement-breakpoint
ALTER TABLE `media_purges` ADD `object_namespace` text;