import { sql } from "drizzle-orm";
import { query, type Db } from "@/db/client";
import { START, type GlobalCursor } from "@/lib/eventstore";
import { shadowCheckpointOf } from "../shadow";
import type { Projection } from "../types";
import { readCheckpoints } from "./checkpoints";
import { tryAcquireLeases } from "./locks";
import { beginRebuild } from "./rebuild";

/**
 * A projection that has never applied an event, over empty tables, on a long log (a new
 * projection, a new install importing a log, a checkpoint and its tables reset by hand) is built
 * the way a rebuild is: into shadow tables that have only their keys, in large batches, then its
 * other indexes are built in one go and the tables swapped in (rebuild.ts). Maintaining four
 * secondary indexes row by row was most of the database's work in such a catch-up (bench
 * catch-up; docs/performance.md).
 *
 * Meanwhile the live checkpoint stays at the start of the log (step.ts: a live checkpoint at the
 * start waits while a rebuild exists), so the live tables stay empty and the status says
 * "rebuilding" with its progress: nothing half built is ever served as complete. A crash leaves
 * the shadow and its checkpoint, and the next runner goes on from there; concurrent appends are
 * read in the same follower-safe order as any batch.
 */

/** Whether a checkpoint is at the start of the log (it has applied nothing). */
export const atStart = (cursor: GlobalCursor) => cursor.position === START.position && cursor.transactionId === START.transactionId;

const ident = (name: string) => `"${name.replace(/"/g, '""')}"`;

/**
 * Start building `projection` from empty if it qualifies: its live checkpoint is at the start of
 * the log, no rebuild runs, every table it owns is empty, and the log holds at least `minEvents`
 * events. Decided and begun in one transaction holding both leases (live and rebuild), so no live
 * batch can slip in between. Returns whether it began.
 */
export async function buildFromEmptyIfNeeded(db: Db, projection: Projection, minEvents: number): Promise<boolean> {
  if (!projection.tables.length || !Number.isFinite(minEvents)) return false;
  const shadowName = shadowCheckpointOf(projection.name);
  return db.transaction(async (txRaw) => {
    const tx = txRaw as unknown as Db;
    if (!(await tryAcquireLeases(tx, [projection.name, shadowName]))) return false;
    const rows = await readCheckpoints(tx, [projection.name, shadowName]);
    const live = rows.find((r) => r.name === projection.name);
    if (!live || rows.some((r) => r.name === shadowName)) return false;
    if (!atStart({ transactionId: live.transaction_id, position: Number(live.position) }) || Number(live.events_applied) !== 0) return false;
    for (const table of projection.tables) {
      const [row] = await query<{ found: boolean }>(tx, sql.raw(`select exists (select 1 from ${ident(table)}) as found`));
      if (row?.found) return false;
    }
    const [log] = await query<{ n: number | string }>(
      tx,
      sql`select count(*) as n from (select 1 from events limit ${Math.max(1, Math.floor(minEvents))}) as e`,
    );
    if (Number(log?.n ?? 0) < minEvents) return false;
    await beginRebuild(tx, projection);
    return true;
  });
}
