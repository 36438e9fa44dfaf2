"use client";

import { useCallback, useEffect, useRef, useState } from "react";
import { resolveView, viewSearch, type TimelineView } from "@/lib/timeline/view";

export type NavigationMode = "push" | "replace";

/**
 * The view, kept in the URL.
 *
 * Stepping (arrows, drag, play) replaces the history entry; jumping (Home, End, a row, a link,
 * compare) pushes one, so Back returns to where the jump started (STYLE §9.1). We write the URL
 * with `history.pushState/replaceState`, which Next.js integrates with its router, instead of
 * `router.push/replace`: those re-render this dynamic page on the server for every step, which
 * would put a network round trip (and a full state computation) behind each arrow press. The
 * data comes from TanStack Query instead. Back/Forward are read from `popstate`.
 */
export function useTimelineUrl(initial: TimelineView, currentVersion: number) {
  const [view, setView] = useState(initial);
  const viewRef = useRef(view);
  viewRef.current = view;
  const totalRef = useRef(currentVersion);
  totalRef.current = currentVersion;

  const navigate = useCallback((patch: Partial<TimelineView>, mode: NavigationMode) => {
    const next = { ...viewRef.current, ...patch };
    const search = viewSearch(next);
    if (search === viewSearch(viewRef.current) && mode === "push") return;
    viewRef.current = next;
    setView(next);
    const url = `${window.location.pathname}?${search}${window.location.hash}`;
    if (mode === "push") window.history.pushState(null, "", url);
    else window.history.replaceState(null, "", url);
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
