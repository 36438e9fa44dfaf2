"use client";

import { useSyncExternalStore } from "react";

const subscribe = () => () => {};

/**
 * A timestamp in the reader's local time, with the ISO value in `title` and `dateTime`.
 * The server renders UTC; the browser switches to local time after hydration (no mismatch).
 */
export function LocalTime({ iso, className = "", short = false }: { iso: string; className?: string; short?: boolean }) {
  const hydrated = useSyncExternalStore(subscribe, () => true, () => false);
  const date = new Date(iso);
  const text = Number.isNaN(date.getTime())
    ? iso
    : hydrated
      ? date.toLocaleString(undefined, short ? { dateStyle: "short", timeStyle: "short" } : { dateStyle: "medium", timeStyle: "medium" })
      : `${iso.slice(0, 19).replace("T", " ")} UTC`;
  return (
    <time dateTime={iso} title={iso} className={className}>
      {text}
    </time>
  );
}
