import type { Db } from "@/db/client";
import { readAll, type GlobalCursor, type RecordedEvent } from "@/lib/eventstore";
import { handleBatch } from "../read-ahead";
import { shadowCheckpointOf } from "../shadow";
import { clearFailure, readBatchCheckpoint, storeCheckpoint } from "./checkpoints";
import { hasHeldBackEvents, type Batch } from "./event-loader";
import { readAheadLimit } from "./failure-policy";
import { atStart } from "./from-empty";
import type { Target } from "./target";
import { tryAcquireLease } from "./locks";
import { blockedStreams, parkEvent, queueBehind } from "./parking";
import type { BatchInfo, ResolvedOptions } from "./options";
import { traceApplied } from "./trace";

export type StepOutcome =
  | { kind: "missing" }
  | { kind: "busy" }
  | { kind: "idle"; shadowExists: boolean; pending: boolean }
  | { kind: "applied"; count: number; full: boolean; shadowExists: boolean; last: GlobalCursor }
  | { kind: "failed"; error: unknown; read: RecordedEvent[] };

/**
 * The processing scope of a batch: one transaction holding the checkpoint's lease (try, never
 * wait: "busy" if another runner has it). Everything the work writes commits or rolls back with
 * the checkpoint's move, so a crash at any instant neither skips nor repeats an event.
 */
async function inBatchScope<T>(db: Db, checkpoint: string, work: (tx: Db) => Promise<T>): Promise<T | { kind: "busy" }> {
  return db.transaction(async (txRaw) => {
    const tx = txRaw as unknown as Db;
    if (!(await tryAcquireLease(tx, checkpoint))) return { kind: "busy" as const };
    return work(tx);
  });
}

/**
 * One step: one batch in one transaction. Read the checkpoint under the lease, read the next
 * events in follower-safe order, handle them, move the checkpoint (compare-and-set). Never
 * throws: a failure is an outcome, rolled back, with the events it had read.
 */
export async function step(db: Db, options: ResolvedOptions, target: Target, limit: number): Promise<StepOutcome> {
  let read: RecordedEvent[] = [];
  let handled: RecordedEvent[] = [];
  const startedAt = Date.now();
  try {
    const outcome = await inBatchScope(db, target.checkpoint, async (tx): Promise<StepOutcome> => {
      const shadowName = shadowCheckpointOf(target.projection.name);
      const { checkpoint, rebuildExists: shadowExists } = await readBatchCheckpoint(tx, target.checkpoint, shadowName);
      if (!checkpoint) return { kind: "missing" };
      const after = checkpoint.cursor;
      // Built from empty by its rebuild (from-empty.ts): the live tables wait for the swap.
      if (!target.rebuild && shadowExists && atStart(after)) return { kind: "idle", shadowExists, pending: false };
      const batch = await target.feed.read(tx, after, limit);
      if (batch.events.length === 0) {
        if (checkpoint.status === "failed") await clearFailure(tx, target.checkpoint, target.rebuild ? "rebuilding" : "running");
        // Committed events held back until older transactions end: look again soon.
        return { kind: "idle", shadowExists, pending: await hasHeldBackEvents(tx, after) };
      }
      read = batch.events;
      // More is probably waiting: read (and prepare) the next batch on another connection while
      // this one is applied and committed (the next transaction checks its cursor first).
      if (batch.events.length === limit && !target.singleUntil) {
        const end = batch.events[batch.events.length - 1];
        target.feed.readAhead({ transactionId: end.transactionId, position: end.position }, readAheadLimit(target.rebuild, options));
      }
      const info = await applyBatch(tx, options, target, batch, after, (events) => (handled = events));
      return { kind: "applied", count: info.events, full: info.events === limit, shadowExists, last: info.last };
    });
    // Committed: the events' traces get their projection span (trace.ts).
    if (outcome.kind === "applied" && handled.length && !target.rebuild) traceApplied(target.projection.name, handled, read.length, startedAt);
    return outcome;
  } catch (error) {
    return { kind: "failed", error, read };
  }
}

/**
 * Handle the batch and move the checkpoint past it, in the batch's transaction. Events of streams
 * that wait behind a parked event are queued behind it instead (parking.ts).
 */
async function applyBatch(
  tx: Db,
  options: ResolvedOptions,
  target: Target,
  batch: Batch,
  after: GlobalCursor,
  onHandled: (events: RecordedEvent[]) => void,
): Promise<BatchInfo> {
  const { events } = batch;
  let { relevant, prepared } = batch;
  const blocked = relevant.length ? await blockedStreams(tx, target.checkpoint) : new Set<string>();
  const held = blocked.size ? relevant.filter((event) => blocked.has(event.streamId)) : [];
  if (held.length) {
    await queueBehind(tx, target.checkpoint, held);
    relevant = relevant.filter((event) => !blocked.has(event.streamId));
    prepared = undefined; // prepared for the whole batch: `handle` does the rest afresh.
  }
  if (relevant.length) await handleBatch(target.projection, tx, relevant, target.table, prepared);
  onHandled(relevant);
  const last = events[events.length - 1];
  const info: BatchInfo = {
    projection: target.projection.name,
    checkpoint: target.checkpoint,
    rebuild: target.rebuild,
    events: events.length,
    last: { transactionId: last.transactionId, position: last.position },
  };
  await options.beforeCommit?.(tx, info);
  // Compare-and-set: the lease already excludes other runners; this makes a broken lease
  // discipline fail loudly (rollback) instead of applying a batch twice.
  const moved = await storeCheckpoint(tx, {
    name: target.checkpoint,
    expected: after,
    last: info.last,
    events: events.length,
    status: target.rebuild ? "rebuilding" : "running",
    worker: options.workerId,
    traceparent: target.rebuild ? undefined : relevant.findLast((event) => event.metadata?.traceparent)?.metadata.traceparent,
  });
  if (!moved) throw new Error(`Checkpoint ${target.checkpoint} moved under a running batch`);
  return info;
}

/**
 * Park `event`, the next event of the target that failed `failures` times: record it in the dead
 * letters and move the checkpoint past it, under the lease. False (nothing done) if the
 * checkpoint has moved meanwhile or another runner holds the lease.
 */
export async function parkNext(db: Db, options: ResolvedOptions, target: Target, event: RecordedEvent, error: string, failures: number) {
  const outcome = await inBatchScope(db, target.checkpoint, async (tx) => {
    const { checkpoint } = await readBatchCheckpoint(tx, target.checkpoint, shadowCheckpointOf(target.projection.name));
    if (!checkpoint) return false;
    const [next] = (await readAll(tx, { after: checkpoint.cursor, limit: 1 })).events;
    if (next?.position !== event.position) return false;
    await parkEvent(tx, target.checkpoint, event, error, failures);
    const last = { transactionId: event.transactionId, position: event.position };
    const status = target.rebuild ? "rebuilding" : "running";
    return storeCheckpoint(tx, { name: target.checkpoint, expected: checkpoint.cursor, last, events: 1, status, worker: options.workerId });
  });
  return outcome === true;
}
