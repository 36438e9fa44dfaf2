-- city_key becomes a generated column (lower(city)): dropping the plain one drops its index, built again below.
ALTER TABLE "customer_history" drop column "city_key";--> statement-breakpoint
ALTER TABLE "customer_history" ADD COLUMN "city_key" text GENERATED ALWAYS AS (lower(city)) STORED NOT NULL;--> statement-breakpoint
CREATE INDEX "customer_history_city_name_idx" ON "customer_history" USING btree ("city_key","name","id");--> statement-breakpoint
ALTER TABLE "customer_list" drop column "city_key";--> statement-breakpoint
ALTER TABLE "customer_list" ADD COLUMN "city_key" text GENERATED ALWAYS AS (lower(city)) STORED NOT NULL;--> statement-breakpoint
CREATE INDEX "customer_list_city_name_idx" ON "customer_list" USING btree ("city_key","name","id");
