"use client";

import { useQuery } from "@tanstack/react-query";
import { useMemo } from "react";
import type { FieldPath } from "@/lib/timeline/diff";
import { fetchHistory, timelineKeys } from "../api";

/** The pinned field (`?field=`) and the versions that changed it, highlighted in the list and on the slider. */
export function usePinnedField(streamId: string, field: FieldPath | null, total: number) {
  const history = useQuery({
    queryKey: timelineKeys.history(streamId, field ?? "name", total),
    queryFn: () => fetchHistory(streamId, field!, total),
    enabled: field !== null,
    staleTime: Infinity,
  });
  return useMemo(
    () => (field && history.data ? { field, versions: new Set(history.data.entries.map((e) => e.version)) } : undefined),
    [field, history.data],
  );
}
