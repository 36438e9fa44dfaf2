import type { Db } from "@/db/client";
import type { RecordedEvent } from "@/lib/eventstore";
import { withReadAhead } from "./read-ahead";
import { applyKeyed, prepareKeyed, type KeyedFold, type PreparedKeyed, type RowTable } from "./rows";
import type { Projection, TableResolver } from "./types";

/** A projection that keeps one row per key, folded from that key's events in each batch. */
export interface KeyedRowProjectionSpec<Row, Extra = never> {
  readonly name: string;
  readonly tables: readonly string[];
  readonly canHandle: readonly string[];
  /** The batch's events by row key, each group in log order (events without a key: logged, dropped). */
  key(events: readonly RecordedEvent[]): ReadonlyMap<string, readonly RecordedEvent[]>;
  /** The keyed table, as the row writer sees it. */
  rows: RowTable<Row>;
  /** Stored row + a key's events → next row (pure). */
  fold: KeyedFold<Row, Extra>;
  /** Writes what the folds' extras imply, after the rows, in the same transaction (city totals). */
  writeExtras?(tx: Db, table: TableResolver, extras: Extra[]): Promise<void>;
}

/**
 * A `Projection` from a keyed fold (see applyKeyed). Its pure part (grouping, and folding the keys
 * that cannot have a row yet) is also offered to the runner as read-ahead work (read-ahead.ts).
 */
export function keyedRowProjection<Row, Extra = never>(spec: KeyedRowProjectionSpec<Row, Extra>): Projection {
  const prepare = (events: readonly RecordedEvent[]): PreparedKeyed<Row, Extra> =>
    prepareKeyed(spec.rows, spec.fold, spec.key(events));
  const handlePrepared = async (tx: Db, _events: readonly RecordedEvent[], table: TableResolver, work: PreparedKeyed<Row, Extra>) => {
    if (!work.groups.size) return;
    const extras = await applyKeyed(tx, table, spec.rows, spec.fold, work);
    if (spec.writeExtras && extras.length) await spec.writeExtras(tx, table, extras);
  };
  const projection: Projection = {
    name: spec.name,
    tables: spec.tables,
    canHandle: spec.canHandle,
    handle: (tx, events, table) => handlePrepared(tx, events, table, prepare(events)),
  };
  return withReadAhead(projection, { prepare, handlePrepared });
}
