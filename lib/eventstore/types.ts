import type { Db } from "@/db/client";
import type { z } from "zod";

/** What an append expects the stream to be at. Numbers are versions (≥ 1). */
export type ExpectedVersion = number | "no_stream" | "stream_exists" | "any";

export interface EventMetadata {
  commandId: string;
  correlationId: string;
  causationId: string | null;
  actor: string;
  /** W3C trace context of the append's span, present only when tracing was on (lib/observability/tracing.ts). */
  traceparent?: string;
}

/** An event to append. Its id (uuid v7) is chosen by the store unless given. */
export interface NewEvent<Type extends string = string, Data = unknown> {
  type: Type;
  data: Data;
  id?: string;
}

/** An event as stored. `timestamp` is ISO 8601; `position` is the global position. */
export interface RecordedEvent<Type extends string = string, Data = unknown> {
  id: string;
  streamId: string;
  type: Type;
  version: number;
  position: number;
  schemaVersion: number;
  data: Data;
  metadata: EventMetadata;
  timestamp: string;
  /** The id of the transaction that wrote it (xid8 as decimal text): part of the follower cursor. */
  transactionId: string;
  /**
   * Set when the event was upcast on read: its schema version and data as stored (decrypted, not
   * upcast). `schemaVersion` and `data` above are then the current version's.
   */
  stored?: { schemaVersion: number; data: unknown };
}

export interface AppendOptions {
  expectedVersion: ExpectedVersion;
  /** Idempotency key. The same id again returns the first outcome and appends nothing. */
  commandId?: string;
  correlationId?: string;
  causationId?: string | null;
  actor?: string;
  /**
   * Work that must commit or roll back with the append (an erasure's key deletion): run in the
   * append's transaction, after its events are written, only when some were (not on a
   * duplicate). The append lock is held by then, so it may write (sql/horizon.ts). A throw rolls
   * the append back with it. Followers are woken after the commit.
   */
  inTransaction?: (tx: Db) => Promise<void>;
}

export interface AppendResult {
  /** The stream's version after the append. */
  nextExpectedVersion: number;
  /** Global position of the first and last appended event. */
  firstPosition: number;
  lastPosition: number;
  /** True when the command id had been seen: nothing was appended, the first outcome is returned. */
  duplicate: boolean;
  /** The recorded events (empty on a duplicate). */
  events: RecordedEvent[];
}

/** One pure step from schema version n to n+1 of an event type's data. */
export type Upcaster = (data: unknown) => unknown;

/**
 * Per event type: its current schema version, the schema its data must satisfy to be appended,
 * its upcasters (`upcasters[n]`: version n → n+1, one per step) and its personal fields (dot
 * paths; encrypted with the stream's data key when the store has one).
 */
export type EventRegistry = Record<
  string,
  { schemaVersion: number; schema: z.ZodType; upcasters?: Record<number, Upcaster>; personal?: readonly string[] }
>;

export interface Snapshot<State = unknown> {
  streamId: string;
  version: number;
  shapeVersion: number;
  state: State;
}
