import type { z } from "zod";

/** What an append expects the stream to be at. Numbers are versions (≥ 1). */
export type ExpectedVersion = number | "no_stream" | "stream_exists" | "any";

export interface EventMetadata {
  commandId: string;
  correlationId: string;
  causationId: string | null;
  actor: string;
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
}

export interface AppendOptions {
  expectedVersion: ExpectedVersion;
  /** Idempotency key. The same id again returns the first outcome and appends nothing. */
  commandId?: string;
  correlationId?: string;
  causationId?: string | null;
  actor?: string;
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

/** How to validate each event type's data before it may be appended. */
export type EventRegistry = Record<string, { schemaVersion: number; schema: z.ZodType }>;

export interface Snapshot<State = unknown> {
  streamId: string;
  version: number;
  shapeVersion: number;
  state: State;
}
