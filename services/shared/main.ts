/** Shared start-up of a service process: numbers from the environment, and a clean stop on signals. */
export function positiveNumber(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const value = Number(env[name] ?? fallback);
  if (!Number.isFinite(value) || value <= 0) {
    console.error(`${name} must be a positive number, got ${JSON.stringify(env[name])}`);
    process.exit(2);
  }
  return value;
}

export function requireNatsUrl(env: NodeJS.ProcessEnv, service: string): string {
  const url = env.NATS_URL;
  if (!url) {
    console.error(`the ${service} service needs NATS_URL (e.g. nats://127.0.0.1:4222): it hears and tells everything through the broker`);
    process.exit(2);
  }
  return url;
}

/** Stop on SIGTERM/SIGINT: finish the messages in flight (unacknowledged ones are redelivered anyway). */
export function stopOnSignals(name: string, stop: () => Promise<void>): void {
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`[${name}] ${signal}: stopping`);
    void stop()
      .catch((error) => console.error(error))
      .finally(() => process.exit(0));
  };
  process.on("SIGTERM", () => shutdown("SIGTERM"));
  process.on("SIGINT", () => shutdown("SIGINT"));
}
