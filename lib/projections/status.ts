import { sql } from "drizzle-orm";
import { isPostgresDb, query, type Db } from "@/db/client";
import { PRESENCE_NAMESPACE } from "./runner";
import { shadowCheckpointOf } from "./shadow";
import type { Projection } from "./types";

/**
 * - `running`: following the log, caught up or a few events behind.
 * - `catching_up`: behind by at least a batch, or by more than a few seconds.
 * - `rebuilding`: a rebuild is filling the shadow tables (see `rebuild`); the live tables still serve.
 * - `failed`: stopped at `errorPosition` with `error`; retried with back-off, never skipped (as
 *   long as a runner is alive: `runners`).
 * - `stopped`: nobody advances it: no runner in this process, and on PostgreSQL no live runner
 *   anywhere (none holds its presence lock; a runner that exits or dies drops it at once). A
 *   rebuild nobody advances is `stopped` too, its progress still in `rebuild`.
 * - `idle`: the log is empty: nothing to project yet.
 */
export type ProjectionState = "running" | "catching_up" | "rebuilding" | "failed" | "stopped" | "idle";

export interface ProjectionStatus {
  name: string;
  /** Position of the last event applied (0 before the first). */
  position: number;
  /** Highest position in the log. */
  headPosition: number;
  /**
   * Events committed after the checkpoint, in the follower order (counted, capped at LAG_CAP).
   * Not `headPosition - position`: positions are allocated in transaction-start order, not commit
   * order, and a rolled-back append burns positions, so that difference can mislead either way.
   */
  lag: number;
  /** Age of the oldest event not yet applied (0 when caught up). */
  lagSeconds: number;
  status: ProjectionState;
  error?: string;
  errorPosition?: number;
  /** Consecutive failed attempts at the current error. */
  failures?: number;
  /** Events read since the checkpoint was created (including types the projection ignores). */
  eventsApplied: number;
  updatedAt: string | null;
  /** The runner (host:pid) that committed the last batch. */
  worker: string | null;
  /** PostgreSQL: how many runners (in any process) follow it now. */
  runners?: number;
  /** While a rebuild runs: events read into the shadow tables so far, of `total` (so far). */
  rebuild?: { processed: number; total: number; startedAt: string | null };
}

/** Counting lag stops here, to keep status cheap on a huge backlog. */
export const LAG_CAP = 100_000;
const CATCHING_UP_SECONDS = 5;

interface CheckpointRow {
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

async function behind(db: Db, row: { transaction_id: string; position: number | string }) {
  const [r] = await query<{ lag: number | string; lag_seconds: number | string | null }>(
    db,
    sql`select
          (select count(*) from (select 1 from events
             where (transaction_id, position) > (${row.transaction_id}::text::xid8, ${Number(row.position)}::bigint)
             limit ${LAG_CAP}) s) as lag,
          (select extract(epoch from now() - created_at) from events
             where (transaction_id, position) > (${row.transaction_id}::text::xid8, ${Number(row.position)}::bigint)
             order by transaction_id, position limit 1) as lag_seconds`,
  );
  return { lag: Number(r?.lag ?? 0), lagSeconds: Math.max(0, Number(r?.lag_seconds ?? 0)) };
}

const iso = (value: string | Date | null) => (value ? new Date(value).toISOString() : null);

/**
 * The status of each projection, from the database (so it is right whichever process runs them).
 * `localRunner`: whether this process runs the projectors itself (then it is not "stopped";
 * otherwise the presence locks of live runners in other processes decide, on PostgreSQL).
 */
export async function readStatuses(
  db: Db,
  projections: readonly Projection[],
  options: { localRunner: boolean; batchSize?: number },
): Promise<ProjectionStatus[]> {
  const rows = await query<CheckpointRow>(
    db,
    sql`select name, transaction_id::text as transaction_id, position, events_applied, status, error, error_position,
               failures, updated_at, worker, started_at
        from projection_checkpoints`,
  );
  const runners = await liveRunners(db, projections);
  const byName = new Map(rows.map((r) => [r.name, r]));
  const [head] = await query<{ position: number | string | null }>(db, sql`select max(position) as position from events`);
  const headPosition = Number(head?.position ?? 0);
  const result: ProjectionStatus[] = [];
  for (const projection of projections) {
    const row = byName.get(projection.name);
    const shadow = byName.get(shadowCheckpointOf(projection.name));
    const live = row ?? { transaction_id: "0", position: 0 };
    const { lag, lagSeconds } = await behind(db, live);
    const status: ProjectionStatus = {
      name: projection.name,
      position: Number(live.position),
      headPosition,
      lag,
      lagSeconds,
      status: "running",
      eventsApplied: Number(row?.events_applied ?? 0),
      updatedAt: iso(row?.updated_at ?? null),
      worker: row?.worker ?? null,
    };
    if (runners) status.runners = runners.get(projection.name) ?? 0;
    const alive = options.localRunner || (status.runners ?? 0) > 0;
    const failed = row?.status === "failed" ? row : shadow?.status === "failed" ? shadow : null;
    if (failed) {
      status.status = "failed";
      status.error = failed.error ?? "unknown error";
      if (failed.error_position !== null) status.errorPosition = Number(failed.error_position);
      status.failures = Number(failed.failures);
    }
    if (shadow) {
      const remaining = await behind(db, shadow);
      const processed = Number(shadow.events_applied);
      status.rebuild = { processed, total: processed + remaining.lag, startedAt: iso(shadow.started_at) };
      if (!failed) status.status = alive ? "rebuilding" : "stopped";
    }
    if (status.status === "running") {
      if (!alive) status.status = "stopped";
      else if (headPosition === 0) status.status = "idle";
      else if (lag >= (options.batchSize ?? 500) || lagSeconds > CATCHING_UP_SECONDS) status.status = "catching_up";
    }
    result.push(status);
  }
  return result;
}

/**
 * PostgreSQL: for each projection, how many sessions of this database hold its presence lock
 * (live runners, see PRESENCE_NAMESPACE). PGlite: null (one process; only `localRunner` counts).
 */
async function liveRunners(db: Db, projections: readonly Projection[]): Promise<Map<string, number> | null> {
  if (!isPostgresDb(db)) return null;
  const rows = await query<{ name: string; runners: number | string }>(
    db,
    sql`with presence as materialized (
          select objid from pg_locks
          where locktype = 'advisory' and granted and objsubid = 2
            and classid = ${sql.raw(String(PRESENCE_NAMESPACE))}::oid
            and database = (select oid from pg_database where datname = current_database())
        )
        select value as name, (select count(*) from presence where objid = hashtext(value)::oid) as runners
        from jsonb_array_elements_text(${JSON.stringify(projections.map((p) => p.name))}::text::jsonb)`,
  );
  return new Map(rows.map((r) => [r.name, Number(r.runners)]));
}

/**
 * Whether every named projection has applied the event at `position`. Events are applied in
 * (transaction id, position) order, so "applied" means the event's (transaction id, position) is
 * at or below the checkpoint's, not that the checkpoint's position is at least `position`.
 */
export async function havePassed(db: Db, names: readonly string[], position: number): Promise<boolean> {
  if (names.length === 0) return true;
  const [row] = await query<{ passed: number | string }>(
    db,
    sql`select count(*) as passed from projection_checkpoints c
        join events e on e.position = ${position}
        where c.name in (select value from jsonb_array_elements_text(${JSON.stringify(names)}::text::jsonb))
          and (c.transaction_id, c.position) >= (e.transaction_id, e.position)`,
  );
  return Number(row?.passed ?? 0) === names.length;
}
