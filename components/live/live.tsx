"use client";

import { useQueryClient, type QueryKey } from "@tanstack/react-query";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useEffect, useState } from "react";

export type LiveState = "connecting" | "live" | "paused" | "offline";

/**
 * Invalidate `keys` whenever the server says events were appended (`/api/live`, SSE). One
 * EventSource per mounted hook; it is closed on unmount and while paused.
 */
export function useLiveInvalidation(keys: QueryKey[], paused: boolean): LiveState {
  const queryClient = useQueryClient();
  const [state, setState] = useState<LiveState>("connecting");
  const keysJson = JSON.stringify(keys);
  useEffect(() => {
    if (paused) return;
    const parsed = JSON.parse(keysJson) as QueryKey[];
    const source = new EventSource("/api/live");
    const invalidate = () => {
      for (const queryKey of parsed) void queryClient.invalidateQueries({ queryKey });
    };
    source.addEventListener("ready", () => {
      setState("live");
      // Catch up on whatever happened while disconnected.
      invalidate();
    });
    source.addEventListener("events", invalidate);
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
