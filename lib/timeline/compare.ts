import { isCustomerStream } from "@/lib/domain/customer/ids";
import type { CustomerState } from "@/lib/domain/customer/state";
import type { EventStore, RecordedEvent } from "@/lib/eventstore";
import { BOOKKEEPING_FIELDS, DIFF_FIELDS, diffStates, type FieldChange, type FieldPath, type FieldValue } from "./diff";
import { applyTracked, historyOf, initialTracked, originOf, type FieldHistoryEntry, type FieldOrigin, type Tracked } from "./provenance";
import { StreamNotFoundError, VersionOutOfRangeError } from "./errors";
import { currentVersionOf, stateAtKnown } from "./state-at";

/**
 * Widest compare, in versions (TIMELINE_COMPARE_MAX_SPAN, default 10,000): a wider one replays
 * too much for one request; compare successive ranges instead.
 */
export const compareMaxSpan = () => Number(process.env.TIMELINE_COMPARE_MAX_SPAN ?? 10_000);

/** At most this many events are listed per field group and in `events` (counts stay exact). */
export const COMPARE_LIST_LIMIT = 100;

/** One event between A and B that changed a field, with what it did to it. */
export interface FieldTouch extends FieldOrigin {
  before: FieldValue | null;
  after: FieldValue | null;
}

export interface FieldGroup {
  path: FieldPath;
  /** Whether the field differs between A and B (it may have changed and changed back). */
  changedOverall: boolean;
  /** The events in (A, B] that changed this field, oldest first (the last COMPARE_LIST_LIMIT). */
  touches: FieldTouch[];
  touchCount: number;
}

/** An event in (A, B] and the fields it changed. */
export interface EventBetween {
  version: number;
  type: string;
  timestamp: string;
  actor: string;
  fields: FieldPath[];
}

export interface Comparison {
  streamId: string;
  from: number;
  to: number;
  currentVersion: number;
  before: CustomerState;
  after: CustomerState;
  /** Field-level diff from A to B (bookkeeping left out). */
  changes: FieldChange[];
  /** The events between, grouped by the fields they changed, in field order. */
  groups: FieldGroup[];
  /** The events in (A, B], oldest first (the first COMPARE_LIST_LIMIT); `eventCount` is exact. */
  events: EventBetween[];
  eventCount: number;
}

/** The diff between versions A < B, and the events between them grouped by the fields they touched. */
export async function compareVersions(store: EventStore, streamId: string, from: number, to: number): Promise<Comparison> {
  if (!isCustomerStream(streamId)) throw new StreamNotFoundError(streamId);
  const currentVersion = await currentVersionOf(store, streamId);
  for (const version of [from, to]) {
    if (!Number.isSafeInteger(version) || version < 1 || version > currentVersion) {
      throw new VersionOutOfRangeError(streamId, version, currentVersion);
    }
  }
  if (from >= to) throw new RangeError(`Compare needs from < to (got ${from} and ${to})`);
  if (to - from > compareMaxSpan()) throw new VersionOutOfRangeError(streamId, to, Math.min(currentVersion, from + compareMaxSpan()));
  const start = await stateAtKnown(store, streamId, from, currentVersion);
  const between = await store.readStream(streamId, { fromVersion: from + 1, toVersion: to });
  let tracked: Tracked = { version: from, state: start.state, provenance: start.provenance };
  const touches = new Map<FieldPath, FieldTouch[]>();
  const counts = new Map<FieldPath, number>();
  const events: EventBetween[] = [];
  for (const event of between) {
    const step = applyTracked(tracked, event);
    tracked = step.next;
    const fields: FieldPath[] = [];
    for (const change of step.changes) {
      if (BOOKKEEPING_FIELDS.includes(change.path)) continue;
      fields.push(change.path);
      counts.set(change.path, (counts.get(change.path) ?? 0) + 1);
      const list = touches.get(change.path) ?? [];
      list.push({ ...originOf(event, change.kind), before: change.before, after: change.after });
      if (list.length > COMPARE_LIST_LIMIT) list.shift();
      touches.set(change.path, list);
    }
    if (events.length < COMPARE_LIST_LIMIT) events.push(summarize(event, fields));
  }
  if (tracked.version !== to) throw new Error(`Stream ${streamId} ends before v${to}`);
  const changes = diffStates(start.state, tracked.state);
  const changed = new Set(changes.map((c) => c.path));
  const groups = DIFF_FIELDS.filter((path) => touches.has(path)).map(
    (path): FieldGroup => ({
      path,
      changedOverall: changed.has(path),
      touches: touches.get(path)!,
      touchCount: counts.get(path)!,
    }),
  );
  return {
    streamId,
    from,
    to,
    currentVersion,
    before: start.state,
    after: tracked.state,
    changes,
    groups,
    events,
    eventCount: between.length,
  };
}

function summarize(event: RecordedEvent, fields: FieldPath[]): EventBetween {
  return { version: event.version, type: event.type, timestamp: event.timestamp, actor: event.metadata?.actor ?? "unknown", fields };
}

/** At most this many history entries are returned (the most recent); `total` stays exact. */
export const HISTORY_LIMIT = 500;

/**
 * Every change of one field up to `toVersion` (default: the current version), oldest first.
 * On demand only: it replays the stream up to `toVersion`.
 */
export async function fieldHistory(
  store: EventStore,
  streamId: string,
  field: FieldPath,
  toVersion?: number,
): Promise<{
  field: FieldPath;
  toVersion: number;
  currentVersion: number;
  entries: FieldHistoryEntry[];
  total: number;
  /** When older entries were left out: the `toVersion` of the page before this one. */
  previousToVersion: number | null;
}> {
  if (!isCustomerStream(streamId)) throw new StreamNotFoundError(streamId);
  const currentVersion = await currentVersionOf(store, streamId);
  const upTo = toVersion ?? currentVersion;
  if (!Number.isSafeInteger(upTo) || upTo < 1 || upTo > currentVersion) {
    throw new VersionOutOfRangeError(streamId, upTo, currentVersion);
  }
  const events = await store.readStream(streamId, { fromVersion: 1, toVersion: upTo });
  const all = historyOf(field, events, initialTracked());
  const entries = all.slice(-HISTORY_LIMIT);
  const oldest = entries[0]?.version;
  const previousToVersion = all.length > entries.length && oldest !== undefined && oldest > 1 ? oldest - 1 : null;
  return { field, toVersion: upTo, currentVersion, entries, total: all.length, previousToVersion };
}
