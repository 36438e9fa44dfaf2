"use client";

import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { useLiveInvalidation } from "@/components/live/live";
import { fetchHead, timelineKeys } from "../api";

/**
 * The stream's length (`total`) and its live head. Newer versions are announced (`newer`), never
 * applied to the thumb: `catchUp` takes them in when the user asks.
 */
export function useLiveHead(streamId: string, loadedVersion: number) {
  const [total, setTotal] = useState(loadedVersion);
  useLiveInvalidation([timelineKeys.head(streamId)], false);
  const head = useQuery({
    queryKey: [...timelineKeys.head(streamId), total],
    queryFn: () => fetchHead(streamId, total),
    refetchInterval: 60_000,
  });
  const latest = Math.max(head.data?.currentVersion ?? total, total);
  return {
    total,
    latest,
    newer: latest - total,
    /** Extend the timeline to the latest version; returns it. */
    catchUp: () => {
      setTotal(latest);
      return latest;
    },
  };
}
