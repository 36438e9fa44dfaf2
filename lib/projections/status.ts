import { sql } from "drizzle-orm";
import { onPostgres, query, type Db } from "@/db/client";
import { oldestAppendInFlight, type HorizonHolder } from "@/lib/eventstore";
import { presenceCounts, readAllCheckpoints } from "./runner";
import { parkedCounts } from "./runner/parking";
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
 * - `off`: not configured in this deployment (the NATS publisher without NATS_URL); `note` says why.
 */
export type ProjectionState = "running" | "catching_up" | "rebuilding" | "failed" | "stopped" | "idle" | "off";

export interface ProjectionStatus {
  name: string;
  /** A projection (read tables, rebuildable) or the broker publisher (SPEC §8). Absent: projection. */
  kind?: "projection" | "publisher";
  /** A line for people, e.g. where the publisher publishes, or why it is off. */
  note?: string;
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
  /** Events parked after their retries (dead letters; their streams wait behind them). */
  parked: number;
  /** Events read since the checkpoint was created (including types the projection ignores). */
  eventsApplied: number;
  updatedAt: string | null;
  /** The runner (host:pid) that committed the last batch. */
  worker: string | null;
  /** PostgreSQL: how many runners (in any process) follow it now. */
  runners?: number;
  /**
   * PostgreSQL: the append that has held every follower's horizon for more than
   * HELD_BACK_SECONDS (its transaction is still open), so that a stall has a name.
   */
  heldBackBy?: HorizonHolder;
  /** While a rebuild runs: events read into the shadow tables so far, of `total` (so far). */
  rebuild?: { processed: number; total: number; startedAt: string | null };
}

/** Counting lag stops here, to keep status cheap on a huge backlog. */
export const LAG_CAP = 100_000;
const CATCHING_UP_SECONDS = 5;
/** An append in flight longer than this is named in the status (it holds followers back). */
export const HELD_BACK_SECONDS = 1;

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
  const rows = await readAllCheckpoints(db);
  // PostgreSQL: live runners per projection, by their presence locks (null on PGlite).
  const runners = await presenceCounts(db, projections.map((p) => p.name));
  const byName = new Map(rows.map((r) => [r.name, r]));
  const [head] = await query<{ position: number | string | null }>(db, sql`select max(position) as position from events`);
  const headPosition = Number(head?.position ?? 0);
  const parked = await parkedCounts(db);
  const holder = onPostgres(db) ? await oldestAppendInFlight(db) : null;
  const heldBackBy = holder && holder.ageSeconds > HELD_BACK_SECONDS ? holder : undefined;
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
      parked: parked.get(projection.name) ?? 0,
      eventsApplied: Number(row?.events_applied ?? 0),
      updatedAt: iso(row?.updated_at ?? null),
      worker: row?.worker ?? null,
    };
    // A runner in this process counts even while its presence is being taken again (reconnect).
    if (runners) status.runners = Math.max(runners.get(projection.name) ?? 0, options.localRunner ? 1 : 0);
    if (heldBackBy) status.heldBackBy = heldBackBy;
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
