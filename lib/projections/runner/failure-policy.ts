import { compareCursors, type GlobalCursor, type RecordedEvent } from "@/lib/eventstore";
import type { FailurePolicy } from "../types";

/**
 * What the runner does when a batch fails (pure). A failed batch is rolled back; which of its
 * events failed is unknown, so the stretch is redone one event per transaction ("isolating"), at
 * once. A single event that fails is the failing event: the checkpoint records it and the runner
 * backs off, doubling from `initialMs` up to `maxMs`, and tries the same event again. By the
 * projection's failure policy it is then parked (`shouldPark`: the dead letters, parking.ts;
 * only its stream waits) or retried for ever (`halt`). Never silently skipped: a recorded event
 * is a fact, and a projection that drops one is wrong for good; only a person skips one.
 */

export interface RetryPolicy {
  initialMs: number;
  maxMs: number;
}

/** Longest back-off after a failure that happened before any event was read (the database's). */
export const DATABASE_RETRY_MAX_MS = 2000;

/** Back-off after the `failures`-th consecutive failure: initialMs, doubling, at most maxMs. */
export function backoffMs(failures: number, policy: RetryPolicy): number {
  return Math.min(policy.maxMs, policy.initialMs * 2 ** Math.min(failures - 1, 20));
}

export type FailureDecision =
  /** Redo up to `until` (the last event read) one event per transaction, now. */
  | { kind: "isolate"; until: GlobalCursor }
  /** `event` failed (undefined: none was read); retry after `backoffMs`. */
  | { kind: "retry"; event: RecordedEvent | undefined; failures: number; backoffMs: number };

/** The decision after a batch that read `read` failed, the `failures`-th time before this one. */
export function afterFailedBatch(read: readonly RecordedEvent[], failures: number, policy: RetryPolicy): FailureDecision {
  if (read.length > 1) {
    const last = read[read.length - 1];
    return { kind: "isolate", until: { transactionId: last.transactionId, position: last.position } };
  }
  const event = read[0];
  // No event read: the database failed us (no free connection, a restart, a lost link), not
  // the projection. Retry at least every few seconds, so that a moment of saturation does
  // not leave the projection asleep for half a minute after the database is back.
  const maxMs = event ? policy.maxMs : Math.min(policy.maxMs, DATABASE_RETRY_MAX_MS);
  return { kind: "retry", event, failures: failures + 1, backoffMs: backoffMs(failures + 1, { ...policy, maxMs }) };
}

/** Still isolating after a batch that ended at `last`? The bound if so, else null. */
export function isolationAfter(until: GlobalCursor | null, last: GlobalCursor): GlobalCursor | null {
  return until && compareCursors(last, until) < 0 ? until : null;
}

export interface BatchSizes {
  batchSize: number;
  catchUpBatchSize: number;
  rebuildBatchSize: number;
}

/** Events to read in the next batch: one while isolating, else by what the checkpoint is doing. */
export function batchLimit(state: { isolating: boolean; rebuild: boolean; behind: boolean }, sizes: BatchSizes): number {
  if (state.isolating) return 1;
  if (state.rebuild) return sizes.rebuildBatchSize;
  return state.behind ? sizes.catchUpBatchSize : sizes.batchSize;
}

/** The size of a batch read ahead: more is waiting, so a catch-up (or rebuild) batch. */
export function readAheadLimit(rebuild: boolean, sizes: BatchSizes): number {
  return rebuild ? sizes.rebuildBatchSize : sizes.catchUpBatchSize;
}

/** The log line of a failure the runner will retry. */
export function failureLine(checkpoint: string, event: RecordedEvent | undefined, message: string, backoff: number): string {
  const at = event ? ` at event #${event.position} (${event.type} ${event.streamId} v${event.version})` : "";
  return `[projections] ${checkpoint} failed${at}: ${message}; retrying in ${backoff} ms`;
}

/** Default failed attempts at one event before a `park` projection parks it. */
export const DEFAULT_PARK_AFTER_FAILURES = 5;

/** Whether the event that has now failed `failures` times in a row is to be parked. */
export function shouldPark(policy: FailurePolicy | undefined, failures: number, defaultRetries: number): boolean {
  const resolved = policy ?? { mode: "park" };
  if (resolved.mode === "halt") return false;
  return failures >= Math.max(1, resolved.retries ?? defaultRetries);
}
