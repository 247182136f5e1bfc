ALTER TABLE `login_failures` ADD `pending` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `login_failures` ADD `pending_until` integer DEFAULT 0 NOT NULL;