ALTER TABLE `assets` ADD `trim_status` text;--> statement-breakpoint
ALTER TABLE `assets` ADD `trim_error` text;