import { saveSnapshot, type EventStore } from "@/lib/eventstore";
import type { StreamFacts } from "./decider";

/** Snapshot every this many versions (`SNAPSHOT_EVERY`, default 100). */
export const snapshotEvery = () => {
  const value = Number(process.env.SNAPSHOT_EVERY ?? 100);
  return Number.isInteger(value) && value > 0 ? value : 100;
};

/**
 * Snapshot when the append crossed a multiple of `every`. Best effort, after the append has
 * committed: a missing snapshot only costs a longer replay.
 */
export async function maybeSnapshot<S>(
  store: EventStore,
  facts: StreamFacts<S>,
  streamId: string,
  state: S,
  versionBefore: number,
  versionAfter: number,
  every: number,
): Promise<void> {
  if (Math.floor(versionAfter / every) === Math.floor(versionBefore / every)) return;
  try {
    const stored = await store.codec.encodeState(store.db, streamId, state, facts.personal ?? []);
    await saveSnapshot(store.db, { streamId, version: versionAfter, shapeVersion: facts.shapeVersion, state: stored });
  } catch (error) {
    console.error(`snapshot of ${streamId} at v${versionAfter} failed`, error);
  }
}
