import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import postgres from "postgres";
import type { Database } from "@/db/client";
import { createLedger } from "@/lib/server/ledger";
import type { RawClient } from "./context";

/** Where a bench run writes: a fresh PostgreSQL database (default), an empty one, or PGlite. */
export const ADMIN_URL = process.env.BENCH_ADMIN_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
/** The bench's pool size, for ours and for the peers alike. */
export const BENCH_POOL = 16;
const POOL = BENCH_POOL;

export interface Target {
  database: Database;
  raw: RawClient;
  url?: string;
  describe: string;
  /** Drop or remove what this run created. */
  dispose(keep: boolean): Promise<void>;
}

/** One statement on the server's maintenance database (create or drop a database), on a connection of its own. */
export async function asAdmin(statement: string): Promise<void> {
  const admin = postgres(ADMIN_URL, { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(statement);
  } finally {
    await admin.end({ timeout: 2 });
  }
}

/** A fresh database on the local server (default), or the empty one DATABASE_URL names. */
export async function openPostgres(): Promise<Target> {
  let url = process.env.DATABASE_URL;
  let created: string | undefined;
  if (!url) {
    created = `ledger_bench_${new Date().toISOString().replace(/\D/g, "").slice(0, 14)}_${process.pid}`;
    try {
      await asAdmin(`create database ${created}`);
    } catch (error) {
      throw new Error(`cannot create the bench database on ${redact(ADMIN_URL)} (${(error as Error).message}); set DATABASE_URL or BENCH_ADMIN_URL`);
    }
    const u = new URL(ADMIN_URL);
    u.pathname = `/${created}`;
    url = u.toString();
  }
  const { database } = await createLedger({ url, max: POOL }, { identity: false });
  const sql = postgres(url, { max: POOL, onnotice: () => {} });
  const raw: RawClient = {
    query: async (text, params = []) => [...(await sql.unsafe(text, params as never[], { prepare: true }))] as never,
    close: () => sql.end({ timeout: 5 }),
  };
  return {
    database,
    raw,
    url,
    describe: redact(url),
    async dispose(keep) {
      await raw.close().catch(() => {});
      await database.close().catch(() => {});
      if (!created) return;
      if (keep) {
        console.log(`kept the bench database: ${redact(url!)}`);
        return;
      }
      await asAdmin(`drop database if exists ${created} with (force)`);
    },
  };
}

export async function openPglite(tmpDir: string): Promise<Target> {
  const dataDir = path.join(tmpDir, "pglite");
  const { database } = await createLedger({ dataDir }, { identity: false });
  const client = (database.db as unknown as { $client: PGlite }).$client;
  const raw: RawClient = {
    query: async (text, params = []) => (await client.query(text, params)).rows as never,
    close: async () => {},
  };
  return {
    database,
    raw,
    describe: `PGlite ${dataDir}`,
    async dispose(keep) {
      await database.close().catch(() => {});
      if (keep) console.log(`kept the bench PGlite directory: ${dataDir}`);
    },
  };
}

export const redact = (url: string) => url.replace(/\/\/([^:@/]+)(:[^@/]*)?@/, "//$1@");
