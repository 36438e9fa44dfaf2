import { rawQuery, type Db } from "@/db/client";

/**
 * The follower horizon on PostgreSQL: the transaction id below which every appending
 * transaction has ended. Followers read only events of transactions below it.
 *
 * Every append takes a shared transaction-level advisory lock (APPEND_LOCK_KEY) before its
 * transaction has an id (ledger_append refuses otherwise; APPEND_ONE takes it before its first
 * write). `readHorizon` runs first, in its own statement: it notes N, the next transaction id
 * (its snapshot's xmax), then the ids of the transactions holding the lock (H). The events are
 * read afterwards, in a later statement with snapshot S, below least(N, min(xip(S) ∩ H)).
 *
 * Why nothing can later commit below the returned cursor: take an appending transaction x < N
 * that S does not see as ended. x had its id before N was read, and is still running at S, so it
 * was running when the locks were read; it took the lock before it had an id, so it was in H;
 * and it is in xip(S). So the horizon is at most x. Every other id below the horizon either
 * ended before S (its events, if any, are visible) or never appends. A transaction that merely
 * holds an id (a `BEGIN; SELECT pg_current_xact_id()` in psql, here or in another database)
 * holds nobody back, unlike pg_snapshot_xmin, which every open transaction of the cluster holds.
 * The lock table is read live on each call (pg_stat_activity would be cached per transaction).
 */
export const APPEND_LOCK_KEY = 727_004;

export interface Horizon {
  /** The next transaction id when the locks were read (xid8 as text). */
  next: string;
  /** The 32-bit ids of the transactions holding the append lock, comma separated. */
  holders: string;
}

export async function readHorizon(db: Db): Promise<Horizon> {
  const [row] = await rawQuery<{ next: string; holders: string | null }>(db, READ_HORIZON, []);
  return { next: row.next, holders: row.holders ?? "" };
}

const APPEND_LOCK_ROW = `a.locktype = 'advisory' and a.granted and a.classid = 0 and a.objid = ${APPEND_LOCK_KEY}
    and a.objsubid = 1 and a.database = (select oid from pg_database where datname = current_database())`;

const READ_HORIZON = `
  with locks as materialized (
    select locktype, granted, classid, objid, objsubid, database, virtualtransaction, transactionid, mode from pg_locks
  )
  select pg_snapshot_xmax(pg_current_snapshot())::text as next,
    (select string_agg(x.transactionid::text, ',') from locks a
       join locks x on x.virtualtransaction = a.virtualtransaction and x.locktype = 'transactionid'
         and x.mode = 'ExclusiveLock' and x.granted
     where ${APPEND_LOCK_ROW}) as holders`;

/**
 * The horizon condition of the events statement, given readHorizon's N and H as parameters
 * `$next` and `$holders` (see above).
 */
export const belowHorizon = (next: string, holders: string) => `transaction_id < least(${next}::text::xid8,
      (select x from pg_snapshot_xip(pg_current_snapshot()) x
       where (x::text::bigint % 4294967296) = any(string_to_array(${holders}::text, ',')::bigint[])
       order by x limit 1))`;

/** The oldest transaction holding the append lock: what followers wait for, if anything. */
export interface HorizonHolder {
  pid: number;
  applicationName: string;
  /** Seconds since its transaction began. */
  ageSeconds: number;
}

/** The oldest append in flight (PostgreSQL), or null when no append holds the lock. */
export async function oldestAppendInFlight(db: Db): Promise<HorizonHolder | null> {
  const [row] = await rawQuery<{ pid: number; application_name: string | null; age: number | string | null }>(
    db,
    `select a.pid, s.application_name, extract(epoch from clock_timestamp() - s.xact_start) as age
     from pg_locks a join pg_stat_activity s on s.pid = a.pid
     where ${APPEND_LOCK_ROW} order by s.xact_start limit 1`,
    [],
  );
  if (!row) return null;
  return { pid: Number(row.pid), applicationName: row.application_name ?? "", ageSeconds: Math.max(0, Number(row.age ?? 0)) };
}

/**
 * Take the append lock for the rest of a transaction that will write something before it
 * appends (ledger_append refuses an append after other writes otherwise: see the proof above).
 */
export async function lockForAppend(tx: Db): Promise<void> {
  await rawQuery(tx, "select ledger_lock_for_append()", []);
}
