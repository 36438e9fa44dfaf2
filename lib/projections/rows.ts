import { sql } from "drizzle-orm";
import { query, type Db } from "@/db/client";
import type { RecordedEvent } from "@/lib/eventstore";
import { sqlErrorOf } from "@/lib/eventstore/errors";
import { copyFrom } from "@/db/copy";
import { copyColumns, encodeInserts, encodeRows, rowSource, type EncodedInserts, type RowTable } from "./row-source";
export type { RowTable } from "./row-source";
import type { TableResolver } from "./types";

/**
 * Set-based writes of a projection's keyed rows: a batch's changes go to the database as one
 * statement per kind, whatever the number of events, with the rows as JSON parameters
 * (row-source.ts: JSON text taken apart in SQL; both drivers send text, no array binding quirks).
 * The projection folds its events in memory first, so each key is written once per batch, as of
 * its last event.
 *
 * New rows are plain inserts, not `on conflict do update`: the projection knows which keys are
 * new (it read them, in the same transaction, under its lock; or see applyKeyed), and a
 * speculative insert costs about twice a plain one. They go in with `COPY … FROM STDIN` where the
 * table allows it (encodeInserts: plain scalar columns, nothing computed), which PostgreSQL
 * inserts in multi-row batches. Should a "new" key exist after all, the insert fails and nothing
 * is half-written (applyKeyed retries those keys from their rows).
 */

const ident = (name: string) => `"${name.replace(/"/g, '""')}"`;

const texts = new WeakMap<object, ReturnType<typeof buildStatements>>();

/** Statement texts for a RowTable (the table itself is resolved per call), built once. */
function statements(spec: RowTable<never>) {
  let built = texts.get(spec);
  if (!built) texts.set(spec, (built = buildStatements(spec)));
  return built;
}

function buildStatements(spec: RowTable<never>) {
  const properties: Readonly<Record<string, string | undefined>> = spec.properties ?? {};
  const columnNames = Object.keys(spec.fields);
  const from = (column: string) => `r.${ident(properties[column] ?? column)}`;
  const computed = Object.entries(spec.computed ?? {});
  const columns = [...columnNames, ...computed.map(([c]) => c)].map(ident).join(", ");
  const values = [...columnNames.map(from), ...computed.map(([, expression]) => expression)].join(", ");
  const set = [
    ...columnNames.filter((c) => c !== spec.key).map((c) => `${ident(c)} = ${from(c)}`),
    ...computed.map(([c, e]) => `${ident(c)} = ${e}`),
  ].join(", ");
  const where = `t.${ident(spec.key)} = ${from(spec.key)}${spec.guard ? ` and ${spec.guard}` : ""}`;
  return { columns, values, set, where };
}

/**
 * Write `inserts` (keys not in the table) and `updates` (keys in it) of one batch. Each call is
 * at most two statements.
 */
export async function writeRows<Row>(
  tx: Db,
  table: TableResolver,
  spec: RowTable<Row>,
  changes: { inserts: readonly Row[]; updates: readonly Row[] },
): Promise<void> {
  const s = statements(spec as RowTable<never>);
  const t = table(spec.table);
  if (changes.inserts.length) await insertRows(tx, table, spec, encodeInserts(spec, changes.inserts));
  if (changes.updates.length) {
    await tx.execute(sql`
      update ${t} as t set ${sql.raw(s.set)}
      from ${rowSource(spec, encodeRows(spec, changes.updates))}
      where ${sql.raw(s.where)}`);
  }
}

/** Insert rows encoded by encodeInserts (rows as they are, see RowTable.properties). */
async function insertRows<Row>(tx: Db, table: TableResolver, spec: RowTable<Row>, rows: EncodedInserts): Promise<void> {
  if (rows.kind === "copy") {
    await copyFrom(tx, sql`copy ${table(spec.table)} (${sql.raw(copyColumns(spec as RowTable<unknown>))}) from stdin`, rows.text);
    return;
  }
  const s = statements(spec as RowTable<never>);
  await tx.execute(sql`
    insert into ${table(spec.table)} (${sql.raw(s.columns)})
    select ${sql.raw(s.values)}
    from ${rowSource(spec, rows)}`);
}

/** The stored rows of the given keys (uuid keys), as raw records. */
export async function readRows<Record_ = Record<string, unknown>>(
  tx: Db,
  table: TableResolver,
  spec: Pick<RowTable<unknown>, "table" | "key">,
  columns: string,
  keys: readonly string[],
): Promise<Record_[]> {
  if (!keys.length) return [];
  return query<Record_>(
    tx,
    sql`select ${sql.raw(columns)} from ${table(spec.table)}
        where ${sql.raw(ident(spec.key))} in (select value::uuid from json_array_elements_text(${JSON.stringify(keys)}::text::json))`,
  );
}

