import { sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import type { GlobalCursor } from "@/lib/eventstore";
import { describeError, isTransientFailure } from "../errors";
import { shadowCheckpointOf, shadowTableOf } from "../shadow";
import type { Projection, TableResolver } from "../types";
import { recordFailure } from "./checkpoints";
import type { EventLoader, ProjectionFeed } from "./event-loader";
import { afterFailedBatch, backoffMs, batchLimit, failureLine, isolationAfter, shouldPark } from "./failure-policy";
import type { ResolvedOptions } from "./options";
import { swapInRebuild } from "./rebuild";
import { Signal } from "./signal";
import { parkNext, step } from "./step";
import type { Target } from "./target";
export type { Target } from "./target";

/** A projection as one runner follows it: its live checkpoint and, while one runs, its rebuild. */
export interface Lane {
  projection: Projection;
  live: Target;
  shadow: Target;
  /** Whether a rebuild checkpoint exists, as last seen. */
  shadowKnown: boolean;
  /** Re-poll delay while committed events wait for older transactions to end (0: none waiting). */
  pendingDelayMs: number;
  signal: Signal;
}

/** What a runner's lanes share. */
export interface LaneContext {
  db: Db;
  options: ResolvedOptions;
}

const identifier = (name: string) => sql`${sql.identifier(name)}`;

export function createLane(projection: Projection, loader: EventLoader): Lane {
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
    feed: loader.feed(projection),
    failures: 0,
    retryAt: 0,
    singleUntil: null,
    behind: false,
  });
  return { projection, live: target(false), shadow: target(true), shadowKnown: true, pendingDelayMs: 0, signal: new Signal() };
}

export interface Advance {
  progressed: boolean;
  caughtUp?: boolean;
  shadowExists?: boolean;
  missing?: boolean;
  pending?: boolean;
}

/** One step on a target, with the failure policy: find the failing event, record it, back off. */
export async function advance(ctx: LaneContext, target: Target): Promise<Advance> {
  const { options } = ctx;
  const limit = batchLimit({ isolating: target.singleUntil !== null, rebuild: target.rebuild, behind: target.behind }, options);
  const outcome = await step(ctx.db, options, target, limit);
  switch (outcome.kind) {
    case "missing":
      return { progressed: false, missing: true };
    case "busy":
      return { progressed: false };
    case "idle":
      if (target.failures) recovered(ctx, target);
      target.behind = false;
      return { progressed: false, caughtUp: true, shadowExists: outcome.shadowExists, pending: outcome.pending };
    case "applied": {
      if (target.failures) recovered(ctx, target);
      target.behind = outcome.full;
      target.singleUntil = isolationAfter(target.singleUntil, outcome.last);
      options.onBatch?.({
        projection: target.projection.name,
        checkpoint: target.checkpoint,
        rebuild: target.rebuild,
        events: outcome.count,
        last: outcome.last,
      });
      return { progressed: true, caughtUp: !outcome.full, shadowExists: outcome.shadowExists };
    }
    case "failed": {
      const policy = { initialMs: options.retryInitialMs, maxMs: options.retryMaxMs };
      // A transient failure (the broker is down) is nobody's event: retry the batch as a whole.
      const decision = afterFailedBatch(isTransientFailure(outcome.error) ? [] : outcome.read, target.failures, policy);
      if (decision.kind === "isolate") {
        // Which event failed is unknown: redo this stretch one event per transaction, at once.
        target.singleUntil = decision.until;
        return { progressed: true };
      }
      const message = describeError(outcome.error);
      if (decision.event && shouldPark(target.projection.failurePolicy, decision.failures, options.parkAfterFailures)) {
        if (await parkNext(ctx.db, options, target, decision.event, message, decision.failures).catch(() => false)) {
          options.log.error(`[projections] ${target.checkpoint} parked event #${decision.event.position} after ${decision.failures} attempts: ${message}`);
          recovered(ctx, target);
          return { progressed: true };
        }
      }
      target.failures = decision.failures;
      target.retryAt = Date.now() + decision.backoffMs;
      options.log.error(failureLine(target.checkpoint, decision.event, message, decision.backoffMs));
      await recordFailure(ctx.db, target.checkpoint, { message, position: decision.event?.position ?? null, worker: options.workerId }).catch(
        (error) => options.log.error(`[projections] ${target.checkpoint}: cannot record failure: ${describeError(error)}`),
      );
      return { progressed: false };
    }
  }
}

function recovered(ctx: LaneContext, target: Target) {
  ctx.options.log.log(`[projections] ${target.checkpoint} resumed after ${target.failures} failed attempt(s)`);
  target.failures = 0;
  target.retryAt = 0;
}

/** Swap the lane's caught-up rebuild in (rebuild.ts); on failure, back off on the rebuild's checkpoint. */
export async function trySwap(ctx: LaneContext, lane: Lane): Promise<"swapped" | "busy" | "behind" | "missing" | "failed"> {
  const { options } = ctx;
  const { projection } = lane;
  try {
    const result = await swapInRebuild(ctx.db, projection, { worker: options.workerId, log: options.log });
    if (result === "swapped") {
      lane.shadowKnown = false;
      lane.shadow.failures = 0;
      lane.shadow.retryAt = 0;
      lane.live.failures = 0;
      lane.live.retryAt = 0;
      lane.live.singleUntil = null;
      options.log.log(`[projections] ${projection.name}: rebuild swapped in`);
    }
    return result;
  } catch (error) {
    lane.shadow.failures++;
    const backoff = backoffMs(lane.shadow.failures, { initialMs: options.retryInitialMs, maxMs: options.retryMaxMs });
    lane.shadow.retryAt = Date.now() + backoff;
    const message = `swap failed: ${describeError(error)}`;
    options.log.error(`[projections] ${projection.name}: ${message}; retrying in ${backoff} ms`);
    await recordFailure(ctx.db, lane.shadow.checkpoint, { message, position: null, worker: options.workerId }).catch(() => {});
    return "failed";
  }
}
