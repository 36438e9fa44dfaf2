import { sql } from "drizzle-orm";
import { bigint, index, integer, pgTable, primaryKey, text, timestamp } from "drizzle-orm/pg-core";
import { xid8 } from "./events";

/**
 * One row per projection: how far it has applied the global log. Written in the same
 * transaction as the projection's read-table changes.
 */
export const projectionCheckpoints = pgTable("projection_checkpoints", {
  name: text("name").primaryKey(),
  transactionId: xid8("transaction_id").notNull().default("0"),
  position: bigint("position", { mode: "number" }).notNull().default(0),
  eventsApplied: bigint("events_applied", { mode: "number" }).notNull().default(0),
  status: text("status").notNull().default("running"),
  error: text("error"),
  errorPosition: bigint("error_position", { mode: "number" }),
  failures: integer("failures").notNull().default(0),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  /** The runner (host:pid) that committed the last batch. */
  worker: text("worker"),
  /** Touched by every running runner, busy or idle: when it last ran (status decides "stopped" from the runners' presence locks instead). */
  heartbeatAt: timestamp("heartbeat_at", { withTimezone: true }),
  /** For a rebuild's checkpoint (`<name>__rebuild`): when the rebuild started. */
  startedAt: timestamp("started_at", { withTimezone: true }),
});

/**
 * Dead letters of the projections. A `parked` row is an event the projection (its checkpoint:
 * live, or a rebuild's `<name>__rebuild`) failed on after its retries: the checkpoint moved past
 * it, and the projection skips that stream until someone resolves it. A `waiting` row is a later
 * event of the same stream, queued behind it in order. Resolved rows stay, as a record of who
 * retried or skipped what.
 */
export const parkedEvents = pgTable(
  "parked_events",
  {
    checkpoint: text("checkpoint").notNull(),
    position: bigint("position", { mode: "number" }).notNull(),
    transactionId: xid8("transaction_id").notNull(),
    streamId: text("stream_id").notNull(),
    eventType: text("event_type").notNull(),
    /** `parked` (failed: the head of its stream's queue) or `waiting` (behind a parked one). */
    state: text("state").notNull(),
    error: text("error"),
    failures: integer("failures").notNull().default(0),
    parkedAt: timestamp("parked_at", { withTimezone: true }).notNull().defaultNow(),
    /** `retried` or `skipped`; null while unresolved. */
    resolution: text("resolution"),
    resolvedBy: text("resolved_by"),
    resolvedAt: timestamp("resolved_at", { withTimezone: true }),
  },
  (t) => [
    primaryKey({ columns: [t.checkpoint, t.position] }),
    index("parked_events_unresolved_idx").on(t.checkpoint, t.streamId).where(sql`${t.resolvedAt} is null`),
  ],
);
