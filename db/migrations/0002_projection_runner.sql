CREATE TABLE "city_totals_customers" (
	"id" uuid PRIMARY KEY NOT NULL,
	"stream_id" text NOT NULL,
	"city" text NOT NULL,
	"status" text NOT NULL,
	"version" bigint NOT NULL
);
--> statement-breakpoint
ALTER TABLE "customer_search" ADD COLUMN "name" text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE "customer_search" ADD COLUMN "address" text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE "projection_checkpoints" ADD COLUMN "worker" text;--> statement-breakpoint
ALTER TABLE "projection_checkpoints" ADD COLUMN "heartbeat_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "projection_checkpoints" ADD COLUMN "started_at" timestamp with time zone;