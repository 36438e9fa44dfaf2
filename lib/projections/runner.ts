import os from "node:os";
import { setImmediate as yieldToEventLoop } from "node:timers/promises";
import { sql } from "drizzle-orm";
import { query, type Database, type Db } from "@/db/client";
import { compareCursors, EVENTS_CHANNEL, EventStore, type GlobalCursor, type RecordedEvent } from "@/lib/eventstore";
import { describeError } from "./errors";
import { createShadowTable, indexShadowTable, shadowCheckpointOf, shadowTableOf, swapInShadowTable } from "./shadow";
import { Signal } from "./signal";
import type { Projection, TableResolver } from "./types";

/** Rebuild requested or swapped: wakes runners in every process. */
export const PROJECTIONS_CHANNEL = "ledger_projections";
/** A checkpoint moved (sent inside the batch transaction, so delivered at commit). */
export const CHECKPOINTS_CHANNEL = "ledger_checkpoints";

/** First key of the two-key advisory locks that give one runner at a time a checkpoint. */
const LOCK_NAMESPACE = 727_002;
/**
 * First key of the shared, session-level advisory locks by which a running runner says "I follow
 * this projection" (second key: hashtext of the projection's name), held on a connection of its
 * own for as long as it runs. PostgreSQL drops them the moment that session ends, cleanly or
 * not, so status() can tell at once that nobody follows a projection any more.
 */
export const PRESENCE_NAMESPACE = 727_003;

/** A postgres.js connection reserved from the pool (`sql.reserve()`). */
interface ReservedConnection {
  unsafe(text: string, params?: unknown[]): PromiseLike<unknown>;
  release(): void;
}

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
  /** Safety-net polling interval; notifications normally wake the runner at once. */
  pollMs?: number;
  /** Back-off after a failure: doubles from `retryInitialMs` up to `retryMaxMs`. */
  retryInitialMs?: number;
  retryMaxMs?: number;
  /** Names this runner in checkpoints (default host:pid). */
  workerId?: string;
  /** How often an idle runner says it is alive (PostgreSQL only; see status "stopped"). */
  heartbeatMs?: number;
  /** Test hook: runs inside each batch transaction after the read-table writes, before the checkpoint moves. */
  beforeCommit?: (tx: Db, batch: BatchInfo) => Promise<void>;
  /** Called after each committed batch (for in-process waiters and progress displays). */
  onBatch?: (batch: BatchInfo) => void;
  log?: Pick<Console, "log" | "warn" | "error">;
}

export interface BatchInfo {
  projection: string;
  checkpoint: string;
  rebuild: boolean;
  events: number;
  last: GlobalCursor;
}

type StepOutcome =
  | { kind: "missing" }
  | { kind: "busy" }
  | { kind: "idle"; shadowExists: boolean; pending: boolean }
  | { kind: "applied"; count: number; full: boolean; shadowExists: boolean; last: GlobalCursor }
  | { kind: "failed"; error: unknown; read: RecordedEvent[] };

/** One checkpoint the runner advances: a projection's live tables, or its rebuild's shadows. */
interface Target {
  projection: Projection;
  checkpoint: string;
  rebuild: boolean;
  table: TableResolver;
  handles: ReadonlySet<string>;
  failures: number;
  retryAt: number;
  /** After a failed batch: one event per transaction up to here, to find the failing event. */
  singleUntil: GlobalCursor | null;
  /** The last batch was full: more is waiting, so read `catchUpBatchSize` at a time. */
  behind: boolean;
  /** The next batch, read (and prepared) while the current one is written. */
  ahead: { key: string; batch: Promise<Batch | null> } | null;
}

/** A batch of the log for one projection: all events read, those it handles, its prepared work. */
interface Batch {
  events: RecordedEvent[];
  relevant: RecordedEvent[];
  prepared: unknown;
}

interface Lane {
  projection: Projection;
  live: Target;
  shadow: Target;
  /** Whether a rebuild checkpoint exists, as last seen. */
  shadowKnown: boolean;
  /** Re-poll delay while committed events wait for older transactions to end (0: none waiting). */
  pendingDelayMs: number;
  signal: Signal;
}

