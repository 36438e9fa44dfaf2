import { after, before, describe } from "node:test";
import { PGlite } from "@electric-sql/pglite";
import postgres from "postgres";
import { v7 as uuidv7 } from "uuid";
import { connectPglite, connectPostgres, type Database } from "@/db/client";
import { migrateDatabase } from "@/db/migrate";

/** The PostgreSQL server the tests use; each test file gets its own fresh database on it. */
export const TEST_POSTGRES_URL =
  process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";

let reachable: Promise<boolean> | undefined;

/** Whether the test PostgreSQL answers (checked once per process). */
export function postgresAvailable(): Promise<boolean> {
  reachable ??= (async () => {
    if (process.env.SKIP_POSTGRES_TESTS === "1") return false;
    const probe = postgres(TEST_POSTGRES_URL, { max: 1, connect_timeout: 3, onnotice: () => {} });
    try {
      await probe`select 1`;
      return true;
    } catch {
      return false;
    } finally {
      await probe.end({ timeout: 1 }).catch(() => {});
    }
  })();
  return reachable;
}

export interface TestDatabase {
  database: Database;
  /** Set for PostgreSQL: the URL of this test's own database. */
  url?: string;
  drop(): Promise<void>;
}

/** A fresh PostgreSQL database (created, migrated) on the test server. */
export async function createPostgresTestDatabase(options: { max?: number } = {}): Promise<TestDatabase> {
  const name = `ledger_test_${uuidv7().replace(/-/g, "").slice(-16)}`;
  const admin = postgres(TEST_POSTGRES_URL, { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`create database ${name}`);
  } finally {
    await admin.end({ timeout: 2 });
  }
  const url = new URL(TEST_POSTGRES_URL);
  url.pathname = `/${name}`;
  const database = await connectPostgres({ url: url.toString(), max: options.max ?? 20 });
  await migrateDatabase(database, url.toString());
  return {
    database,
    url: url.toString(),
    async drop() {
      await database.close();
      const dropper = postgres(TEST_POSTGRES_URL, { max: 1, onnotice: () => {} });
      try {
        await dropper.unsafe(`drop database if exists ${name} with (force)`);
      } finally {
        await dropper.end({ timeout: 2 });
      }
    },
  };
}

let template: Promise<Blob> | undefined;

/** A fresh in-memory PGlite, loaded from a migrated template (migrating once per process). */
export async function createPgliteTestDatabase(): Promise<TestDatabase> {
  template ??= (async () => {
    const seed = await connectPglite({ dataDir: "memory://" });
    await migrateDatabase(seed);
    const client = (seed.db as unknown as { $client: PGlite }).$client;
    const dump = await client.dumpDataDir("none");
    await seed.close();
    return dump;
  })();
  const database = await connectPglite({ dataDir: "memory://", loadDataDir: await template });
  return { database, drop: () => database.close() };
}

export type DatabaseKind = Database["kind"];

/**
 * Define the same suite for PGlite and for PostgreSQL. The PostgreSQL half is skipped, with a
 * loud warning, when the test server is unreachable.
 */
export async function describeEachDatabase(
  title: string,
  suite: (kind: DatabaseKind, create: () => Promise<TestDatabase>) => void,
): Promise<void> {
  describe(`${title} [pglite]`, () => suite("pglite", createPgliteTestDatabase));
  const pgUp = await postgresAvailable();
  if (!pgUp) warnSkipped(title);
  describe(
    `${title} [postgres]`,
    { skip: pgUp ? false : `PostgreSQL not reachable at ${redact(TEST_POSTGRES_URL)} (set TEST_DATABASE_URL)` },
    () => suite("postgres", () => createPostgresTestDatabase()),
  );
}

/** Inside a suite: one database for all its tests, made before the first and dropped after the last. */
export function suiteDb(create: () => Promise<TestDatabase>): () => Database["db"] {
  let t: TestDatabase | undefined;
  before(async () => {
    t = await create();
  });
  after(() => t?.drop());
  return () => {
    if (!t) throw new Error("the suite's database is made in before(): use it inside a test");
    return t.database.db;
  };
}

/** Define a suite that needs real PostgreSQL (concurrency); skipped loudly without it. */
export async function describePostgres(title: string, suite: () => void): Promise<void> {
  const pgUp = await postgresAvailable();
  if (!pgUp) warnSkipped(title);
  describe(
    `${title} [postgres]`,
    { skip: pgUp ? false : `PostgreSQL not reachable at ${redact(TEST_POSTGRES_URL)} (set TEST_DATABASE_URL)` },
    suite,
  );
}

function warnSkipped(title: string) {
  console.warn(
    `\n!!! SKIPPED on PostgreSQL: "${title}" — no server at ${redact(TEST_POSTGRES_URL)}. ` +
      `Start PostgreSQL or set TEST_DATABASE_URL to run the PostgreSQL half.\n`,
  );
}

const redact = (url: string) => url.replace(/\/\/([^:@/]+)(:[^@/]*)?@/, "//$1@");
