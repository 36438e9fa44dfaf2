/** Open the database, migrate, seed and start the projectors when the server starts, not on the first request. */
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  if (process.env.NEXT_PHASE === "phase-production-build") return;
  const { getApp } = await import("./lib/server/app");
  await getApp();
}
