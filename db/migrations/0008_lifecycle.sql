CREATE TABLE "data_keys" (
	"stream_id" text PRIMARY KEY NOT NULL,
	"wrapped" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "customer_list" ADD COLUMN "email" text;--> statement-breakpoint
ALTER TABLE "customer_list" ADD COLUMN "phone" text;--> statement-breakpoint
ALTER TABLE "customer_list" ADD COLUMN "erased" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "customer_search" ADD COLUMN "contact" text DEFAULT '' NOT NULL;