import type { Db } from "@/db/client";
import type { RecordedEvent } from "@/lib/eventstore";
import type { Projection, TableResolver } from "./types";

/**
 * The hidden hook by which the runner's event loader does a projection's pure work ahead: while
 * the previous batch is being written, it reads the next one and runs `prepare` on it (same
 * events, same result: it needs no database), then hands the result to `handlePrepared` in the
 * batch transaction. Only the projection helpers (keyed.ts) attach it; the plain contract
 * (`Projection`) has no such member, and `handle` alone must always do the whole job.
 */
export interface ReadAhead<Prepared = unknown> {
  prepare(events: readonly RecordedEvent[]): Prepared;
  handlePrepared(tx: Db, events: readonly RecordedEvent[], table: TableResolver, prepared: Prepared): Promise<void>;
}

const READ_AHEAD = Symbol("projection read-ahead");

type WithReadAhead = Projection & { readonly [READ_AHEAD]?: ReadAhead };

/** `projection` with the read-ahead hook attached. */
export function withReadAhead<P extends Projection, Prepared>(projection: P, hook: ReadAhead<Prepared>): P {
  return Object.assign(projection, { [READ_AHEAD]: hook as ReadAhead });
}

/** The read-ahead hook of a projection, if it has one. */
export function readAheadOf(projection: Projection): ReadAhead | undefined {
  return (projection as WithReadAhead)[READ_AHEAD];
}

/**
 * Handle a batch with what was prepared ahead (`undefined`: nothing was; then `handle` does it all).
 */
export function handleBatch(
  projection: Projection,
  tx: Db,
  events: readonly RecordedEvent[],
  table: TableResolver,
  prepared: unknown,
): Promise<void> {
  const hook = readAheadOf(projection);
  if (hook && prepared !== undefined) return hook.handlePrepared(tx, events, table, prepared);
  return projection.handle(tx, events, table);
}
