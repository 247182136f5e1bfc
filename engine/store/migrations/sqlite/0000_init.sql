CREATE TABLE `app_sessions` (
	`id_hash` text PRIMARY KEY NOT NULL,
	`user_id` text,
	`candidate_id` text,
	`exam_session_id` text,
	`role` text NOT NULL,
	`csrf_token` text NOT NULL,
	`data` text,
	`created_at` integer NOT NULL,
	`expires_at` integer NOT NULL,
	`last_seen_at` integer,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`candidate_id`) REFERENCES `candidates`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`exam_session_id`) REFERENCES `exam_sessions`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `app_sessions_expires_idx` ON `app_sessions` (`expires_at`);--> statement-breakpoint
CREATE INDEX `app_sessions_user_idx` ON `app_sessions` (`user_id`);--> statement-breakpoint
CREATE TABLE `audit_log` (
	`seq` integer PRIMARY KEY NOT NULL,
	`at` integer NOT NULL,
	`actor` text,
	`action` text NOT NULL,
	`target` text,
	`details` text,
	`prev_hash` text NOT NULL,
	`hash` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `audit_log_action_idx` ON `audit_log` (`action`);--> statement-breakpoint
CREATE INDEX `audit_log_target_idx` ON `audit_log` (`target`);--> statement-breakpoint
CREATE TABLE `candidates` (
	`id` text PRIMARY KEY NOT NULL,
	`school_id` text,
	`class_id` text,
	`grade` integer,
	`consent_career` integer DEFAULT false NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`school_id`) REFERENCES `schools`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`class_id`) REFERENCES `classes`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `candidates_school_idx` ON `candidates` (`school_id`);--> statement-breakpoint
