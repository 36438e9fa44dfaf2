/**
 * The write side's memory of recent stream states: for each stream, the state at some version,
 * so that the next command reads only the events after it (usually none) instead of a snapshot
 * and up to a hundred events.
 *
 * It can never be wrong, only behind. Events are immutable and a stream only grows, so the state
 * folded up to version v stays the state at v forever; a command still reads every event above the
 * cached version before it decides, and the append's expected version guards the rest. Nothing
 * has to be invalidated: another process appending to the stream just makes the tail longer.
 * States are shared, so they must not be mutated (evolve returns new states).
 *
 * Bounded, least recently used first out. `STATE_CACHE_SIZE=0` turns it off.
 */
export class StateCache<State = unknown> {
  private readonly entries = new Map<string, { version: number; state: State }>();

  constructor(readonly capacity: number) {}

  get(key: string): { version: number; state: State } | undefined {
    const entry = this.entries.get(key);
    if (entry) {
      this.entries.delete(key);
      this.entries.set(key, entry);
    }
    return entry;
  }

  /** Remember a state, unless a later one is already known. */
  set(key: string, version: number, state: State): void {
    if (this.capacity <= 0 || version <= 0) return;
    const current = this.entries.get(key);
    if (current && current.version >= version) return;
    this.entries.delete(key);
    this.entries.set(key, { version, state });
    if (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value as string);
  }

  get size(): number {
    return this.entries.size;
  }
}

export const stateCacheSize = (): number => {
  const value = Number(process.env.STATE_CACHE_SIZE ?? 10_000);
  return Number.isInteger(value) && value >= 0 ? value : 10_000;
};

// On globalThis: Next loads this module once per bundle, and every bundle must see the states the
// others cached (a state cached by a route and not updated by an action would be decided on stale).
const globalForStates = globalThis as unknown as { __ledgerStateCaches?: WeakMap<object, StateCache> };
const caches = (globalForStates.__ledgerStateCaches ??= new WeakMap<object, StateCache>());

/** The cache of one store (one database): states of one database never serve another. */
export function stateCacheOf(store: object): StateCache {
  let cache = caches.get(store);
  if (!cache) {
    cache = new StateCache(stateCacheSize());
    caches.set(store, cache);
  }
  return cache;
}
