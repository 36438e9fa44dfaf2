import { sql } from "drizzle-orm";
import { isPostgresDb, query, type Database, type DedicatedSession, type Db } from "@/db/client";
import { describeError } from "../errors";

/**
 * Advisory locks. Two kinds:
 * - the batch lease: a transaction-scoped lock per checkpoint that gives one runner at a time
 *   the right to move it. Taken with "try", never waited for (except by a rebuild request);
 *   released by the commit or rollback of its transaction, so a dead runner's lease dies with
 *   its transaction.
 * - presence: shared, session-level locks by which a running runner says "I follow these
 *   projections" (see Presence).
 */

/** First key of the two-key advisory locks that give one runner at a time a checkpoint. */
const LEASE_NAMESPACE = 727_002;
/**
 * First key of the shared, session-level advisory locks by which a running runner says "I follow
 * this projection" (second key: hashtext of the projection's name), held on a connection of its
 * own for as long as it runs. PostgreSQL drops them the moment that session ends, cleanly or
 * not, so status() can tell at once that nobody follows a projection any more.
 */
export const PRESENCE_NAMESPACE = 727_003;
/** After a failed announcement, the next try (sooner than the heartbeat's): presence is back within about this of the server. */
const PRESENCE_RETRY_MS = 500;

/** Try to take the batch lease of a checkpoint for this transaction; false if another holds it. */
export async function tryAcquireLease(tx: Db, checkpoint: string): Promise<boolean> {
  return tryAcquireLeases(tx, [checkpoint]);
}

/** Try to take the leases of several checkpoints in one statement; true only if all were taken. */
export async function tryAcquireLeases(tx: Db, checkpoints: readonly string[]): Promise<boolean> {
  const columns = checkpoints.map(
    (name, i) => sql`pg_try_advisory_xact_lock(${LEASE_NAMESPACE}, hashtext(${name})) as ${sql.identifier(`l${i}`)}`,
  );
  const [row] = await query<Record<string, boolean>>(tx, sql`select ${sql.join(columns, sql`, `)}`);
  return checkpoints.every((_, i) => row[`l${i}`]);
}

/** Take the lease of a checkpoint for this transaction, waiting for its holder's batch to end. */
export async function acquireLease(tx: Db, checkpoint: string): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(${LEASE_NAMESPACE}, hashtext(${checkpoint}))`);
}

/**
 * A runner's presence locks (PostgreSQL; a no-op elsewhere): on a connection of its own, a shared
 * session lock per projection it follows (see PRESENCE_NAMESPACE). When that connection's session
 * ends (a restart, a cut), the locks go with it: they are taken again at once on a new session,
 * and again every PRESENCE_RETRY_MS (and by every heartbeat) until that succeeds.
 */
export class Presence {
  private session: DedicatedSession | undefined;
  /** Presence work in flight, chained so that withdraw() can wait for it before letting go. */
  private work: Promise<void> = Promise.resolve();
  /** Set while announcing fails: the next try, sooner than the heartbeat's. */
  private retry: NodeJS.Timeout | undefined;
  private failing = false;

  constructor(
    private readonly database: Database,
    private readonly names: readonly string[],
    private readonly options: { stopping: () => boolean; log: Pick<Console, "warn"> },
  ) {}

  /** Take the presence locks, or take them again on a new session: only those not held yet. */
  announce(): Promise<void> {
    this.work = this.work.then(async () => {
      if (this.options.stopping()) return;
      if (!this.session) {
        if (!this.database.dedicatedSession) return;
        this.session = this.database.dedicatedSession();
        this.session.onLost(() => {
          if (!this.options.stopping()) void this.announce();
        });
      }
      try {
        await this.session.unsafe(
          `select pg_advisory_lock_shared(${PRESENCE_NAMESPACE}, hashtext(name))
           from jsonb_array_elements_text($1::text::jsonb) as name
           where not exists (select 1 from pg_locks where pid = pg_backend_pid() and locktype = 'advisory'
             and classid = ${PRESENCE_NAMESPACE}::oid and objid = hashtext(name)::oid and objsubid = 2)`,
          [JSON.stringify(this.names)],
        );
        if (this.failing) this.options.log.warn("[projections] this runner is announced again");
        this.failing = false;
      } catch (error) {
        // Status shows "stopped" until a later try manages it; projecting goes on regardless.
        // Tried again every PRESENCE_RETRY_MS (the server is restarting, say), said once.
        if (!this.failing) this.options.log.warn(`[projections] cannot announce this runner (status may say stopped): ${describeError(error)}`);
        this.failing = true;
        if (this.options.stopping()) return;
        this.retry ??= setTimeout(() => {
          this.retry = undefined;
          void this.announce();
        }, PRESENCE_RETRY_MS);
        this.retry.unref?.();
      }
    });
    return this.work;
  }

  /** Let go of the presence locks (clean stop): status says "stopped" from now on if nobody else runs. */
  withdraw(): Promise<void> {
    clearTimeout(this.retry);
    this.retry = undefined;
    this.work = this.work.then(async () => {
      const session = this.session;
      this.session = undefined;
      if (!session) return;
      // Ending the session drops its locks.
      await session.end().catch(() => {});
    });
    return this.work;
  }
}

/**
 * PostgreSQL: for each projection, how many sessions of this database hold its presence lock
 * (live runners). PGlite: null (one process; only a runner in this process counts).
 */
export async function presenceCounts(db: Db, names: readonly string[]): Promise<Map<string, number> | null> {
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
        from jsonb_array_elements_text(${JSON.stringify(names)}::text::jsonb)`,
  );
  return new Map(rows.map((r) => [r.name, Number(r.runners)]));
}
