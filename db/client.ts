import fs from "node:fs";
import path from "node:path";
import type { PGlite } from "@electric-sql/pglite";
import { drizzle as drizzlePostgres } from "drizzle-orm/postgres-js";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import { sql, type SQL } from "drizzle-orm";
import postgres from "postgres";
import * as schema from "./schema";
import { acquireEmbeddedLock, DEFAULT_LOCK_WAIT_MS, type EmbeddedLock } from "./embedded-lock";
import { serveBackupRequests } from "./embedded-backup";

/** The Drizzle database, whichever driver is underneath. Everything above db/ uses this type. */
export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;

/**
 * A connected database: the Drizzle handle plus the few things Drizzle does not abstract
 * (notifications, closing). PGlite and PostgreSQL differ only inside this object.
 */
export interface Database {
  kind: "pglite" | "postgres";
  db: Db;
  /** Subscribe to a NOTIFY channel. Returns an unsubscribe function. */
  listen(channel: string, onPayload: (payload: string) => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
  /** PostgreSQL: a connection of its own, for session state such as session advisory locks. */
  dedicatedSession?(): DedicatedSession;
  /** Where the data lives, for logs ("memory://", a directory, or a redacted URL). */
  describe: string;
}

/**
 * One connection outside the pool. After a loss (a restart, a cut, a timeout) the next statement
 * opens a new session, without whatever the old one held: `onLost` says when to take it again.
 * Not a reserved pool connection: postgres.js crashes the process on a query sent to a reserved
 * connection whose session has ended (TypeError on a null socket).
 */
export interface DedicatedSession {
  unsafe(text: string, params?: unknown[]): Promise<unknown>;
  onLost(listener: () => void): void;
  end(): Promise<void>;
}

/** Rows of a raw `db.execute()` result: postgres.js returns an array, PGlite `{ rows }`. */
export function rowsOf<T = Record<string, unknown>>(result: unknown): T[] {
  if (Array.isArray(result)) return result as T[];
  const rows = (result as { rows?: unknown[] } | null)?.rows;
  return (rows ?? []) as T[];
}

/** Run raw SQL and return its rows, typed by the caller. */
export async function query<T = Record<string, unknown>>(db: Db, statement: SQL): Promise<T[]> {
  return rowsOf<T>(await db.execute(statement));
}

type RawClient =
  | { unsafe(text: string, params: unknown[], options: { prepare: boolean }): Promise<unknown> }
  | { query(text: string, params: unknown[]): Promise<unknown> };

/**
 * Run a hot statement with positional parameters (`$1`…) straight on the driver, skipping Drizzle's
 * query building. postgres.js prepares it once per connection unless `prepare: false` (for
 * statements whose best plan depends on the values, such as a search term); PGlite runs it as an
 * extended-protocol query. Only for statements on the write, load and list paths that run
 * thousands of times a second; everything else goes through Drizzle. Inside a Drizzle transaction
 * (no `$client`), it falls back to `db.execute`, which runs on the transaction.
 */
export async function rawQuery<T = Record<string, unknown>>(
  db: Db,
  text: string,
  params: unknown[],
  { prepare = true }: { prepare?: boolean } = {},
): Promise<T[]> {
  const client = (db as unknown as { $client?: RawClient }).$client;
  if (client && "unsafe" in client) return rowsOf<T>(await client.unsafe(text, params as never[], { prepare }));
  if (client && "query" in client) return rowsOf<T>(await client.query(text, params));
  const parts = text.split(/\$(\d+)/);
  const chunks: SQL[] = [];
  parts.forEach((part, i) => chunks.push(i % 2 === 0 ? sql.raw(part) : sql`${params[Number(part) - 1]}`));
  return query<T>(db, sql.join(chunks));
}

/**
 * The driver's own handle under a Drizzle handle: the pool or PGlite for a database, the driver's
 * transaction (or savepoint) for a Drizzle transaction. For what Drizzle does not offer (COPY).
 */
export function driverClientOf(db: Db): unknown {
  const holder = db as unknown as { $client?: unknown; session?: { client?: unknown } };
  return holder.$client ?? holder.session?.client;
}

/** Whether a handle, or a transaction on one, runs on PostgreSQL through postgres.js (not PGlite). */
export function onPostgres(db: Db): boolean {
  const client = driverClientOf(db) as RawClient | undefined;
  return Boolean(client && "unsafe" in client);
}

/** Whether a Drizzle handle runs on PostgreSQL through postgres.js (not PGlite, not a transaction). */
export function isPostgresDb(db: Db): boolean {
  const client = (db as unknown as { $client?: RawClient }).$client;
  return Boolean(client && "unsafe" in client);
}

/**
 * How many statements a handle can run at once: the pool's size for a postgres.js handle, 1 for
 * PGlite (one session) and for a transaction.
 */
export function concurrencyOf(db: Db): number {
  const client = (db as unknown as { $client?: RawClient & { options?: { max?: number } } }).$client;
  return client && "unsafe" in client ? Math.max(1, Number(client.options?.max ?? 1)) : 1;
}

export interface PostgresOptions {
  url: string;
  max?: number;
  /** Session settings of every connection (see sessionSettingsFromEnv). */
  session?: SessionSettings;
}

/** What each app connection sets at connect: its name in pg_stat_activity and its time limits. */
export interface SessionSettings {
  applicationName?: string;
  /** Milliseconds a statement may run (0: no limit). */
  statementTimeoutMs?: number;
  /** Milliseconds a transaction may sit idle before the server ends the session (0: no limit). */
  idleInTransactionTimeoutMs?: number;
}

/**
 * The session settings from the environment: DATABASE_APPLICATION_NAME (default "ledger"),
 * DATABASE_STATEMENT_TIMEOUT_MS (default 60000) and DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS
 * (default 30000). A transaction left open holds the follower horizon if it appended, and locks
 * in any case: the server ends it rather than let one stuck request stall every projection.
 */
export function sessionSettingsFromEnv(env: NodeJS.ProcessEnv = process.env, applicationName = "ledger"): SessionSettings {
  const ms = (name: string, fallback: number) => {
    const value = Number(env[name] ?? fallback);
    if (!Number.isInteger(value) || value < 0) throw new Error(`${name} must be a whole number of milliseconds`);
    return value;
  };
  return {
    applicationName: env.DATABASE_APPLICATION_NAME ?? applicationName,
    statementTimeoutMs: ms("DATABASE_STATEMENT_TIMEOUT_MS", 60_000),
    idleInTransactionTimeoutMs: ms("DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS", 30_000),
  };
}

function connectionParameters(session: SessionSettings | undefined): Record<string, string> {
  const parameters: Record<string, string> = {};
  if (session?.applicationName) parameters.application_name = session.applicationName;
  if (session?.statementTimeoutMs !== undefined) parameters.statement_timeout = String(session.statementTimeoutMs);
  if (session?.idleInTransactionTimeoutMs !== undefined) {
    parameters.idle_in_transaction_session_timeout = String(session.idleInTransactionTimeoutMs);
  }
  return parameters;
}

/**
 * Seconds before a lost connection (pool, listener, dedicated session) tries again, after
 * `retries` failed tries in a row: 50 ms doubling up to RECONNECT_MAX_SECONDS, with jitter.
 * postgres.js's own back-off grows to 20 s (3^n / 100 s): after a restart whose shutdown and
 * start refused a dozen tries, the pool stayed away for up to 20 s after the server was back, and
 * with it the projectors, their presence and status (found by scripts/pg-restart.pg.test.ts).
 * One try per second per connection while the server is away costs it nothing.
 */
export const RECONNECT_MAX_SECONDS = 1;
export const reconnectBackoff = (retries: number) =>
  (0.5 + Math.random() / 2) * Math.min(0.05 * 2 ** Math.max(0, retries - 1), RECONNECT_MAX_SECONDS);

export async function connectPostgres({ url, max = 10, session }: PostgresOptions): Promise<Database> {
  const sqlClient = postgres(url, {
    max,
    onnotice: () => {},
    backoff: reconnectBackoff,
    connection: connectionParameters(session),
    // int8 as a JS number, as PGlite returns it: positions and versions stay far below 2^53.
    types: {
      int8: { to: 20, from: [20], serialize: (x: number) => String(x), parse: (x: string) => Number(x) },
    },
  });
  const db = drizzlePostgres(sqlClient, { schema }) as unknown as Db;
  const redacted = url.replace(/\/\/([^:@/]+)(:[^@/]*)?@/, "//$1@");
  return {
    kind: "postgres",
    db,
    describe: redacted,
    dedicatedSession() {
      const lost = new Set<() => void>();
      const client = postgres(url, {
        max: 1,
        onnotice: () => {},
        backoff: reconnectBackoff,
        connection: connectionParameters(session),
        onclose: () => lost.forEach((listener) => listener()),
      });
      return {
        unsafe: (text, params = []) => client.unsafe(text, params as never[]) as unknown as Promise<unknown>,
        onLost: (listener) => void lost.add(listener),
        end: async () => {
          lost.clear();
          await client.end({ timeout: 2 });
        },
      };
    },
    async listen(channel, onPayload) {
      const sub = await sqlClient.listen(channel, onPayload);
      return async () => {
        await sub.unlisten();
      };
    },
    async close() {
      await sqlClient.end({ timeout: 5 });
    },
  };
}

export interface PgliteOptions {
  /** A directory, or "memory://" for a throwaway database. */
  dataDir: string;
  /** Load a prepared data directory (a tarball from `dumpDataDir`) instead of starting empty. */
  loadDataDir?: Blob | File;
  /** How long to wait for the directory's lock (ms); default PGLITE_LOCK_WAIT_MS or 5 s. */
  lockWaitMs?: number;
  /** Durable commits (see pgliteStartParams); default PGLITE_DURABLE=1. */
  durable?: boolean;
}

/**
 * PGlite's start parameters. By default PGlite runs with `-F` (fsync off), and its Node file
 * system implements no fsync at all: a commit's WAL reaches the kernel (so it survives a process
 * crash) but not necessarily the disk. `durable` drops `-F` and writes the WAL with O_DSYNC
 * (`wal_sync_method=open_datasync`, which PGlite passes on to Node as O_SYNC), so a commit returns
 * only once its WAL is on disk. Checkpoints' data-file flushes stay no-ops (README, Durability).
 */
export function pgliteStartParams(durable: boolean, defaults: readonly string[]): string[] | undefined {
  if (!durable) return undefined;
  return [...defaults.filter((p) => p !== "-F"), "-c", "wal_sync_method=open_datasync"];
}

export async function connectPglite({ dataDir, loadDataDir, lockWaitMs, durable }: PgliteOptions): Promise<Database> {
  // Loaded only here: a process on PostgreSQL never holds PGlite (about 16 MB resident).
  const [{ PGlite }, { drizzle: drizzlePglite }] = await Promise.all([import("@electric-sql/pglite"), import("drizzle-orm/pglite")]);
  let lock: EmbeddedLock | undefined;
  if (!dataDir.startsWith("memory://")) {
    fs.mkdirSync(path.dirname(path.resolve(dataDir)), { recursive: true });
    lock = await acquireEmbeddedLock(dataDir, {
      waitMs: lockWaitMs ?? Number(process.env.PGLITE_LOCK_WAIT_MS ?? DEFAULT_LOCK_WAIT_MS),
    });
  }
  let client: PGlite;
  try {
    const startParams = pgliteStartParams(durable ?? process.env.PGLITE_DURABLE === "1", PGlite.defaultStartParams);
    client = await PGlite.create(dataDir, { loadDataDir, ...(startParams ? { startParams } : {}) });
  } catch (error) {
    await lock?.release();
    throw error;
  }
  const stopBackups = lock ? serveBackupRequests(dataDir, () => client.dumpDataDir("gzip")) : undefined;
  const db = drizzlePglite(client, { schema }) as unknown as Db;
  return {
    kind: "pglite",
    db,
    describe: dataDir,
    async listen(channel, onPayload) {
      return client.listen(channel, onPayload);
    },
    async close() {
      stopBackups?.();
      try {
        await client.close();
      } finally {
        await lock?.release();
      }
    },
  };
}

/** The default PGlite directory of the app when no DATABASE_URL is set. */
export const defaultPgliteDir = () => process.env.PGLITE_DIR ?? path.join(process.cwd(), ".data", "pglite");

/** Connect as the environment says: DATABASE_URL → PostgreSQL, else PGlite in ./.data/. */
export async function connectFromEnv(env: NodeJS.ProcessEnv = process.env): Promise<Database> {
  const url = env.DATABASE_URL;
  if (url) return connectPostgres({ url, max: Number(env.DATABASE_POOL_SIZE ?? 10), session: sessionSettingsFromEnv(env) });
  return connectPglite({ dataDir: defaultPgliteDir() });
}
