import type { EventStore } from "@/lib/eventstore";
import type { VersionConflict } from "./result";

/** How many of the events since the expected version a conflict carries. */
const MAX_EVENTS_SINCE = 50;

/** A version conflict as a value, with the events appended since `expectedVersion`. */
export async function conflictDetails(
  store: EventStore,
  streamId: string,
  expectedVersion: number,
  actualVersion: number,
): Promise<VersionConflict> {
  const eventsSince =
    actualVersion > expectedVersion
      ? await store.readStream(streamId, {
          fromVersion: expectedVersion + 1,
          toVersion: Math.min(actualVersion, expectedVersion + MAX_EVENTS_SINCE),
        })
      : [];
  return {
    code: "version_conflict",
    message:
      actualVersion === 0
        ? `Expected version ${expectedVersion}, but the stream does not exist`
        : `Expected version ${expectedVersion}, but it is now at version ${actualVersion}`,
    expectedVersion,
    actualVersion,
    eventsSince,
  };
}
