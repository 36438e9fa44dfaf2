import type { RecordedEvent } from "@/lib/eventstore";

/**
 * The wire format of a published event (SPEC §8). NOTE: a contract with every consuming
 * service, like the event types themselves: add fields, never rename or remove one.
 */
export interface PublishedEvent<Data = unknown> {
  id: string;
  streamId: string;
  type: string;
  version: number;
  position: number;
  data: Data;
  metadata: RecordedEvent["metadata"];
  timestamp: string;
  schemaVersion: number;
}

/**
 * Header naming the log a message came from (the id of the log's first event): a stream that a
 * different database once published to (a fresh ledger on an old broker) is not mistaken for
 * this log's past, whose cursor would then hide this log's events.
 */
export const LOG_HEADER = "Ledger-Log";

/** Header carrying the follower cursor (`<transaction id>:<position>`) of the published event. */
export const CURSOR_HEADER = "Ledger-Cursor";

/** The stream type: the part of the stream id before its first dash (`Customer-<uuid>` → `Customer`). */
export function streamTypeOf(streamId: string): string {
  const dash = streamId.indexOf("-");
  return dash > 0 ? streamId.slice(0, dash) : streamId;
}

/** A NATS subject token may not hold dots, spaces or wildcards. */
const token = (text: string) => text.replace(/[.\s*>]/g, "_") || "_";

/** `<prefix>.<streamType>.<eventType>`, e.g. `ledger.Customer.CustomerAddressUpdated`. */
export function subjectOf(prefix: string, event: Pick<RecordedEvent, "streamId" | "type">): string {
  return `${prefix}.${token(streamTypeOf(event.streamId))}.${token(event.type)}`;
}

/** The body: the event as the store reads it (personal fields opened, or ERASED), upcast. */
export function bodyOf(event: RecordedEvent): PublishedEvent {
  return {
    id: event.id,
    streamId: event.streamId,
    type: event.type,
    version: event.version,
    position: event.position,
    data: event.data,
    metadata: event.metadata,
    timestamp: event.timestamp,
    schemaVersion: event.schemaVersion,
  };
}

export const cursorText = (event: Pick<RecordedEvent, "transactionId" | "position">) => `${event.transactionId}:${event.position}`;

/** Parse a CURSOR_HEADER value; null when malformed. */
export function parseCursorText(text: string | undefined | null): { transactionId: bigint; position: number } | null {
  const match = /^(\d+):(\d+)$/.exec(text ?? "");
  return match ? { transactionId: BigInt(match[1]), position: Number(match[2]) } : null;
}

/** Whether `event` comes after `cursor` in the follower order (transaction id, position). */
export function isAfter(event: Pick<RecordedEvent, "transactionId" | "position">, cursor: { transactionId: bigint; position: number } | null) {
  if (!cursor) return true;
  const tx = BigInt(event.transactionId);
  return tx > cursor.transactionId || (tx === cursor.transactionId && event.position > cursor.position);
}
