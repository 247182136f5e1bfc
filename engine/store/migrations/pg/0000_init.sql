CREATE TABLE "app_sessions" (
	"id_hash" text PRIMARY KEY NOT NULL,
	"user_id" text,
	"candidate_id" text,
	"exam_session_id" text,
	"role" text NOT NULL,
	"csrf_token" text NOT NULL,
	"data" jsonb,
	"created_at" bigint NOT NULL,
	"expires_at" bigint NOT NULL,
	"last_seen_at" bigint
);
--> statement-breakpoint
CREATE TABLE "audit_log" (
	"seq" integer PRIMARY KEY NOT NULL,
	"at" bigint NOT NULL,
	"actor" text,
	"action" text NOT NULL,
	"target" text,
	"details" jsonb,
	"prev_hash" text NOT NULL,
	"hash" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "candidates" (
	"id" text PRIMARY KEY NOT NULL,
	"school_id" text,
	"class_id" text,
	"grade" integer,
	"consent_career" boolean DEFAULT false NOT NULL,
	"created_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "career_outcomes" (
	"id" text PRIMARY KEY NOT NULL,
	"candidate_id" text NOT NULL,
	"kind" text NOT NULL,
	"value" jsonb NOT NULL,
	"source" text,
	"recorded_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "classes" (
	"id" text PRIMARY KEY NOT NULL,
	"school_id" text NOT NULL,
	"name" text NOT NULL,
	"grade" integer,
	"school_year" text,
	"created_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "exam_events" (
	"id" text PRIMARY KEY NOT NULL,
	"code" text NOT NULL,
	"title" text NOT NULL,
	"test_id" text,
	"opens_at" bigint,
	"closes_at" bigint,
	"status" text DEFAULT 'draft' NOT NULL,
	"settings" jsonb NOT NULL,
	"created_by" text,
	"created_at" bigint NOT NULL,
	"published_at" bigint
);
--> statement-breakpoint
CREATE TABLE "exam_sessions" (
	"id" text PRIMARY KEY NOT NULL,
	"event_id" text NOT NULL,
	"candidate_id" text NOT NULL,
	"state" text NOT NULL,
	"seed" text NOT NULL,
	"item_order" jsonb,
	"deadline_at" bigint,
	"started_at" bigint,
	"paused_at" bigint,
	"paused_ms" integer DEFAULT 0 NOT NULL,
	"extension_ms" integer DEFAULT 0 NOT NULL,
	"position" jsonb,
	"last_seen_at" bigint,
	"submitted_at" bigint,
	"version" integer DEFAULT 0 NOT NULL,
	"theta_trace" jsonb,
	"data" jsonb,
	"created_at" bigint NOT NULL,
	"updated_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "incidents" (
	"id" text PRIMARY KEY NOT NULL,
	"event_id" text NOT NULL,
	"session_id" text,
	"room_id" text,
	"kind" text NOT NULL,
	"actor" text,
	"note" text,
	"details" jsonb,
	"at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "item_banks" (
	"id" text PRIMARY KEY NOT NULL,
	"code" text NOT NULL,
	"name" text NOT NULL,
	"description" text,
	"language" text,
	"subject" text,
	"created_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "item_parameters" (
	"id" text PRIMARY KEY NOT NULL,
	"item_version_id" text NOT NULL,
	"version" integer NOT NULL,
	"model" text NOT NULL,
	"params" jsonb NOT NULL,
	"source" text,
	"created_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "item_versions" (
	"id" text PRIMARY KEY NOT NULL,
	"item_id" text NOT NULL,
	"version" integer NOT NULL,
	"content_hash" text NOT NULL,
	"qti_xml" text NOT NULL,
	"model" jsonb,
	"metadata" jsonb,
	"irt_params" jsonb,
	"created_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "items" (
	"id" text PRIMARY KEY NOT NULL,
	"bank_id" text NOT NULL,
	"identifier" text NOT NULL,
	"created_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "media" (
	"id" text PRIMARY KEY NOT NULL,
	"bank_id" text NOT NULL,
	"path" text NOT NULL,
	"mime" text NOT NULL,
	"size" integer NOT NULL,
	"hash" text NOT NULL,
	"bytes" "bytea" NOT NULL,
	"created_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "model_versions" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"version" integer NOT NULL,
	"card" jsonb NOT NULL,
	"metrics" jsonb,
	"weights" "bytea",
	"created_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "personal_data" (
	"candidate_id" text PRIMARY KEY NOT NULL,
	"full_name" text NOT NULL,
	"date_of_birth" text,
	"gender" text,
	"student_code" text,
	"email" text,
	"guardian_contact" text,
	"extra" jsonb,
	"updated_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "responses" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "responses_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"session_id" text NOT NULL,
	"item_identifier" text NOT NULL,
	"response_identifier" text,
	"value" jsonb,
	"client_seq" integer NOT NULL,
	"received_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "results" (
	"id" text PRIMARY KEY NOT NULL,
	"session_id" text NOT NULL,
	"version" integer NOT NULL,
	"reason" text,
	"outcomes" jsonb NOT NULL,
	"theta" double precision,
	"se" double precision,
	"scaled_score" double precision,
	"level" text,
	"item_versions" jsonb,
	"parameter_versions" jsonb,
	"created_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "room_proctors" (
	"room_id" text NOT NULL,
	"user_id" text NOT NULL,
	CONSTRAINT "room_proctors_pk" PRIMARY KEY("room_id","user_id")
);
--> statement-breakpoint
CREATE TABLE "rooms" (
	"id" text PRIMARY KEY NOT NULL,
	"event_id" text NOT NULL,
	"name" text NOT NULL,
	"capacity" integer
);
--> statement-breakpoint
CREATE TABLE "roster" (
	"id" text PRIMARY KEY NOT NULL,
	"event_id" text NOT NULL,
	"candidate_id" text NOT NULL,
	"room_id" text,
	"ticket_code" text NOT NULL,
	"pin_hash" text,
	"accommodations" jsonb,
	"created_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "schools" (
	"id" text PRIMARY KEY NOT NULL,
	"code" text NOT NULL,
	"name" text NOT NULL,
	"district" text,
	"created_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "tests" (
	"id" text PRIMARY KEY NOT NULL,
	"bank_id" text,
	"identifier" text NOT NULL,
	"version" integer NOT NULL,
	"title" text,
	"content_hash" text NOT NULL,
	"qti_xml" text,
	"model" jsonb,
	"created_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "user_schools" (
	"user_id" text NOT NULL,
	"school_id" text NOT NULL,
	CONSTRAINT "user_schools_pk" PRIMARY KEY("user_id","school_id")
);
--> statement-breakpoint
CREATE TABLE "users" (
	"id" text PRIMARY KEY NOT NULL,
	"username" text NOT NULL,
	"password_hash" text NOT NULL,
	"role" text NOT NULL,
	"display_name" text,
	"active" boolean DEFAULT true NOT NULL,
	"created_at" bigint NOT NULL,
	"updated_at" bigint NOT NULL
);
--> statement-breakpoint
ALTER TABLE "app_sessions" ADD CONSTRAINT "app_sessions_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "app_sessions" ADD CONSTRAINT "app_sessions_candidate_id_candidates_id_fk" FOREIGN KEY ("candidate_id") REFERENCES "public"."candidates"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "app_sessions" ADD CONSTRAINT "app_sessions_exam_session_id_exam_sessions_id_fk" FOREIGN KEY ("exam_session_id") REFERENCES "public"."exam_sessions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "candidates" ADD CONSTRAINT "candidates_school_id_schools_id_fk" FOREIGN KEY ("school_id") REFERENCES "public"."schools"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "candidates" ADD CONSTRAINT "candidates_class_id_classes_id_fk" FOREIGN KEY ("class_id") REFERENCES "public"."classes"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "career_outcomes" ADD CONSTRAINT "career_outcomes_candidate_id_candidates_id_fk" FOREIGN KEY ("candidate_id") REFERENCES "public"."candidates"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "classes" ADD CONSTRAINT "classes_school_id_schools_id_fk" FOREIGN KEY ("school_id") REFERENCES "public"."schools"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "exam_events" ADD CONSTRAINT "exam_events_test_id_tests_id_fk" FOREIGN KEY ("test_id") REFERENCES "public"."tests"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "exam_events" ADD CONSTRAINT "exam_events_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "exam_sessions" ADD CONSTRAINT "exam_sessions_event_id_exam_events_id_fk" FOREIGN KEY ("event_id") REFERENCES "public"."exam_events"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "exam_sessions" ADD CONSTRAINT "exam_sessions_candidate_id_candidates_id_fk" FOREIGN KEY ("candidate_id") REFERENCES "public"."candidates"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "incidents" ADD CONSTRAINT "incidents_event_id_exam_events_id_fk" FOREIGN KEY ("event_id") REFERENCES "public"."exam_events"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "incidents" ADD CONSTRAINT "incidents_session_id_exam_sessions_id_fk" FOREIGN KEY ("session_id") REFERENCES "public"."exam_sessions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "incidents" ADD CONSTRAINT "incidents_room_id_rooms_id_fk" FOREIGN KEY ("room_id") REFERENCES "public"."rooms"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "item_parameters" ADD CONSTRAINT "item_parameters_item_version_id_item_versions_id_fk" FOREIGN KEY ("item_version_id") REFERENCES "public"."item_versions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "item_versions" ADD CONSTRAINT "item_versions_item_id_items_id_fk" FOREIGN KEY ("item_id") REFERENCES "public"."items"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "items" ADD CONSTRAINT "items_bank_id_item_banks_id_fk" FOREIGN KEY ("bank_id") REFERENCES "public"."item_banks"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "media" ADD CONSTRAINT "media_bank_id_item_banks_id_fk" FOREIGN KEY ("bank_id") REFERENCES "public"."item_banks"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "personal_data" ADD CONSTRAINT "personal_data_candidate_id_candidates_id_fk" FOREIGN KEY ("candidate_id") REFERENCES "public"."candidates"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "responses" ADD CONSTRAINT "responses_session_id_exam_sessions_id_fk" FOREIGN KEY ("session_id") REFERENCES "public"."exam_sessions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "results" ADD CONSTRAINT "results_session_id_exam_sessions_id_fk" FOREIGN KEY ("session_id") REFERENCES "public"."exam_sessions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "room_proctors" ADD CONSTRAINT "room_proctors_room_id_rooms_id_fk" FOREIGN KEY ("room_id") REFERENCES "public"."rooms"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "room_proctors" ADD CONSTRAINT "room_proctors_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "rooms" ADD CONSTRAINT "rooms_event_id_exam_events_id_fk" FOREIGN KEY ("event_id") REFERENCES "public"."exam_events"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "roster" ADD CONSTRAINT "roster_event_id_exam_events_id_fk" FOREIGN KEY ("event_id") REFERENCES "public"."exam_events"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "roster" ADD CONSTRAINT "roster_candidate_id_candidates_id_fk" FOREIGN KEY ("candidate_id") REFERENCES "public"."candidates"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "roster" ADD CONSTRAINT "roster_room_id_rooms_id_fk" FOREIGN KEY ("room_id") REFERENCES "public"."rooms"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tests" ADD CONSTRAINT "tests_bank_id_item_banks_id_fk" FOREIGN KEY ("bank_id") REFERENCES "public"."item_banks"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "user_schools" ADD CONSTRAINT "user_schools_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "user_schools" ADD CONSTRAINT "user_schools_school_id_schools_id_fk" FOREIGN KEY ("school_id") REFERENCES "public"."schools"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "app_sessions_expires_idx" ON "app_sessions" USING btree ("expires_at");--> statement-breakpoint
CREATE INDEX "app_sessions_user_idx" ON "app_sessions" USING btree ("user_id");--> statement-breakpoint
CREATE INDEX "audit_log_action_idx" ON "audit_log" USING btree ("action");--> statement-breakpoint
CREATE INDEX "audit_log_target_idx" ON "audit_log" USING btree ("target");--> statement-breakpoint
CREATE INDEX "candidates_school_idx" ON "candidates" USING btree ("school_id");--> statement-breakpoint
CREATE INDEX "candidates_class_idx" ON "candidates" USING btree ("class_id");--> statement-breakpoint
CREATE INDEX "career_outcomes_candidate_idx" ON "career_outcomes" USING btree ("candidate_id");--> statement-breakpoint
CREATE UNIQUE INDEX "classes_school_name_year_uq" ON "classes" USING btree ("school_id","name","school_year");--> statement-breakpoint
CREATE UNIQUE INDEX "exam_events_code_uq" ON "exam_events" USING btree ("code");--> statement-breakpoint
CREATE INDEX "exam_events_status_idx" ON "exam_events" USING btree ("status");--> statement-breakpoint
CREATE UNIQUE INDEX "exam_sessions_event_candidate_uq" ON "exam_sessions" USING btree ("event_id","candidate_id");--> statement-breakpoint
CREATE INDEX "exam_sessions_event_state_idx" ON "exam_sessions" USING btree ("event_id","state");--> statement-breakpoint
CREATE INDEX "exam_sessions_candidate_idx" ON "exam_sessions" USING btree ("candidate_id");--> statement-breakpoint
CREATE INDEX "incidents_event_at_idx" ON "incidents" USING btree ("event_id","at");--> statement-breakpoint
CREATE INDEX "incidents_session_idx" ON "incidents" USING btree ("session_id");--> statement-breakpoint
CREATE UNIQUE INDEX "item_banks_code_uq" ON "item_banks" USING btree ("code");--> statement-breakpoint
CREATE UNIQUE INDEX "item_parameters_version_uq" ON "item_parameters" USING btree ("item_version_id","version");--> statement-breakpoint
CREATE UNIQUE INDEX "item_versions_item_version_uq" ON "item_versions" USING btree ("item_id","version");--> statement-breakpoint
CREATE INDEX "item_versions_hash_idx" ON "item_versions" USING btree ("item_id","content_hash");--> statement-breakpoint
CREATE UNIQUE INDEX "items_bank_identifier_uq" ON "items" USING btree ("bank_id","identifier");--> statement-breakpoint
CREATE UNIQUE INDEX "media_bank_path_hash_uq" ON "media" USING btree ("bank_id","path","hash");--> statement-breakpoint
CREATE UNIQUE INDEX "model_versions_name_version_uq" ON "model_versions" USING btree ("name","version");--> statement-breakpoint
CREATE INDEX "personal_data_student_code_idx" ON "personal_data" USING btree ("student_code");--> statement-breakpoint
CREATE UNIQUE INDEX "responses_session_item_seq_uq" ON "responses" USING btree ("session_id","item_identifier","client_seq");--> statement-breakpoint
CREATE UNIQUE INDEX "results_session_version_uq" ON "results" USING btree ("session_id","version");--> statement-breakpoint
CREATE INDEX "room_proctors_user_idx" ON "room_proctors" USING btree ("user_id");--> statement-breakpoint
CREATE UNIQUE INDEX "rooms_event_name_uq" ON "rooms" USING btree ("event_id","name");--> statement-breakpoint
CREATE UNIQUE INDEX "roster_ticket_code_uq" ON "roster" USING btree ("ticket_code");--> statement-breakpoint
CREATE UNIQUE INDEX "roster_event_candidate_uq" ON "roster" USING btree ("event_id","candidate_id");--> statement-breakpoint
CREATE INDEX "roster_room_idx" ON "roster" USING btree ("room_id");--> statement-breakpoint
CREATE UNIQUE INDEX "schools_code_uq" ON "schools" USING btree ("code");--> statement-breakpoint
CREATE UNIQUE INDEX "tests_identifier_version_uq" ON "tests" USING btree ("identifier","version");--> statement-breakpoint
CREATE INDEX "user_schools_school_idx" ON "user_schools" USING btree ("school_id");--> statement-breakpoint
CREATE UNIQUE INDEX "users_username_uq" ON "users" USING btree ("username");