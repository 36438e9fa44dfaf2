"use client";

import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useState } from "react";
import { Pager } from "@/components/data-table/pager";
import { EventList } from "@/components/events/event-list";
import { LiveToggle, useLiveInvalidation, useLivePaused } from "@/components/live/live";
import { fetchJson, queryKeys } from "@/components/query-keys";
import { Button } from "@/components/ui/button";
import { Notice, Skeleton } from "@/components/ui/card";
import { Input, Select } from "@/components/ui/input";
import type { EventBrowsePage } from "@/lib/queries/events";

/** The global log, newest first: filter by type and stream, page with Newer/Older, live. */
export function EventLog({ search, filters, types }: { search: string; filters: { type: string; stream: string }; types: string[] }) {
  const router = useRouter();
  const pathname = usePathname();
  const params = useSearchParams();
  const [paused, setPaused] = useLivePaused();
  const live = useLiveInvalidation([queryKeys.events], paused);
  const page = useQuery({
    queryKey: queryKeys.eventBrowse(search),
    queryFn: () => fetchJson<EventBrowsePage>(`/api/events/browse${search ? `?${search}` : ""}`),
    placeholderData: keepPreviousData,
  });
  const [stream, setStream] = useState(filters.stream);

  const hrefWith = (updates: Record<string, string | null>) => {
    const next = new URLSearchParams(params.toString());
    for (const [key, value] of Object.entries(updates)) {
      if (value === null || value === "") next.delete(key);
      else next.set(key, value);
    }
    const query = next.toString();
    return query ? `${pathname}?${query}` : pathname;
  };
  const filter = (updates: Record<string, string | null>) =>
    router.replace(hrefWith({ ...updates, before: null, after: null }), { scroll: false });
  const filtered = Boolean(filters.type || filters.stream);

  const data = page.data;
  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <h1 className="text-2xl font-semibold tracking-tight">Events</h1>
        <LiveToggle state={live} paused={paused} onChange={setPaused} />
      </div>

      <div className="flex flex-wrap items-end gap-3" role="search" aria-label="Filter events">
        <div className="basis-52">
          <label htmlFor="event-type" className="mb-1 block text-sm font-medium">
            Event type
          </label>
          <Select id="event-type" value={filters.type} onChange={(e) => filter({ type: e.target.value || null })}>
            <option value="">All types</option>
            {types.map((type) => (
              <option key={type} value={type}>
                {type}
              </option>
            ))}
          </Select>
        </div>
        <form
          className="flex min-w-0 flex-1 basis-64 items-end gap-2"
          onSubmit={(e) => {
            e.preventDefault();
            filter({ stream: stream.trim() || null });
          }}
        >
          <div className="min-w-0 flex-1">
            <label htmlFor="event-stream" className="mb-1 block text-sm font-medium">
              Stream or customer id
            </label>
            <Input id="event-stream" value={stream} onChange={(e) => setStream(e.target.value)} placeholder="Customer-…" autoComplete="off" />
          </div>
          <Button type="submit" variant="secondary">
            Filter
          </Button>
        </form>
        {filtered ? (
          <Button
            variant="ghost"
            onClick={() => {
              setStream("");
              filter({ type: null, stream: null });
            }}
          >
            Reset
          </Button>
        ) : null}
      </div>

      {page.isError ? (
        <Notice tone="error" role="alert" className="flex flex-wrap items-center justify-between gap-2">
          <span>Could not load events: {page.error.message}</span>
          <Button variant="secondary" size="sm" onClick={() => void page.refetch()}>
            Retry
          </Button>
        </Notice>
      ) : null}

      {!data ? (
        <div className="space-y-2" aria-busy="true" aria-label="Loading events">
          {Array.from({ length: 6 }, (_, i) => (
            <Skeleton key={i} className="h-14 w-full" />
          ))}
        </div>
      ) : data.events.length === 0 ? (
        <div className="rounded-lg border border-dashed border-zinc-300 p-8 text-center dark:border-zinc-700">
          {filtered ? (
            <>
              <p className="font-medium">
                No events match {[filters.type && `type ${filters.type}`, filters.stream && `stream “${filters.stream}”`].filter(Boolean).join(" and ")}.
              </p>
              <Button variant="secondary" className="mt-3" onClick={() => filter({ type: null, stream: null })}>
                Reset filters
              </Button>
            </>
          ) : (
            <p className="font-medium">The log is empty.</p>
          )}
        </div>
      ) : (
        <div className={page.isPlaceholderData ? "opacity-60" : undefined}>
          <EventList events={data.events} label="Events, newest first" />
        </div>
      )}

      <Pager
        label="Event log pages"
        prevText="Newer"
        nextText="Older"
        prevHref={data?.newerAfter != null ? hrefWith({ after: String(data.newerAfter), before: null }) : null}
        nextHref={data?.olderBefore != null ? hrefWith({ before: String(data.olderBefore), after: null }) : null}
      />
    </div>
  );
}
