import { Badge, type Tone } from "@/components/ui/badge";
import { Table, Td, Th } from "@/components/data-table/table";
import type { ProjectionStatus } from "@/lib/queries/projections";
import type { ReactNode } from "react";

const statusTone: Record<string, Tone> = {
  running: "green",
  idle: "zinc",
  catching_up: "amber",
  rebuilding: "blue",
  failed: "red",
  stopped: "red",
};

export function ProjectionStatusBadge({ status }: { status: string }) {
  return <Badge tone={statusTone[status] ?? "zinc"}>{status.replace("_", " ")}</Badge>;
}

/** Projections with position, lag and status; `action` renders an extra cell per row (rebuild). */
export function ProjectionTable({
  projections,
  action,
  compact = false,
}: {
  projections: ProjectionStatus[];
  action?: (projection: ProjectionStatus) => ReactNode;
  compact?: boolean;
}) {
  return (
    <Table caption="Projection status">
      <thead>
        <tr>
          <Th>Projection</Th>
          <Th>Status</Th>
          <Th className="hidden text-right sm:table-cell">Position</Th>
          {compact ? null : <Th className="hidden text-right md:table-cell">Head</Th>}
          <Th className="text-right">Lag</Th>
          {action ? <Th>Rebuild</Th> : null}
        </tr>
      </thead>
      <tbody>
        {projections.map((p) => (
          <tr key={p.name} className="[&>td]:align-middle">
            <Td className="font-mono text-xs">{p.name}</Td>
            <Td>
              <ProjectionStatusBadge status={p.status} />
              {p.error ? (
                <p className="mt-1 max-w-xs break-words text-xs text-red-700 dark:text-red-400">
                  At #{p.errorPosition}: {p.error}
                </p>
              ) : null}
              {p.rebuild ? <RebuildProgress processed={p.rebuild.processed} total={p.rebuild.total} name={p.name} /> : null}
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

function RebuildProgress({ processed, total, name }: { processed: number; total: number; name: string }) {
  const percent = total > 0 ? Math.min(100, Math.round((processed / total) * 100)) : 0;
  return (
    <div className="mt-1 w-32">
      <progress
        className="h-2 w-full overflow-hidden rounded [&::-webkit-progress-bar]:bg-zinc-200 [&::-webkit-progress-value]:bg-blue-600 dark:[&::-webkit-progress-bar]:bg-zinc-800"
        value={processed}
        max={Math.max(total, 1)}
        aria-label={`Rebuild of ${name}`}
      />
      <span className="text-xs text-zinc-500 dark:text-zinc-400">
        {processed} / {total} ({percent}%)
      </span>
    </div>
  );
}

function formatSeconds(seconds: number): string {
  if (seconds < 1) return "<1 s";
  if (seconds < 90) return `${Math.round(seconds)} s`;
  if (seconds < 5400) return `${Math.round(seconds / 60)} min`;
  return `${Math.round(seconds / 3600)} h`;
}
