import { setImmediate as yieldToEventLoop } from "node:timers/promises";
import type { Database, Db } from "@/db/client";
import { EVENTS_CHANNEL } from "@/lib/eventstore";
import { describeError } from "../errors";
import { shadowCheckpointOf } from "../shadow";
import type { Projection } from "../types";
import { ensureCheckpoint, touchHeartbeats } from "./checkpoints";
import { EventLoader } from "./event-loader";
import { buildFromEmptyIfNeeded } from "./from-empty";
import { advance, createLane, trySwap, type Lane, type LaneContext } from "./lanes";
import { Presence } from "./locks";
import { resolveOptions, type ResolvedOptions, type RunnerOptions } from "./options";
import { PROJECTIONS_CHANNEL } from "./rebuild";

interface TickResult {
  progressed: boolean;
  delayMs: number;
  /** Committed events are waiting for older transactions to end before they can be read. */
  pending?: boolean;
}

/** Re-poll schedule for held-back events: 5, 10, 20 … 200 ms. */
const PENDING_FIRST_MS = 5;
const PENDING_MAX_MS = 200;

/**
 * Follows the global log for a set of projections. For each projection, one transaction per
 * batch (step.ts): take the projection's lease, an advisory lock (try, never wait), read the
 * checkpoint, read the next events in follower-safe order (`readAll`), apply them, move the
 * checkpoint with a compare-and-set. The read-table writes and the checkpoint commit or roll back
 * together, so a crash at any instant neither skips nor repeats an event; the transaction-scoped
 * lease means that any number of runners in any number of processes can follow the same
 * projections and each batch is applied by exactly one of them (a dead runner's lease dies with
 * its transaction).
 *
 * Composed of: a lane per projection (lanes.ts: live checkpoint and rebuild, failure policy), an
 * event loader shared by the lanes (shared reads, read-ahead), the checkpointer (checkpoints.ts),
 * the locks (locks.ts: leases, presence) and rebuild-and-swap (rebuild.ts).
 *
 * Wake-up: notifications on `ledger_events` (PostgreSQL LISTEN/NOTIFY, or PGlite's in-process
 * equivalent) and a slow poll as the safety net: correctness never depends on a notification.
 */
export class ProjectionRunner {
  private readonly db: Db;
  private readonly lanes: Lane[];
  private readonly options: ResolvedOptions;
  private readonly context: LaneContext;
  private readonly loader: EventLoader;
  private readonly presence: Presence;
  private running = false;
  private stopping = false;
  private loops: Promise<void>[] = [];
  private unlisten: (() => Promise<void>)[] = [];
  private heartbeat: NodeJS.Timeout | undefined;

  constructor(
    private readonly database: Database,
    projections: readonly Projection[],
    options: RunnerOptions = {},
  ) {
    this.db = database.db;
    this.options = resolveOptions(options);
    this.context = { db: this.db, options: this.options };
    const stopping = () => this.stopping;
    this.loader = new EventLoader(database, {
      followers: projections.length,
      metadata: projections.some((p) => p.readsMetadata) ? "all" : "traceparent",
      stopping,
      decode: this.options.decode,
    });
    this.lanes = projections.map((projection) => createLane(projection, this.loader));
    this.presence = new Presence(database, projections.map((p) => p.name), { stopping, log: this.options.log });
  }

  get isRunning(): boolean {
    return this.running;
  }

  get workerId(): string {
    return this.options.workerId;
  }

  /**
   * Make sure every projection has a checkpoint row (idempotent, safe to race); one that has
   * applied nothing, over empty tables, on a long log is built like a rebuild (from-empty.ts).
   */
  async ensureCheckpoints(): Promise<void> {
    for (const lane of this.lanes) {
      await ensureCheckpoint(this.db, lane.projection.name);
      if (await buildFromEmptyIfNeeded(this.db, lane.projection, this.options.buildFromEmptyMinEvents)) {
        lane.shadowKnown = true;
        this.options.log.log(`[projections] ${lane.projection.name}: empty, building it from the log with its indexes last`);
      }
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
      await this.presence.announce();
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
    await this.loader.settle();
    for (const unlisten of this.unlisten.splice(0)) await unlisten().catch(() => {});
    await this.presence.withdraw();
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

  /** One turn of a lane: a step on the live checkpoint, then on the rebuild (and its swap) if any. */
  private async tick(lane: Lane): Promise<TickResult> {
    const now = Date.now();
    const live = await this.tickLive(lane, now);
    if (!lane.shadowKnown || this.stopping) return live;
    const rebuild = await this.tickRebuild(lane, now);
    return {
      progressed: live.progressed || rebuild.progressed,
      delayMs: Math.min(live.delayMs, rebuild.delayMs),
      pending: live.pending,
    };
  }

  private async tickLive(lane: Lane, now: number): Promise<TickResult> {
    if (now < lane.live.retryAt) return { progressed: false, delayMs: Math.min(this.options.pollMs, lane.live.retryAt - now), pending: false };
    const result = await advance(this.context, lane.live);
    if (result.shadowExists !== undefined) lane.shadowKnown = result.shadowExists;
    // Someone deleted the checkpoint row: start over from the beginning of the log.
    if (result.missing) await this.ensureCheckpoints();
    if (!result.pending) {
      lane.pendingDelayMs = 0;
      return { progressed: result.progressed, delayMs: this.options.pollMs, pending: false };
    }
    lane.pendingDelayMs = Math.min(PENDING_MAX_MS, lane.pendingDelayMs ? lane.pendingDelayMs * 2 : PENDING_FIRST_MS);
    return { progressed: result.progressed, delayMs: Math.min(this.options.pollMs, lane.pendingDelayMs), pending: true };
  }

  private async tickRebuild(lane: Lane, now: number): Promise<TickResult> {
    const idle = this.options.pollMs;
    if (now < lane.shadow.retryAt) return { progressed: false, delayMs: Math.min(idle, lane.shadow.retryAt - now) };
    const result = await advance(this.context, lane.shadow);
    if (result.missing) {
      lane.shadowKnown = false;
      return { progressed: result.progressed, delayMs: idle };
    }
    if (!result.caughtUp) return { progressed: result.progressed, delayMs: idle };
    const swap = await trySwap(this.context, lane);
    if (swap === "swapped") return { progressed: true, delayMs: idle };
    return { progressed: result.progressed, delayMs: swap === "busy" || swap === "behind" ? 50 : idle };
  }

  /** "I am alive" for status(): touched by every runner, busy or idle; and presence re-taken if lost. */
  private async beat(): Promise<void> {
    await this.presence.announce();
    const names = this.lanes.flatMap((lane) => [lane.projection.name, shadowCheckpointOf(lane.projection.name)]);
    try {
      await touchHeartbeats(this.db, names);
    } catch (error) {
      this.options.log.warn(`[projections] heartbeat failed: ${describeError(error)}`);
    }
  }
}
