import { sql } from "drizzle-orm";
import { query, type Db } from "@/db/client";
import type { GlobalCursor } from "@/lib/eventstore";

/**
 * The checkpointer: the only module that reads or writes `projection_checkpoints`. A checkpoint
 * is the cursor (transaction id, position) of the last event a projection (or its rebuild,
 * `<name>__rebuild`) has applied, with its status, last error and progress counters.
 */

/**
 * A checkpoint moved (sent inside the batch transaction, so delivered at commit), with payload
 * `<checkpoint>:<position of its last event>` (or just the name, on a rebuild's swap).
 */
export const CHECKPOINTS_CHANNEL = "ledger_checkpoints";

/** `running` while following the log, `rebuilding` for a rebuild's checkpoint, `failed`. */
export type CheckpointStatus = "running" | "rebuilding" | "failed";

export interface CheckpointRow {
  name: string;
  transaction_id: string;
  position: number | string;
  events_applied: number | string;
  status: string;
  error: string | null;
  error_position: number | string | null;
  failures: number | string;
  updated_at: string | Date | null;
  worker: string | null;
  started_at: string | Date | null;
}

const ROW_COLUMNS = sql`name, transaction_id::text as transaction_id, position, events_applied, status, error,
  error_position, failures, updated_at, worker, started_at`;

const namesParam = (names: readonly string[]) =>
  sql`(select value from jsonb_array_elements_text(${JSON.stringify(names)}::text::jsonb))`;

export const cursorOf = (row: { transaction_id: string; position: number | string }): GlobalCursor => ({
  transactionId: row.transaction_id,
  position: Number(row.position),
});

/** Make sure a checkpoint row exists (idempotent, safe to race). */
export async function ensureCheckpoint(db: Db, name: string): Promise<void> {
  await db.execute(sql`insert into projection_checkpoints (name) values (${name}) on conflict (name) do nothing`);
}

/** Every checkpoint row (status page). */
export function readAllCheckpoints(db: Db): Promise<CheckpointRow[]> {
  return query<CheckpointRow>(db, sql`select ${ROW_COLUMNS} from projection_checkpoints`);
}

/** The named checkpoint rows that exist. */
export function readCheckpoints(db: Db, names: readonly string[]): Promise<CheckpointRow[]> {
  return query<CheckpointRow>(db, sql`select ${ROW_COLUMNS} from projection_checkpoints where name in ${namesParam(names)}`);
}

/** One checkpoint row, or undefined. */
export async function readCheckpoint(db: Db, name: string): Promise<CheckpointRow | undefined> {
  const [row] = await query<CheckpointRow>(db, sql`select ${ROW_COLUMNS} from projection_checkpoints where name = ${name}`);
  return row;
}

/** Whether the checkpoint exists. */
export async function checkpointExists(db: Db, name: string): Promise<boolean> {
  return (await query(db, sql`select 1 from projection_checkpoints where name = ${name}`)).length > 0;
}

/**
 * A batch's view of its checkpoint, read under its lease (a separate statement, so a fresh
 * snapshot on PostgreSQL: it sees whatever the previous holder committed), and whether the
 * projection's rebuild checkpoint exists.
 */
export async function readBatchCheckpoint(tx: Db, name: string, rebuildName: string) {
  const rows = await query<{ name: string; transaction_id: string; position: number | string; status: string }>(
    tx,
    sql`select name, transaction_id::text as transaction_id, position, status from projection_checkpoints
        where name in (${name}, ${rebuildName})`,
  );
  const row = rows.find((r) => r.name === name);
  return {
    checkpoint: row ? { cursor: cursorOf(row), status: row.status } : undefined,
    rebuildExists: rows.some((r) => r.name === rebuildName),
  };
}

/**
 * Move a checkpoint from `expected` to `last` after a batch of `events` events. Compare-and-set:
 * the lease already excludes other runners; this makes a broken lease discipline fail loudly
 * (the caller rolls back) instead of applying a batch twice. Returns whether it moved.
 */
