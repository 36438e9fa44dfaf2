import type { ExpectedVersion } from "./types";

/**
 * `instanceof` by the error's `code`, not by class identity. Inside Next the app singleton (and
 * so the store that throws) is created from the instrumentation bundle, whose copy of these
 * classes is not the one a route or action bundle imports; plain `instanceof` then misses a
 * conflict and handleCommand answers 500 instead of retrying.
 */
const hasCode = (code: string) => (value: unknown) =>
  value instanceof Error && (value as { code?: unknown }).code === code;

/**
 * The stream was not at the expected version. Nothing was written. `actualVersion` is 0 when
 * the stream does not exist.
 */
export class VersionConflictError extends Error {
  static [Symbol.hasInstance] = hasCode("version_conflict");
  readonly code = "version_conflict" as const;
  constructor(
    readonly streamId: string,
    readonly expectedVersion: ExpectedVersion,
    readonly actualVersion: number,
  ) {
    super(
      `Version conflict on ${streamId}: expected ${String(expectedVersion)}, actual ${actualVersion === 0 ? "no stream" : actualVersion}`,
    );
    this.name = "VersionConflictError";
  }
}

/** The append itself was malformed (bad expected version, unknown type, data failing its schema). */
export class InvalidAppendError extends Error {
  static [Symbol.hasInstance] = hasCode("invalid_append");
  readonly code = "invalid_append" as const;
  constructor(
    message: string,
    readonly issues: { index?: number; type?: string; path?: string; message: string }[] = [],
  ) {
    super(message);
    this.name = "InvalidAppendError";
  }
}

/** Find a driver error (postgres.js or PGlite), possibly wrapped by Drizzle, with a SQLSTATE. */
export function sqlErrorOf(error: unknown): { code: string; message: string; detail?: string } | null {
  let current: unknown = error;
  for (let depth = 0; current && depth < 5; depth++) {
    const candidate = current as { code?: unknown; message?: unknown; detail?: unknown; cause?: unknown };
    if (typeof candidate.code === "string" && /^[0-9A-Z]{5}$/.test(candidate.code)) {
      return {
        code: candidate.code,
        message: String(candidate.message ?? ""),
        detail: typeof candidate.detail === "string" ? candidate.detail : undefined,
      };
    }
    current = candidate.cause;
  }
  return null;
}

/** A follower cursor that this store did not hand out. */
export class InvalidCursorError extends Error {
  static [Symbol.hasInstance] = hasCode("invalid_cursor");
  readonly code = "invalid_cursor" as const;
  constructor(readonly cursor: string) {
    super(`Invalid cursor ${JSON.stringify(cursor)}: pass back a cursor returned by readAll`);
    this.name = "InvalidCursorError";
  }
}