CREATE INDEX `candidates_class_idx` ON `candidates` (`class_id`);--> statement-breakpoint
CREATE TABLE `career_outcomes` (
	`id` text PRIMARY KEY NOT NULL,
	`candidate_id` text NOT NULL,
	`kind` text NOT NULL,
	`value` text NOT NULL,
	`source` text,
	`recorded_at` integer NOT NULL,
	FOREIGN KEY (`candidate_id`) REFERENCES `candidates`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `career_outcomes_candidate_idx` ON `career_outcomes` (`candidate_id`);--> statement-breakpoint
CREATE TABLE `classes` (
	`id` text PRIMARY KEY NOT NULL,
	`school_id` text NOT NULL,
	`name` text NOT NULL,
	`grade` integer,
	`school_year` text,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`school_id`) REFERENCES `schools`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `classes_school_name_year_uq` ON `classes` (`school_id`,`name`,`school_year`);--> statement-breakpoint
CREATE TABLE `exam_events` (
	`id` text PRIMARY KEY NOT NULL,
	`code` text NOT NULL,
	`title` text NOT NULL,
	`test_id` text,
	`opens_at` integer,
	`closes_at` integer,
	`status` text DEFAULT 'draft' NOT NULL,
	`settings` text NOT NULL,
	`created_by` text,
	`created_at` integer NOT NULL,
	`published_at` integer,
	FOREIGN KEY (`test_id`) REFERENCES `tests`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`created_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `exam_events_code_uq` ON `exam_events` (`code`);--> statement-breakpoint
CREATE INDEX `exam_events_status_idx` ON `exam_events` (`status`);--> statement-breakpoint
CREATE TABLE `exam_sessions` (
	`id` text PRIMARY KEY NOT NULL,
	`event_id` text NOT NULL,
	`candidate_id` text NOT NULL,
	`state` text NOT NULL,
	`seed` text NOT NULL,
	`item_order` text,
	`deadline_at` integer,
	`started_at` integer,
	`paused_at` integer,
	`paused_ms` integer DEFAULT 0 NOT NULL,
	`extension_ms` integer DEFAULT 0 NOT NULL,
	`position` text,
	`last_seen_at` integer,
	`submitted_at` integer,
	`version` integer DEFAULT 0 NOT NULL,
	`theta_trace` text,
	`data` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`event_id`) REFERENCES `exam_events`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`candidate_id`) REFERENCES `candidates`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `exam_sessions_event_candidate_uq` ON `exam_sessions` (`event_id`,`candidate_id`);--> statement-breakpoint
CREATE INDEX `exam_sessions_event_state_idx` ON `exam_sessions` (`event_id`,`state`);--> statement-breakpoint
CREATE INDEX `exam_sessions_candidate_idx` ON `exam_sessions` (`candidate_id`);--> statement-breakpoint
CREATE TABLE `incidents` (
	`id` text PRIMARY KEY NOT NULL,
	`event_id` text NOT NULL,
	`session_id` text,
	`room_id` text,
	`kind` text NOT NULL,
	`actor` text,
	`note` text,
	`details` text,
	`at` integer NOT NULL,
	FOREIGN KEY (`event_id`) REFERENCES `exam_events`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`session_id`) REFERENCES `exam_sessions`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`room_id`) REFERENCES `rooms`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `incidents_event_at_idx` ON `incidents` (`event_id`,`at`);--> statement-breakpoint
CREATE INDEX `incidents_session_idx` ON `incidents` (`session_id`);--> statement-breakpoint
CREATE TABLE `item_banks` (
	`id` text PRIMARY KEY NOT NULL,
	`code` text NOT NULL,
	`name` text NOT NULL,
	`description` text,
	`language` text,
	`subject` text,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `item_banks_code_uq` ON `item_banks` (`code`);--> statement-breakpoint
CREATE TABLE `item_parameters` (
	`id` text PRIMARY KEY NOT NULL,
	`item_version_id` text NOT NULL,
	`version` integer NOT NULL,
	`model` text NOT NULL,
	`params` text NOT NULL,
	`source` text,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`item_version_id`) REFERENCES `item_versions`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `item_parameters_version_uq` ON `item_parameters` (`item_version_id`,`version`);--> statement-breakpoint
CREATE TABLE `item_versions` (
	`id` text PRIMARY KEY NOT NULL,
	`item_id` text NOT NULL,
	`version` integer NOT NULL,
	`content_hash` text NOT NULL,
	`qti_xml` text NOT NULL,
	`model` text,
	`metadata` text,
	`irt_params` text,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`item_id`) REFERENCES `items`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `item_versions_item_version_uq` ON `item_versions` (`item_id`,`version`);--> statement-breakpoint
CREATE INDEX `item_versions_hash_idx` ON `item_versions` (`item_id`,`content_hash`);--> statement-breakpoint
CREATE TABLE `items` (
	`id` text PRIMARY KEY NOT NULL,
	`bank_id` text NOT NULL,
	`identifier` text NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`bank_id`) REFERENCES `item_banks`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `items_bank_identifier_uq` ON `items` (`bank_id`,`identifier`);--> statement-breakpoint
CREATE TABLE `media` (
	`id` text PRIMARY KEY NOT NULL,
	`bank_id` text NOT NULL,
	`path` text NOT NULL,
	`mime` text NOT NULL,
	`size` integer NOT NULL,
	`hash` text NOT NULL,
	`bytes` blob NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`bank_id`) REFERENCES `item_banks`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `media_bank_path_hash_uq` ON `media` (`bank_id`,`path`,`hash`);--> statement-breakpoint
CREATE TABLE `model_versions` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`version` integer NOT NULL,
	`card` text NOT NULL,
	`metrics` text,
	`weights` blob,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `model_versions_name_version_uq` ON `model_versions` (`name`,`version`);--> statement-breakpoint
CREATE TABLE `personal_data` (
	`candidate_id` text PRIMARY KEY NOT NULL,
	`full_name` text NOT NULL,
	`date_of_birth` text,
	`gender` text,
	`student_code` text,
	`email` text,
	`guardian_contact` text,
	`extra` text,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`candidate_id`) REFERENCES `candidates`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `personal_data_student_code_idx` ON `personal_data` (`student_code`);--> statement-breakpoint
CREATE TABLE `responses` (
	`id` integer PRIMARY KEY NOT NULL,
	`session_id` text NOT NULL,
	`item_identifier` text NOT NULL,
	`response_identifier` text,
	`value` text,
	`client_seq` integer NOT NULL,
	`received_at` integer NOT NULL,
	FOREIGN KEY (`session_id`) REFERENCES `exam_sessions`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `responses_session_item_seq_uq` ON `responses` (`session_id`,`item_identifier`,`client_seq`);--> statement-breakpoint
CREATE TABLE `results` (
	`id` text PRIMARY KEY NOT NULL,
	`session_id` text NOT NULL,
	`version` integer NOT NULL,
	`reason` text,
	`outcomes` text NOT NULL,
	`theta` real,
	`se` real,
	`scaled_score` real,
	`level` text,
	`item_versions` text,
	`parameter_versions` text,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`session_id`) REFERENCES `exam_sessions`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `results_session_version_uq` ON `results` (`session_id`,`version`);--> statement-breakpoint
CREATE TABLE `room_proctors` (
	`room_id` text NOT NULL,
	`user_id` text NOT NULL,
	PRIMARY KEY(`room_id`, `user_id`),
	FOREIGN KEY (`room_id`) REFERENCES `rooms`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `room_proctors_user_idx` ON `room_proctors` (`user_id`);--> statement-breakpoint
CREATE TABLE `rooms` (
	`id` text PRIMARY KEY NOT NULL,
	`event_id` text NOT NULL,
	`name` text NOT NULL,
	`capacity` integer,
	FOREIGN KEY (`event_id`) REFERENCES `exam_events`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `rooms_event_name_uq` ON `rooms` (`event_id`,`name`);--> statement-breakpoint
CREATE TABLE `roster` (
	`id` text PRIMARY KEY NOT NULL,
	`event_id` text NOT NULL,
	`candidate_id` text NOT NULL,
	`room_id` text,
	`ticket_code` text NOT NULL,
	`pin_hash` text,
	`accommodations` text,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`event_id`) REFERENCES `exam_events`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`candidate_id`) REFERENCES `candidates`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`room_id`) REFERENCES `rooms`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `roster_ticket_code_uq` ON `roster` (`ticket_code`);--> statement-breakpoint
CREATE UNIQUE INDEX `roster_event_candidate_uq` ON `roster` (`event_id`,`candidate_id`);--> statement-breakpoint
CREATE INDEX `roster_room_idx` ON `roster` (`room_id`);--> statement-breakpoint
CREATE TABLE `schools` (
	`id` text PRIMARY KEY NOT NULL,
	`code` text NOT NULL,
	`name` text NOT NULL,
	`district` text,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `schools_code_uq` ON `schools` (`code`);--> statement-breakpoint
CREATE TABLE `tests` (
	`id` text PRIMARY KEY NOT NULL,
	`bank_id` text,
	`identifier` text NOT NULL,
	`version` integer NOT NULL,
	`title` text,
	`content_hash` text NOT NULL,
	`qti_xml` text,
	`model` text,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`bank_id`) REFERENCES `item_banks`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `tests_identifier_version_uq` ON `tests` (`identifier`,`version`);--> statement-breakpoint
CREATE TABLE `user_schools` (
	`user_id` text NOT NULL,
	`school_id` text NOT NULL,
	PRIMARY KEY(`user_id`, `school_id`),
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`school_id`) REFERENCES `schools`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `user_schools_school_idx` ON `user_schools` (`school_id`);--> statement-breakpoint
CREATE TABLE `users` (
	`id` text PRIMARY KEY NOT NULL,
	`username` text NOT NULL,
	`password_hash` text NOT NULL,
	`role` text NOT NULL,
	`display_name` text,
	`active` integer DEFAULT true NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `users_username_uq` ON `users` (`username`);