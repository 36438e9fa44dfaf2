import "server-only";
import type { Database } from "@/db/client";
import type { LedgerAuth } from "@/lib/auth/auth";
import type { UserAdmin } from "@/lib/auth/users";
import type { EventStore } from "@/lib/eventstore";
import type { ProjectionRuntime } from "@/lib/projections/runtime";
import type { PublisherRuntime } from "@/lib/publisher/runtime";
import { appLedgerConfig, createLedger } from "./ledger";

/** Everything the server side of the app shares: one database, one store, the projectors. */
export interface App {
  database: Database;
  store: EventStore;
  projections: ProjectionRuntime;
  /** The NATS publisher (null without NATS_URL). */
  publisher: PublisherRuntime | null;
  /** Better Auth over this database, and user and key management on it. */
  auth: LedgerAuth;
  users: UserAdmin;
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
  const { source, options } = appLedgerConfig();
  const ledger = await createLedger(source, options);
  const { database, store } = ledger;
  const projections = ledger.projections!;
  const auth = ledger.auth!;
  const users = ledger.users!;
  const shutdown = () => ledger.close();
  process.once("SIGTERM", () => void shutdown().finally(() => process.exit(0)));
  process.once("SIGINT", () => void shutdown().finally(() => process.exit(0)));
  console.log(`[ledger] database: ${database.kind} (${database.describe})`);
  return { database, store, projections, publisher: ledger.publisher, auth, users };
}
