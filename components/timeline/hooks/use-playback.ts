"use client";

import { useEffect, useState } from "react";
import type { Go } from "./use-navigation";

const PLAY_STEP_MS = 1000;

/** Play steps one version about once a second (replacing the history entry) and stops at the end. */
export function usePlayback(version: number, total: number, go: Go) {
  const [playing, setPlaying] = useState(false);
  useEffect(() => {
    if (!playing) return;
    if (version >= total) {
      setPlaying(false);
      return;
    }
    const timer = setTimeout(() => go({ v: version + 1 }, "replace"), PLAY_STEP_MS);
    return () => clearTimeout(timer);
  }, [playing, version, total, go]);

  return {
    playing,
    stop: () => setPlaying(false),
    /** Play from here; at the end, from version 1. */
    start: () => {
      if (version >= total) go({ v: 1 }, "replace");
      setPlaying(true);
    },
  };
}
