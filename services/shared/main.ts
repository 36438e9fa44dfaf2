import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";

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

/**
 * The token a service's HTTP API asks every caller for: SERVICE_TOKEN (at least 24 characters),
 * else the one in `file`, made on first start (32 random bytes, readable by its owner only) and
 * shared by the services of one checkout. Its path, never its value, goes to the log.
 */
export function loadServiceToken(env: NodeJS.ProcessEnv, file: string, service: string): string {
  const given = env.SERVICE_TOKEN;
  if (given !== undefined) {
    if (given.length < 24) {
      console.error("SERVICE_TOKEN must be at least 24 characters (e.g. openssl rand -base64 32)");
      process.exit(2);
    }
    return given;
  }
  if (!fs.existsSync(file)) {
    // Written whole beside it, then linked into place: a service starting at the same moment
    // either makes it first or reads a complete one, never an empty file.
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const draft = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(draft, randomBytes(32).toString("base64url"), { mode: 0o600 });
    try {
      fs.linkSync(draft, file);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error; // the other service made it first
    } finally {
      fs.rmSync(draft, { force: true });
    }
  }
  console.log(`[${service}] its API answers callers with the token in ${file} (Authorization: Bearer <token>)`);
  return fs.readFileSync(file, "utf8").trim();
}
