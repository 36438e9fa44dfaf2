import type { EventStore } from "@/lib/eventstore";
import { applyTracked, initialTracked, type Tracked } from "./provenance";

/**
 * In-memory provenance checkpoints: the tracked state (state + origin of every field) at some
 * versions of a stream.
 *
 * Why: the state at N comes cheaply from the nearest snapshot plus a short tail, but the origin
 * of a field that has not changed for 9,000 events lies before that snapshot, and snapshots
 * carry no provenance (their shape belongs to the write side). Replaying the whole stream per
 * request would cost O(N). History is append-only, so the tracked state at a version never
 * changes once that version exists: it can be cached without invalidation. A stream's first
 * request replays it once (recording a checkpoint every CHECKPOINT_EVERY versions and at the
 * snapshot versions asked for); later requests start from a checkpoint and read at most a
 * snapshot interval of events.
 *
 * Bounded: at most MAX_CHECKPOINTS in all, least recently used streams evicted first.
 */
export const CHECKPOINT_EVERY = 100;
const MAX_CHECKPOINTS = 20_000;

class CheckpointCache {
  /** streamId → (version → tracked). Map order is the LRU order of streams. */
  private readonly streams = new Map<string, Map<number, Tracked>>();
  private size = 0;
  /** One cold computation per stream at a time, so concurrent prefetches share the replay. */
  private readonly locks = new Map<string, Promise<unknown>>();

  private touch(streamId: string): Map<number, Tracked> {
    let entries = this.streams.get(streamId);
    if (entries) this.streams.delete(streamId);
    else entries = new Map();
    this.streams.set(streamId, entries);
    return entries;
  }

  get(streamId: string, version: number): Tracked | undefined {
    return this.streams.get(streamId)?.get(version);
  }

  /** The highest checkpoint at or below `version`, or the initial tracked state. */
  floor(streamId: string, version: number): Tracked {
    const entries = this.streams.get(streamId);
    let best: Tracked | undefined;
    if (entries) {
      for (const [v, tracked] of entries) if (v <= version && (!best || v > best.version)) best = tracked;
    }
    return best ?? initialTracked();
  }

  set(streamId: string, tracked: Tracked) {
    if (tracked.version === 0) return;
    const entries = this.touch(streamId);
    if (!entries.has(tracked.version)) this.size++;
    entries.set(tracked.version, tracked);
    while (this.size > MAX_CHECKPOINTS) {
      const [oldest, oldEntries] = this.streams.entries().next().value as [string, Map<number, Tracked>];
      if (oldest === streamId && this.streams.size === 1) {
        // One huge stream: drop its lowest checkpoints instead of everything.
        const lowest = Math.min(...oldEntries.keys());
        oldEntries.delete(lowest);
        this.size--;
        continue;
      }
      this.streams.delete(oldest);
      this.size -= oldEntries.size;
    }
  }

  async exclusive<T>(streamId: string, run: () => Promise<T>): Promise<T> {
    const previous = this.locks.get(streamId) ?? Promise.resolve();
    const current = previous.catch(() => {}).then(run);
    this.locks.set(streamId, current);
    try {
      return await current;
    } finally {
      if (this.locks.get(streamId) === current) this.locks.delete(streamId);
    }
  }
}

/**
 * One cache map per process, on globalThis: Next loads this module once per bundle (a route, a
 * page, a server action), and an erasure in one bundle must clear the plaintext replays every
 * bundle holds (clearCheckpoints), not only its own copy's.
 */
const globalForCheckpoints = globalThis as unknown as { __ledgerTimelineCheckpoints?: WeakMap<EventStore, CheckpointCache> };
const caches = (globalForCheckpoints.__ledgerTimelineCheckpoints ??= new WeakMap<EventStore, CheckpointCache>());

function cacheOf(store: EventStore): CheckpointCache {
  let cache = caches.get(store);
  if (!cache) caches.set(store, (cache = new CheckpointCache()));
  return cache;
}

/** Remember a tracked state reached while folding (kept only at checkpoint multiples). */
export function offerCheckpoint(store: EventStore, streamId: string, tracked: Tracked) {
  if (tracked.version > 0 && tracked.version % CHECKPOINT_EVERY === 0) cacheOf(store).set(streamId, tracked);
}

/**
 * The tracked state at exactly `version` (≤ the stream's version). Served from memory when
 * known; otherwise folded from the nearest lower checkpoint (the whole stream, the first time).
 */
export async function trackedAt(store: EventStore, streamId: string, version: number): Promise<Tracked> {
  if (version <= 0) return initialTracked();
  const cache = cacheOf(store);
  const hit = cache.get(streamId, version);
  if (hit) return hit;
  return cache.exclusive(streamId, async () => {
    const again = cache.get(streamId, version);
    if (again) return again;
    let current = cache.floor(streamId, version);
    const events = await store.readStream(streamId, { fromVersion: current.version + 1, toVersion: version });
    for (const event of events) {
      if (event.version !== current.version + 1) {
        throw new Error(`Stream ${streamId} has a gap: expected v${current.version + 1}, read v${event.version}`);
      }
      current = applyTracked(current, event).next;
      offerCheckpoint(store, streamId, current);
    }
    if (current.version !== version) {
      throw new Error(`Stream ${streamId} ends at v${current.version}, before v${version}`);
    }
    cache.set(streamId, current);
    return current;
  });
}

/** The highest checkpoint at or below `version` already in memory, or null (never does I/O). */
export function cachedCheckpoint(store: EventStore, streamId: string, version: number): Tracked | null {
  const found = cacheOf(store).floor(streamId, version);
  return found.version > 0 ? found : null;
}

/** Forget every checkpoint of `store` (tests and the benchmark measure cold paths with it). */
export function clearCheckpoints(store: EventStore) {
  caches.delete(store);
}
