"use client";

import { useEffect, useState } from "react";

/** An event of one stream as `/api/streams/:streamId/events` answers it (the parts a warning needs). */
export interface StreamChange {
  version: number;
  type: string;
  data: unknown;
  timestamp: string;
  metadata: { actor: string };
}

/**
 * The events appended to `streamId` after `sinceVersion`, kept current from the live feed
 * (`/api/live`, SSE): on every append notice the stream's tail is read again. The feed's message
 * is only a hint (a position), so the read decides; an empty tail means nothing changed.
 */
export function useStreamChanges(streamId: string, sinceVersion: number, paused = false): StreamChange[] {
  const [changes, setChanges] = useState<{ since: number; events: StreamChange[] }>({ since: sinceVersion, events: [] });
  useEffect(() => {
    if (paused) return;
    let closed = false;
    let reading = false;
    let again = false;
    const read = async () => {
      if (reading) {
        again = true;
        return;
      }
      reading = true;
      try {
        do {
          again = false;
          const response = await fetch(`/api/streams/${encodeURIComponent(streamId)}/events?fromVersion=${sinceVersion + 1}`, { cache: "no-store" });
          if (!response.ok) return;
          const body = (await response.json()) as { events: StreamChange[] };
          if (!closed) setChanges({ since: sinceVersion, events: body.events.filter((e) => e.version > sinceVersion) });
        } while (again && !closed);
      } catch {
        // Offline for a moment: the next notice (or reconnect's "ready") reads again.
      } finally {
        reading = false;
      }
    };
    const source = new EventSource("/api/live");
    source.addEventListener("ready", () => void read());
    source.addEventListener("events", () => void read());
    return () => {
      closed = true;
      source.close();
    };
  }, [streamId, sinceVersion, paused]);
  // A tail read for an older version still lists the newer events; never show one at or below it.
  return changes.events.filter((e) => e.version > sinceVersion);
}
