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

export const isTransientFailure = (error: unknown): boolean =>
  error instanceof TransientFailure || (error as { name?: unknown } | null)?.name === "TransientFailure";
