import { sql } from "drizzle-orm";
import { concurrencyOf, type Db } from "@/db/client";
import { compareCursors } from "@/lib/eventstore";
import { createShadowTable, missingShadowIndexes, shadowCheckpointOf, swapInShadowTable } from "../shadow";
import type { Projection } from "../types";
import { CHECKPOINTS_CHANNEL, checkpointExists, createRebuildCheckpoint, cursorOf, handOverCheckpoint, readCheckpoints } from "./checkpoints";
import { acquireLease, tryAcquireLease, tryAcquireLeases } from "./locks";
import { clearParked, handOverParked } from "./parking";

/**
 * Rebuild beside the live tables, then swap. A rebuild is a second checkpoint
 * (`<name>__rebuild`) that the runner advances like any other, writing shadow tables
 * (shadow.ts); once it has caught up, the swap replaces the live tables and checkpoint in one
 * transaction. The live tables serve readers throughout.
 */

/** Rebuild requested or swapped: wakes runners in every process. */
export const PROJECTIONS_CHANNEL = "ledger_projections";

/**
 * Ask for a rebuild of `projection`: create its empty shadow tables and a checkpoint at the start
 * of the log, in one transaction, and wake the runners (in any process) to fill them. Returns
 * false when a rebuild is already in progress (it goes on; nothing restarts).
 */
export async function requestRebuild(db: Db, projection: Projection): Promise<boolean> {
  const shadowName = shadowCheckpointOf(projection.name);
  return db.transaction(async (txRaw) => {
    const tx = txRaw as unknown as Db;
    // Waits for a runner that is mid-batch on a leftover shadow of the same name.
    await acquireLease(tx, shadowName);
    if (await checkpointExists(tx, shadowName)) return false;
    await beginRebuild(tx, projection);
    return true;
  });
}

/**
 * In the caller's transaction, holding the rebuild's lease, with no rebuild checkpoint: the empty
 * shadow tables (keys only), the rebuild's checkpoint at the start of the log, and the wake-up.
 */
export async function beginRebuild(tx: Db, projection: Projection): Promise<void> {
  const shadowName = shadowCheckpointOf(projection.name);
  for (const table of projection.tables) await createShadowTable(tx, table);
  await createRebuildCheckpoint(tx, shadowName);
  await clearParked(tx, shadowName);
  await tx.execute(sql`select pg_notify(${PROJECTIONS_CHANNEL}, ${projection.name})`);
}

export type SwapResult = "swapped" | "busy" | "behind" | "missing";

/**
 * Swap a caught-up rebuild in: in one transaction, holding both checkpoints' leases, replace
 * each live table by its shadow and give the live checkpoint the shadow's cursor. Only when the
 * shadow is at or past the live checkpoint, so the swap never moves readers back in time.
 * Throws on a database error (the caller records it on the rebuild's checkpoint).
 */
export async function swapInRebuild(db: Db, projection: Projection, options: { worker: string; log: Pick<Console, "log"> }): Promise<SwapResult> {
  const indexed = await indexRebuild(db, projection, options.log);
  if (indexed !== "indexed") return indexed;
  const shadowName = shadowCheckpointOf(projection.name);
  return db.transaction(async (txRaw) => {
    const tx = txRaw as unknown as Db;
    // Do not queue behind a long reader holding the live table: give up and retry later.
    await tx.execute(sql`set local lock_timeout = '3s'`);
    if (!(await tryAcquireLeases(tx, [projection.name, shadowName]))) return "busy" as const;
    const rows = await readCheckpoints(tx, [projection.name, shadowName]);
    const live = rows.find((r) => r.name === projection.name);
    const shadow = rows.find((r) => r.name === shadowName);
    if (!shadow) return "missing" as const;
    if (shadow.status === "failed") return "busy" as const;
    if (live && compareCursors(cursorOf(shadow), cursorOf(live)) < 0) return "behind" as const;
    for (const table of projection.tables) await swapInShadowTable(tx, table);
    await handOverCheckpoint(tx, shadow, projection.name, options.worker);
    await handOverParked(tx, shadowName, projection.name);
    await tx.execute(sql`select pg_notify(${CHECKPOINTS_CHANNEL}, ${projection.name}), pg_notify(${PROJECTIONS_CHANNEL}, ${projection.name})`);
    return "swapped" as const;
  });
}

/** Index builds run side by side at most (the machine's cores, not the pool, are the limit). */
const PARALLEL_INDEX_BUILDS = 2;

/**
 * First the shadow's other indexes, built in one go now that it holds the whole log (cheaper
 * than keeping them up to date row by row); under the shadow's lease only, so that readers of the
 * live tables wait for nothing meanwhile. On PostgreSQL the builds run two at a time, each on a
 * connection of its own, while the transaction holding the lease waits for them: `CREATE INDEX`
 * takes a share lock, which builds on the same table hold together, and the end of a catch-up
 * from empty is otherwise the database building one index after another on one core (bench
 * catch-up). Each build commits alone; should one fail, the ones built stay and the next attempt
 * builds only the rest. PGlite (one session) builds them in the lease's transaction.
 */
function indexRebuild(db: Db, projection: Projection, log: Pick<Console, "log">) {
  const shadowName = shadowCheckpointOf(projection.name);
  // The lease's transaction holds one connection; the builds need others.
  const side = Math.min(PARALLEL_INDEX_BUILDS, concurrencyOf(db) - 1);
  return db.transaction(async (txRaw) => {
    const tx = txRaw as unknown as Db;
    if (!(await tryAcquireLease(tx, shadowName))) return "busy" as const;
    if (!(await checkpointExists(tx, shadowName))) return "missing" as const;
    const statements: string[] = [];
    for (const table of projection.tables) statements.push(...(await missingShadowIndexes(tx, table)));
    if (side < 1) {
      for (const statement of statements) await tx.execute(sql.raw(statement));
    } else {
      const queue = [...statements];
      const worker = async () => {
        for (let next = queue.shift(); next; next = queue.shift()) await db.execute(sql.raw(next));
      };
      // Settled, not raced: a failed build ends its worker, never the wait for the others.
      const failed = (await Promise.allSettled(Array.from({ length: Math.min(side, queue.length) }, worker))).find(
        (result) => result.status === "rejected",
      );
      if (failed) throw failed.reason;
    }
    if (statements.length) log.log(`[projections] ${projection.name}: rebuild caught up, built ${statements.length} index(es) on its tables`);
    return "indexed" as const;
  });
}
