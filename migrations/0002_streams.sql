CREATE TABLE `playback_ids` (
	`id` text PRIMARY KEY NOT NULL,
	`stream_id` text NOT NULL,
	`app_id` text NOT NULL,
	`policy` text NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`stream_id`) REFERENCES `streams`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `playback_ids_stream` ON `playback_ids` (`stream_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `stream_sessions` (
	`id` text PRIMARY KEY NOT NULL,
	`stream_id` text NOT NULL,
	`app_id` text NOT NULL,
	`status` text NOT NULL,
	`origin_id` text NOT NULL,
	`video_codec` text,
	`audio_codec` text,
	`width` integer,
	`height` integer,
	`frame_rate` real,
	`bitrate_kbps` integer,
	`reconnects` integer DEFAULT 0 NOT NULL,
	`recording` integer NOT NULL,
	`recording_status` text,
	`recording_duration_s` real,
	`recording_renditions` text,
	`started_at` integer NOT NULL,
	`ended_at` integer,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`stream_id`) REFERENCES `streams`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `stream_sessions_stream` ON `stream_sessions` (`stream_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `streams` (
	`id` text PRIMARY KEY NOT NULL,
	`app_id` text NOT NULL,
	`name` text NOT NULL,
	`stream_key` text NOT NULL,
	`stream_key_hash` text NOT NULL,
	`latency_mode` text NOT NULL,
	`recording` integer NOT NULL,
	`reconnect_window_s` integer NOT NULL,
	`ladder` text NOT NULL,
	`metadata` text NOT NULL,
	`room_id` text,
	`live_status` text NOT NULL,
	`current_session_id` text,
	`disabled_at` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`app_id`) REFERENCES `apps`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `streams_key_hash` ON `streams` (`stream_key_hash`);--> statement-breakpoint
CREATE INDEX `streams_app` ON `streams` (`app_id`,`created_at`);