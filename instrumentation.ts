/**
 * Start tracing (when OTEL_* asks for it, lib/observability/tracing-sdk.ts), then open the
 * database, migrate, seed and start the projectors when the server starts, not on the first
 * request. If that fails (after the lock's short wait for a holder that is exiting), the process
 * exits non-zero with the message: a server that cannot reach its database must not stay up
 * answering nothing.
 */
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  if (process.env.NEXT_PHASE === "phase-production-build") return;
  const { startTracing } = await import("./lib/observability/tracing-sdk");
  const tracing = await startTracing({ serviceName: "ledger-app" });
  if (tracing) process.once("beforeExit", () => void tracing.shutdown());
  const { getApp } = await import("./lib/server/app");
  try {
    await getApp();
  } catch (error) {
    console.error(`[ledger] cannot start: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
}
