"use client";

import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useMemo, useState } from "react";
import { WINDOW_RADIUS, windowAround } from "@/lib/timeline/view";
import { fetchEvents, timelineKeys, type ApiEvent } from "../api";
import type { Mark } from "../scrubber";

export interface InitialEvents {
  from: number;
  to: number;
  events: ApiEvent[];
  /** The stream's version when the server rendered the page. */
  currentVersion: number;
}

/**
 * The window of the event list: versions from…to around the one shown, never the whole stream
 * (STYLE §9.7). It follows the version when that leaves the window, and grows by "Show
 * previous / next".
 */
export function useEventWindow(streamId: string, version: number, total: number, initial: InitialEvents) {
  const [win, setWin] = useState({ from: initial.from, to: initial.to });
  let active = win;
  if (version < win.from || version > win.to) {
    active = windowAround(version, total);
    setWin(active);
  }
  const query = useQuery({
    queryKey: timelineKeys.events(streamId, active.from, active.to),
    queryFn: () => fetchEvents(streamId, active.from, active.to),
    placeholderData: keepPreviousData,
    initialData:
      active.from === initial.from && active.to === initial.to
        ? { events: initial.events, currentVersion: initial.currentVersion, nextFromVersion: null }
        : undefined,
    staleTime: Infinity,
  });
  const events = useMemo(() => query.data?.events ?? [], [query.data]);
  const marks: Mark[] = useMemo(() => events.map((e) => ({ version: e.version, type: e.type })), [events]);

  return {
    from: active.from,
    to: active.to,
    events,
    marks,
    loading: query.isFetching,
    typeAt: (v: number) => events.find((e) => e.version === v)?.type,
    showPrevious: () => setWin({ from: Math.max(1, active.from - WINDOW_RADIUS), to: active.to }),
    showNext: () => setWin({ from: active.from, to: Math.min(total, active.to + WINDOW_RADIUS) }),
  };
}
