"use client";

import { useCallback, useEffect, useRef, useState } from "react";
import { resolveView, viewSearch, type TimelineView } from "@/lib/timeline/view";

export type NavigationMode = "push" | "replace";

/**
 * Key in a pushed entry's history state: the search of the entry it was pushed over. Next.js
 * copies its own keys into the state we pass, and keeps ours.
 */
const BELOW = "timelineBelow";

function entryBelow(): string | null {
  const state: unknown = window.history.state;
  if (state && typeof state === "object" && BELOW in state) {
    const below = (state as Record<string, unknown>)[BELOW];
    return typeof below === "string" ? below : null;
  }
  return null;
}

/**
 * The view, kept in the URL.
 *
 * Stepping (arrows, drag, play) replaces the history entry; jumping (Home, End, a row, a link,
 * compare) pushes one, so Back returns to where the jump started (STYLE §9.1). We write the URL
 * with `history.pushState/replaceState`, which Next.js integrates with its router, instead of
 * `router.push/replace`: those re-render this dynamic page on the server for every step, which
 * would put a network round trip (and a full state computation) behind each arrow press. The
 * data comes from TanStack Query instead. Back/Forward are read from `popstate`. A pushed entry
 * remembers the view below it, so a step that lands back on that view pops instead of replacing.
 */
export function useTimelineUrl(initial: TimelineView, currentVersion: number) {
  const [view, setView] = useState(initial);
  const viewRef = useRef(view);
  viewRef.current = view;
  const totalRef = useRef(currentVersion);
  totalRef.current = currentVersion;

  const navigate = useCallback((patch: Partial<TimelineView>, mode: NavigationMode) => {
    const current = viewSearch(viewRef.current);
    const next = { ...viewRef.current, ...patch };
    const search = viewSearch(next);
    if (search === current && mode === "push") return;
    viewRef.current = next;
    setView(next);
    const url = `${window.location.pathname}?${search}${window.location.hash}`;
    const below = entryBelow();
    if (mode === "push") window.history.pushState({ [BELOW]: current }, "", url);
    else if (search === below) {
      // Stepping back onto the view this entry was pushed from (v3, jump to v1, step to v3):
      // replacing would leave two entries alike, and the first Back would seem to do nothing.
      // Return to the entry below instead; popstate then reads the same view from its URL.
      window.history.back();
    } else window.history.replaceState({ [BELOW]: below }, "", url);
  }, []);

  useEffect(() => {
    // Land on a canonical URL (clamped v, explicit v) without adding an entry. Deferred a tick:
    // the router installs its history integration in an effect that runs after this one.
    const canonical = setTimeout(() => {
      const search = viewSearch(viewRef.current);
      if (window.location.search !== `?${search}`) {
        window.history.replaceState(null, "", `${window.location.pathname}?${search}${window.location.hash}`);
      }
    }, 0);
    const onPop = () => {
      const params = Object.fromEntries(new URLSearchParams(window.location.search));
      const next = resolveView(params, totalRef.current).view;
      viewRef.current = next;
      setView(next);
    };
    window.addEventListener("popstate", onPop);
    return () => {
      clearTimeout(canonical);
      window.removeEventListener("popstate", onPop);
    };
  }, []);

  return [view, navigate] as const;
}
