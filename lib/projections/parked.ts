import { sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import type { RecordedEvent } from "@/lib/eventstore";
import { LedgerError } from "@/lib/errors";
import { describeError } from "./errors";
import { acquireLease } from "./runner/locks";
import { eventsAt, markParked, queueOf, resolveParked } from "./runner/parking";
import { SHADOW_SUFFIX, shadowTableOf } from "./shadow";
import type { Projection, TableResolver } from "./types";

export { listParked, listResolved, parkedCounts, type ParkedEvent, type ResolvedParkedEvent } from "./runner/parking";

/** No unresolved parked event at that checkpoint and position. HTTP 404 `not_found`. */
export class ParkedEventNotFoundError extends LedgerError {
  static override readonly code = "not_found";
  static override readonly errorName = "ParkedEventNotFoundError";
  declare readonly code: "not_found";
  constructor(checkpoint: string, position: number) {
    super(`No parked event at #${position} for ${JSON.stringify(checkpoint)}`);
  }
}

export interface ResolveOutcome {
  /** Events of the stream applied now (the parked one first, when retried). */
  applied: number;
  /** Set when one failed again: it is the stream's parked event now, with this error. */
  stillParked?: { position: number; error: string };
}

/**
 * How events read from the log reach a projection: the store's codec (personal fields opened or
 * read ERASED, upcast), exactly as the runner hands them over. Without it a retried event would
 * be applied as stored, its personal fields sealed.
 */
export type Decode = (db: Db, events: RecordedEvent[]) => Promise<RecordedEvent[]>;

export interface ResolveRequest {
  projections: readonly Projection[];
  checkpoint: string;
  position: number;
  actor: string;
  decode: Decode;
}

/**
 * Retry a parked event after a fix: apply it and then the stream's events waiting behind it, in
 * order, each in a savepoint, under the checkpoint's lease (so no batch runs meanwhile). The
 * first that fails again stays parked with its new error, and the rest wait behind it.
 */
export function retryParked(db: Db, request: ResolveRequest) {
  return resolveQueue(db, request, "retried");
}

/**
 * Skip a parked event (an admin's decision, recorded with `actor`): it is never applied; the
 * stream's events waiting behind it are applied as by `retryParked`.
 */
export function skipParked(db: Db, request: ResolveRequest) {
  return resolveQueue(db, request, "skipped");
}

async function resolveQueue(db: Db, request: ResolveRequest, head: "retried" | "skipped"): Promise<ResolveOutcome> {
  const { projections, checkpoint, position, actor, decode } = request;
  const rebuild = checkpoint.endsWith(SHADOW_SUFFIX);
  const name = rebuild ? checkpoint.slice(0, -SHADOW_SUFFIX.length) : checkpoint;
  const projection = projections.find((p) => p.name === name);
  if (!projection) throw new ParkedEventNotFoundError(checkpoint, position);
  const table: TableResolver = (live) => sql`${sql.identifier(rebuild ? shadowTableOf(live) : live)}`;
  return db.transaction(async (txRaw) => {
    const tx = txRaw as unknown as Db;
    await acquireLease(tx, checkpoint);
    const queue = await queueOf(tx, checkpoint, position);
    if (queue[0]?.position !== position) throw new ParkedEventNotFoundError(checkpoint, position);
    if (head === "skipped") await resolveParked(tx, checkpoint, position, "skipped", actor);
    const events = await decode(tx, await eventsAt(tx, (head === "skipped" ? queue.slice(1) : queue).map((q) => q.position)));
    let applied = 0;
    for (const event of events) {
      try {
        await tx.transaction((savepoint) => projection.handle(savepoint as unknown as Db, [event], table));
      } catch (error) {
        const message = describeError(error);
        await markParked(tx, checkpoint, event.position, message);
        return { applied, stillParked: { position: event.position, error: message } };
      }
      await resolveParked(tx, checkpoint, event.position, "retried", actor);
      applied++;
    }
    return { applied };
  });
}
