import type { Db } from "@/db/client";
import type { EventStore, RecordedEvent } from "@/lib/eventstore";

export type VersionConflict = {
  code: "version_conflict";
  message: string;
  expectedVersion: number;
  actualVersion: number;
  /** The events appended since `expectedVersion` (at most 50), so a UI can say what changed. */
  eventsSince: RecordedEvent[];
};

export type CommandSuccess = {
  ok: true;
  streamId: string;
  version: number;
  position: number | null;
  unchanged: boolean;
  duplicate: boolean;
  events: RecordedEvent[];
};

export type CommandResult<Err> = CommandSuccess | { ok: false; error: Err | VersionConflict };

/** A command's refusal as a value: the domain's rejection or a version conflict. */
export type CommandError<Err> = Extract<CommandResult<Err>, { ok: false }>["error"];

export interface CommandContext {
  store: EventStore;
  /** Idempotency key: the same id again returns the first outcome and appends nothing. */
  commandId?: string;
  correlationId?: string;
  causationId?: string | null;
  actor?: string;
  /** Version the caller last saw. Given: a mismatch is a conflict. Absent: retried on conflict. */
  expectedVersion?: number;
  snapshotEvery?: number;
  /**
   * Work that commits or rolls back with the command's append (AppendOptions.inTransaction):
   * an erasure deletes the stream's data key in the very transaction that appends
   * CustomerErased. Runs only when the command appends.
   */
  inAppendTransaction?: (tx: Db) => Promise<void>;
}
