CREATE TABLE `stream_health_samples` (
	`session_id` text NOT NULL,
	`at` integer NOT NULL,
	`stream_id` text NOT NULL,
	`app_id` text NOT NULL,
	`window_ms` integer NOT NULL,
	`input_bitrate_kbps` real NOT NULL,
	`frame_rate` real,
	`keyframe_interval_s` real,
	`segments` integer NOT NULL,
	`segments_late` integer NOT NULL,
	`upload_lag_ms_p95` real,
	`upload_backlog` integer NOT NULL,
	`encoder_restarts` integer NOT NULL,
	`status` text NOT NULL,
	`reasons` text NOT NULL,
	`clean` integer NOT NULL,
	PRIMARY KEY(`session_id`, `at`)
);
--> statement-breakpoint
CREATE INDEX `stream_health_stream_time` ON `stream_health_samples` (`stream_id`,`at`);--> statement-breakpoint
CREATE TABLE `stream_health_state` (
	`session_id` text PRIMARY KEY NOT NULL,
	`stream_id` text NOT NULL,
	`app_id` text NOT NULL,
	`status` text NOT NULL,
	`reasons` text NOT NULL,
	`low_streak` integer NOT NULL,
	`clean_streak` integer NOT NULL,
	`restarts` integer NOT NULL,
	`updated_at` integer NOT NULL
);
