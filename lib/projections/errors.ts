/**
 * No projection of that name is registered. Maps to HTTP 404 `not_found`.
 *
 * `instanceof` by code and name, not by class identity, as the store's errors do
 * (lib/eventstore/errors.ts): inside Next the app singleton's runtime comes from the
 * instrumentation bundle, whose copy of this class is not the one a route imports. The name is
 * part of the test because other errors share the `not_found` code.
 */
export class ProjectionNotFoundError extends Error {
  static [Symbol.hasInstance] = (value: unknown) =>
    value instanceof Error &&
    (value as { code?: unknown }).code === "not_found" &&
    value.name === "ProjectionNotFoundError";
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