export async function storeCheckpoint(
  tx: Db,
  move: { name: string; expected: GlobalCursor; last: GlobalCursor; events: number; status: CheckpointStatus; worker: string; traceparent?: string },
): Promise<boolean> {
  const { name, expected, last } = move;
  // `<name>:<position>[:<traceparent>]`: the live feed continues the trace of the batch's last traced event.
  const note = `:${last.position}${move.traceparent ? `:${move.traceparent}` : ""}`;
  const moved = await query<{ name: string }>(
    tx,
    sql`update projection_checkpoints set
          transaction_id = ${last.transactionId}::text::xid8, position = ${last.position},
          events_applied = events_applied + ${move.events},
          status = ${move.status}, error = null, error_position = null, failures = 0,
          updated_at = now(), heartbeat_at = now(), worker = ${move.worker}
        where name = ${name}
          and transaction_id = ${expected.transactionId}::text::xid8 and position = ${expected.position}
        returning name, pg_notify(${CHECKPOINTS_CHANNEL}, name || ${note})`,
  );
  return moved.length === 1;
}

/** A failed checkpoint found nothing left to read: back to `status`, error cleared. */
export async function clearFailure(tx: Db, name: string, status: CheckpointStatus): Promise<void> {
  await tx.execute(sql`update projection_checkpoints set status = ${status},
    error = null, error_position = null, updated_at = now() where name = ${name}`);
}

/** Mark a checkpoint failed at `position` (null: before any event) with `message`. */
export async function recordFailure(db: Db, name: string, failure: { message: string; position: number | null; worker: string }) {
  await db.execute(sql`
    update projection_checkpoints set status = 'failed', error = ${failure.message}, error_position = ${failure.position},
      failures = failures + 1, updated_at = now(), worker = ${failure.worker}
    where name = ${name}`);
}

/** A rebuild's checkpoint, at the start of the log. */
export async function createRebuildCheckpoint(tx: Db, name: string): Promise<void> {
  await tx.execute(sql`
    insert into projection_checkpoints (name, status, started_at, updated_at)
    values (${name}, 'rebuilding', now(), now())`);
}

/** The swap: the live checkpoint takes the rebuild's cursor and counters; the rebuild's goes. */
export async function handOverCheckpoint(tx: Db, from: CheckpointRow, to: string, worker: string): Promise<void> {
  await tx.execute(sql`
    insert into projection_checkpoints (name, transaction_id, position, events_applied, status, updated_at, worker)
    values (${to}, ${from.transaction_id}::text::xid8, ${Number(from.position)},
            ${Number(from.events_applied)}, 'running', now(), ${worker})
    on conflict (name) do update set transaction_id = excluded.transaction_id, position = excluded.position,
      events_applied = excluded.events_applied, status = 'running', error = null, error_position = null,
      failures = 0, updated_at = now(), worker = excluded.worker`);
  await tx.execute(sql`delete from projection_checkpoints where name = ${from.name}`);
}

/** "A runner is alive" on these checkpoints (see status). */
export async function touchHeartbeats(db: Db, names: readonly string[]): Promise<void> {
  await db.execute(sql`update projection_checkpoints set heartbeat_at = now() where name in ${namesParam(names)}`);
}

/**
 * Whether every named checkpoint has passed the event at `position`. Events are applied in
 * (transaction id, position) order, so "passed" means the event's (transaction id, position) is
 * at or below the checkpoint's, not that the checkpoint's position is at least `position`.
 */
export async function havePassed(db: Db, names: readonly string[], position: number): Promise<boolean> {
  if (names.length === 0) return true;
  const [row] = await query<{ passed: number | string }>(
    db,
    sql`select count(*) as passed from projection_checkpoints c
        join events e on e.position = ${position}
        where c.name in ${namesParam(names)}
          and (c.transaction_id, c.position) >= (e.transaction_id, e.position)`,
  );
  return Number(row?.passed ?? 0) === names.length;
}
