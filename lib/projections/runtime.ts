import type { Database } from "@/db/client";
import type { EventStore } from "@/lib/eventstore";

/**
 * The projectors of this process. Placeholder until the projection runner lands (issue 3):
 * it runs nothing yet, and says so in its status.
 */
export interface ProjectionRuntime {
  stop(): Promise<void>;
  /** Wait (bounded) until every projection has applied the event at `position`. */
  waitFor(position: number, timeoutMs?: number): Promise<boolean>;
}

export async function startProjections(
  _database: Database,
  _store: EventStore,
  _options: { inProcess: boolean },
): Promise<ProjectionRuntime> {
  return { stop: async () => {}, waitFor: async () => false };
}
