"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Table, Td, Th } from "@/components/data-table/table";
import { fetchJson, queryKeys } from "@/components/query-keys";
import { Button } from "@/components/ui/button";
import { Notice } from "@/components/ui/card";
import type { ParkedEvent } from "@/lib/queries/projections";

type Outcome = { applied: number; stillParked?: { position: number; error: string } };
type Action = { action: "retry" | "skip"; event: ParkedEvent };

/**
 * The dead letters: events a projection parked after its retries, and those of the same stream
 * waiting behind them. Admins may Retry (after a fix) or Skip (recorded with their name).
 */
export function ParkedEvents({ canResolve }: { canResolve: boolean }) {
  const queryClient = useQueryClient();
  const parked = useQuery({
    queryKey: queryKeys.parked,
    queryFn: () => fetchJson<ParkedEvent[]>("/api/projections/parked"),
    refetchInterval: 5000,
  });
  const resolve = useMutation({
    mutationFn: ({ action, event }: Action) =>
      fetchJson<Outcome>(`/api/projections/${encodeURIComponent(event.checkpoint)}/parked/${event.position}/${action}`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: "{}",
      }),
    // The parked list shares the projections key's prefix: both refetch.
    onSettled: () => queryClient.invalidateQueries({ queryKey: queryKeys.projections }),
  });
  const rows = parked.data ?? [];
  if (!rows.length && !resolve.data && !resolve.isError) return null;
  return (
    <section className="space-y-2" aria-labelledby="parked-title">
      <h2 id="parked-title" className="text-lg font-semibold">
        Parked events
      </h2>
      {resolve.isError ? <Notice tone="error" role="alert">{resolve.error.message}</Notice> : null}
      {resolve.data ? <ResolveNotice outcome={resolve.data} /> : null}
      {rows.length ? (
        <Table caption="Parked events">
          <thead>
            <tr>
              <Th>Projection</Th>
              <Th className="text-right">Position</Th>
              <Th>Event</Th>
              <Th>State</Th>
              {canResolve ? <Th>Actions</Th> : null}
            </tr>
          </thead>
          <tbody>
            {rows.map((event) => (
              <tr key={`${event.checkpoint}/${event.position}`} className="[&>td]:align-top">
                <Td className="font-mono text-xs">{event.checkpoint}</Td>
                <Td className="text-right font-mono">{event.position}</Td>
                <Td>
                  <span className="block font-mono text-xs">{event.eventType}</span>
                  <span className="block break-all text-xs text-zinc-500 dark:text-zinc-400">{event.streamId}</span>
                </Td>
                <Td>
                  {event.state === "parked" ? (
                    <span className="text-xs text-red-700 dark:text-red-400">
                      parked after {event.failures} attempts: {event.error}
                    </span>
                  ) : (
                    <span className="text-xs text-zinc-500 dark:text-zinc-400">waiting behind its stream&apos;s parked event</span>
                  )}
                </Td>
                {canResolve ? (
                  <Td className="whitespace-nowrap">
                    {event.state === "parked" ? (
                      <span className="flex gap-2">
                        <Button size="sm" variant="secondary" disabled={resolve.isPending} aria-label={`Retry event ${event.position}`}
                          onClick={() => resolve.mutate({ action: "retry", event })}>
                          Retry
                        </Button>
                        <Button size="sm" variant="secondary" disabled={resolve.isPending} aria-label={`Skip event ${event.position}`}
                          onClick={() => resolve.mutate({ action: "skip", event })}>
                          Skip
                        </Button>
                      </span>
                    ) : null}
                  </Td>
                ) : null}
              </tr>
            ))}
          </tbody>
        </Table>
      ) : null}
    </section>
  );
}

function ResolveNotice({ outcome }: { outcome: Outcome }) {
  if (outcome.stillParked) {
    return (
      <Notice tone="warning" role="status">
        Event #{outcome.stillParked.position} failed again: {outcome.stillParked.error}
      </Notice>
    );
  }
  return (
    <Notice tone="success" role="status">
      Applied {outcome.applied} event{outcome.applied === 1 ? "" : "s"}.
    </Notice>
  );
}
