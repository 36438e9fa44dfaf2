import { bigint, integer, pgTable, text, timestamp } from "drizzle-orm/pg-core";
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
