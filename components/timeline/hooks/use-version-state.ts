"use client";

import { keepPreviousData, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { fetchState, timelineKeys, type StateResponse } from "../api";

export type ShownVersion = ReturnType<typeof useVersionState>;

const stateOptions = (streamId: string, version: number) => ({
  queryKey: timelineKeys.state(streamId, version),
  queryFn: () => fetchState(streamId, version),
  staleTime: Infinity, // a version's state never changes
});

/**
 * The version shown: its state, event, diff and provenance from the server, and the slider's
 * thumb while it is dragged (`drag`, not yet committed to the URL). The previous version stays
 * on screen while the next one loads.
 */
export function useVersionState(streamId: string, version: number, total: number, initialState: StateResponse) {
  const queryClient = useQueryClient();
  const [drag, setDrag] = useState<number | null>(null);
  const state = useQuery({
    ...stateOptions(streamId, version),
    placeholderData: keepPreviousData,
    initialData: version === initialState.version ? initialState : undefined,
  });

  // Neighbours first, so a step (or play) lands on cached data: no spinner, no flash.
  useEffect(() => {
    for (const n of [version + 1, version - 1]) {
      if (n >= 1 && n <= total) void queryClient.prefetchQuery(stateOptions(streamId, n));
    }
  }, [version, total, streamId, queryClient]);
  // While dragging, fetch only where the thumb rests for a moment (commit does the rest).
  useEffect(() => {
    if (drag === null) return;
    const timer = setTimeout(() => void queryClient.prefetchQuery(stateOptions(streamId, drag)), 200);
    return () => clearTimeout(timer);
  }, [drag, streamId, queryClient]);

  return {
    state,
    data: state.data,
    /** Where the slider's thumb is: the dragged value, else the version in the URL. */
    thumb: drag ?? version,
    setDrag,
    /** The version whose data is on screen (the previous one while the next loads). */
    showing: state.data?.version ?? version,
    loadingVersion: state.isFetching && state.isPlaceholderData,
  };
}
