import { Badge, type Tone } from "@/components/ui/badge";
import { Table, Td, Th } from "@/components/data-table/table";
import type { ProjectionStatus } from "@/lib/queries/projections";
import type { ReactNode } from "react";
import type { RebuildSightings } from "@/lib/projections/rebuild-clock";
import { RebuildProgress, RebuiltNote } from "./rebuild-progress";

const statusTone: Record<string, Tone> = {
  running: "green",
  idle: "zinc",
  catching_up: "amber",
  rebuilding: "blue",
  failed: "red",
  stopped: "red",
  off: "zinc",
};

export function ProjectionStatusBadge({ status }: { status: string }) {
  return <Badge tone={statusTone[status] ?? "zinc"}>{status.replace("_", " ")}</Badge>;
}

/**
 * Projections with position, lag and status; `action` renders an extra cell per row (rebuild).
 * From `sm` up the layout is fixed and every column but the name has a width, so progress, notes
 * and "Rebuilding…" never make the columns jump while a rebuild runs.
 */
export function ProjectionTable({
  projections,
  action,
  compact = false,
  sightings = {},
  now = 0,
}: {
  projections: ProjectionStatus[];
  action?: (projection: ProjectionStatus) => ReactNode;
  compact?: boolean;
  /** Rebuilds this tab saw start and end (progress rate, "rebuilt in …"). */
  sightings?: RebuildSightings;
  /** When the statuses were read (epoch ms), for elapsed time. */
  now?: number;
}) {
  return (
    <Table caption="Projection status" className="sm:table-fixed">
      <thead>
        <tr>
          <Th>Projection</Th>
          <Th className="sm:w-48">Status</Th>
          <Th className="hidden text-right sm:table-cell sm:w-20">Position</Th>
          {compact ? null : <Th className="hidden text-right md:table-cell md:w-20">Head</Th>}
          <Th className="text-right sm:w-24">Lag</Th>
          {action ? <Th className="sm:w-60">Actions</Th> : null}
        </tr>
      </thead>
      <tbody>
        {projections.map((p) => (
          <tr key={p.name} className="[&>td]:align-middle">
            <Td className="break-all font-mono text-xs">{p.name}</Td>
            <Td>
              <ProjectionStatusBadge status={p.status} />
              {p.note ? <p className="mt-1 max-w-xs text-xs text-zinc-600 dark:text-zinc-400">{p.note}</p> : null}
              {p.error ? (
                <p className="mt-1 max-w-xs break-words text-xs text-red-700 dark:text-red-400">
                  At #{p.errorPosition}: {p.error}
                </p>
              ) : null}
              {p.parked ? (
                <p className="mt-1 text-xs text-red-700 dark:text-red-400">
                  {p.parked} parked event{p.parked === 1 ? "" : "s"} (below)
                </p>
              ) : null}
              {p.heldBackBy ? (
                <p className="mt-1 max-w-xs text-xs text-amber-700 dark:text-amber-400" data-testid="held-back-by">
                  Waiting for an append in flight: pid {p.heldBackBy.pid}
                  {p.heldBackBy.applicationName ? ` (${p.heldBackBy.applicationName})` : ""}, open{" "}
                  {formatSeconds(p.heldBackBy.ageSeconds)}
                </p>
              ) : null}
              {p.rebuild ? (
                <RebuildProgress processed={p.rebuild.processed} total={p.rebuild.total} name={p.name} sighting={sightings[p.name]} now={now} />
              ) : sightings[p.name] ? (
                <RebuiltNote sighting={sightings[p.name]} />
              ) : null}
            </Td>
            <Td className="hidden text-right font-mono sm:table-cell">{p.position}</Td>
            {compact ? null : <Td className="hidden text-right font-mono md:table-cell">{p.headPosition}</Td>}
            <Td className="whitespace-nowrap text-right">
              <span className="font-mono">{p.lag}</span>
              {p.lag > 0 && p.lagSeconds ? (
                <span className="block text-xs text-zinc-500 dark:text-zinc-400">{formatSeconds(p.lagSeconds)} behind</span>
              ) : null}
            </Td>
            {action ? <Td>{action(p)}</Td> : null}
          </tr>
        ))}
      </tbody>
    </Table>
  );
}

function formatSeconds(seconds: number): string {
  if (seconds < 1) return "<1 s";
  if (seconds < 90) return `${Math.round(seconds)} s`;
  if (seconds < 5400) return `${Math.round(seconds / 60)} min`;
  return `${Math.round(seconds / 3600)} h`;
}
