"use client";

import { StatusBadge } from "@/components/customers/status-badge";
import { LocalTime } from "@/components/local-time";
import { flattenState, FIELD_PATHS, type FieldChange } from "@/lib/timeline/diff";
import type { StateResponse } from "./api";
import { OriginLine } from "./bits";
import { FIELD_LABELS, TIME_FIELDS } from "./format";

/** The customer as it was at N; fields the event at N changed are highlighted. */
export function StateCard({ data, customerId, onJump }: { data: StateResponse; customerId: string; onJump(version: number): void }) {
  const flat = flattenState(data.state);
  const changed = new Map<string, FieldChange>(data.changes.map((change) => [change.path, change]));
  const removed = data.changes.filter((change) => change.kind === "removed");
  return (
    <div className="space-y-3">
      <p className="text-sm text-zinc-600 dark:text-zinc-400">
        As it was right after version {data.version}
        {data.state.status !== "unregistered" ? (
          <>
            {" "}
            · <StatusBadge status={data.state.status} />
          </>
        ) : null}
        {data.changes.length ? (
          <span className="ml-2 inline-flex items-center gap-1 text-xs">
            <span aria-hidden="true" className="inline-block size-2.5 rounded-sm bg-amber-300 dark:bg-amber-500" /> changed at v{data.version}
          </span>
        ) : null}
      </p>
      <dl className="divide-y divide-zinc-100 dark:divide-zinc-800">
        {FIELD_PATHS.filter((path) => flat[path] !== undefined).map((path) => {
          const value = flat[path]!;
          const change = changed.get(path);
          const origin = data.provenance[path];
          return (
            <div
              key={path}
              data-field={path}
              className={`grid gap-x-4 gap-y-0.5 px-2 py-2 sm:grid-cols-[9rem_minmax(0,1fr)] ${
                change ? "rounded-md bg-amber-50 ring-1 ring-amber-200 dark:bg-amber-950/40 dark:ring-amber-800" : ""
              }`}
            >
              <dt className="text-sm text-zinc-500 dark:text-zinc-400">
                {FIELD_LABELS[path]}
                {change ? <span className="sr-only"> (changed at this version)</span> : null}
              </dt>
              <dd className="min-w-0 space-y-0.5">
                <div className="break-words text-sm font-medium">
                  {TIME_FIELDS.includes(path) ? (
                    <LocalTime iso={String(value)} />
                  ) : (
                    <span className={path === "id" ? "font-mono text-xs" : undefined}>{String(value)}</span>
                  )}
                  {change && change.kind === "changed" ? (
                    <del className="ml-2 text-xs font-normal text-zinc-500 decoration-zinc-400 dark:text-zinc-400">
                      <span className="sr-only">was </span>
                      {String(change.before)}
                    </del>
                  ) : null}
                </div>
                {origin ? <OriginLine origin={origin} customerId={customerId} onJump={onJump} /> : null}
              </dd>
            </div>
          );
        })}
        {removed.map((change) => (
          <div key={change.path} className="grid gap-x-4 rounded-md bg-amber-50 px-2 py-2 ring-1 ring-amber-200 sm:grid-cols-[9rem_minmax(0,1fr)] dark:bg-amber-950/40 dark:ring-amber-800">
            <dt className="text-sm text-zinc-500 dark:text-zinc-400">{FIELD_LABELS[change.path]}</dt>
            <dd className="text-sm">
              <span className="italic text-zinc-500">removed</span>{" "}
              <del className="text-xs text-zinc-500">{String(change.before)}</del>
            </dd>
          </div>
        ))}
      </dl>
    </div>
  );
}
