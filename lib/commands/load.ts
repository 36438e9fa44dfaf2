import { loadLatest, type EventStore, type LatestState } from "@/lib/eventstore";
import type { Decider, StreamFacts } from "./decider";
import { stateCacheOf } from "./state-cache";

type AnyDecider<S> = Decider<never, S, { type: string; data: unknown }, unknown>;

export interface Loaded<S> {
  state: S;
  version: number;
}

/** Load a stream's state: the latest snapshot of the current shape, then the events after it. */
export async function loadState<S>(
  store: EventStore,
  decider: AnyDecider<S>,
  facts: StreamFacts<S>,
  streamId: string,
  toVersion?: number,
): Promise<Loaded<S> & { fromSnapshot: number | null }> {
  const { snapshot, tail } = await openLatest<S>(store, facts, streamId, toVersion);
  let state = snapshot ? snapshot.state : decider.initialState();
  for (const event of tail) state = decider.evolve(state, event);
  return { state, version: facts.versionOf(state), fromSnapshot: snapshot?.version ?? null };
}

const cacheKey = (facts: StreamFacts<unknown>, streamId: string) => `${facts.streamType}/${facts.shapeVersion}/${streamId}`;

/** The state this process last saw for the stream (see state-cache.ts), if any. */
export function cachedState<S>(store: EventStore, facts: StreamFacts<S>, streamId: string): Loaded<S> | undefined {
  return stateCacheOf(store).get(cacheKey(facts as StreamFacts<unknown>, streamId)) as Loaded<S> | undefined;
}

/** Remember a state after a command (states are shared: never mutate them). */
export function rememberState<S>(store: EventStore, facts: StreamFacts<S>, streamId: string, state: S): void {
  stateCacheOf(store).set(cacheKey(facts as StreamFacts<unknown>, streamId), facts.versionOf(state), state);
}

/**
 * The state a command decides on: the cached state or the latest snapshot, whichever is later,
 * plus every event after it, in one round trip.
 */
export async function loadForCommand<S>(
  store: EventStore,
  decider: AnyDecider<S>,
  facts: StreamFacts<S>,
  streamId: string,
): Promise<Loaded<S>> {
  const cached = cachedState(store, facts, streamId);
  const { snapshot, tail } = await openLatest<S>(store, facts, streamId, undefined, cached?.version ?? 0);
  let state = snapshot ? snapshot.state : cached ? cached.state : decider.initialState();
  for (const event of tail) state = decider.evolve(state, event);
  rememberState(store, facts, streamId, state);
  return { state, version: facts.versionOf(state) };
}

/** The oldest snapshot shape that the facts' state upcasters can bring to the current shape. */
function oldestReadableShape(facts: StreamFacts<unknown>): number {
  let shape = facts.shapeVersion;
  while (shape > 1 && facts.stateUpcasters?.[shape - 1]) shape--;
  return shape;
}

/**
 * The latest snapshot and the events after it, as the decider must see them: events opened and
 * upcast by the store's codec, the snapshot's state opened and upcast to the current shape.
 */
async function openLatest<S>(
  store: EventStore,
  facts: StreamFacts<S>,
  streamId: string,
  toVersion?: number,
  knownVersion = 0,
): Promise<LatestState<S>> {
  const oldest = oldestReadableShape(facts as StreamFacts<unknown>);
  const raw = await loadLatest<S>(store.db, streamId, facts.shapeVersion, toVersion, knownVersion, oldest);
  const tail = await store.codec.decode(store.db, raw.tail);
  if (!raw.snapshot) return { snapshot: null, tail };
  let state: unknown = await store.codec.decodeState(store.db, streamId, raw.snapshot.state);
  for (let shape = raw.snapshot.shapeVersion; shape < facts.shapeVersion; shape++) state = facts.stateUpcasters![shape](state);
  return { snapshot: { ...raw.snapshot, shapeVersion: facts.shapeVersion, state: state as S }, tail };
}
