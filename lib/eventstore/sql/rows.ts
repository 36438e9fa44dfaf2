import type { events } from "@/db/schema";
import type { EventMetadata, RecordedEvent } from "../types";

/** An `events` row as Drizzle selects it; raw statements name their columns the same way. */
export type EventRow = typeof events.$inferSelect;

/** JSON columns come back parsed from postgres.js and as text from some raw paths. */
export function parseJson<T>(value: unknown): T {
  return (typeof value === "string" ? JSON.parse(value) : value) as T;
}

/** The columns of an event for the raw read statements (readAll, readStream), named as EventRow. */
export const EVENT_COLUMNS = `position, transaction_id::text as "transactionId", id, stream_id as "streamId", version, type,
  schema_version as "schemaVersion", data, metadata, created_at as "createdAt"`;

/**
 * EVENT_COLUMNS without the metadata, but its `traceparent` (readAll's `metadata: "traceparent"`):
 * the projection runner reads nothing else of it, and parsing it was about 15 % of a catch-up's
 * CPU in the projector process (round 1).
 */
export const EVENT_COLUMNS_TRACE_ONLY = EVENT_COLUMNS.replace("metadata,", `metadata->>'traceparent' as traceparent,`);

/** Metadata of an event read without it, and without a traceparent. */
const NO_METADATA = Object.freeze({}) as EventMetadata;

export function toRecordedTraceOnly(row: EventRow & { traceparent?: string | null }): RecordedEvent {
  return recordedFrom(row, row.traceparent ? ({ traceparent: row.traceparent } as EventMetadata) : NO_METADATA);
}

export function toRecorded(row: EventRow): RecordedEvent {
  return recordedFrom(row, parseJson<EventMetadata>(row.metadata));
}

function recordedFrom(row: EventRow, metadata: EventMetadata): RecordedEvent {
  return {
    id: row.id,
    streamId: row.streamId,
    type: row.type,
    version: Number(row.version),
    position: Number(row.position),
    schemaVersion: row.schemaVersion,
    data: parseJson(row.data),
    metadata,
    timestamp: isoTimestamp(row.createdAt),
    transactionId: String(row.transactionId),
  };
}

/**
 * A timestamptz as ISO 8601 in UTC with milliseconds, as `Date#toISOString` writes it. Raw reads
 * get PostgreSQL's text (`2026-12-01 07:06:44.123456+00` in a UTC session, DateStyle ISO), which is
 * rewritten as a string: building a Date to format it cost more than the rest of the row.
 * Anything else (another zone, a Date, another style) goes through Date.
 */
export function isoTimestamp(value: unknown): string {
  if (typeof value === "string" && value.length >= 22 && value.length <= 29 && value[10] === " " && value.endsWith("+00") && value[4] === "-") {
    const fraction = value.slice(20, value.length - 3);
    if (value.length === 22 || (value[19] === "." && fraction.length >= 1 && fraction.length <= 6)) {
      return `${value.slice(0, 10)}T${value.slice(11, 19)}.${(fraction + "000").slice(0, 3)}Z`;
    }
  }
  return new Date(value as string | Date).toISOString();
}
