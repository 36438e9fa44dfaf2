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
 * `apply` must use `tx` only (on PGlite, touching `db` inside a transaction hangs).
 *
 * Contract for `apply`:
 * - Idempotent under duplicate delivery where feasible (rows carry the stream version they
 *   reflect; an event at or below it changes nothing).
 * - Never throw because of what an event says: a recorded event is a fact. Skip and log the
 *   impossible. A throw stops the projection at that event until the cause is fixed.
 * - Write only the tables listed in `tables` (a rebuild builds exactly those beside the live ones
 *   and swaps them in together).
 *
 * Optional `prepare`: the part of a batch's work that needs no database (pure: the same events
 * give the same result), which the runner may do ahead, while the previous batch is being written,
 * and hands to `apply` as `prepared` (with the same events). Without it, or when the runner could
 * not prepare ahead, `apply` gets `undefined` and does it all itself.
 *
 * Adding a projection: write the module, add its tables in a migration, list it in
 * `projections` (lib/projections/index.ts). Nothing else changes.
 */
export interface Projection<Prepared = unknown> {
  /** Stable id, stored in projection_checkpoints. A new shape gets a new name (`_v2`). */
  readonly name: string;
  /** The live tables it owns and writes. */
  readonly tables: readonly string[];
  /** Event types it reads; the runner skips others (but its checkpoint moves past them). */
  readonly canHandle: readonly string[];
  prepare?(events: readonly RecordedEvent[]): Prepared;
  apply(tx: Db, events: readonly RecordedEvent[], table: TableResolver, prepared?: Prepared): Promise<void>;
}

/** A JSON array parameter that both drivers send as jsonb (STACK.md trap 15). */
export const jsonParam = (value: unknown) => JSON.stringify(value);
