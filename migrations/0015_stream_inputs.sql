CREATE TABLE `stream_inputs` (
	`id` text PRIMARY KEY NOT NULL,
	`app_id` text NOT NULL,
	`stream_id` text NOT NULL,
	`name` text NOT NULL,
	`position` integer NOT NULL,
	`stream_key_sealed` text,
	`stream_key_hash` text,
	`connected_at` integer,
	`origin_id` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`stream_id`) REFERENCES `streams`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `stream_inputs_key_hash` ON `stream_inputs` (`stream_key_hash`);--> statement-breakpoint
CREATE UNIQUE INDEX `stream_inputs_position` ON `stream_inputs` (`stream_id`,`position`);--> statement-breakpoint
CREATE INDEX `stream_inputs_stream` ON `stream_inputs` (`stream_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `stream_programs` (
	`stream_id` text PRIMARY KEY NOT NULL,
	`app_id` text NOT NULL,
	`on_air_input_id` text NOT NULL,
	`auto_failover` integer DEFAULT false NOT NULL,
	`failover_after_s` integer DEFAULT 3 NOT NULL,
	`switched_at` integer,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`stream_id`) REFERENCES `streams`(`id`) ON UPDATE no action ON DELETE cascade
);