interface TickResult {
  progressed: boolean;
  delayMs: number;
  /** Committed events are waiting for older transactions to end before they can be read. */
  pending?: boolean;
}

const DEFAULT_BATCH_SIZE = 500;
const DEFAULT_CATCH_UP_BATCH_SIZE = 10_000;

/** Events (in batches) kept for the other projections of the runner to reuse. */
const RECENT_READS_EVENTS = 20_000;

/** Longest back-off after a failure that happened before any event was read (the database's). */
const DATABASE_RETRY_MAX_MS = 2000;

/** Re-poll schedule for held-back events: 5, 10, 20 … 200 ms. */
const PENDING_FIRST_MS = 5;
const PENDING_MAX_MS = 200;

const identifier = (name: string) => sql`${sql.identifier(name)}`;
const readKey = (after: GlobalCursor, limit: number) => `${after.transactionId}_${after.position}/${limit}`;

/**
 * Follows the global log for a set of projections. For each projection, one transaction per
 * batch: take the projection's advisory lock (try, never wait), read the checkpoint, read the
 * next events in follower-safe order (`readAll`), apply them, move the checkpoint with a
 * compare-and-set. The read-table writes and the checkpoint commit or roll back together, so a
 * crash at any instant neither skips nor repeats an event; the transaction-scoped lock means that
 * any number of runners in any number of processes can follow the same projections and each
 * batch is applied by exactly one of them (a dead runner's lock dies with its transaction).
 *
 * Wake-up: notifications on `ledger_events` (PostgreSQL LISTEN/NOTIFY, or PGlite's in-process
 * equivalent) and a slow poll as the safety net: correctness never depends on a notification.
 */
export class ProjectionRunner {
  private readonly db: Db;
  private readonly lanes: Lane[];
  private readonly options: Required<Omit<RunnerOptions, "beforeCommit" | "onBatch">> &
    Pick<RunnerOptions, "beforeCommit" | "onBatch">;
  private running = false;
  private stopping = false;
  private loops: Promise<void>[] = [];
  private unlisten: (() => Promise<void>)[] = [];
  private heartbeat: NodeJS.Timeout | undefined;
  /** PostgreSQL: the connection holding this runner's presence locks (see PRESENCE_NAMESPACE). */
  private presence: ReservedConnection | undefined;
  /** Presence work in flight, chained so that stop() can wait for it before letting go. */
  private presenceWork: Promise<void> = Promise.resolve();
  private readonly recentReads = new Map<string, RecordedEvent[]>();
  private recentReadsEvents = 0;
  /** Reads started ahead, while the previous batch is applied (PostgreSQL, catching up). */
  private readonly readsAhead = new Map<string, Promise<RecordedEvent[]>>();

  constructor(
    private readonly database: Database,
    projections: readonly Projection[],
    options: RunnerOptions = {},
  ) {
    this.db = database.db;
    const catchUpBatchSize = options.catchUpBatchSize ?? options.batchSize ?? DEFAULT_CATCH_UP_BATCH_SIZE;
    this.options = {
      batchSize: options.batchSize ?? DEFAULT_BATCH_SIZE,
      catchUpBatchSize: Math.max(catchUpBatchSize, options.batchSize ?? 0),
      rebuildBatchSize: options.rebuildBatchSize ?? catchUpBatchSize,
      pollMs: options.pollMs ?? 1000,
      retryInitialMs: options.retryInitialMs ?? 500,
      retryMaxMs: options.retryMaxMs ?? 30_000,
      workerId: options.workerId ?? `${os.hostname()}:${process.pid}`,
      heartbeatMs: options.heartbeatMs ?? 5000,
      log: options.log ?? console,
      beforeCommit: options.beforeCommit,
      onBatch: options.onBatch,
    };
    this.lanes = projections.map((projection) => {
      const handles = new Set(projection.canHandle);
      const target = (rebuild: boolean): Target => ({
        projection,
        checkpoint: rebuild ? shadowCheckpointOf(projection.name) : projection.name,
        rebuild,
        table: (name) => {
          if (!projection.tables.includes(name)) {
            throw new Error(`Projection ${projection.name} writes ${name}, which is not in its tables`);
          }
          return identifier(rebuild ? shadowTableOf(name) : name);
        },
        handles,
        failures: 0,
        retryAt: 0,
        singleUntil: null,
        behind: false,
        ahead: null,
      });
      return { projection, live: target(false), shadow: target(true), shadowKnown: true, pendingDelayMs: 0, signal: new Signal() };
    });
  }

