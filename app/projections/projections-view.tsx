"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useRef, useState } from "react";
import { LiveToggle, useLiveInvalidation, useLivePaused } from "@/components/live/live";
import { DriftReport, useDriftCheck } from "@/components/projections/drift-check";
import { ParkedEvents } from "@/components/projections/parked-events";
import { ProjectionTable } from "@/components/projections/projection-table";
import { ResolvedParked } from "@/components/projections/resolved-parked";
import { useProjections } from "@/components/projections/use-projections";
import { useRebuildSightings } from "@/components/projections/use-rebuild-sightings";
import { queryKeys } from "@/components/query-keys";
import { Button } from "@/components/ui/button";
import { Notice, Skeleton } from "@/components/ui/card";

/** Status of every projector, and (for admins) "Rebuild" with progress, "Verify" (drift check, Repair), and Retry / Skip of parked events. */
export function ProjectionsView({ isAdmin }: { isAdmin: boolean }) {
  const [paused, setPaused] = useLivePaused();
  const live = useLiveInvalidation(
    [queryKeys.projections, ...["customer_list", "customer_search", "city_totals", "customer_history", "activity_by_day"].map((projection) => ({ key: queryKeys.projections, projection }))],
    paused,
  );
  const projections = useProjections();
  const { sightings, requested } = useRebuildSightings(projections.data, projections.dataUpdatedAt);
  const queryClient = useQueryClient();
  const [confirming, setConfirming] = useState<string | null>(null);
  const dialog = useRef<HTMLDialogElement>(null);
  const drift = useDriftCheck();
  const rebuild = useMutation({
    mutationFn: async (name: string) => {
      const askedAt = Date.now();
      const response = await fetch(`/api/projections/${encodeURIComponent(name)}/rebuild`, {
        method: "POST",
        // Cookie-authenticated writes must be JSON (SPEC §7, the CSRF rule).
        headers: { "content-type": "application/json" },
        body: "{}",
      });
      if (response.status !== 202) {
        const body = (await response.json().catch(() => null)) as { error?: { message?: string } } | null;
        throw new Error(body?.error?.message ?? `Rebuild failed (${response.status})`);
      }
      // The 202 comes once the rebuild is recorded, so the next poll shows it running or done.
      requested(name, askedAt);
    },
    onSettled: () => queryClient.invalidateQueries({ queryKey: queryKeys.projections }),
  });
  const ask = (name: string) => {
    setConfirming(name);
    dialog.current?.showModal();
  };

  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <h1 className="text-2xl font-semibold tracking-tight">Projections</h1>
        <LiveToggle state={live} paused={paused} onChange={setPaused} />
      </div>
      <p className="max-w-3xl text-sm text-zinc-600 dark:text-zinc-400">
        Each projector follows the event log and keeps a read table. A rebuild replays the whole log into fresh tables beside
        the live ones and swaps them in when it has caught up; the list keeps working meanwhile.
      </p>
      {rebuild.isError ? (
        <Notice tone="error" role="alert">
          {rebuild.error.message}
        </Notice>
      ) : null}
      {projections.isError ? (
        <Notice tone="error" role="alert">
          Could not load projection status: {projections.error.message}
        </Notice>
      ) : !projections.data ? (
        <Skeleton className="h-40 w-full" />
      ) : projections.data.length === 0 ? (
        <p>No projections are registered.</p>
      ) : (
        <ProjectionTable
          projections={projections.data}
          sightings={sightings}
          now={projections.dataUpdatedAt}
          action={isAdmin ? (p) => p.kind === "publisher" ? null : (
            <span className="flex flex-wrap gap-2">
              <Button
                variant="secondary"
                size="sm"
                className="w-28"
                disabled={p.status === "rebuilding" || (rebuild.isPending && rebuild.variables === p.name)}
                onClick={() => ask(p.name)}
                aria-label={`Rebuild ${p.name}`}
              >
                {p.status === "rebuilding" ? "Rebuilding…" : "Rebuild"}
              </Button>
              <Button
                variant="secondary"
                size="sm"
                disabled={drift.isPending}
                onClick={() => drift.mutate({ name: p.name, kind: "verify" })}
                aria-label={`Verify ${p.name}`}
              >
                Verify
              </Button>
            </span>
          ) : undefined}
        />
      )}
      {isAdmin ? <DriftReport check={drift} /> : null}
      <ParkedEvents canResolve={isAdmin} />
      <ResolvedParked />
      <dialog
        ref={dialog}
        aria-labelledby="rebuild-title"
        onClose={() => setConfirming(null)}
        className="m-auto w-[min(26rem,calc(100vw-2rem))] rounded-lg border border-zinc-200 bg-white p-5 text-zinc-900 shadow-xl backdrop:bg-black/50 dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-100"
      >
        <h2 id="rebuild-title" className="text-lg font-semibold">
          Rebuild {confirming}?
        </h2>
        <p className="mt-2 text-sm text-zinc-600 dark:text-zinc-400">
          The whole event log is replayed into new tables. The current table keeps serving until the rebuild has caught up.
        </p>
        <div className="mt-4 flex justify-end gap-2">
          <Button variant="secondary" onClick={() => dialog.current?.close()}>
            Cancel
          </Button>
          <Button
            onClick={() => {
              if (confirming) rebuild.mutate(confirming);
              dialog.current?.close();
            }}
          >
            Start rebuild
          </Button>
        </div>
      </dialog>
    </div>
  );
}
