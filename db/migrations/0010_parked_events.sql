CREATE TABLE "parked_events" (
	"checkpoint" text NOT NULL,
	"position" bigint NOT NULL,
	"transaction_id" "xid8" NOT NULL,
	"stream_id" text NOT NULL,
	"event_type" text NOT NULL,
	"state" text NOT NULL,
	"error" text,
	"failures" integer DEFAULT 0 NOT NULL,
	"parked_at" timestamp with time zone DEFAULT now() NOT NULL,
	"resolution" text,
	"resolved_by" text,
	"resolved_at" timestamp with time zone,
	CONSTRAINT "parked_events_checkpoint_position_pk" PRIMARY KEY("checkpoint","position")
);
--> statement-breakpoint
CREATE INDEX "parked_events_unresolved_idx" ON "parked_events" USING btree ("checkpoint","stream_id") WHERE "parked_events"."resolved_at" is null;