"use client";

import { useCallback, useState } from "react";
import type { TimelineView, ViewNotice } from "@/lib/timeline/view";
import { useTimelineUrl, type NavigationMode } from "./use-timeline-url";

export type Go = (patch: Partial<TimelineView>, mode: NavigationMode) => void;

/**
 * The view in the URL, and the server's notices about the URL it was given (clamped or ignored
 * parameters). Any navigation clears the notices: they describe the URL the page loaded with.
 */
export function useNavigation(initialView: TimelineView, initialNotices: ViewNotice[], total: number) {
  const [view, navigate] = useTimelineUrl(initialView, total);
  const [notices, setNotices] = useState(initialNotices);
  const go: Go = useCallback(
    (patch, mode) => {
      setNotices([]);
      navigate(patch, mode);
    },
    [navigate],
  );
  return { view, notices, go };
}
