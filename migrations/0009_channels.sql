CREATE TABLE `app_branding` (
	`app_id` text PRIMARY KEY NOT NULL,
	`brand` text NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`app_id`) REFERENCES `apps`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `channel_streams` (
	`stream_id` text PRIMARY KEY NOT NULL,
	`channel_id` text NOT NULL,
	`app_id` text NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`channel_id`) REFERENCES `channels`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `channel_streams_channel` ON `channel_streams` (`channel_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `channels` (
	`id` text PRIMARY KEY NOT NULL,
	`app_id` text NOT NULL,
	`slug` text NOT NULL,
	`display_name` text NOT NULL,
	`bio` text DEFAULT '' NOT NULL,
	`avatar_key` text,
	`banner_key` text,
	`links` text NOT NULL,
	`category` text,
	`tags` text NOT NULL,
	`visibility` text NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`app_id`) REFERENCES `apps`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `channels_app_slug` ON `channels` (`app_id`,`slug`);--> statement-breakpoint
CREATE INDEX `channels_app_time` ON `channels` (`app_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `custom_domains` (
	`id` text PRIMARY KEY NOT NULL,
	`app_id` text NOT NULL,
	`hostname` text NOT NULL,
	`status` text NOT NULL,
	`verification_token` text NOT NULL,
	`provider_id` text,
	`verified_at` integer,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`app_id`) REFERENCES `apps`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `custom_domains_verified` ON `custom_domains` (`hostname`) WHERE status = 'verified';--> statement-breakpoint
CREATE UNIQUE INDEX `custom_domains_app_host` ON `custom_domains` (`app_id`,`hostname`);--> statement-breakpoint
CREATE INDEX `custom_domains_app_time` ON `custom_domains` (`app_id`,`created_at`);