"use client";

import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { FIELD_PATHS, flattenState, type FieldPath } from "@/lib/timeline/diff";
import { fetchHistory, timelineKeys, type StateResponse } from "./api";
import { FieldChangeItem, FieldName, OriginSource } from "./bits";
import { pluralize, showValue } from "./format";

interface ProvenanceProps {
  data: StateResponse;
  streamId: string;
  customerId: string;
  pinned: FieldPath | null;
  onPin(field: FieldPath | null): void;
  onJump(version: number): void;
}

/**
 * Why each field has its value: the event that gave it (version, type, time, actor, command),
 * linking to that version, plus the field's full history on demand. Pinning a field marks the
 * versions that changed it in the event list and on the slider.
 */
export function ProvenancePanel({ data, streamId, customerId, pinned, onPin, onJump }: ProvenanceProps) {
  const flat = flattenState(data.state);
  const fields = FIELD_PATHS.filter((path) => data.provenance[path]);
  return (
    <div className="space-y-3">
      <p className="text-sm text-zinc-600 dark:text-zinc-400">
        For each field at v{data.version}: the event that gave it its value. <strong className="font-medium">Pin</strong> a field to
        mark, in the event list and on the slider, every version that changed it.
      </p>
      <ul className="divide-y divide-zinc-100 dark:divide-zinc-800">
        {fields.map((path) => (
          <ProvenanceRow
            key={path}
            path={path}
            value={flat[path] ?? null}
            data={data}
            streamId={streamId}
            customerId={customerId}
            pinned={pinned === path}
            onPin={() => onPin(pinned === path ? null : path)}
            onJump={onJump}
          />
        ))}
      </ul>
    </div>
  );
}

function ProvenanceRow({
  path,
  value,
  data,
  streamId,
  customerId,
  pinned,
  onPin,
  onJump,
}: {
  path: FieldPath;
  value: string | number | null;
  data: StateResponse;
  streamId: string;
  customerId: string;
  pinned: boolean;
  onPin(): void;
  onJump(version: number): void;
}) {
  const [open, setOpen] = useState(false);
  const origin = data.provenance[path]!;
  const history = useQuery({
    queryKey: timelineKeys.history(streamId, path, data.version),
    queryFn: () => fetchHistory(streamId, path, data.version),
    enabled: open,
    staleTime: Infinity,
  });
  const historyId = `history-${path.replace(".", "-")}`;
  return (
    <li className={`space-y-1 py-2 ${pinned ? "rounded-md bg-amber-50 px-2 ring-1 ring-amber-200 dark:bg-amber-950/40 dark:ring-amber-800" : ""}`} data-field={path}>
      <div className="flex flex-wrap items-baseline justify-between gap-x-3 gap-y-1">
        <p className="min-w-0 text-sm">
          <FieldName path={path} />{" "}
          <span className="break-words font-mono text-xs">{value === null ? "(none)" : showValue(value)}</span>
        </p>
        <div className="flex gap-1">
          <Button variant="ghost" size="sm" aria-expanded={open} aria-controls={historyId} onClick={() => setOpen((x) => !x)}>
            History<span className="sr-only"> of {path}</span>
          </Button>
          <Button
            variant="ghost"
            size="sm"
            aria-pressed={pinned}
            onClick={onPin}
            title={pinned ? `Stop marking the versions that changed ${path}` : `Mark the versions that changed ${path} in the event list and on the slider`}
          >
            {pinned ? "Unpin" : "Pin"}
            <span className="sr-only"> {path}</span>
          </Button>
        </div>
      </div>
      <p className="text-xs text-zinc-600 dark:text-zinc-400">
        {origin.kind === "removed" ? "Removed by " : "Set by "}
        <OriginSource origin={origin} customerId={customerId} onJump={onJump} />
        {" · "}
        <span className="font-mono" title="Command id">
          {origin.commandId}
        </span>
      </p>
      {open ? (
        <div id={historyId} className="rounded-md border border-zinc-200 p-2 dark:border-zinc-800">
          {history.isPending ? (
            <p className="text-xs text-zinc-500">Loading history…</p>
          ) : history.isError ? (
            <p role="alert" className="text-xs text-red-700 dark:text-red-300">
              Could not load the history: {history.error.message}
            </p>
          ) : (
            <>
              <p className="mb-1 text-xs text-zinc-500 dark:text-zinc-400">
                {pluralize(history.data.total, "change")} up to v{history.data.toVersion}
                {history.data.total > history.data.entries.length ? ` (the last ${history.data.entries.length} shown)` : ""}
              </p>
              <ol className="space-y-1">
                {history.data.entries.map((entry) => (
                  <FieldChangeItem key={entry.version} change={entry} customerId={customerId} onJump={onJump} />
                ))}
              </ol>
            </>
          )}
        </div>
      ) : null}
    </li>
  );
}
