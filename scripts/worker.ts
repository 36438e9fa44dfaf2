// `npm run worker`: runs the projectors against DATABASE_URL as a separate process. Start any
// number of them (and the app with PROJECTIONS=off): each batch of each projection is applied by
// exactly one of them, under a transaction-scoped advisory lock, so a worker that dies mid-batch
// loses nothing and another one carries on.
//
// Env: DATABASE_URL (required), PROJECTION_BATCH_SIZE (events per transaction; default 500 while
// following the log and 10,000 while catching up; when set, that many throughout), PROJECTION_POLL_MS
// (default 1000), DATABASE_POOL_SIZE (default 4; never fewer than projections + 2, see
// minimumPoolSize in lib/server/ledger.ts), NATS_URL (when set, the worker also publishes
// the log to NATS JetStream: SPEC §8; one publisher at a time is active, like a projection).
// Tracing: the standard OTEL_* variables, off unless OTEL_EXPORTER_OTLP_ENDPOINT or
// OTEL_TRACES_EXPORTER is set (lib/observability/tracing-sdk.ts).
// Test hook: LEDGER_TEST_BATCH_PAUSE_MS holds every batch transaction open that long before it
// commits (so that a test can kill a worker mid-batch).
import os from "node:os";
import { sql } from "drizzle-orm";
import { sessionSettingsFromEnv } from "@/db/client";
import { startTracing } from "@/lib/observability/tracing-sdk";
import { createLedger } from "@/lib/server/ledger";

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

const batchSize = process.env.PROJECTION_BATCH_SIZE ? positiveInt("PROJECTION_BATCH_SIZE", 500) : undefined;
const pollMs = positiveInt("PROJECTION_POLL_MS", 1000);
const pauseMs = Number(process.env.LEDGER_TEST_BATCH_PAUSE_MS ?? 0);

/**
 * Errors that say "not now" rather than "never": the server is starting or shutting down, has no
 * connection slot free (53300, max_connections reached), or cannot be reached yet. A worker
 * started in such a moment waits for the database instead of dying; once running, the runner
 * itself retries (with back-off) whatever fails.
 */
const TRANSIENT = new Set([
  ...["53300", "57P01", "57P02", "57P03", "08000", "08001", "08003", "08004", "08006"],
  ...["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EAI_AGAIN", "CONNECT_TIMEOUT", "CONNECTION_CLOSED", "CONNECTION_ENDED"],
]);
function isTransient(error: unknown): boolean {
  // Drizzle wraps driver errors ("Failed query …", with the driver's error as `cause`).
  for (let e = error as { code?: unknown; cause?: unknown } | null, depth = 0; e && depth < 5; depth++) {
    if (typeof e.code === "string" && TRANSIENT.has(e.code)) return true;
    e = e.cause as typeof e;
  }
  return false;
}

/** Connect, migrate and start, retrying transient failures with back-off (up to ~1 s apart). */
async function startUp() {
  for (let attempt = 1; ; attempt++) {
    try {
      const ledger = await createLedger(
        // DATABASE_POOL_SIZE, raised by createLedger to what the projections need (minimumPoolSize).
        { url: url!, max: positiveInt("DATABASE_POOL_SIZE", 4), session: sessionSettingsFromEnv(process.env, "ledger-worker") },
        {
          identity: false,
          publisher: process.env.NATS_URL ? { url: process.env.NATS_URL, inProcess: true } : null,
          projections: {
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
          },
        },
      );
      return { database: ledger.database, runtime: ledger.projections! };
    } catch (error) {
      if (!isTransient(error)) throw error;
      const delay = Math.min(1000, 50 * 2 ** Math.min(attempt, 5));
      console.warn(`[worker] database not available (${error instanceof Error ? error.message : String(error)}); retrying in ${delay} ms`);
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}

const tracing = await startTracing({ serviceName: "ledger-worker" });
let applied = 0;
// A signal during start-up ends the process at once (nothing is running yet).
const early = () => process.exit(0);
process.once("SIGTERM", early);
process.once("SIGINT", early);
const { database, runtime } = await startUp();
process.off("SIGTERM", early);
process.off("SIGINT", early);
const id = `${os.hostname()}:${process.pid}`;
console.log(`[worker ${id}] following ${runtime.names.join(", ")} on ${database.describe} (${batchSize ? `batch ${batchSize}` : "default batches"})`);

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
  await tracing?.shutdown().catch(() => {});
  process.exit(0);
}
process.on("SIGTERM", () => void shutdown("SIGTERM"));
process.on("SIGINT", () => void shutdown("SIGINT"));
