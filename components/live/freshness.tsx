"use client";

import { useEffect, useState, useSyncExternalStore } from "react";
import { useProjections } from "@/components/projections/use-projections";
import { feedSnapshot, freshnessOf, freshnessText, noteStatus, subscribeFeed } from "./feed";

const SERVER_SNAPSHOT = { heads: [], projections: {} };

/**
 * "Customers as of position 42, 0.2 s behind": how fresh what the page shows from `projection`'s
 * tables is, from the positions the live feed carries (seeded by `/api/projections`). Text only,
 * not announced: it changes too often for a live region. Ticks while behind.
 */
export function FreshnessLabel({ projection, what }: { projection: string; what: string }) {
  const snapshot = useSyncExternalStore(subscribeFeed, feedSnapshot, () => SERVER_SNAPSHOT);
  const statuses = useProjections();
  useEffect(() => {
    for (const status of statuses.data ?? []) noteStatus(status);
  }, [statuses.data]);
  const [now, setNow] = useState(() => Date.now());
  const freshness = freshnessOf(snapshot, projection, now);
  const behind = (freshness?.behindMs ?? 0) > 0;
  useEffect(() => {
    setNow(Date.now());
    if (!behind) return;
    const timer = setInterval(() => setNow(Date.now()), 200);
    return () => clearInterval(timer);
  }, [behind, snapshot]);
  // Behind for a while: ask the server. Transactions that commit out of position order can leave
  // a projection's last position below the head although it has everything (status `lag: 0`).
  const { refetch } = statuses;
  useEffect(() => {
    if (!behind) return;
    const timer = setInterval(() => void refetch(), 2000);
    return () => clearInterval(timer);
  }, [behind, refetch]);
  if (!freshness) return null;
  return (
    <p className="text-xs text-zinc-500 tabular-nums dark:text-zinc-400" data-freshness={projection}>
      {what} {freshnessText(freshness)}
    </p>
  );
}
