"use client";

import { useState } from "react";
import { ActorName } from "@/components/actors/actor-name";
import { LocalTime } from "@/components/local-time";
import { Button } from "@/components/ui/button";
import type { ApiEvent } from "./api";
import { CopyButton } from "./bits";

/** The event at N: type, time, data, and a collapsed metadata block. */
export function EventDetails({ event }: { event: ApiEvent }) {
  const [expanded, setExpanded] = useState(false);
  const metadata = [
    ["Command id", event.metadata.commandId],
    ["Correlation id", event.metadata.correlationId],
    ["Causation id", event.metadata.causationId ?? "(none)"],
    ["Actor", <ActorName key="actor" actor={event.metadata.actor} />],
    ["Recorded actor", event.metadata.actor],
    ["Event id", event.id],
    ["Stream", event.streamId],
    ["Global position", String(event.position)],
  ] as const;
  return (
    <div className="space-y-4">
      <div className="space-y-1">
        <p className="text-lg font-semibold">{event.type}</p>
        <p className="text-base">
          <LocalTime iso={event.timestamp} className="font-medium" />
        </p>
        <p className="font-mono text-xs text-zinc-500 dark:text-zinc-400">
          v{event.version} · position {event.position} · by <ActorName actor={event.metadata.actor} className="font-sans" />
        </p>
      </div>

      <div className="flex flex-wrap gap-2">
        <CopyButton text={event.id} label="Copy event id" />
        <CopyButton text={() => JSON.stringify(event, null, 2)} label="Copy JSON" />
        <Button variant="ghost" size="sm" aria-expanded={expanded} onClick={() => setExpanded((x) => !x)}>
          {expanded ? "Collapse all" : "Expand all"}
        </Button>
      </div>

      {event.stored ? (
        <p className="text-sm" data-testid="schema-versions">
          Stored as v{event.stored.schemaVersion}, read as v{event.schemaVersion} (upcast on read; the log is never rewritten).
        </p>
      ) : null}

      <section aria-labelledby="event-data-heading" className="space-y-1">
        <h3 id="event-data-heading" className="text-sm font-medium">
          {event.stored ? `Data as read (v${event.schemaVersion})` : "Data"}
        </h3>
        <pre className="max-h-80 overflow-auto rounded-md bg-zinc-100 p-3 font-mono text-xs leading-relaxed dark:bg-zinc-950">
          {JSON.stringify(event.data, null, 2)}
        </pre>
      </section>

      {event.stored ? (
        <section aria-labelledby="event-stored-heading" className="space-y-1">
          <h3 id="event-stored-heading" className="text-sm font-medium">
            Data as stored (v{event.stored.schemaVersion})
          </h3>
          <pre className="max-h-80 overflow-auto rounded-md bg-zinc-100 p-3 font-mono text-xs leading-relaxed dark:bg-zinc-950">
            {JSON.stringify(event.stored.data, null, 2)}
          </pre>
        </section>
      ) : null}

      {/* Collapsed by default; "Expand all" opens it so the browser's find sees every value. */}
      <details open={expanded} onToggle={(e) => setExpanded(e.currentTarget.open)} className="rounded-md border border-zinc-200 dark:border-zinc-800">
        <summary className="cursor-pointer px-3 py-2 text-sm font-medium">Metadata (command, correlation, causation, actor)</summary>
        <dl className="grid gap-x-4 gap-y-1 border-t border-zinc-200 px-3 py-2 text-sm sm:grid-cols-[9rem_minmax(0,1fr)] dark:border-zinc-800">
          {metadata.map(([label, value]) => (
            <div key={label} className="contents">
              <dt className="text-zinc-500 dark:text-zinc-400">{label}</dt>
              <dd className="break-all font-mono text-xs leading-5">{value}</dd>
            </div>
          ))}
        </dl>
      </details>
    </div>
  );
}
