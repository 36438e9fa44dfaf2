import { findCommand, recordCommand, type CommandRecord, type EventStore } from "@/lib/eventstore";
import type { CommandSuccess } from "./result";

/** The first outcome of a command id seen before, as its replay; null for a new id. */
export async function replayOf(store: EventStore, commandId: string | undefined): Promise<CommandSuccess | null> {
  if (!commandId) return null;
  const previous = await findCommand(store.db, commandId);
  return previous ? replayed(previous) : null;
}

/**
 * Record that a command changed nothing at `version`, so that its id replays as unchanged.
 * Without a caller's id nobody can replay the command, so nothing is recorded. Returns the
 * earlier outcome when the id was recorded meanwhile (a concurrent duplicate), else null.
 */
export async function recordUnchanged(
  store: EventStore,
  commandId: string | undefined,
  streamId: string,
  version: number,
): Promise<CommandSuccess | null> {
  if (!commandId || (await recordCommand(store.db, commandId, streamId, version))) return null;
  return replayOf(store, commandId);
}

function replayed(previous: CommandRecord): CommandSuccess {
  return {
    ok: true,
    streamId: previous.streamId,
    version: previous.version ?? 0,
    position: previous.position,
    unchanged: previous.position === null,
    duplicate: true,
    events: [],
  };
}
