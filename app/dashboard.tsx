"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import type { ReactNode } from "react";
import { EventList } from "@/components/events/event-list";
import { FreshnessLabel } from "@/components/live/freshness";
import { LiveToggle, useLiveInvalidation, useLivePaused } from "@/components/live/live";
import { ProjectionTable } from "@/components/projections/projection-table";
import { useProjections } from "@/components/projections/use-projections";
import { fetchJson, queryKeys, RECENT_SEARCH } from "@/components/query-keys";
import { CityChart } from "@/components/dashboard/city-chart";
import { Stat } from "@/components/dashboard/stat";
import { Notice, Skeleton } from "@/components/ui/card";
import { LocalTime } from "@/components/local-time";
import type { EventBrowsePage } from "@/lib/queries/events";
import type { CityStat } from "@/lib/queries/stats";

const CHART_CITIES = 8;

/**
 * `asOf`: the totals and city chart as they were then (the projections and feed stay live).
 * `activity`: the events-per-day chart, drawn on the server (components/dashboard/activity-chart).
 */
export function Dashboard({
  asOf = null,
  pastHead = null,
  badAsOf = null,
  activity = null,
}: {
  asOf?: string | null;
  pastHead?: number | null;
  badAsOf?: string | null;
  activity?: ReactNode;
}) {
  const [paused, setPaused] = useLivePaused();
  const live = useLiveInvalidation(
    [{ key: queryKeys.cities, projection: "city_totals" }, queryKeys.events, { key: queryKeys.projections, projection: "city_totals" }],
    paused,
  );
  const cities = useQuery({
    queryKey: queryKeys.citiesAsOf(asOf),
    queryFn: () => fetchJson<{ cities: CityStat[] }>(`/api/stats/cities${asOf ? `?asOf=${encodeURIComponent(asOf)}` : ""}`),
  });
  const asOfQuery = asOf ? `asOf=${encodeURIComponent(asOf)}` : "";
  const projections = useProjections();
  const recent = useQuery({
    queryKey: queryKeys.eventBrowse(RECENT_SEARCH),
    queryFn: () => fetchJson<EventBrowsePage>(`/api/events/browse?${RECENT_SEARCH}`),
  });

  const list = cities.data?.cities ?? [];
  const active = list.reduce((sum, c) => sum + c.active, 0);
  const archived = list.reduce((sum, c) => sum + c.archived, 0);
  const head = pastHead ?? projections.data?.[0]?.headPosition ?? recent.data?.events[0]?.position ?? 0;
  const maxLag = projections.data?.reduce((max, p) => Math.max(max, p.lag), 0) ?? 0;

  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <h1 className="text-2xl font-semibold tracking-tight">Dashboard</h1>
        <div className="flex flex-wrap items-center gap-x-3 gap-y-1">
          <FreshnessLabel projection="city_totals" what="Totals" />
          <LiveToggle state={live} paused={paused} onChange={setPaused} />
        </div>
      </div>

      {badAsOf ? <Notice tone="error" role="alert">This link&apos;s asOf is not valid ({badAsOf}); showing the present.</Notice> : null}
      {asOf ? (
        <Notice tone="warning" role="status">
          <p className="font-medium">
            Totals as of <LocalTime iso={asOf} />.
          </p>
          <p className="mt-1">
            <Link href="/" className="font-medium underline">
              Back to now
            </Link>{" "}
            ·{" "}
            <Link href={`/customers?${asOfQuery}`} className="font-medium underline">
              The register as of then
            </Link>
          </p>
        </Notice>
      ) : null}
      <section aria-label="Totals" className="grid grid-cols-2 gap-3 md:grid-cols-4">
        <Stat label="Active customers" value={cities.data ? active : null} href={`/customers?status=active${asOf ? `&${asOfQuery}` : ""}`} />
        <Stat label="Archived customers" value={cities.data ? archived : null} href={`/customers?status=archived${asOf ? `&${asOfQuery}` : ""}`} />
        <Stat label="Cities" value={cities.data ? list.length : null} />
        <Stat label={asOf ? "Log head position then" : "Log head position"} value={projections.data || recent.data ? head : null} href="/events" />
      </section>

      <div className="grid gap-6 lg:grid-cols-2">
        <section aria-labelledby="cities-heading" className="min-w-0 space-y-3">
          <h2 id="cities-heading" className="text-lg font-semibold">
            Customers per city
          </h2>
          {cities.isError ? (
            <Notice tone="error">Could not load the city totals: {cities.error.message}</Notice>
          ) : !cities.data ? (
            <Skeleton className="h-48 w-full" />
          ) : list.length === 0 ? (
            <p className="text-sm text-zinc-600 dark:text-zinc-400">No customers yet.</p>
          ) : (
            <CityChart cities={list.slice(0, CHART_CITIES)} more={list.length - CHART_CITIES} />
          )}
        </section>

        <section aria-labelledby="projections-heading" className="min-w-0 space-y-3">
          <div className="flex flex-wrap items-baseline justify-between gap-2">
            <h2 id="projections-heading" className="text-lg font-semibold">
              Projections
            </h2>
            <span className="text-sm text-zinc-600 dark:text-zinc-400">
              {projections.data ? (maxLag === 0 ? "All caught up" : `Up to ${maxLag} events behind`) : null}
            </span>
          </div>
          {projections.isError ? (
            <Notice tone="error">Could not load projection status: {projections.error.message}</Notice>
          ) : !projections.data ? (
            <Skeleton className="h-32 w-full" />
          ) : (
            <ProjectionTable projections={projections.data} compact />
          )}
          <Link href="/projections" className="inline-block text-sm font-medium text-blue-700 hover:underline dark:text-blue-400">
            Manage projections
          </Link>
        </section>
      </div>

      {activity ? (
        <section aria-labelledby="activity-heading" className="space-y-3">
          <h2 id="activity-heading" className="text-lg font-semibold">
            Activity, last 30 days
          </h2>
          {activity}
        </section>
      ) : null}

      <section aria-labelledby="recent-heading" className="space-y-3">
        <div className="flex flex-wrap items-baseline justify-between gap-2">
          <h2 id="recent-heading" className="text-lg font-semibold">
            Recent events
          </h2>
          <Link href="/events" className="text-sm font-medium text-blue-700 hover:underline dark:text-blue-400">
            Full event log
          </Link>
        </div>
        {recent.isError ? (
          <Notice tone="error">Could not load recent events: {recent.error.message}</Notice>
        ) : !recent.data ? (
          <Skeleton className="h-48 w-full" />
        ) : recent.data.events.length === 0 ? (
          <p className="text-sm text-zinc-600 dark:text-zinc-400">No events yet.</p>
        ) : (
          <EventList events={recent.data.events} customers={recent.data.customers} label="Recent events, newest first" />
        )}
      </section>
    </div>
  );
}
