import { connectPglite, connectPostgres, defaultPgliteDir, sessionSettingsFromEnv, type Database, type PgliteOptions, type PostgresOptions } from "@/db/client";
import { migrateDatabase } from "@/db/migrate";
import { authFor, type LedgerAuth } from "@/lib/auth/auth";
import { ensureFirstAdmin } from "@/lib/auth/bootstrap";
import { userAdmin, type UserAdmin } from "@/lib/auth/users";
import { eventRegistry, ledgerStore } from "@/lib/commands/event-registry";
import { checkStoredVersions, createEventStore, loadMasterKey, type EventStore } from "@/lib/eventstore";
import { projections as registeredProjections } from "@/lib/projections";
import { startProjections, type ProjectionRuntime, type StartOptions } from "@/lib/projections/runtime";
import { projectionsWithTestPoison } from "@/lib/projections/test-poison";
import { publisherOffStatus, startPublisher, type PublisherRuntime } from "@/lib/publisher/runtime";
import { seedDemo } from "./seed";

/** Where the ledger's database is: an open connection, a PostgreSQL URL, or a PGlite directory. */
export type DatabaseSource = Database | PostgresOptions | PgliteOptions;

export interface LedgerOptions {
  /** Apply pending migrations (default true). On PostgreSQL they need the URL: give `url` when passing an open Database. */
  migrate?: boolean;
  url?: string;
  /** Seed the demo customers on an empty log. */
  seed?: boolean;
  /** Better Auth and the first admin (default true). */
  identity?: boolean;
  /** Start the projections (in this process, or only their status when `inProcess: false`); omit for none. */
  projections?: StartOptions;
  /**
   * The master key that wraps each customer's data key (default: LEDGER_MASTER_KEY, else the
   * generated ./.data/master-key). `null`: a store that encrypts nothing (tests, the bare bench).
   */
  masterKey?: Buffer | null;
  /**
   * The broker publisher (SPEC §8): NATS_URL, and whether this process publishes (like the
   * projectors: the app unless PROJECTIONS=off, or `npm run worker`). Omit or null: off, and
   * /projections says so.
   */
  publisher?: { url: string; inProcess: boolean } | null;
}

/** One ledger over one database: what the app, the worker, the CLIs, the demo and the bench share. */
export interface Ledger {
  database: Database;
  store: EventStore;
  projections: ProjectionRuntime | null;
  publisher: PublisherRuntime | null;
  auth: LedgerAuth | null;
  users: UserAdmin | null;
  /** Stop the projections, then close the database. */
  close(): Promise<void>;
}

/** DATABASE_URL (pool DATABASE_POOL_SIZE, default 10; session timeouts from the environment) when set, else the embedded directory (PGLITE_DIR or ./.data/pglite). */
export function databaseSourceFromEnv(env: NodeJS.ProcessEnv = process.env, applicationName = "ledger"): PostgresOptions | PgliteOptions {
  const url = env.DATABASE_URL;
  if (!url) return { dataDir: defaultPgliteDir() };
  return { url, max: Number(env.DATABASE_POOL_SIZE ?? 10), session: sessionSettingsFromEnv(env, applicationName) };
}

const isOpen = (source: DatabaseSource): source is Database => "kind" in source && "db" in source;

/** The pool connectPostgres opens when `max` is not given. */
const DEFAULT_POOL_SIZE = 10;

/**
 * The fewest pool connections a process needs to run `projections` projection lanes (and the
 * publisher, when it publishes from this process): each lane holds a transaction while its batch
 * runs, the event loader reads the next batch ahead on another connection, and one more serves
 * everything else. With fewer, every lane can end up waiting for a connection that only the
 * server's idle-in-transaction timeout frees (a worker with a pool of 3 stalled for 30 s once
 * customer_history made four lanes).
 */
export function minimumPoolSize(projections: number, publisher: boolean): number {
  return projections + (publisher ? 1 : 0) + 2;
}

