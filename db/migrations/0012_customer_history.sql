CREATE TABLE "customer_history" (
	"id" uuid NOT NULL,
	"version" bigint NOT NULL,
	"stream_id" text NOT NULL,
	"name" text NOT NULL,
	"street" text NOT NULL,
	"city" text NOT NULL,
	"city_key" text NOT NULL,
	"region" text,
	"postal_code" text,
	"country" text,
	"email" text,
	"phone" text,
	"erased" boolean DEFAULT false NOT NULL,
	"status" text NOT NULL,
	"registered_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	"valid" "tstzrange" NOT NULL,
	"contact" text GENERATED ALWAYS AS (case when erased then '' else coalesce(email, '') || ' ' || coalesce(phone, '') end) STORED NOT NULL,
	"document" "tsvector" GENERATED ALWAYS AS (setweight(to_tsvector('simple'::regconfig, name), 'A') || setweight(to_tsvector('simple'::regconfig, case when erased then '' else street || ' ' || city || ' ' || coalesce(region, '') || ' ' || coalesce(postal_code, '') || ' ' || coalesce(country, '') end), 'B') || setweight(to_tsvector('simple'::regconfig, case when erased then '' else coalesce(email, '') || ' ' || coalesce(phone, '') end), 'B')) STORED NOT NULL,
	CONSTRAINT "customer_history_id_version_pk" PRIMARY KEY("id","version")
);
--> statement-breakpoint
CREATE INDEX "customer_history_valid_idx" ON "customer_history" USING gist ("valid");--> statement-breakpoint
CREATE INDEX "customer_history_name_idx" ON "customer_history" USING btree ("name","id");--> statement-breakpoint
CREATE INDEX "customer_history_city_name_idx" ON "customer_history" USING btree ("city_key","name","id");--> statement-breakpoint
CREATE INDEX "customer_list_updated_idx" ON "customer_list" USING btree ("updated_at","id");