CREATE TABLE "activity_by_day" (
	"day" date NOT NULL,
	"type" text NOT NULL,
	"events" bigint NOT NULL,
	"last_position" bigint NOT NULL,
	CONSTRAINT "activity_by_day_day_type_pk" PRIMARY KEY("day","type")
);