/**
 * `source` with its pool raised to minimumPoolSize when this ledger runs its projections in this
 * process on PostgreSQL (the app, unless PROJECTIONS=off; `npm run worker`). A pool that is large
 * enough, a PGlite directory (one connection, no pool) and an already open Database (its pool is
 * fixed: the caller sized it) are returned as they are.
 */
export function withPoolFloor(source: DatabaseSource, options: LedgerOptions, log: Pick<Console, "log"> = console): DatabaseSource {
  if (isOpen(source) || !("url" in source) || !options.projections?.inProcess) return source;
  const count = (options.projections.projections ?? registeredProjections).length;
  const needed = minimumPoolSize(count, Boolean(options.publisher?.inProcess));
  const asked = source.max ?? DEFAULT_POOL_SIZE;
  if (asked >= needed) return source;
  log.log(`[ledger] a pool of ${asked} connections is too small to run ${count} projections here: using ${needed}`);
  return { ...source, max: needed };
}

/**
 * The app's ledger (lib/server/app.ts) from its environment: the database of
 * databaseSourceFromEnv, the demo seed on a fresh embedded database (SEED_DEMO), the projectors
 * in-process unless PROJECTIONS=off, and the publisher when NATS_URL is set.
 */
export function appLedgerConfig(env: NodeJS.ProcessEnv = process.env): { source: DatabaseSource; options: LedgerOptions } {
  const seed = (env.SEED_DEMO ?? (env.DATABASE_URL ? "0" : "1")) === "1";
  const inProcess = env.PROJECTIONS !== "off";
  const natsUrl = env.NATS_URL;
  return {
    source: databaseSourceFromEnv(env),
    options: {
      seed,
      // LEDGER_TEST_POISON_FILE: the browser tests' poison hook (test-poison.ts); unset in use.
      projections: { inProcess, projections: projectionsWithTestPoison(env.LEDGER_TEST_POISON_FILE) },
      publisher: natsUrl ? { url: natsUrl, inProcess } : null,
    },
  };
}

/**
 * The one composition root: 1. connect, 2. migrate (and check every stored event version can be
 * upcast), 3. the event store over the customer event registry, encrypting personal fields, 4. the demo seed, 5. identity (Better Auth, first admin), 6. the projections. A PostgreSQL pool is
 * never smaller than the projections run here need (withPoolFloor). A failure
 * on the way closes what was opened (a connection it opened itself) and rethrows.
 */
export async function createLedger(asked: DatabaseSource, options: LedgerOptions = {}): Promise<Ledger> {
  const source = withPoolFloor(asked, options);
  const opened = !isOpen(source);
  const database = isOpen(source) ? source : "url" in source ? await connectPostgres(source) : await connectPglite(source);
  const url = options.url ?? ("url" in source && !isOpen(source) ? source.url : undefined);
  try {
    if (options.migrate !== false) await migrateDatabase(database, url);
    // Fails the start, naming type and version, when a stored event version has no upcaster.
    await checkStoredVersions(database.db, eventRegistry);
    const master = options.masterKey === undefined ? loadMasterKey() : options.masterKey;
    const store = master ? ledgerStore(database.db, master) : createEventStore(database.db, eventRegistry);
    if (options.seed) await seedDemo(store);
    const auth = options.identity === false ? null : authFor(database.db);
    const users = auth ? userAdmin(auth, database.db) : null;
    if (users) await ensureFirstAdmin(users);
    const publisher = options.publisher
      ? startPublisher(database, store, {
          url: options.publisher.url,
          inProcess: database.kind === "pglite" || options.publisher.inProcess,
          eventTypes: Object.keys(eventRegistry),
        })
      : null;
    const alsoReport = async () => [publisher ? await publisher.status() : publisherOffStatus()];
    const projections = options.projections ? await startProjections(database, store, { ...options.projections, alsoReport }) : null;
    return {
      database,
      store,
      projections,
      publisher,
      auth,
      users,
      async close() {
        await projections?.stop().catch(() => {});
        await publisher?.stop().catch(() => {});
        await database.close().catch(() => {});
      },
    };
  } catch (error) {
    if (opened) await database.close().catch(() => {});
    throw error;
  }
}
