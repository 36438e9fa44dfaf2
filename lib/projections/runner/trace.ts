import type { RecordedEvent } from "@/lib/eventstore";
import { recordSpanIn } from "@/lib/observability/tracing";

/**
 * After a batch committed: one `projection apply` span per applied event that carries a
 * `traceparent` (written by the append when tracing was on), in that event's trace. A batch holds
 * events of many commands, so each trace gets its own span of the batch's work, from `startedAt`
 * (epoch ms) to now. Rebuilds replay old events and add nothing to their traces.
 */
export function traceApplied(projection: string, events: readonly RecordedEvent[], batchSize: number, startedAt: number): void {
  for (const event of events) {
    const traceparent = event.metadata?.traceparent;
    if (!traceparent) continue;
    recordSpanIn(
      traceparent,
      "projection apply",
      {
        "ledger.projection": projection,
        "ledger.stream": event.streamId,
        "ledger.version": event.version,
        "ledger.position": event.position,
        "ledger.event_type": event.type,
        "ledger.batch_size": batchSize,
      },
      startedAt,
    );
  }
}
