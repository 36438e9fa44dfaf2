"use client";

import { useQuery } from "@tanstack/react-query";
import { ActorName } from "@/components/actors/actor-name";
import { Table, Td, Th } from "@/components/data-table/table";
import { LocalTime } from "@/components/local-time";
import { fetchJson, queryKeys } from "@/components/query-keys";
import type { ResolvedParkedEvent } from "@/lib/queries/projections";

/** The record of who retried or skipped which dead letter, newest first (the last 20). */
export function ResolvedParked() {
  const resolved = useQuery({
    queryKey: queryKeys.parkedResolved,
    queryFn: () => fetchJson<ResolvedParkedEvent[]>("/api/projections/parked?resolved=true"),
    refetchInterval: 5000,
  });
  const rows = resolved.data ?? [];
  if (!rows.length) return null;
  return (
    <section className="space-y-2" aria-labelledby="resolved-parked-title">
      <h2 id="resolved-parked-title" className="text-lg font-semibold">
        Recently resolved
      </h2>
      <Table caption="Recently resolved parked events">
        <thead>
          <tr>
            <Th>Projection</Th>
            <Th className="text-right">Position</Th>
            <Th>Event</Th>
            <Th>Resolution</Th>
          </tr>
        </thead>
        <tbody>
          {rows.map((event) => (
            <tr key={`${event.checkpoint}/${event.position}`} className="[&>td]:align-top" data-testid={`resolved-${event.position}`}>
              <Td className="font-mono text-xs">{event.checkpoint}</Td>
              <Td className="text-right font-mono">{event.position}</Td>
              <Td>
                <span className="block font-mono text-xs">{event.eventType}</span>
                <span className="block break-all text-xs text-zinc-500 dark:text-zinc-400">{event.streamId}</span>
              </Td>
              <Td className="text-xs">
                {event.resolution === "skipped" ? "Skipped" : "Retried"} by <ActorName actor={event.resolvedBy} />
                <span className="block text-zinc-500 dark:text-zinc-400">
                  <LocalTime iso={event.resolvedAt} short />
                </span>
              </Td>
            </tr>
          ))}
        </tbody>
      </Table>
    </section>
  );
}
