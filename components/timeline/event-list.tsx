"use client";

import type { KeyboardEvent } from "react";
import { ActorName } from "@/components/actors/actor-name";
import { LocalTime } from "@/components/local-time";
import { Button } from "@/components/ui/button";
import type { ApiEvent } from "./api";

interface EventListProps {
  customerId: string;
  events: ApiEvent[];
  /** The window shown: versions from…to (the list may still be loading it). */
  from: number;
  to: number;
  currentVersion: number;
  version: number;
  /** Versions that changed the pinned field, and its path. */
  pinned?: { field: string; versions: ReadonlySet<number> };
  compare?: { a: number; b: number };
  loading: boolean;
  onJump(version: number): void;
  onUnpin(): void;
  onShowPrevious(): void;
  onShowNext(): void;
}

/**
 * The stream's events around N, oldest first. The row at N has aria-current="step"; later rows
 * are dimmed (the "future"). ↑/↓ move between rows, Enter jumps.
 */
export function EventList(props: EventListProps) {
  const { events, from, to, currentVersion, version, pinned, compare, loading } = props;

  const onKeyDown = (event: KeyboardEvent<HTMLOListElement>) => {
    if (event.key !== "ArrowDown" && event.key !== "ArrowUp") return;
    const buttons = Array.from(event.currentTarget.querySelectorAll<HTMLButtonElement>("button[data-row]"));
    const index = buttons.indexOf(document.activeElement as HTMLButtonElement);
    if (index < 0) return;
    event.preventDefault();
    buttons[Math.min(Math.max(index + (event.key === "ArrowDown" ? 1 : -1), 0), buttons.length - 1)]?.focus();
  };

  return (
    <section aria-labelledby="event-list-heading" className="space-y-2">
      <div className="flex items-baseline justify-between gap-2">
        <h2 id="event-list-heading" className="text-base font-semibold">
          Events
        </h2>
        <p className="text-xs text-zinc-600 dark:text-zinc-400" aria-live="polite">
          v{from}–v{Math.min(to, currentVersion)} of {currentVersion}
          {loading ? " · loading…" : ""}
        </p>
      </div>
      {pinned ? (
        <p className="flex flex-wrap items-center gap-2 text-xs">
          <span className="rounded bg-amber-100 px-1.5 py-0.5 text-amber-900 dark:bg-amber-900/60 dark:text-amber-100">
            Pinned <code className="font-mono">{pinned.field}</code>: {pinned.versions.size} {pinned.versions.size === 1 ? "version changed" : "versions changed"} it
          </span>
          <button type="button" onClick={props.onUnpin} className="underline underline-offset-2">
            Unpin
          </button>
        </p>
      ) : null}
      <Button variant="ghost" size="sm" className="w-full" disabled={from <= 1} onClick={props.onShowPrevious}>
        Show previous 20
      </Button>
      <ol onKeyDown={onKeyDown} className="divide-y divide-zinc-200 rounded-lg border border-zinc-200 bg-white dark:divide-zinc-800 dark:border-zinc-800 dark:bg-zinc-900">
        {events.map((event) => {
          const current = event.version === version;
          const future = event.version > version;
          const touched = pinned?.versions.has(event.version);
          const compareTag = compare && (event.version === compare.a ? "A" : event.version === compare.b ? "B" : null);
          return (
            <li key={event.id} aria-current={current ? "step" : undefined} className={future ? "text-zinc-600 dark:text-zinc-400" : undefined}>
              <button
                type="button"
                data-row
                onClick={() => props.onJump(event.version)}
                className={`flex w-full items-start gap-3 px-3 py-2 text-left text-sm transition-colors hover:bg-zinc-50 focus-visible:outline-2 focus-visible:-outline-offset-2 focus-visible:outline-blue-500 dark:hover:bg-zinc-800 ${
                  current ? "bg-blue-50 shadow-[inset_3px_0_0_var(--color-blue-600)] dark:bg-blue-950/60" : ""
                }`}
              >
                <span className="w-12 shrink-0 font-mono text-xs tabular-nums text-zinc-600 dark:text-zinc-400">v{event.version}</span>
                <span className="min-w-0 flex-1">
                  <span className="flex flex-wrap items-center gap-x-2">
                    <span className="font-medium">{event.type}</span>
                    {compareTag ? (
                      <span className="rounded bg-violet-100 px-1.5 text-xs font-semibold text-violet-800 dark:bg-violet-900 dark:text-violet-200">
                        {compareTag}
                      </span>
                    ) : null}
                    {touched ? (
                      <span className="rounded bg-amber-100 px-1.5 text-xs text-amber-900 dark:bg-amber-900/60 dark:text-amber-100">
                        changed {pinned?.field}
                      </span>
                    ) : null}
                  </span>
                  <span className="block truncate text-xs text-zinc-600 dark:text-zinc-400">
                    <LocalTime iso={event.timestamp} /> · <ActorName actor={event.metadata.actor} />
                  </span>
                </span>
                {current ? <span className="sr-only">(current version)</span> : null}
              </button>
            </li>
          );
        })}
      </ol>
      <Button variant="ghost" size="sm" className="w-full" disabled={to >= currentVersion} onClick={props.onShowNext}>
        Show next 20
      </Button>
    </section>
  );
}
