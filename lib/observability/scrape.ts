import type { Database } from "@/db/client";
import { oldestAppendInFlight } from "@/lib/eventstore";
import type { ProjectionRuntime } from "@/lib/projections/runtime";
import { admission } from "@/lib/commands/admission";
import { metrics } from "./metrics";

/** What a scrape reads besides the counters: the projections, the database, the live hub. */
export interface ScrapeSources {
  projections: Pick<ProjectionRuntime, "status">;
  database: Database;
  /** Connected SSE clients of this process. */
  sseClients: () => number;
}

/**
 * The Prometheus text of this process: counters and histograms as they stand, gauges read now
 * (projection status and the horizon come from the database, so any process reports them all).
 */
export async function scrape(sources: ScrapeSources): Promise<{ body: string; contentType: string }> {
  const m = metrics();
  for (const status of await sources.projections.status()) {
    const labels = { projection: status.name };
    m.projectionPosition.set(labels, status.position);
    m.projectionLag.set(labels, status.lag);
    m.projectionLagSeconds.set(labels, status.lagSeconds);
    m.projectionParked.set(labels, status.parked);
  }
  const holder = sources.database.kind === "postgres" ? await oldestAppendInFlight(sources.database.db) : null;
  m.horizonAgeSeconds.set(holder?.ageSeconds ?? 0);
  m.sseClients.set(sources.sseClients());
  m.commandsInFlight.set(admission().current);
  return { body: await m.registry.metrics(), contentType: m.registry.contentType };
}
