import { sql } from "drizzle-orm";
import { connectPglite, connectPostgres, type Database } from "@/db/client";
import { migrateDatabase } from "@/db/migrate";

/** Where a service keeps its data: its own PostgreSQL database, or its own PGlite directory. */
export type ServiceDatabaseSource = { url: string } | { dataDir: string };

/** Every service's table of handled messages: a redelivery finds its id here and changes nothing. */
const PROCESSED_MESSAGES = `create table if not exists service_processed_messages (
  consumer text not null,
  message_id text not null,
  processed_at timestamptz not null default now(),
  primary key (consumer, message_id)
)`;

/**
 * Open a service's own database: the event store's tables (this repo's migrations: the store is
 * the same library), then the service's own tables (`schema`, idempotent DDL). A service never
 * opens another's database; what it knows of the others comes from the broker.
 */
export async function openServiceDatabase(source: ServiceDatabaseSource, name: string, schema: readonly string[]): Promise<Database> {
  const database =
    "url" in source
      ? await connectPostgres({ url: source.url, max: 10, session: { applicationName: name, statementTimeoutMs: 60_000, idleInTransactionTimeoutMs: 30_000 } })
      : await connectPglite({ dataDir: source.dataDir });
  try {
    await migrateDatabase(database, "url" in source ? source.url : undefined);
    for (const statement of [PROCESSED_MESSAGES, ...schema]) await database.db.execute(sql.raw(statement));
    return database;
  } catch (error) {
    await database.close().catch(() => {});
    throw error;
  }
}

/** A service's database source from its environment: `<PREFIX>_DATABASE_URL`, else `<PREFIX>_DATA_DIR` (PGlite). */
export function serviceDatabaseFromEnv(prefix: string, fallbackDir: string, env: NodeJS.ProcessEnv = process.env): ServiceDatabaseSource {
  const url = env[`${prefix}_DATABASE_URL`];
  return url ? { url } : { dataDir: env[`${prefix}_DATA_DIR`] ?? fallbackDir };
}