  get isRunning(): boolean {
    return this.running;
  }

  get workerId(): string {
    return this.options.workerId;
  }

  /** Make sure every projection has a checkpoint row (idempotent, safe to race). */
  async ensureCheckpoints(): Promise<void> {
    for (const lane of this.lanes) {
      await this.db.execute(
        sql`insert into projection_checkpoints (name) values (${lane.projection.name}) on conflict (name) do nothing`,
      );
    }
  }

  /** Start following the log in the background. */
  async start(): Promise<void> {
    if (this.running) return;
    await this.ensureCheckpoints();
    this.running = true;
    this.stopping = false;
    const handlers: Record<string, () => void> = {
      [EVENTS_CHANNEL]: () => this.wake(),
      // A rebuild may have been requested elsewhere: look for shadows again.
      [PROJECTIONS_CHANNEL]: () => this.wake(true),
    };
    for (const [channel, handler] of Object.entries(handlers)) {
      try {
        this.unlisten.push(await this.database.listen(channel, handler));
      } catch (error) {
        this.options.log.warn(`[projections] cannot listen on ${channel} (polling only): ${describeError(error)}`);
      }
    }
    if (this.database.kind === "postgres") {
      await this.announce();
      this.heartbeat = setInterval(() => void this.beat(), this.options.heartbeatMs);
      this.heartbeat.unref();
      void this.beat();
    }
    this.loops = this.lanes.map((lane) => this.loop(lane));
  }

  /** Stop after the batches in flight; resolves when every loop has ended. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.stopping = true;
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.wake();
    await Promise.allSettled(this.loops);
    await Promise.allSettled(this.readsAhead.values());
    this.readsAhead.clear();
    for (const lane of this.lanes) lane.live.ahead = lane.shadow.ahead = null;
    for (const unlisten of this.unlisten.splice(0)) await unlisten().catch(() => {});
    await this.withdraw();
    this.running = false;
  }

  /** Wake every loop now (an append; a rebuild request: `lookForRebuilds`). */
  wake(lookForRebuilds = false): void {
    for (const lane of this.lanes) {
      if (lookForRebuilds) lane.shadowKnown = true;
      lane.signal.fire();
    }
  }

