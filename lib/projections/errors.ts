/** No projection of that name is registered. Maps to HTTP 404 `not_found`. */
export class ProjectionNotFoundError extends Error {
  readonly code = "not_found" as const;
  constructor(readonly projection: string) {
    super(`No projection named ${JSON.stringify(projection)}`);
    this.name = "ProjectionNotFoundError";
  }
}

/** The message of an error, unwrapping Drizzle's "Failed query" wrapper to the driver's cause. */
export function describeError(error: unknown): string {
  const outer = error instanceof Error ? error : new Error(String(error));
  const cause = (outer as { cause?: unknown }).cause;
  const message = cause instanceof Error && cause.message ? `${cause.message}` : outer.message;
  return message.length > 2000 ? `${message.slice(0, 2000)}…` : message;
}
