import type { SQL } from "drizzle-orm";
import type { Db } from "@/db/client";
import type { RecordedEvent } from "@/lib/eventstore";

/**
 * Resolves a live table name (`"customer_list"`) to the table this run writes, as an SQL
 * identifier: the live table itself, or its rebuild shadow (`customer_list__rebuild`). Projections
 * write through it, never through the Drizzle table objects, so one projection serves both.
 */
export type TableResolver = (liveName: string) => SQL;

/**
 * A projection: a small module, not a subclass. The runner feeds it the events it can handle, in
 * log order, a batch at a time, inside the transaction that also moves its checkpoint; so
 * `handle` must use `tx` only (on PGlite, touching `db` inside a transaction hangs).
 *
 * Contract for `handle`:
 * - Idempotent under duplicate delivery where feasible (rows carry the stream version they
 *   reflect; an event at or below it changes nothing).
 * - Never throw because of what an event says: a recorded event is a fact. Skip and log the
 *   impossible. A throw is retried; then, by the `failurePolicy`, the event is parked (its
 *   stream waits behind it, the others go on) or the whole projection stops there.
 * - Write only the tables listed in `tables` (a rebuild builds exactly those beside the live ones
 *   and swaps them in together).
 *
 * Projections that keep one row per key are built with `keyedRowProjection` (keyed.ts), which
 * also lets the runner do their pure work ahead (read-ahead.ts); this contract knows nothing of it.
 *
 * Adding a projection: write the module, add its tables in a migration, list it in
 * `projections` (lib/projections/index.ts). Nothing else changes.
 */
export interface Projection {
  /** Stable id, stored in projection_checkpoints. A new shape gets a new name (`_v2`). */
  readonly name: string;
  /** The live tables it owns and writes. */
  readonly tables: readonly string[];
  /** Event types it reads; the runner skips others (but its checkpoint moves past them). */
  readonly canHandle: readonly string[];
  handle(tx: Db, events: readonly RecordedEvent[], table: TableResolver): Promise<void>;
  /**
   * Whether `handle` reads `event.metadata` (actor, command id…). When no projection of a runner
   * does, the runner reads the log without it: each event's metadata then holds its `traceparent`
   * alone, if any (parsing metadata nobody read was about 15 % of a catch-up's CPU).
   */
  readonly readsMetadata?: boolean;
  /** When `handle` keeps failing on an event (default: park it after the runner's `parkAfterFailures`). */
  readonly failurePolicy?: FailurePolicy;
}

/**
 * `halt`: stop at the event and retry it, with back-off, until the code is fixed (every stream
 * waits). `park`: after `retries` failed attempts (default: the runner's `parkAfterFailures`),
 * move it to the dead letters; only its stream waits, until someone retries or skips it.
 */
export type FailurePolicy = { mode: "halt" } | { mode: "park"; retries?: number };

/** A JSON array parameter that both drivers send as jsonb (STACK.md trap 15). */
export const jsonParam = (value: unknown) => JSON.stringify(value);
