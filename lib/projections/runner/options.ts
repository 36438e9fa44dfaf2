import os from "node:os";
import type { Db } from "@/db/client";
import type { GlobalCursor, RecordedEvent } from "@/lib/eventstore";
import { DEFAULT_PARK_AFTER_FAILURES } from "./failure-policy";

export interface RunnerOptions {
  /** Events read per transaction while following the log (default 500). */
  batchSize?: number;
  /**
   * Events read per transaction while catching up, i.e. after a full batch: fewer, larger
   * transactions, and more of a customer's events folded in memory into one row write (default
   * 10,000, the most readAll returns; or `batchSize` when that is given, so that a caller asking
   * for small batches gets small batches).
   */
  catchUpBatchSize?: number;
  /** Events read per transaction while filling a rebuild's shadow tables (default: `catchUpBatchSize`). */
  rebuildBatchSize?: number;
  /**
   * A projection that has applied nothing, over empty tables, on a log of at least this many events
   * is built like a rebuild: shadow tables with keys only, other indexes last, then swapped in
   * (from-empty.ts). Default 10,000; `Infinity` never.
   */
  buildFromEmptyMinEvents?: number;
  /** Safety-net polling interval; notifications normally wake the runner at once. */
  pollMs?: number;
  /** Back-off after a failure: doubles from `retryInitialMs` up to `retryMaxMs`. */
  retryInitialMs?: number;
  retryMaxMs?: number;
  /** Failed attempts at one event before it is parked (projections whose policy is `park` without `retries`; default 5). */
  parkAfterFailures?: number;
  /** Names this runner in checkpoints (default host:pid). */
  workerId?: string;
  /** How often an idle runner says it is alive (PostgreSQL only; see status "stopped"). */
  heartbeatMs?: number;
  /** Test hook: runs inside each batch transaction after the read-table writes, before the checkpoint moves. */
  beforeCommit?: (tx: Db, batch: BatchInfo) => Promise<void>;
  /** Called after each committed batch (for in-process waiters and progress displays). */
  onBatch?: (batch: BatchInfo) => void;
  log?: Pick<Console, "log" | "warn" | "error">;
  /**
   * How events read from the log reach the projections: the store's codec (opens personal fields
   * or reads them ERASED, upcasts). Default: as stored, upcast by nothing (tests of raw folds).
   */
  decode?: (db: Db, events: RecordedEvent[]) => Promise<RecordedEvent[]>;
}

export interface BatchInfo {
  projection: string;
  checkpoint: string;
  rebuild: boolean;
  events: number;
  last: GlobalCursor;
}

export type ResolvedOptions = Required<Omit<RunnerOptions, "beforeCommit" | "onBatch">> &
  Pick<RunnerOptions, "beforeCommit" | "onBatch">;

const DEFAULT_BATCH_SIZE = 500;
const DEFAULT_CATCH_UP_BATCH_SIZE = 10_000;
const DEFAULT_BUILD_FROM_EMPTY_MIN_EVENTS = 10_000;

export function resolveOptions(options: RunnerOptions): ResolvedOptions {
  const catchUpBatchSize = options.catchUpBatchSize ?? options.batchSize ?? DEFAULT_CATCH_UP_BATCH_SIZE;
  return {
    batchSize: options.batchSize ?? DEFAULT_BATCH_SIZE,
    catchUpBatchSize: Math.max(catchUpBatchSize, options.batchSize ?? 0),
    rebuildBatchSize: options.rebuildBatchSize ?? catchUpBatchSize,
    buildFromEmptyMinEvents: options.buildFromEmptyMinEvents ?? DEFAULT_BUILD_FROM_EMPTY_MIN_EVENTS,
    pollMs: options.pollMs ?? 1000,
    retryInitialMs: options.retryInitialMs ?? 500,
    retryMaxMs: options.retryMaxMs ?? 30_000,
    parkAfterFailures: options.parkAfterFailures ?? DEFAULT_PARK_AFTER_FAILURES,
    workerId: options.workerId ?? `${os.hostname()}:${process.pid}`,
    heartbeatMs: options.heartbeatMs ?? 5000,
    log: options.log ?? console,
    beforeCommit: options.beforeCommit,
    onBatch: options.onBatch,
    decode: options.decode ?? (async (_db, events) => events),
  };
}