  /**
   * Run every projection (and any rebuild in progress, swap included) until nothing is left to
   * read, waiting (up to `maxWaitMs`) for committed events held back by older transactions.
   * For tests, scripts and benchmarks; do not mix with `start()` in one runner.
   */
  async drain(options: { maxWaitMs?: number } = {}): Promise<void> {
    await this.ensureCheckpoints();
    const deadline = Date.now() + (options.maxWaitMs ?? 30_000);
    for (;;) {
      let progressed = false;
      let pending = false;
      for (const lane of this.lanes) {
        const result = await this.tick(lane);
        progressed ||= result.progressed;
        pending ||= Boolean(result.pending);
      }
      if (progressed) await yieldToEventLoop();
      else if (pending && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, PENDING_FIRST_MS));
      else return;
    }
  }

  private async loop(lane: Lane): Promise<void> {
    while (!this.stopping) {
      let result: TickResult;
      try {
        result = await this.tick(lane);
      } catch (error) {
        // tick() handles projection failures itself; this is the runner's own bug or a lost
        // database. Keep the loop alive and back off.
        this.options.log.error(`[projections] ${lane.projection.name}: ${describeError(error)}`);
        result = { progressed: false, delayMs: this.options.retryInitialMs };
      }
      if (this.stopping) break;
      // PGlite resolves without yielding; without this a catch-up would starve HTTP and timers.
      if (result.progressed) await yieldToEventLoop();
      else await lane.signal.wait(result.delayMs);
    }
  }

  private async tick(lane: Lane): Promise<TickResult> {
    let progressed = false;
    let pending = false;
    let delayMs = this.options.pollMs;
    const now = Date.now();
    if (now >= lane.live.retryAt) {
      const result = await this.advance(lane.live);
      progressed ||= result.progressed;
      if (result.shadowExists !== undefined) lane.shadowKnown = result.shadowExists;
      // Someone deleted the checkpoint row: start over from the beginning of the log.
      if (result.missing) await this.ensureCheckpoints();
      if (result.pending) {
        pending = true;
        lane.pendingDelayMs = Math.min(PENDING_MAX_MS, lane.pendingDelayMs ? lane.pendingDelayMs * 2 : PENDING_FIRST_MS);
        delayMs = Math.min(delayMs, lane.pendingDelayMs);
      } else {
        lane.pendingDelayMs = 0;
      }
    } else {
      delayMs = Math.min(delayMs, lane.live.retryAt - now);
    }
    if (lane.shadowKnown && !this.stopping) {
      if (now >= lane.shadow.retryAt) {
        const result = await this.advance(lane.shadow);
        progressed ||= result.progressed;
        if (result.missing) lane.shadowKnown = false;
        else if (result.caughtUp) {
          const swap = await this.trySwap(lane);
          if (swap === "swapped") progressed = true;
          else if (swap === "busy" || swap === "behind") delayMs = Math.min(delayMs, 50);
        }
      } else {
        delayMs = Math.min(delayMs, lane.shadow.retryAt - now);
      }
    }
    return { progressed, delayMs, pending };
  }

  /** One step on a target, with the failure policy: find the failing event, record it, back off. */
  private async advance(
    target: Target,
  ): Promise<{ progressed: boolean; caughtUp?: boolean; shadowExists?: boolean; missing?: boolean; pending?: boolean }> {
    const limit = target.singleUntil
      ? 1
      : target.rebuild
        ? this.options.rebuildBatchSize
        : target.behind
          ? this.options.catchUpBatchSize
          : this.options.batchSize;
    const outcome = await this.step(target, limit);
    switch (outcome.kind) {
      case "missing":
        return { progressed: false, missing: true };
      case "busy":
        return { progressed: false };
      case "idle":
        if (target.failures) this.recovered(target);
        target.behind = false;
        return { progressed: false, caughtUp: true, shadowExists: outcome.shadowExists, pending: outcome.pending };
      case "applied": {
        if (target.failures) this.recovered(target);
        target.behind = outcome.full;
        if (target.singleUntil && compareCursors(outcome.last, target.singleUntil) >= 0) target.singleUntil = null;
        this.options.onBatch?.({
          projection: target.projection.name,
          checkpoint: target.checkpoint,
          rebuild: target.rebuild,
          events: outcome.count,
          last: outcome.last,
        });
        return { progressed: true, caughtUp: !outcome.full, shadowExists: outcome.shadowExists };
      }
      case "failed": {
        if (outcome.read.length > 1) {
          // Which event failed is unknown: redo this stretch one event per transaction, at once.
          const last = outcome.read[outcome.read.length - 1];
          target.singleUntil = { transactionId: last.transactionId, position: last.position };
          return { progressed: true };
        }
        const event = outcome.read[0];
        target.failures++;
        // No event read: the database failed us (no free connection, a restart, a lost link), not
        // the projection. Retry at least every few seconds, so that a moment of saturation does
        // not leave the projection asleep for half a minute after the database is back.
        const cap = event ? this.options.retryMaxMs : Math.min(this.options.retryMaxMs, DATABASE_RETRY_MAX_MS);
        const backoff = Math.min(cap, this.options.retryInitialMs * 2 ** Math.min(target.failures - 1, 20));
        target.retryAt = Date.now() + backoff;
        const message = describeError(outcome.error);
        this.options.log.error(
          `[projections] ${target.checkpoint} failed${event ? ` at event #${event.position} (${event.type} ${event.streamId} v${event.version})` : ""}: ${message}; retrying in ${backoff} ms`,
        );
        await this.recordFailure(target, message, event?.position ?? null).catch((error) =>
          this.options.log.error(`[projections] ${target.checkpoint}: cannot record failure: ${describeError(error)}`),
        );
        return { progressed: false };
      }
    }
  }

  private recovered(target: Target) {
    this.options.log.log(`[projections] ${target.checkpoint} resumed after ${target.failures} failed attempt(s)`);
    target.failures = 0;
    target.retryAt = 0;
  }

  /** One batch in one transaction. Never throws: a failure is an outcome, rolled back. */
  private async step(target: Target, limit: number): Promise<StepOutcome> {
    let read: RecordedEvent[] = [];
    try {
      return await this.db.transaction(async (txRaw) => {
        const tx = txRaw as unknown as Db;
        const [lock] = await query<{ locked: boolean }>(
          tx,
          sql`select pg_try_advisory_xact_lock(${LOCK_NAMESPACE}, hashtext(${target.checkpoint})) as locked`,
        );
        if (!lock.locked) return { kind: "busy" };
        // Read under the lock (a separate statement, so a fresh snapshot on PostgreSQL): it
        // sees whatever the previous holder committed.
        const shadowName = shadowCheckpointOf(target.projection.name);
        const rows = await query<{ name: string; transaction_id: string; position: number | string; status: string }>(
          tx,
          sql`select name, transaction_id::text as transaction_id, position, status from projection_checkpoints
              where name in (${target.checkpoint}, ${shadowName})`,
        );
        const shadowExists = rows.some((r) => r.name === shadowName);
        const checkpoint = rows.find((r) => r.name === target.checkpoint);
        if (!checkpoint) return { kind: "missing" };
        const after: GlobalCursor = { transactionId: checkpoint.transaction_id, position: Number(checkpoint.position) };
        const { events, relevant, prepared } = await this.readBatch(target, tx, after, limit);
        if (events.length === 0) {
          if (checkpoint.status === "failed") {
            await tx.execute(sql`update projection_checkpoints set status = ${target.rebuild ? "rebuilding" : "running"},
              error = null, error_position = null, updated_at = now() where name = ${target.checkpoint}`);
          }
          // Committed events that readAll holds back until every older transaction (in the whole
          // cluster) has ended. No notification will say when that happens, so look again soon.
          const [pending] = await query<{ pending: boolean }>(
            tx,
            sql`select exists (select 1 from events where (transaction_id, position) >
                  (${after.transactionId}::text::xid8, ${after.position}::bigint)) as pending`,
          );
          return { kind: "idle", shadowExists, pending: Boolean(pending?.pending) };
        }
        read = events;
        // More is probably waiting: read (and prepare) the next batch on another connection while
        // this one is applied and committed (the next transaction checks its cursor first).
        if (events.length === limit && !target.singleUntil) {
          const end = events[events.length - 1];
          this.readAhead(
            target,
            { transactionId: end.transactionId, position: end.position },
            target.rebuild ? this.options.rebuildBatchSize : this.options.catchUpBatchSize,
          );
        }
        if (relevant.length) await target.projection.apply(tx, relevant, target.table, prepared);
        const last = events[events.length - 1];
        const info: BatchInfo = {
          projection: target.projection.name,
          checkpoint: target.checkpoint,
          rebuild: target.rebuild,
          events: events.length,
          last: { transactionId: last.transactionId, position: last.position },
        };
        await this.options.beforeCommit?.(tx, info);
        // Compare-and-set: the lock already excludes other runners; this makes a broken lock
        // discipline fail loudly (rollback) instead of applying a batch twice.
        const moved = await query<{ name: string }>(
          tx,
          sql`update projection_checkpoints set
                transaction_id = ${last.transactionId}::text::xid8, position = ${last.position},
                events_applied = events_applied + ${events.length},
                status = ${target.rebuild ? "rebuilding" : "running"}, error = null, error_position = null, failures = 0,
                updated_at = now(), heartbeat_at = now(), worker = ${this.options.workerId}
              where name = ${target.checkpoint}
                and transaction_id = ${after.transactionId}::text::xid8 and position = ${after.position}
              returning name, pg_notify(${CHECKPOINTS_CHANNEL}, name)`,
        );
        if (moved.length !== 1) throw new Error(`Checkpoint ${target.checkpoint} moved under a running batch`);
        return {
          kind: "applied",
          count: events.length,
          full: events.length === limit,
          shadowExists,
          last: info.last,
        };
      });
    } catch (error) {
      return { kind: "failed", error, read };
    }
  }

  /**
   * The store's follower-safe read, on this transaction, shared between the projections of this
   * runner: they usually sit at the same cursor, and a read result may be reused because it is a
   * prefix of any later read from the same cursor (every event in it belongs to a transaction
   * that had ended; anything that becomes readable later comes after it in the order). A batch
   * read ahead (readAhead) is used by the same argument.
   */
  private async readBatch(target: Target, tx: Db, after: GlobalCursor, limit: number): Promise<Batch> {
    const key = readKey(after, limit);
    const ahead = target.ahead;
    target.ahead = null;
    if (ahead?.key === key) {
      this.readsAhead.delete(key);
      // Empty, it says nothing (held back then, maybe readable now): read again.
      const batch = await ahead.batch;
      if (batch) {
        this.remember(key, batch.events, limit);
        return batch;
      }
    }
    let events = this.recentReads.get(key);
    if (!events) {
      events = (await new EventStore(tx, {}).readAll({ after, limit })).events;
      this.remember(key, events, limit);
    }
    return { events, relevant: events.filter((event) => target.handles.has(event.type)), prepared: undefined };
  }

  /**
   * Start reading the batch after `after` now, outside any transaction, and prepare it
   * (Projection.prepare) as soon as it arrives: while the current batch is being written, the
   * database and this process work at the same time. PostgreSQL only: PGlite has one connection,
   * which the running transaction holds.
   */
  private readAhead(target: Target, after: GlobalCursor, limit: number) {
    if (this.database.kind !== "postgres" || this.stopping) return;
    const key = readKey(after, limit);
    let events = this.readsAhead.get(key);
    if (!events) {
      const cached = this.recentReads.get(key);
      events = cached
        ? Promise.resolve(cached)
        : new EventStore(this.db, {}).readAll({ after, limit }).then(
            (page) => page.events,
            () => [] as RecordedEvent[],
          );
      this.readsAhead.set(key, events);
      // Shared by the projections at the same cursor; drop the oldest if they pile up (a lane failed).
      if (this.readsAhead.size > this.lanes.length * 2) this.readsAhead.delete(this.readsAhead.keys().next().value!);
    }
    const { projection, handles } = target;
    const batch = events.then((read): Batch | null => {
      if (!read.length) return null;
      const relevant = read.filter((event) => handles.has(event.type));
      let prepared: unknown;
      try {
        prepared = relevant.length && projection.prepare ? projection.prepare(relevant) : undefined;
      } catch {
        prepared = undefined; // apply prepares again, and fails there, with the failure policy.
      }
      return { events: read, relevant, prepared };
    });
    target.ahead = { key, batch };
  }

  private remember(key: string, events: RecordedEvent[], limit: number) {
    // Only other projections of this runner could reuse it, and only a full read: a shorter one
    // is the tail as it was, and serving it to a projection that reads later would hold that
    // projection back by whatever committed since (bench: lag p99 from ~250 ms to ~50 ms).
    if (this.lanes.length > 1 && events.length === limit && !this.recentReads.has(key)) {
      this.recentReads.set(key, events);
      this.recentReadsEvents += events.length;
      // Bounded in events, so that memory stays flat however long the log (big catch-up batches).
      for (const [oldest, batch] of this.recentReads) {
        if (this.recentReadsEvents <= RECENT_READS_EVENTS || oldest === key) break;
        this.recentReads.delete(oldest);
        this.recentReadsEvents -= batch.length;
      }
    }
  }

  private async recordFailure(target: Target, message: string, position: number | null) {
    await this.db.execute(sql`
      update projection_checkpoints set status = 'failed', error = ${message}, error_position = ${position},
        failures = failures + 1, updated_at = now(), worker = ${this.options.workerId}
      where name = ${target.checkpoint}`);
  }

  /**
   * Swap a caught-up rebuild in: in one transaction, holding both checkpoints' locks, replace
   * each live table by its shadow and give the live checkpoint the shadow's cursor. Only when the
   * shadow is at or past the live checkpoint, so the swap never moves readers back in time.
   */
  private async trySwap(lane: Lane): Promise<"swapped" | "busy" | "behind" | "missing" | "failed"> {
    const { projection } = lane;
    const shadowName = shadowCheckpointOf(projection.name);
    try {
      // First the shadow's other indexes, built in one go now that it holds the whole log (cheaper
      // than keeping them up to date row by row); in a transaction of its own, under the shadow's
      // lock only, so that readers of the live tables wait for nothing meanwhile.
      const indexed = await this.db.transaction(async (txRaw) => {
        const tx = txRaw as unknown as Db;
        const [lock] = await query<{ locked: boolean }>(
          tx,
          sql`select pg_try_advisory_xact_lock(${LOCK_NAMESPACE}, hashtext(${shadowName})) as locked`,
        );
        if (!lock.locked) return "busy" as const;
        const [exists] = await query(tx, sql`select 1 from projection_checkpoints where name = ${shadowName}`);
        if (!exists) return "missing" as const;
        let built = 0;
        for (const table of projection.tables) built += await indexShadowTable(tx, table);
        if (built) this.options.log.log(`[projections] ${projection.name}: rebuild caught up, built ${built} index(es) on its tables`);
        return "indexed" as const;
      });
      if (indexed !== "indexed") return indexed;
      const result = await this.db.transaction(async (txRaw) => {
        const tx = txRaw as unknown as Db;
        // Do not queue behind a long reader holding the live table: give up and retry later.
        await tx.execute(sql`set local lock_timeout = '3s'`);
        const [locks] = await query<{ live: boolean; shadow: boolean }>(
          tx,
          sql`select pg_try_advisory_xact_lock(${LOCK_NAMESPACE}, hashtext(${projection.name})) as live,
                     pg_try_advisory_xact_lock(${LOCK_NAMESPACE}, hashtext(${shadowName})) as shadow`,
        );
        if (!locks.live || !locks.shadow) return "busy" as const;
        const rows = await query<{ name: string; transaction_id: string; position: number | string; events_applied: number | string; status: string }>(
          tx,
          sql`select name, transaction_id::text as transaction_id, position, events_applied, status
              from projection_checkpoints where name in (${projection.name}, ${shadowName})`,
        );
        const live = rows.find((r) => r.name === projection.name);
        const shadow = rows.find((r) => r.name === shadowName);
        if (!shadow) return "missing" as const;
        if (shadow.status === "failed") return "busy" as const;
        const cursorOf = (r: { transaction_id: string; position: number | string }) => ({
          transactionId: r.transaction_id,
          position: Number(r.position),
        });
        if (live && compareCursors(cursorOf(shadow), cursorOf(live)) < 0) return "behind" as const;
        for (const table of projection.tables) await swapInShadowTable(tx, table);
        await tx.execute(sql`
          insert into projection_checkpoints (name, transaction_id, position, events_applied, status, updated_at, worker)
          values (${projection.name}, ${shadow.transaction_id}::text::xid8, ${Number(shadow.position)},
                  ${Number(shadow.events_applied)}, 'running', now(), ${this.options.workerId})
          on conflict (name) do update set transaction_id = excluded.transaction_id, position = excluded.position,
            events_applied = excluded.events_applied, status = 'running', error = null, error_position = null,
            failures = 0, updated_at = now(), worker = excluded.worker`);
        await tx.execute(sql`delete from projection_checkpoints where name = ${shadowName}`);
        await tx.execute(sql`select pg_notify(${CHECKPOINTS_CHANNEL}, ${projection.name}), pg_notify(${PROJECTIONS_CHANNEL}, ${projection.name})`);
        return "swapped" as const;
      });
      if (result === "swapped") {
        lane.shadowKnown = false;
        lane.shadow.failures = 0;
        lane.shadow.retryAt = 0;
        lane.live.failures = 0;
        lane.live.retryAt = 0;
        lane.live.singleUntil = null;
        this.options.log.log(`[projections] ${projection.name}: rebuild swapped in`);
      }
      return result;
    } catch (error) {
      lane.shadow.failures++;
      const backoff = Math.min(this.options.retryMaxMs, this.options.retryInitialMs * 2 ** Math.min(lane.shadow.failures - 1, 20));
      lane.shadow.retryAt = Date.now() + backoff;
      const message = `swap failed: ${describeError(error)}`;
      this.options.log.error(`[projections] ${projection.name}: ${message}; retrying in ${backoff} ms`);
      await this.recordFailure(lane.shadow, message, null).catch(() => {});
      return "failed";
    }
  }

  /**
   * Take this runner's presence locks (PostgreSQL), or take them again if their connection was
   * lost: on a reserved connection, a shared session lock per projection, only those not held yet.
   */
  private announce(): Promise<void> {
    this.presenceWork = this.presenceWork.then(async () => {
      if (this.stopping) return;
      const client = (this.db as unknown as { $client?: { reserve?: () => Promise<ReservedConnection> } }).$client;
      if (typeof client?.reserve !== "function") return;
      const names = JSON.stringify(this.lanes.map((lane) => lane.projection.name));
      try {
        this.presence ??= await client.reserve();
        await this.presence.unsafe(
          `select pg_advisory_lock_shared(${PRESENCE_NAMESPACE}, hashtext(name))
           from jsonb_array_elements_text($1::text::jsonb) as name
           where not exists (select 1 from pg_locks where pid = pg_backend_pid() and locktype = 'advisory'
             and classid = ${PRESENCE_NAMESPACE}::oid and objid = hashtext(name)::oid and objsubid = 2)`,
          [names],
        );
      } catch (error) {
        // Status shows "stopped" until the next heartbeat manages it; projecting goes on regardless.
        this.options.log.warn(`[projections] cannot announce this runner (status may say stopped): ${describeError(error)}`);
        const lost = this.presence;
        this.presence = undefined;
        if (lost) {
          // Never hand a connection back to the pool with some of these locks still on it.
          await Promise.resolve(lost.unsafe("select pg_advisory_unlock_all()")).catch(() => {});
          try {
            lost.release();
          } catch {
            // A broken connection: the pool replaces it.
          }
        }
      }
    });
    return this.presenceWork;
  }

  /** Let go of the presence locks (clean stop): status says "stopped" from now on if nobody else runs. */
  private withdraw(): Promise<void> {
    this.presenceWork = this.presenceWork.then(async () => {
      const presence = this.presence;
      this.presence = undefined;
      if (!presence) return;
      try {
        await presence.unsafe("select pg_advisory_unlock_all()");
      } catch {
        // The session is gone, and its locks with it.
      }
      presence.release();
    });
    return this.presenceWork;
  }

  /** "I am alive" for status(): touched by every runner, busy or idle; and presence re-taken if lost. */
  private async beat(): Promise<void> {
    await this.announce();
    const names = this.lanes.flatMap((lane) => [lane.projection.name, shadowCheckpointOf(lane.projection.name)]);
    try {
      await this.db.execute(sql`update projection_checkpoints set heartbeat_at = now()
        where name in (select value from jsonb_array_elements_text(${JSON.stringify(names)}::text::jsonb))`);
    } catch (error) {
      this.options.log.warn(`[projections] heartbeat failed: ${describeError(error)}`);
    }
  }
}

/**
 * Ask for a rebuild of `projection`: create its empty shadow tables and a checkpoint at the start
 * of the log, in one transaction, and wake the runners (in any process) to fill them. Returns
 * false when a rebuild is already in progress (it goes on; nothing restarts).
 */
export async function requestRebuild(db: Db, projection: Projection): Promise<boolean> {
  const shadowName = shadowCheckpointOf(projection.name);
  return db.transaction(async (txRaw) => {
    const tx = txRaw as unknown as Db;
    // Waits for a runner that is mid-batch on a leftover shadow of the same name.
    await tx.execute(sql`select pg_advisory_xact_lock(${LOCK_NAMESPACE}, hashtext(${shadowName}))`);
    const existing = await query(tx, sql`select 1 from projection_checkpoints where name = ${shadowName}`);
    if (existing.length) return false;
    for (const table of projection.tables) await createShadowTable(tx, table);
    await tx.execute(sql`
      insert into projection_checkpoints (name, status, started_at, updated_at)
      values (${shadowName}, 'rebuilding', now(), now())`);
    await tx.execute(sql`select pg_notify(${PROJECTIONS_CHANNEL}, ${projection.name})`);
    return true;
  });
}
