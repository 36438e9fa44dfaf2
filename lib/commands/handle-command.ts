import { v7 as uuidv7 } from "uuid";
import type { EventStore, RecordedEvent } from "@/lib/eventstore";
import { VersionConflictError } from "@/lib/eventstore";

/** The pure halves of an aggregate, plus how to snapshot it. */
export interface Decider<Command, State, Event extends { type: string; data: unknown }, Err> {
  streamType: string;
  initialState(): State;
  evolve(state: State, event: RecordedEvent): State;
  /** The stream's version as the state knows it (0 when it does not exist). */
  versionOf(state: State): number;
  decide(command: Command, state: State): { ok: true; events: Event[] } | { ok: false; error: Err };
  /** Shape version for snapshots; bump it when State changes. */
  shapeVersion: number;
}

export type VersionConflict = {
  code: "version_conflict";
  message: string;
  expectedVersion: number;
  actualVersion: number;
  /** The events appended since `expectedVersion` (at most 50), so a UI can say what changed. */
  eventsSince: RecordedEvent[];
};

export type CommandResult<Err> =
  | { ok: true; streamId: string; version: number; position: number | null; unchanged: boolean; duplicate: boolean; events: RecordedEvent[] }
  | { ok: false; error: Err | VersionConflict };

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
}

const MAX_RETRIES = 5;

export const snapshotEvery = () => {
  const value = Number(process.env.SNAPSHOT_EVERY ?? 100);
  return Number.isInteger(value) && value > 0 ? value : 100;
};

/**
 * Load a stream's state: the latest snapshot of the current shape, then the events after it.
 */
export async function loadState<C, S, E extends { type: string; data: unknown }, Err>(
  store: EventStore,
  decider: Decider<C, S, E, Err>,
  streamId: string,
  toVersion?: number,
): Promise<{ state: S; version: number; fromSnapshot: number | null }> {
  const snapshot = await store.loadSnapshot<S>(streamId, decider.shapeVersion, toVersion);
  let state = snapshot ? snapshot.state : decider.initialState();
  const tail = await store.readStream(streamId, { fromVersion: (snapshot?.version ?? 0) + 1, toVersion });
  for (const event of tail) state = decider.evolve(state, event);
  return { state, version: decider.versionOf(state), fromSnapshot: snapshot?.version ?? null };
}

/**
 * Load → decide → append, the one path by which commands change anything.
 *
 * Domain rejections come back as values. A version conflict is returned when the caller gave an
 * expected version; otherwise the command is re-run on the fresh state up to MAX_RETRIES times
 * (decide is pure, so a re-run is exact). Anything else thrown is a bug and propagates.
 */
export async function handleCommand<C, S, E extends { type: string; data: unknown }, Err>(
  decider: Decider<C, S, E, Err>,
  streamId: string,
  command: C,
  ctx: CommandContext,
): Promise<CommandResult<Err>> {
  const { store } = ctx;
  if (ctx.commandId) {
    const previous = await store.findCommand(ctx.commandId);
    if (previous) return replayed(previous);
  }
  const commandId = ctx.commandId ?? uuidv7();
  for (let attempt = 0; ; attempt++) {
    const { state, version } = await loadState(store, decider, streamId);
    if (ctx.expectedVersion !== undefined && ctx.expectedVersion !== version) {
      return { ok: false, error: await conflict(store, streamId, ctx.expectedVersion, version) };
    }
    const decision = decider.decide(command, state);
    if (!decision.ok) return { ok: false, error: decision.error };
    if (decision.events.length === 0) {
      if (ctx.commandId && !(await store.recordCommand(commandId, streamId, version))) {
        const previous = await store.findCommand(commandId);
        if (previous) return replayed(previous);
      }
      return { ok: true, streamId, version, position: null, unchanged: true, duplicate: false, events: [] };
    }
    try {
      const result = await store.append(streamId, decision.events, {
        expectedVersion: version === 0 ? "no_stream" : version,
        commandId,
        correlationId: ctx.correlationId,
        causationId: ctx.causationId,
        actor: ctx.actor,
      });
      if (result.duplicate) {
        return { ok: true, streamId, version: result.nextExpectedVersion, position: result.lastPosition || null, unchanged: result.lastPosition === 0, duplicate: true, events: [] };
      }
      await maybeSnapshot(store, decider, streamId, state, version, result.events, ctx.snapshotEvery ?? snapshotEvery());
      return {
        ok: true,
        streamId,
        version: result.nextExpectedVersion,
        position: result.lastPosition,
        unchanged: false,
        duplicate: false,
        events: result.events,
      };
    } catch (error) {
      if (!(error instanceof VersionConflictError)) throw error;
      if (ctx.expectedVersion !== undefined || attempt >= MAX_RETRIES) {
        return { ok: false, error: await conflict(store, streamId, ctx.expectedVersion ?? version, error.actualVersion) };
      }
    }
  }
}

function replayed(previous: { streamId: string; version: number | null; position: number | null }) {
  return {
    ok: true as const,
    streamId: previous.streamId,
    version: previous.version ?? 0,
    position: previous.position,
    unchanged: previous.position === null,
    duplicate: true,
    events: [],
  };
}

async function conflict(store: EventStore, streamId: string, expectedVersion: number, actualVersion: number): Promise<VersionConflict> {
  const eventsSince =
    actualVersion > expectedVersion
      ? await store.readStream(streamId, { fromVersion: expectedVersion + 1, toVersion: Math.min(actualVersion, expectedVersion + 50) })
      : [];
  return {
    code: "version_conflict",
    message:
      actualVersion === 0
        ? `Expected version ${expectedVersion}, but the stream does not exist`
        : `Expected version ${expectedVersion}, but it is now at version ${actualVersion}`,
    expectedVersion,
    actualVersion,
    eventsSince,
  };
}

/**
 * Snapshot when the append crossed a multiple of `every`. Best effort, after the append has
 * committed: a missing snapshot only costs a longer replay.
 */
async function maybeSnapshot<C, S, E extends { type: string; data: unknown }, Err>(
  store: EventStore,
  decider: Decider<C, S, E, Err>,
  streamId: string,
  state: S,
  versionBefore: number,
  appended: RecordedEvent[],
  every: number,
) {
  const versionAfter = versionBefore + appended.length;
  if (Math.floor(versionAfter / every) === Math.floor(versionBefore / every)) return;
  let next = state;
  for (const event of appended) next = decider.evolve(next, event);
  try {
    await store.saveSnapshot({ streamId, version: versionAfter, shapeVersion: decider.shapeVersion, state: next });
  } catch (error) {
    console.error(`snapshot of ${streamId} at v${versionAfter} failed`, error);
  }
}
