import { isCustomerStream } from "@/lib/domain/customer/ids";
import { CUSTOMER_STATE_SHAPE, initialState, type CustomerState } from "@/lib/domain/customer/state";
import { loadSnapshot, type EventStore, type RecordedEvent } from "@/lib/eventstore";
import { cachedCheckpoint, offerCheckpoint, trackedAt } from "./checkpoints";
import { BOOKKEEPING_FIELDS, type FieldChange } from "./diff";
import { StreamNotFoundError, VersionOutOfRangeError } from "./errors";
import { applyTracked, type Provenance, type Tracked } from "./provenance";

export interface StateAtVersion {
  streamId: string;
  /** The version shown. */
  version: number;
  /** The stream's version when this was computed (the scrubber's maximum). */
  currentVersion: number;
  /** The state right after the event at `version`. */
  state: CustomerState;
  /** The event at `version`. */
  event: RecordedEvent;
  /** What the event at `version` changed, against `version − 1` (bookkeeping left out). */
  changes: FieldChange[];
  /** For every field with a value (or removed once), the event that gave it its current value. */
  provenance: Provenance;
  /**
   * Where the replay started: a stored snapshot, an in-memory checkpoint (only when one lies
   * strictly closer to N than any snapshot), or the start of the stream.
   */
  base: { source: "snapshot" | "checkpoint" | "start"; version: number };
  /** How many events were folded on top of the base. */
  replayed: number;
}

/** The stream's current version; throws StreamNotFoundError when it has none. */
export async function currentVersionOf(store: EventStore, streamId: string): Promise<number> {
  const version = await store.streamVersion(streamId);
  if (version === 0) throw new StreamNotFoundError(streamId);
  return version;
}

/**
 * The customer as it was right after version N, with the event at N, its changes and the
 * provenance of every field.
 *
 * The state comes from the latest usable snapshot (current shape) at or below N − 1, never one
 * past N, plus the events after it up to N. Stopping the snapshot at N − 1 keeps the event at N
 * and the state before it in the same short replay, so the diff costs nothing extra. Provenance
 * starts from the in-memory checkpoint at the snapshot's version (see checkpoints.ts); when this
 * process holds a checkpoint strictly closer to N than any snapshot, the replay starts there.
 */
export async function stateAt(
  store: EventStore,
  streamId: string,
  version: number,
  options: StateAtOptions = {},
): Promise<StateAtVersion> {
  if (!isCustomerStream(streamId)) throw new StreamNotFoundError(streamId);
  const currentVersion = await currentVersionOf(store, streamId);
  if (!Number.isSafeInteger(version) || version < 1 || version > currentVersion) {
    throw new VersionOutOfRangeError(streamId, version, currentVersion);
  }
  return stateAtKnown(store, streamId, version, currentVersion, options);
}

export interface StateAtOptions {
  /** Start the replay from a stored snapshot only, never from an in-memory checkpoint. */
  snapshotsOnly?: boolean;
}

/** `stateAt` for a version already checked against `currentVersion`. */
export async function stateAtKnown(
  store: EventStore,
  streamId: string,
  version: number,
  currentVersion: number,
  options: StateAtOptions = {},
): Promise<StateAtVersion> {
  const stored = version > 1 ? await loadSnapshot<CustomerState>(store.db, streamId, CUSTOMER_STATE_SHAPE, version - 1) : null;
  // Opened through the store's codec: plaintext, or ERASED once the customer's key is gone.
  const snapshot = stored ? { ...stored, state: await store.codec.decodeState(store.db, streamId, stored.state) } : null;
  const snapshotVersion = snapshot && snapshot.version <= version - 1 ? snapshot.version : 0;
  // A checkpoint is a replay this process already did; it only beats a stored snapshot when it
  // is strictly closer (a stream written without snapshots, or sparse ones).
  const checkpoint = options.snapshotsOnly ? null : cachedCheckpoint(store, streamId, version - 1);
  let tracked: Tracked;
  let base: StateAtVersion["base"];
  if (checkpoint && checkpoint.version > snapshotVersion) {
    tracked = checkpoint;
    base = { source: "checkpoint", version: checkpoint.version };
  } else {
    const origin = await trackedAt(store, streamId, snapshotVersion);
    tracked = { version: snapshotVersion, state: snapshotVersion ? snapshot!.state : initialState(), provenance: origin.provenance };
    base = { source: snapshotVersion ? "snapshot" : "start", version: snapshotVersion };
  }
  const tail = await store.readStream(streamId, { fromVersion: base.version + 1, toVersion: version });
  let changes: FieldChange[] = [];
  for (const event of tail) {
    if (event.version !== tracked.version + 1) {
      throw new Error(`Stream ${streamId} has a gap: expected v${tracked.version + 1}, read v${event.version}`);
    }
    const step = applyTracked(tracked, event);
    tracked = step.next;
    changes = step.changes;
    offerCheckpoint(store, streamId, tracked);
  }
  const event = tail[tail.length - 1];
  if (!event || tracked.version !== version) {
    throw new Error(`Stream ${streamId} ends before v${version}`);
  }
  return {
    streamId,
    version,
    currentVersion,
    state: tracked.state,
    event,
    changes: changes.filter((change) => !BOOKKEEPING_FIELDS.includes(change.path)),
    provenance: tracked.provenance,
    base,
    replayed: tail.length,
  };
}
