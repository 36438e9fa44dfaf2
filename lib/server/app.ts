import "server-only";
import { connectFromEnv, type Database } from "@/db/client";
import { migrateDatabase } from "@/db/migrate";
import { seedDemo } from "@/db/seed";
import { EventStore } from "@/lib/eventstore";
import { eventRegistry } from "@/lib/eventstore/customer-registry";
import { startProjections, type ProjectionRuntime } from "@/lib/projections/runtime";

/** Everything the server side of the app shares: one database, one store, the projectors. */
export interface App {
  database: Database;
  store: EventStore;
  projections: ProjectionRuntime;
}

const globalForApp = globalThis as unknown as { __ledgerApp?: Promise<App> };

/**
 * The process-wide app, created on first use: connect (PGlite in ./.data/ unless DATABASE_URL),
 * migrate, seed the demo on a fresh embedded database, start the projectors in-process
 * (unless PROJECTIONS=off, e.g. when `npm run worker` processes do the work).
 */
export function getApp(): Promise<App> {
  globalForApp.__ledgerApp ??= createApp().catch((error) => {
    globalForApp.__ledgerApp = undefined;
    throw error;
  });
  return globalForApp.__ledgerApp;
}

async function createApp(): Promise<App> {
  const database = await connectFromEnv();
  await migrateDatabase(database, process.env.DATABASE_URL);
  const store = new EventStore(database.db, eventRegistry);
  const seed = process.env.SEED_DEMO ?? (database.kind === "pglite" ? "1" : "0");
  if (seed === "1") await seedDemo(store);
  const projections = await startProjections(database, store, {
    inProcess: process.env.PROJECTIONS !== "off",
  });
  const shutdown = async () => {
    await projections.stop().catch(() => {});
    await database.close().catch(() => {});
  };
  process.once("SIGTERM", () => void shutdown().finally(() => process.exit(0)));
  process.once("SIGINT", () => void shutdown().finally(() => process.exit(0)));
  console.log(`[ledger] database: ${database.kind} (${database.describe})`);
  return { database, store, projections };
}