/** How a projection turns a key's events of one batch into its row (pure). */
export interface KeyedFold<Row, Extra = never> {
  /** Columns to read a stored row back (select list), and the row they make. */
  select: string;
  fromStored(record: Record<string, unknown>): Row;
  /**
   * The row after these events (all of one key, in log order) from `before` (null: no row yet).
   * Returns `before` itself when nothing changes. `extras`: whatever else the events cause (city
   * totals: count changes), computed against `before` as well.
   */
  fold(id: string, before: Row | null, events: readonly RecordedEvent[]): { row: Row | null; extras?: Extra[] };
}

/** Fewer new keys than this in a batch are read like the others (a savepoint costs two round trips). */
const SPECULATE_FROM = 32;

interface FoldResult<Row, Extra> {
  before: Row | null;
  row: Row | null;
  extras?: Extra[];
}

/**
 * The part of applyKeyed that needs no database, done ahead if the runner can (read-ahead.ts):
 * the keys of the batch, and for keys whose events start with the first event of their stream
 * (version 1: no row can exist yet), the folded rows and the JSON to insert them.
 */
export interface PreparedKeyed<Row, Extra> {
  groups: ReadonlyMap<string, readonly RecordedEvent[]>;
  known: string[];
  fresh: string[];
  freshResults: Map<string, FoldResult<Row, Extra>>;
  freshInserts: EncodedInserts | null;
}

export function prepareKeyed<Row, Extra = never>(
  spec: RowTable<Row>,
  fold: KeyedFold<Row, Extra>,
  groups: ReadonlyMap<string, readonly RecordedEvent[]>,
): PreparedKeyed<Row, Extra> {
  let fresh: string[] = [];
  const known: string[] = [];
  for (const [id, events] of groups) (events[0]?.version === 1 ? fresh : known).push(id);
  if (fresh.length < SPECULATE_FROM) {
    known.push(...fresh);
    fresh = [];
  }
  const freshResults = new Map<string, FoldResult<Row, Extra>>();
  const inserts: Row[] = [];
  for (const id of fresh) {
    const result = { before: null, ...fold.fold(id, null, groups.get(id)!) };
    freshResults.set(id, result);
    if (result.row) inserts.push(result.row);
  }
  return {
    groups,
    known,
    fresh,
    freshResults,
    freshInserts: inserts.length ? encodeInserts(spec, inserts) : null,
  };
}

/**
 * Apply one batch to a keyed table: read the rows the batch touches, fold each key's events in
 * memory, write each changed row once (writeRows). Returns the folds' extras.
 *
 * Keys whose events start with the first event of their stream have no row yet, so they are not
 * read first: when a batch has many (a catch-up is mostly registrations), they are inserted
 * straight away, inside a savepoint. Should one exist all the same (the log replayed over existing
 * rows: a checkpoint deleted, say), the insert fails, is undone, and those keys are read and
 * folded again from their stored rows, as duplicates are everywhere else: idempotent.
 */
export async function applyKeyed<Row, Extra = never>(
  tx: Db,
  table: TableResolver,
  spec: RowTable<Row>,
  fold: KeyedFold<Row, Extra>,
  prepared: PreparedKeyed<Row, Extra>,
): Promise<Extra[]> {
  const { groups, fresh } = prepared;
  const known = [...prepared.known];
  const results = new Map<string, FoldResult<Row, Extra>>(prepared.freshResults);
  const run = (ids: readonly string[], stored: ReadonlyMap<string, Row>) => {
    for (const id of ids) {
      const before = stored.get(id) ?? null;
      results.set(id, { before, ...fold.fold(id, before, groups.get(id)!) });
    }
  };
  const load = async (ids: readonly string[]) => {
    const rows = await readRows<Record<string, unknown>>(tx, table, spec, fold.select, ids);
    return new Map(rows.map((r) => [String(r[spec.key]), fold.fromStored(r)]));
  };
  const changes = (ids: readonly string[]) => {
    const inserts: Row[] = [];
    const updates: Row[] = [];
    for (const id of ids) {
      const { before, row } = results.get(id)!;
      if (row && row !== before) (before ? updates : inserts).push(row);
    }
    return { inserts, updates };
  };

  run(known, await load(known));
  if (prepared.freshInserts) {
    try {
      await tx.transaction(async (savepoint) =>
        insertRows(savepoint as unknown as Db, table, spec, prepared.freshInserts!),
      );
    } catch (error) {
      if (sqlErrorOf(error)?.code !== "23505") throw error;
      // Rows exist for some of them after all: the savepoint is rolled back; do them the slow way.
      run(fresh, await load(fresh));
      known.push(...fresh);
    }
  }
  await writeRows(tx, table, spec, changes(known));
  return [...results.values()].flatMap((r) => r.extras ?? []);
}
