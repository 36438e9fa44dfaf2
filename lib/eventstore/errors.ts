import { LedgerError } from "@/lib/errors";
import type { ExpectedVersion } from "./types";

/**
 * The stream was not at the expected version. Nothing was written. `actualVersion` is 0 when
 * the stream does not exist.
 */
export class VersionConflictError extends LedgerError {
  static override readonly code = "version_conflict";
  static override readonly errorName = "VersionConflictError";
  declare readonly code: "version_conflict";
  constructor(
    readonly streamId: string,
    readonly expectedVersion: ExpectedVersion,
    readonly actualVersion: number,
  ) {
    super(
      `Version conflict on ${streamId}: expected ${String(expectedVersion)}, actual ${actualVersion === 0 ? "no stream" : actualVersion}`,
    );
  }
}

/** The append itself was malformed (bad expected version, unknown type, data failing its schema). */
export class InvalidAppendError extends LedgerError {
  static override readonly code = "invalid_append";
  static override readonly errorName = "InvalidAppendError";
  declare readonly code: "invalid_append";
  constructor(
    message: string,
    readonly issues: { index?: number; type?: string; path?: string; message: string }[] = [],
  ) {
    super(message);
  }
}

/** A follower cursor that this store did not hand out. */
export class InvalidCursorError extends LedgerError {
  static override readonly code = "invalid_cursor";
  static override readonly errorName = "InvalidCursorError";
  declare readonly code: "invalid_cursor";
  constructor(readonly cursor: string) {
    super(`Invalid cursor ${JSON.stringify(cursor)}: pass back a cursor returned by readAll`);
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
