import type { Database } from "@/db/client";
import type { EventStore } from "@/lib/eventstore";
import { ProjectionNotFoundError, describeError } from "./errors";
import { projections as registry } from "./index";
import { CHECKPOINTS_CHANNEL, havePassed, ProjectionRunner, requestRebuild, type RunnerOptions } from "./runner";
import { listParked, listResolved, retryParked, skipParked, type Decode, type ParkedEvent, type ResolvedParkedEvent, type ResolveOutcome } from "./parked";
import { readStatuses, type ProjectionState, type ProjectionStatus } from "./status";
import type { Projection } from "./types";

export type { ParkedEvent, ProjectionState, ProjectionStatus, ResolvedParkedEvent, ResolveOutcome };
export { ProjectionNotFoundError };

/** Default bound of read-your-writes waits. */
export const DEFAULT_WAIT_MS = 3000;
const MAX_WAIT_MS = 30_000;
/** Re-check interval of a wait when no notification comes (workers in another process, say). */
const WAIT_POLL_MS = 100;

/**
 * The projections as seen from one process: runs them (when `inProcess`), reports their status,
 * starts rebuilds and waits for them (read-your-writes). Status, rebuild and waits go through the
 * database, so they work the same when `npm run worker` processes do the projecting.
 */
export interface ProjectionRuntime {
  /** Whether this process runs the projectors itself. */
  readonly inProcess: boolean;
  /** The registered projection names. */
  readonly names: readonly string[];
  stop(): Promise<void>;
  /**
   * Wait (bounded) until every projection (or the named ones) has applied the event at
   * `position`. Resolves true when it has, false on timeout; never rejects on timeout.
   * A missing, zero or negative position resolves true at once.
   */
  waitFor(
    position: number | null | undefined,
    timeoutMs?: number,
    options?: { projections?: readonly string[] },
  ): Promise<boolean>;
  status(): Promise<ProjectionStatus[]>;
  /**
   * Start rebuilding a projection beside the live tables and return at once; progress shows in
   * `status()`. A rebuild already running goes on (no restart). Throws ProjectionNotFoundError
   * for an unknown name.
   */
  rebuild(name: string): Promise<void>;
  /** The unresolved dead letters (parked events and those waiting behind them). */
  parked(): Promise<ParkedEvent[]>;
  /** The most recently retried or skipped dead letters, newest first, with who did it. */
  resolvedParked(): Promise<ResolvedParkedEvent[]>;
  /** Retry (after a fix) or skip (recorded with `actor`) a parked event: see parked.ts. */
  resolveParked(action: "retry" | "skip", checkpoint: string, position: number, actor: string): Promise<ResolveOutcome>;
}

export interface StartOptions {
  /** Run the projectors in this process. Always true on PGlite (one process per database). */
  inProcess: boolean;
  projections?: readonly Projection[];
  runner?: RunnerOptions;
  /** More rows for status(): followers that are not projections (the broker publisher). */
  alsoReport?: () => Promise<ProjectionStatus[]>;
}

/** Start the projections of this process (see ProjectionRuntime). */
export async function startProjections(
  database: Database,
  store: EventStore,
  options: StartOptions,
): Promise<ProjectionRuntime> {
  const projections = options.projections ?? registry;
  const inProcess = database.kind === "pglite" ? true : options.inProcess;
  const waiters = new Set<() => void>();
  const progress = () => {
    for (const wake of [...waiters]) wake();
  };
  // The store's codec, for the runner and for retried parked events alike.
  const decode: Decode = (db, events) => store.codec.decode(db, events);
  const runner = new ProjectionRunner(database, projections, {
    decode,
    ...options.runner,
    onBatch: (batch) => {
      options.runner?.onBatch?.(batch);
      progress();
    },
  });
  let unlisten: (() => Promise<void>) | undefined;
  try {
    unlisten = await database.listen(CHECKPOINTS_CHANNEL, progress);
  } catch (error) {
    console.warn(`[projections] cannot listen on ${CHECKPOINTS_CHANNEL} (waits will poll): ${describeError(error)}`);
  }
  if (inProcess) await runner.start();
  else await runner.ensureCheckpoints();

  const byName = new Map(projections.map((p) => [p.name, p]));
  const nextProgress = (ms: number) => {
    let done = () => {};
    const promise = new Promise<void>((resolve) => {
      done = () => {
        clearTimeout(timer);
        waiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      waiters.add(done);
    });
    return { promise, cancel: () => done() };
  };

  return {
    inProcess,
    names: projections.map((p) => p.name),
    async stop() {
      await runner.stop();
      await unlisten?.().catch(() => {});
      progress();
    },
    async waitFor(position, timeoutMs = DEFAULT_WAIT_MS, waitOptions) {
      if (typeof position !== "number" || !Number.isFinite(position) || position <= 0) return true;
      const names = waitOptions?.projections ?? projections.map((p) => p.name);
      for (const name of names) if (!byName.has(name)) throw new ProjectionNotFoundError(name);
      const deadline = Date.now() + Math.max(0, Math.min(timeoutMs, MAX_WAIT_MS));
      for (;;) {
        // Subscribe before checking, so a batch committed in between still wakes us.
        const woken = nextProgress(Math.min(WAIT_POLL_MS, Math.max(0, deadline - Date.now())));
        const passed = await havePassed(database.db, names, position).catch((error) => {
          woken.cancel();
          throw error;
        });
        if (passed || Date.now() >= deadline) {
          woken.cancel();
          return passed;
        }
        await woken.promise;
      }
    },
    async status() {
      const own = await readStatuses(database.db, projections, {
        localRunner: runner.isRunning,
        batchSize: options.runner?.batchSize,
      });
      return options.alsoReport ? [...own, ...(await options.alsoReport())] : own;
    },
    async rebuild(name) {
      const projection = byName.get(name);
      if (!projection) throw new ProjectionNotFoundError(name);
      await requestRebuild(database.db, projection);
      runner.wake(true);
    },
    parked: () => listParked(database.db),
    resolvedParked: () => listResolved(database.db),
    async resolveParked(action, checkpoint, position, actor) {
      const resolve = action === "retry" ? retryParked : skipParked;
      const outcome = await resolve(database.db, { projections, checkpoint, position, actor, decode });
      progress();
      return outcome;
    },
  };
}
