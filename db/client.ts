import fs from "node:fs";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { drizzle as drizzlePostgres } from "drizzle-orm/postgres-js";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import { sql, type SQL } from "drizzle-orm";
import postgres from "postgres";
import * as schema from "./schema";
import { acquireDirectoryLock } from "./dir-lock";

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
  /** Where the data lives, for logs ("memory://", a directory, or a redacted URL). */
  describe: string;
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

/** Whether a Drizzle handle runs on PostgreSQL through postgres.js (not PGlite, not a transaction). */
export function isPostgresDb(db: Db): boolean {
  const client = (db as unknown as { $client?: RawClient }).$client;
  return Boolean(client && "unsafe" in client);
}

export interface PostgresOptions {
  url: string;
  max?: number;
}

export async function connectPostgres({ url, max = 10 }: PostgresOptions): Promise<Database> {
  const sqlClient = postgres(url, {
    max,
    onnotice: () => {},
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
}

export async function connectPglite({ dataDir, loadDataDir }: PgliteOptions): Promise<Database> {
  let release: (() => void) | undefined;
  if (!dataDir.startsWith("memory://")) {
    fs.mkdirSync(path.dirname(path.resolve(dataDir)), { recursive: true });
    release = acquireDirectoryLock(dataDir);
  }
  let client: PGlite;
  try {
    client = await PGlite.create(dataDir, { loadDataDir });
  } catch (error) {
    release?.();
    throw error;
  }
  const db = drizzlePglite(client, { schema }) as unknown as Db;
  return {
    kind: "pglite",
    db,
    describe: dataDir,
    async listen(channel, onPayload) {
      return client.listen(channel, onPayload);
    },
    async close() {
      try {
        await client.close();
      } finally {
        release?.();
      }
    },
  };
}

/** The default PGlite directory of the app when no DATABASE_URL is set. */
export const defaultPgliteDir = () => process.env.PGLITE_DIR ?? path.join(process.cwd(), ".data", "pglite");

/** Connect as the environment says: DATABASE_URL → PostgreSQL, else PGlite in ./.data/. */
export async function connectFromEnv(env: NodeJS.ProcessEnv = process.env): Promise<Database> {
  const url = env.DATABASE_URL;
  if (url) return connectPostgres({ url, max: Number(env.DATABASE_POOL_SIZE ?? 10) });
  return connectPglite({ dataDir: defaultPgliteDir() });
}
