CREATE TABLE `maintenance_notice` (
	`id` text PRIMARY KEY NOT NULL,
	`message` text NOT NULL,
	`level` text NOT NULL,
	`starts_at` integer,
	`ends_at` integer,
	`operator_email` text NOT NULL,
	`updated_at` integer NOT NULL
);
