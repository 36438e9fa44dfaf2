import { currentTraceparent } from "@/lib/observability/tracing";
import { InvalidAppendError } from "./errors";
import { isCommandId, isStreamId } from "./ids";
import { newId } from "./new-id";
import type { AppendOptions, EventMetadata, EventRegistry, ExpectedVersion, NewEvent } from "./types";

const MAX_EVENTS_PER_APPEND = 1000;

/** An event ready to be written: validated data, its schema version, id and metadata. */
export interface PreparedEvent {
  id: string;
  type: string;
  schemaVersion: number;
  data: unknown;
  metadata: EventMetadata;
}

export interface PreparedAppend {
  /** The expected version as `ledger_append` takes it. */
  expected: string;
  streamType: string;
  payload: PreparedEvent[];
}

/**
 * Validate everything about an append before anything is sent to the database. Throws
 * InvalidAppendError, listing every event that failed its schema.
 */
export function prepareAppend(
  registry: EventRegistry,
  streamId: string,
  newEvents: readonly NewEvent[],
  options: AppendOptions,
): PreparedAppend {
  if (!isStreamId(streamId)) {
    throw new InvalidAppendError(`Invalid stream id ${JSON.stringify(streamId)}: expected "<Type>-<id>"`);
  }
  const expected = expectedToText(options.expectedVersion);
  if (!Array.isArray(newEvents) || newEvents.length === 0) {
    throw new InvalidAppendError("An append needs at least one event");
  }
  if (newEvents.length > MAX_EVENTS_PER_APPEND) {
    throw new InvalidAppendError(`An append takes at most ${MAX_EVENTS_PER_APPEND} events`);
  }
  if (options.commandId !== undefined && !isCommandId(options.commandId)) {
    throw new InvalidAppendError("commandId must be 1–200 printable ASCII characters");
  }
  const commandId = options.commandId ?? newId();
  const metadata: EventMetadata = {
    commandId,
    correlationId: options.correlationId ?? commandId,
    causationId: options.causationId ?? null,
    actor: options.actor ?? "system",
  };
  // The append's span, when one is recorded: the projector continues the trace from it.
  const traceparent = currentTraceparent();
  if (traceparent) metadata.traceparent = traceparent;
  const payload = validateEvents(registry, newEvents, metadata);
  return { expected, streamType: streamId.slice(0, streamId.indexOf("-")), payload };
}

function validateEvents(registry: EventRegistry, newEvents: readonly NewEvent[], metadata: EventMetadata): PreparedEvent[] {
  const issues: InvalidAppendError["issues"] = [];
  const payload = newEvents.map((event, index): PreparedEvent | null => {
    const entry = registry[event?.type];
    if (!entry) {
      issues.push({ index, type: event?.type, message: `Unknown event type ${JSON.stringify(event?.type)}` });
      return null;
    }
    const parsed = entry.schema.safeParse(event.data);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        issues.push({ index, type: event.type, path: issue.path.join("."), message: issue.message });
      }
      return null;
    }
    return { id: event.id ?? newId(), type: event.type, schemaVersion: entry.schemaVersion, data: parsed.data, metadata };
  });
  if (issues.length) {
    throw new InvalidAppendError(
      `Event data failed validation: ${issues.map((i) => `#${i.index} ${i.type ?? "?"}${i.path ? `.${i.path}` : ""}: ${i.message}`).join("; ")}`,
      issues,
    );
  }
  return payload as PreparedEvent[];
}

function expectedToText(expected: ExpectedVersion): string {
  if (expected === "any" || expected === "no_stream" || expected === "stream_exists") return expected;
  if (typeof expected === "number" && Number.isSafeInteger(expected) && expected >= 1) return String(expected);
  throw new InvalidAppendError(
    `Invalid expected version ${JSON.stringify(expected)}: use a version ≥ 1, "no_stream", "stream_exists" or "any"`,
  );
}
