// `npm run worker`: runs the projectors against DATABASE_URL as a separate process. Start any
// number of them (and the app with PROJECTIONS=off): each batch of each projection is applied by
// exactly one of them, under a transaction-scoped advisory lock, so a worker that dies mid-batch
// loses nothing and another one carries on.
//
// Env: DATABASE_URL (required), PROJECTION_BATCH_SIZE (default 500), PROJECTION_POLL_MS
// (default 1000), DATABASE_POOL_SIZE (default 4).
// Test hook: LEDGER_TEST_BATCH_PAUSE_MS holds every batch transaction open that long before it
// commits (so that a test can kill a worker mid-batch).
import os from "node:os";
import { sql } from "drizzle-orm";
import { connectPostgres } from "@/db/client";
import { migrateDatabase } from "@/db/migrate";
import { EventStore } from "@/lib/eventstore";
import { eventRegistry } from "@/lib/eventstore/customer-registry";
import { startProjections } from "@/lib/projections/runtime";

const url = process.env.DATABASE_URL;
if (!url) {
  console.error(
    "npm run worker needs DATABASE_URL (a PostgreSQL URL).\n" +
      "Without it the app uses its embedded PGlite database, which only one process may open: there the app runs the projectors itself.",
  );
  process.exit(2);
}

const positiveInt = (name: string, fallback: number) => {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isInteger(value) || value <= 0) {
    console.error(`${name} must be a positive integer, got ${JSON.stringify(process.env[name])}`);
    process.exit(2);
  }
  return value;
};

const batchSize = positiveInt("PROJECTION_BATCH_SIZE", 500);
const pollMs = positiveInt("PROJECTION_POLL_MS", 1000);
const pauseMs = Number(process.env.LEDGER_TEST_BATCH_PAUSE_MS ?? 0);

const database = await connectPostgres({ url, max: positiveInt("DATABASE_POOL_SIZE", 4) });
await migrateDatabase(database, url);
const store = new EventStore(database.db, eventRegistry);
let applied = 0;
const runtime = await startProjections(database, store, {
  inProcess: true,
  runner: {
    batchSize,
    pollMs,
    onBatch: (batch) => {
      applied += batch.events;
    },
    beforeCommit:
      pauseMs > 0
        ? async (tx) => {
            await tx.execute(sql`select pg_sleep(${pauseMs / 1000}) /* ledger-test-batch-pause */`);
          }
        : undefined,
  },
});
const id = `${os.hostname()}:${process.pid}`;
console.log(`[worker ${id}] following ${runtime.names.join(", ")} on ${database.describe} (batch ${batchSize})`);

const report = setInterval(() => {
  if (applied === 0) return;
  console.log(`[worker ${id}] applied ${applied} events`);
  applied = 0;
}, 10_000);
report.unref();

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  console.log(`[worker ${id}] ${signal}: finishing the batch in flight`);
  clearInterval(report);
  await runtime.stop().catch((error) => console.error(error));
  await database.close().catch(() => {});
  process.exit(0);
}
process.on("SIGTERM", () => void shutdown("SIGTERM"));
process.on("SIGINT", () => void shutdown("SIGINT"));
