import type { EventStore, RecordedEvent } from "@/lib/eventstore";
import { loadLatest, VersionConflictError } from "@/lib/eventstore";
import { stateCacheOf } from "./state-cache";

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
  const { snapshot, tail } = await loadLatest<S>(store, streamId, decider.shapeVersion, toVersion);
  let state = snapshot ? snapshot.state : decider.initialState();
  for (const event of tail) state = decider.evolve(state, event);
  return { state, version: decider.versionOf(state), fromSnapshot: snapshot?.version ?? null };
}

const cacheKey = (decider: { streamType: string; shapeVersion: number }, streamId: string) =>
  `${decider.streamType}/${decider.shapeVersion}/${streamId}`;

function cachedState<C, S, E extends { type: string; data: unknown }, Err>(
  store: EventStore,
  decider: Decider<C, S, E, Err>,
  streamId: string,
): { state: S; version: number } | undefined {
  return stateCacheOf(store).get(cacheKey(decider, streamId)) as { state: S; version: number } | undefined;
}

/**
 * The state a command decides on: the cached state (see state-cache.ts) or the latest snapshot,
 * whichever is later, plus every event after it, in one round trip.
 */
async function loadForCommand<C, S, E extends { type: string; data: unknown }, Err>(
  store: EventStore,
  decider: Decider<C, S, E, Err>,
  streamId: string,
): Promise<{ state: S; version: number }> {
  const cached = cachedState(store, decider, streamId);
  const { snapshot, tail } = await loadLatest<S>(store, streamId, decider.shapeVersion, undefined, cached?.version ?? 0);
  let state = snapshot ? snapshot.state : cached ? cached.state : decider.initialState();
  for (const event of tail) state = decider.evolve(state, event);
  const version = decider.versionOf(state);
  stateCacheOf(store).set(cacheKey(decider, streamId), version, state);
  return { state, version };
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
  // Without a caller's id nobody can replay the command, so no idempotency record is written (the
  // store still stamps a fresh command id into the events' metadata).
  const commandId = ctx.commandId;
  // The first try may decide on the cached state without reading the stream: the append's
  // expected version proves it current, and a conflict sends us to the fresh path below. Only an
  // append can be proven so; a rejection, a no-op or an unexpected version is re-decided on fresh
  // state before it is returned. A stale cache costs one conflict, not a retry.
  let tryCache = true;
  for (let attempt = 0; ; tryCache ? (tryCache = false) : attempt++) {
    let loaded = tryCache ? cachedState(store, decider, streamId) : undefined;
    let decision = loaded && decider.decide(command, loaded.state);
    const provable =
      loaded && decision?.ok && decision.events.length > 0 && (ctx.expectedVersion === undefined || ctx.expectedVersion === loaded.version);
    if (!loaded || !decision || !provable) {
      tryCache = false;
      loaded = await loadForCommand(store, decider, streamId);
      decision = decider.decide(command, loaded.state);
    }
    const { state, version } = loaded;
    if (ctx.expectedVersion !== undefined && ctx.expectedVersion !== version) {
      return { ok: false, error: await conflict(store, streamId, ctx.expectedVersion, version) };
    }
    if (!decision.ok) return { ok: false, error: decision.error };
    if (decision.events.length === 0) {
      if (commandId && !(await store.recordCommand(commandId, streamId, version))) {
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
      let next = state;
      for (const event of result.events) next = decider.evolve(next, event);
      stateCacheOf(store).set(cacheKey(decider, streamId), decider.versionOf(next), next);
      await maybeSnapshot(store, decider, streamId, next, version, result.nextExpectedVersion, ctx.snapshotEvery ?? snapshotEvery());
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
      if (tryCache && ctx.expectedVersion === undefined) continue;
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
  next: S,
  versionBefore: number,
  versionAfter: number,
  every: number,
) {
  if (Math.floor(versionAfter / every) === Math.floor(versionBefore / every)) return;
  try {
    await store.saveSnapshot({ streamId, version: versionAfter, shapeVersion: decider.shapeVersion, state: next });
  } catch (error) {
    console.error(`snapshot of ${streamId} at v${versionAfter} failed`, error);
  }
}
