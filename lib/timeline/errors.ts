import { LedgerError } from "@/lib/errors";

/** The stream does not exist (or is not a customer stream, for state views). */
export class StreamNotFoundError extends LedgerError {
  static override readonly code = "not_found";
  static override readonly errorName = "StreamNotFoundError";
  declare readonly code: "not_found";
  constructor(readonly streamId: string) {
    super(`No stream ${JSON.stringify(streamId)}`);
  }
}

/** A version outside 1…currentVersion was asked for. */
export class VersionOutOfRangeError extends LedgerError {
  static override readonly code = "version_out_of_range";
  static override readonly errorName = "VersionOutOfRangeError";
  declare readonly code: "version_out_of_range";
  constructor(
    readonly streamId: string,
    readonly version: number,
    readonly currentVersion: number,
  ) {
    super(`Version ${version} is out of range: ${streamId} has versions 1–${currentVersion}`);
  }
}
