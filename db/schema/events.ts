import { sql } from "drizzle-orm";
import {
  bigint,
  bigserial,
  customType,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";

/**
 * PostgreSQL `xid8`: the 64-bit id of the transaction that wrote a row. Carried as a decimal
 * string in TypeScript (it does not fit a JS number safely and both drivers agree on text).
 */
export const xid8 = customType<{ data: string; driverData: string }>({
  dataType: () => "xid8",
  fromDriver: (value) => String(value),
});

/**
 * The event log. Append-only: nothing in this codebase updates or deletes a row here.
 *
 * `position` is allocated by a sequence, so it is unique and increasing in *allocation* order,
 * not in commit order. Followers therefore read in (`transaction_id`, `position`) order and
 * only below the oldest running transaction (see lib/eventstore/read-all.ts).
 */
export const events = pgTable(
  "events",
  {
    position: bigserial("position", { mode: "number" }).primaryKey(),
    transactionId: xid8("transaction_id")
      .notNull()
      .default(sql`pg_current_xact_id()`),
    id: uuid("id").notNull(),
    streamId: text("stream_id").notNull(),
    version: bigint("version", { mode: "number" }).notNull(),
    type: text("type").notNull(),
    schemaVersion: integer("schema_version").notNull().default(1),
    data: jsonb("data").notNull(),
    metadata: jsonb("metadata").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("events_stream_version_uq").on(t.streamId, t.version),
    uniqueIndex("events_id_uq").on(t.id),
    index("events_tx_position_idx").on(t.transactionId, t.position),
    index("events_type_position_idx").on(t.type, t.position),
    // "What did this person change?" (/events?actor=): newest first within one actor.
    index("events_actor_position_idx").on(sql`(${t.metadata} ->> 'actor')`, t.position),
  ],
);

/**
 * Idempotency records: one row per command id that reached the store. A replayed command id
 * returns the stored outcome and appends nothing.
 */
export const commands = pgTable("commands", {
  commandId: text("command_id").primaryKey(),
  streamId: text("stream_id").notNull(),
  version: bigint("version", { mode: "number" }),
  position: bigint("position", { mode: "number" }),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
});

/**
 * Per-stream data keys for the personal fields of its events and snapshots (crypto-shredding):
 * a random AES-256 key, stored only wrapped (encrypted) by the master key. Deleting the row is
 * erasure: every ciphertext of the stream becomes unreadable. See lib/eventstore/crypto/.
 */
export const dataKeys = pgTable("data_keys", {
  streamId: text("stream_id").primaryKey(),
  /** base64 of iv (12) ‖ tag (16) ‖ AES-256-GCM(master key, data key). */
  wrapped: text("wrapped").notNull(),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
});

/** Snapshots of a stream's state, tagged with the state-shape version they were written with. */
export const snapshots = pgTable(
  "snapshots",
  {
    streamId: text("stream_id").notNull(),
    version: bigint("version", { mode: "number" }).notNull(),
    shapeVersion: integer("shape_version").notNull(),
    state: jsonb("state").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.streamId, t.version] })],
);
