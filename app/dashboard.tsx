"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { EventList } from "@/components/events/event-list";
import { LiveToggle, useLiveInvalidation, useLivePaused } from "@/components/live/live";
import { ProjectionTable } from "@/components/projections/projection-table";
import { useProjections } from "@/components/projections/use-projections";
import { fetchJson, queryKeys, RECENT_SEARCH } from "@/components/query-keys";
import { Card, Notice, Skeleton } from "@/components/ui/card";
import type { EventBrowsePage } from "@/lib/queries/events";
import type { CityStat } from "@/lib/queries/stats";

const CHART_CITIES = 8;

export function Dashboard() {
  const [paused, setPaused] = useLivePaused();
  const live = useLiveInvalidation([queryKeys.cities, queryKeys.events, queryKeys.projections], paused);
  const cities = useQuery({
    queryKey: queryKeys.cities,
    queryFn: () => fetchJson<{ cities: CityStat[] }>("/api/stats/cities"),
  });
  const projections = useProjections();
  const recent = useQuery({
    queryKey: queryKeys.eventBrowse(RECENT_SEARCH),
    queryFn: () => fetchJson<EventBrowsePage>(`/api/events/browse?${RECENT_SEARCH}`),
  });

  const list = cities.data?.cities ?? [];
  const active = list.reduce((sum, c) => sum + c.active, 0);
  const archived = list.reduce((sum, c) => sum + c.archived, 0);
  const head = projections.data?.[0]?.headPosition ?? recent.data?.events[0]?.position ?? 0;
  const maxLag = projections.data?.reduce((max, p) => Math.max(max, p.lag), 0) ?? 0;

  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <h1 className="text-2xl font-semibold tracking-tight">Dashboard</h1>
        <LiveToggle state={live} paused={paused} onChange={setPaused} />
      </div>

      <section aria-label="Totals" className="grid grid-cols-2 gap-3 md:grid-cols-4">
        <Stat label="Active customers" value={cities.data ? active : null} href="/customers?status=active" />
        <Stat label="Archived customers" value={cities.data ? archived : null} href="/customers?status=archived" />
        <Stat label="Cities" value={cities.data ? list.length : null} />
        <Stat label="Log head position" value={projections.data || recent.data ? head : null} href="/events" />
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
          <EventList events={recent.data.events} label="Recent events, newest first" />
        )}
      </section>
    </div>
  );
}

function Stat({ label, value, href }: { label: string; value: number | null; href?: string }) {
  const body = (
    <>
      <span className="block text-sm text-zinc-600 dark:text-zinc-400">{label}</span>
      <span className="mt-1 block text-2xl font-semibold tabular-nums">{value ?? "…"}</span>
    </>
  );
  return (
    <Card className="p-4">
      {href ? (
        <Link href={href} className="block rounded hover:opacity-80">
          {body}
        </Link>
      ) : (
        body
      )}
    </Card>
  );
}

/** Horizontal bars in plain CSS; each bar is a link to the list filtered by that city. */
function CityChart({ cities, more }: { cities: CityStat[]; more: number }) {
  const max = Math.max(1, ...cities.map((c) => c.active + c.archived));
  return (
    <Card className="p-4">
      <ul className="space-y-3" aria-label="Customers per city: active and archived">
        {cities.map((c) => (
          <li key={c.city}>
            <Link
              href={`/customers?city=${encodeURIComponent(c.city)}`}
              className="block rounded text-sm hover:bg-zinc-50 dark:hover:bg-zinc-800/50"
            >
              <span className="flex items-baseline justify-between gap-3">
                <span className="min-w-0 truncate font-medium" title={c.city}>
                  {c.city}
                </span>
                <span className="shrink-0 tabular-nums text-zinc-600 dark:text-zinc-400">
                  {c.active} active{c.archived ? ` · ${c.archived} archived` : ""}
                </span>
              </span>
              <span className="mt-1 flex h-2.5 overflow-hidden rounded-full bg-zinc-100 dark:bg-zinc-800" aria-hidden="true">
                <span className="bg-blue-600 dark:bg-blue-500" style={{ width: `${(c.active / max) * 100}%` }} />
                <span className="bg-zinc-400 dark:bg-zinc-500" style={{ width: `${(c.archived / max) * 100}%` }} />
              </span>
            </Link>
          </li>
        ))}
      </ul>
      <p className="mt-3 flex flex-wrap gap-4 text-xs text-zinc-500 dark:text-zinc-400">
        <span className="inline-flex items-center gap-1">
          <span className="h-2 w-3 rounded-sm bg-blue-600 dark:bg-blue-500" aria-hidden="true" /> Active
        </span>
        <span className="inline-flex items-center gap-1">
          <span className="h-2 w-3 rounded-sm bg-zinc-400 dark:bg-zinc-500" aria-hidden="true" /> Archived
        </span>
        {more > 0 ? <span>and {more} more cities</span> : null}
      </p>
    </Card>
  );
}
