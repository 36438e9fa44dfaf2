import os from "node:os";
import { setImmediate as yieldToEventLoop } from "node:timers/promises";
import { sql } from "drizzle-orm";
import { query, type Database, type Db } from "@/db/client";
import { compareCursors, EventStore, type GlobalCursor, type RecordedEvent } from "@/lib/eventstore";
import { describeError } from "./errors";
import { createShadowTable, shadowCheckpointOf, shadowTableOf, swapInShadowTable } from "./shadow";
import { Signal } from "./signal";
import type { Projection, TableResolver } from "./types";

/** Channel on which every append notifies (ledger_append does `pg_notify('ledger_events', …)`). */
export const EVENTS_CHANNEL = "ledger_events";
/** Rebuild requested or swapped: wakes runners in every process. */
export const PROJECTIONS_CHANNEL = "ledger_projections";
/** A checkpoint moved (sent inside the batch transaction, so delivered at commit). */
export const CHECKPOINTS_CHANNEL = "ledger_checkpoints";

/** First key of the two-key advisory locks that give one runner at a time a checkpoint. */
const LOCK_NAMESPACE = 727_002;

export interface RunnerOptions {
  /** Events read per transaction. */
  batchSize?: number;
  /** Events read per transaction while filling a rebuild's shadow tables (nobody reads them yet). */
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

/** Batches kept for the other projections of the runner to reuse. */
const RECENT_READS = 12;

/** Re-poll schedule for held-back events: 5, 10, 20 … 200 ms. */
const PENDING_FIRST_MS = 5;
const PENDING_MAX_MS = 200;

const identifier = (name: string) => sql`${sql.identifier(name)}`;

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
  private readonly recentReads = new Map<string, RecordedEvent[]>();

  constructor(
    private readonly database: Database,
    projections: readonly Projection[],
    options: RunnerOptions = {},
  ) {
    this.db = database.db;
    this.options = {
      batchSize: options.batchSize ?? 500,
      rebuildBatchSize: options.rebuildBatchSize ?? 1000,
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
    for (const unlisten of this.unlisten.splice(0)) await unlisten().catch(() => {});
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
    const limit = target.singleUntil ? 1 : target.rebuild ? this.options.rebuildBatchSize : this.options.batchSize;
    const outcome = await this.step(target, limit);
    switch (outcome.kind) {
      case "missing":
        return { progressed: false, missing: true };
      case "busy":
        return { progressed: false };
      case "idle":
        if (target.failures) this.recovered(target);
        return { progressed: false, caughtUp: true, shadowExists: outcome.shadowExists, pending: outcome.pending };
      case "applied": {
        if (target.failures) this.recovered(target);
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
        const backoff = Math.min(
          this.options.retryMaxMs,
          this.options.retryInitialMs * 2 ** Math.min(target.failures - 1, 20),
        );
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
        const events = await this.read(tx, after, limit);
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
        const relevant = events.filter((event) => target.handles.has(event.type));
        if (relevant.length) await target.projection.apply(tx, relevant, target.table);
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
   * that had ended; anything that becomes readable later comes after it in the order).
   */
  private async read(tx: Db, after: GlobalCursor, limit: number): Promise<RecordedEvent[]> {
    const key = `${after.transactionId}_${after.position}/${limit}`;
    const cached = this.recentReads.get(key);
    if (cached) return cached;
    const { events } = await new EventStore(tx, {}).readAll({ after, limit });
    if (events.length > 0) {
      this.recentReads.set(key, events);
      if (this.recentReads.size > RECENT_READS) this.recentReads.delete(this.recentReads.keys().next().value!);
    }
    return events;
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

  /** "I am alive" for status(): touched by every runner, busy or idle. */
  private async beat(): Promise<void> {
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
