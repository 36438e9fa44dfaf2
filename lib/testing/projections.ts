import { sql } from "drizzle-orm";
import { v7 as uuidv7 } from "uuid";
import { query, type Database, type Db } from "@/db/client";
import { customerStreamId, type CustomerEvent } from "@/lib/domain/customer/events";
import { createEventStore, type EventStore, type RecordedEvent } from "@/lib/eventstore";
import { eventRegistry } from "@/lib/commands/event-registry";
import { projections, type Projection } from "@/lib/projections";
import { ProjectionRunner, readCheckpoint, type RunnerOptions } from "@/lib/projections/runner";

/**
 * Helpers for the projection tests, the demo and the benchmark: append given events, run the
 * projectors to the end of the log, read a table back in a stable, comparable form.
 */

export function storeOf(database: Database): EventStore {
  return createEventStore(database.db, eventRegistry);
}

/** Append events to a new customer stream; returns its id and the recorded events. */
export async function givenCustomer(
  store: EventStore,
  events: CustomerEvent[],
  id: string = uuidv7(),
): Promise<{ id: string; streamId: string; events: RecordedEvent[] }> {
  const streamId = customerStreamId(id);
  const result = await store.append(streamId, events, { expectedVersion: "no_stream" });
  return { id, streamId, events: result.events };
}

/** Append more events to an existing customer stream. */
export async function andThen(store: EventStore, id: string, events: CustomerEvent[]): Promise<RecordedEvent[]> {
  const result = await store.append(customerStreamId(id), events, { expectedVersion: "stream_exists" });
  return result.events;
}

/** Run the projections to the end of the log in this process (no background loops). */
export async function project(
  database: Database,
  options: RunnerOptions & { projections?: readonly Projection[] } = {},
): Promise<ProjectionRunner> {
  const runner = new ProjectionRunner(database, options.projections ?? projections, {
    log: quietLog,
    decode: (db, events) => storeOf(database).codec.decode(db, events),
    ...options,
  });
  await runner.drain();
  return runner;
}

/** A console that keeps test output readable: errors and warnings are collected, not printed. */
export const quietLog = {
  lines: [] as string[],
  log(...args: unknown[]) {
    if (process.env.LEDGER_TEST_VERBOSE) console.log(...args);
  },
  warn(...args: unknown[]) {
    quietLog.lines.push(args.join(" "));
    if (process.env.LEDGER_TEST_VERBOSE) console.warn(...args);
  },
  error(...args: unknown[]) {
    quietLog.lines.push(args.join(" "));
    if (process.env.LEDGER_TEST_VERBOSE) console.error(...args);
  },
};

/** The columns each read table is compared on (the tsvector as text; timestamps as ISO). */
const TABLE_SELECTS: Record<string, string> = {
  customer_list:
    "id::text, stream_id, name, street, city, city_key, region, postal_code, country, status, version::bigint as version, registered_at, updated_at",
  customer_search: "id::text, stream_id, name, address, version::bigint as version, document::text as document",
  city_totals: "city_key, city, active, archived",
  city_totals_customers: "id::text, stream_id, city, status, version::bigint as version",
  customer_history:
    "id::text, version::bigint as version, stream_id, name, street, city, city_key, region, postal_code, country, email, phone, erased, status, registered_at, updated_at, valid::text as valid, contact, document::text as document",
  activity_by_day: "day::text as day, type, events::bigint as events, last_position::bigint as last_position",
};
const TABLE_ORDER: Record<string, string> = {
  customer_list: "id",
  customer_search: "id",
  city_totals: "city_key",
  city_totals_customers: "id",
  customer_history: "id, version",
  activity_by_day: "day, type",
};

/** Every row of a read table (or its shadow, or a copy), normalised for deep equality. */
export async function tableRows(db: Db, table: string, physical = table): Promise<Record<string, unknown>[]> {
  const select = TABLE_SELECTS[table] ?? "*";
  const order = TABLE_ORDER[table] ?? "1";
  const rows = await query<Record<string, unknown>>(
    db,
    sql.raw(`select ${select} from "${physical}" order by ${order}`),
  );
  return rows.map((row) =>
    Object.fromEntries(
      Object.entries(row).map(([key, value]) => [
        key,
        value instanceof Date ? value.toISOString() : typeof value === "bigint" ? Number(value) : value,
      ]),
    ),
  );
}

/** All read tables of the registered projections, by table name. */
export async function allReadTables(db: Db): Promise<Record<string, Record<string, unknown>[]>> {
  const out: Record<string, Record<string, unknown>[]> = {};
  for (const projection of projections) {
    for (const table of projection.tables) out[table] = await tableRows(db, table);
  }
  return out;
}

/** The checkpoint row of a projection. */
export async function checkpointOf(db: Db, name: string) {
  const row = await readCheckpoint(db, name);
  if (!row) throw new Error(`No checkpoint named ${name}`);
  return row;
}
