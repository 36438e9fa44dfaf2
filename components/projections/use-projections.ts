"use client";

import { useQuery } from "@tanstack/react-query";
import { fetchJson, queryKeys } from "@/components/query-keys";
import type { ProjectionStatus } from "@/lib/queries/projections";

/**
 * Projection status. Appends invalidate it (live), but the projectors apply an event a moment
 * later and say nothing over SSE, so while any projection is behind or rebuilding, poll.
 */
export function useProjections() {
  return useQuery({
    queryKey: queryKeys.projections,
    queryFn: () => fetchJson<ProjectionStatus[]>("/api/projections"),
    staleTime: 1000,
    refetchInterval: (query) => {
      const data = query.state.data;
      if (data?.some((p) => p.lag > 0 || p.status === "rebuilding" || p.status === "catching_up")) return 1000;
      if (data?.some((p) => p.status === "failed" || p.status === "stopped")) return 5000;
      return false;
    },
  });
}
