"use client";

import { useQueryClient, type QueryKey } from "@tanstack/react-query";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useEffect, useState } from "react";
import { noteHead, noteProjection } from "./feed";

export type LiveState = "connecting" | "live" | "paused" | "offline";

/** A query that reads a projection's table: refetched when that projection has the change. */
export type ProjectionKey = { key: QueryKey; projection: string };

/**
 * Invalidate `keys` whenever the server says events were appended (`/api/live`, SSE); a
 * ProjectionKey only when *its* projection has applied them (`event: projection`), so that the
 * refetch never reads the read table before it has the change. One EventSource per mounted hook;
 * it is closed on unmount and while paused.
 */
export function useLiveInvalidation(keys: (QueryKey | ProjectionKey)[], paused: boolean): LiveState {
  const queryClient = useQueryClient();
  const [state, setState] = useState<LiveState>("connecting");
  const keysJson = JSON.stringify(keys);
  useEffect(() => {
    if (paused) return;
    const parsed = JSON.parse(keysJson) as (QueryKey | ProjectionKey)[];
    const isProjectionKey = (k: QueryKey | ProjectionKey): k is ProjectionKey => !Array.isArray(k);
    const onAppend = parsed.filter((k) => !isProjectionKey(k)) as QueryKey[];
    const onProjection = parsed.filter(isProjectionKey);
    const source = new EventSource("/api/live");
    const invalidate = (queryKeys: QueryKey[]) => {
      for (const queryKey of queryKeys) void queryClient.invalidateQueries({ queryKey });
    };
    source.addEventListener("ready", () => {
      setState("live");
      // Catch up on whatever happened while disconnected.
      invalidate([...onAppend, ...onProjection.map((k) => k.key)]);
    });
    source.addEventListener("events", (event) => {
      const { position } = JSON.parse((event as MessageEvent<string>).data) as { position?: number };
      if (typeof position === "number") noteHead(position);
      invalidate(onAppend);
    });
    source.addEventListener("projection", (event) => {
      const { projection, position } = JSON.parse((event as MessageEvent<string>).data) as { projection?: string; position?: number };
      if (projection && typeof position === "number") noteProjection(projection, position);
      invalidate(onProjection.filter((k) => k.projection === projection).map((k) => k.key));
    });
    source.onerror = () => setState(source.readyState === EventSource.CLOSED ? "offline" : "connecting");
    return () => source.close();
  }, [keysJson, paused, queryClient]);
  return paused ? "paused" : state;
}

/** Whether live updates are paused: `?live=paused` in the URL, so a shared link keeps it. */
export function useLivePaused(): [boolean, (paused: boolean) => void] {
  const params = useSearchParams();
  const router = useRouter();
  const pathname = usePathname();
  const paused = params.get("live") === "paused";
  const setPaused = (next: boolean) => {
    const copy = new URLSearchParams(params.toString());
    if (next) copy.set("live", "paused");
    else copy.delete("live");
    const query = copy.toString();
    router.replace(query ? `${pathname}?${query}` : pathname, { scroll: false });
  };
  return [paused, setPaused];
}

/** "Live · Pause" toggle with the connection state. */
export function LiveToggle({ state, paused, onChange }: { state: LiveState; paused: boolean; onChange: (paused: boolean) => void }) {
  const label = { connecting: "Connecting…", live: "Live", paused: "Paused", offline: "Offline" }[state];
  const dot = {
    connecting: "bg-amber-400",
    live: "bg-emerald-500 motion-safe:animate-pulse",
    paused: "bg-zinc-400",
    offline: "bg-red-500",
  }[state];
  return (
    <div className="flex items-center gap-2 text-sm">
      <span className="inline-flex items-center gap-1.5 text-zinc-600 dark:text-zinc-400" role="status">
        <span className={`h-2 w-2 rounded-full ${dot}`} aria-hidden="true" />
        {label}
      </span>
      <button
        type="button"
        aria-pressed={paused}
        onClick={() => onChange(!paused)}
        className="rounded-md border border-zinc-300 px-2 py-1 text-xs font-medium hover:bg-zinc-100 dark:border-zinc-700 dark:hover:bg-zinc-800"
      >
        {paused ? "Resume live updates" : "Pause live updates"}
      </button>
    </div>
  );
}
