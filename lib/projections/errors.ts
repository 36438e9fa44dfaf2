import { LedgerError } from "@/lib/errors";

/**
 * No projection of that name is registered. Maps to HTTP 404 `not_found`. Matched by name and
 * code (LedgerError): other errors share the `not_found` code.
 */
export class ProjectionNotFoundError extends LedgerError {
  static override readonly code = "not_found";
  static override readonly errorName = "ProjectionNotFoundError";
  declare readonly code: "not_found";
  constructor(readonly projection: string) {
    super(`No projection named ${JSON.stringify(projection)}`);
  }
}

/** The message of an error, unwrapping Drizzle's "Failed query" wrapper to the driver's cause. */
export function describeError(error: unknown): string {
  const outer = error instanceof Error ? error : new Error(String(error));
  const cause = (outer as { cause?: unknown }).cause;
  const message = cause instanceof Error && cause.message ? `${cause.message}` : outer.message;
  return message.length > 2000 ? `${message.slice(0, 2000)}…` : message;
}

/**
 * A failure of something outside the projection and the event (a broker that is down), thrown
 * from `handle`. The runner retries the whole batch after a short back-off, without isolating
 * events one per transaction and without recording an event as failing: no event is at fault.
 */
export class TransientFailure extends Error {
  override readonly name = "TransientFailure";
}

/** postgres.js's and Node's codes for a connection that is gone or cannot be made. */
const LOST_CONNECTION_CODES = new Set([
  "CONNECTION_CLOSED",
  "CONNECTION_DESTROYED",
  "CONNECTION_ENDED",
  "CONNECT_TIMEOUT",
  "ECONNREFUSED",
  "ECONNRESET",
  "EPIPE",
  "ETIMEDOUT",
]);

/**
 * The database connection was lost or the server is going away: SQLSTATE class 08 (connection
 * exception), 57P01–57P03 (admin or crash shutdown, cannot connect now), or a driver or socket
 * code for a closed connection. Looks through Drizzle's "Failed query" wrapper to its cause.
 */
export function isLostConnection(error: unknown): boolean {
  for (let e = error, depth = 0; e && typeof e === "object" && depth < 4; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code !== "string") continue;
    if (LOST_CONNECTION_CODES.has(code) || code.startsWith("08") || /^57P0[123]$/.test(code)) return true;
  }
  return false;
}

/**
 * Nobody's event is at fault: a TransientFailure from `handle` (the broker is down), or the
 * database connection lost under the batch (a restart, a cut link). Such a failure never counts
 * toward parking an event: a few cuts in a row must not park a healthy one.
 */
export const isTransientFailure = (error: unknown): boolean =>
  error instanceof TransientFailure || (error as { name?: unknown } | null)?.name === "TransientFailure" || isLostConnection(error);
