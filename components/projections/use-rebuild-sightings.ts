"use client";

import { useCallback, useState } from "react";
import { rebuildRequested, trackRebuilds, type RebuildSightings } from "@/lib/projections/rebuild-clock";
import type { ProjectionStatus } from "@/lib/queries/projections";

/**
 * Rebuild start and finish as this tab saw them in the status it already polls (no storage):
 * each new poll result (`updatedAt`) is folded in once, during render.
 */
export function useRebuildSightings(data: ProjectionStatus[] | undefined, updatedAt: number) {
  const [state, setState] = useState<{ at: number; sightings: RebuildSightings }>({ at: 0, sightings: {} });
  if (data && updatedAt !== state.at) {
    setState({ at: updatedAt, sightings: trackRebuilds(state.sightings, data, updatedAt) });
  }
  const requested = useCallback((name: string, at: number) => {
    setState((s) => ({ ...s, sightings: rebuildRequested(s.sightings, name, at) }));
  }, []);
  return { sightings: state.sightings, requested };
}
