"use client";

import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { Pager } from "@/components/data-table/pager";
import { EmptyState, ListSkeleton, LoadError } from "@/components/data-table/states";
import { useUrlParams, type ParamUpdates } from "@/components/data-table/use-url-params";
import { useActorLabel } from "@/components/actors/actor-name";
import { EventList } from "@/components/events/event-list";
import { ActorSelect } from "./actor-select";
import { StreamFilterInput } from "./stream-filter";
import { LiveToggle, useLiveInvalidation, useLivePaused } from "@/components/live/live";
import { fetchJson, queryKeys } from "@/components/query-keys";
import { Button } from "@/components/ui/button";
import { Select } from "@/components/ui/input";
import type { EventBrowsePage } from "@/lib/queries/events";

export interface EventFilters {
  type: string;
  stream: string;
  actor: string;
}

/** The global log, newest first: filter by type, stream and who changed it, page with Newer/Older, live. */
export function EventLog({ search, filters, types }: { search: string; filters: EventFilters; types: string[] }) {
  const { hrefWith, replace } = useUrlParams();
  const [paused, setPaused] = useLivePaused();
  const live = useLiveInvalidation([queryKeys.events], paused);
  const page = useQuery({
    queryKey: queryKeys.eventBrowse(search),
    queryFn: () => fetchJson<EventBrowsePage>(`/api/events/browse${search ? `?${search}` : ""}`),
    placeholderData: keepPreviousData,
  });
  const [stream, setStream] = useState(filters.stream);

  /** A new filter starts again at the newest page. */
  const filter = (updates: ParamUpdates) => replace({ ...updates, before: null, after: null });
  const filtered = Boolean(filters.type || filters.stream || filters.actor);
  const actorLabel = useActorLabel(filters.actor);
  const reset = { type: null, stream: null, actor: null };

  const data = page.data;
  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <h1 className="text-2xl font-semibold tracking-tight">Events</h1>
        <LiveToggle state={live} paused={paused} onChange={setPaused} />
      </div>

      <div className="flex flex-wrap items-end gap-3" role="search" aria-label="Filter events">
        {/* Wide enough for the longest type ("CustomerAddressUpdated") with the select's arrow. */}
        <div className="max-w-full basis-[17rem]">
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
        <ActorSelect value={filters.actor} onChange={(actor) => filter({ actor: actor || null })} />
        <form
          className="flex min-w-0 flex-1 basis-64 items-end gap-2"
          onSubmit={(e) => {
            e.preventDefault();
            filter({ stream: stream.trim() || null });
          }}
        >
          <div className="min-w-0 flex-1">
            <label htmlFor="event-stream" className="mb-1 block text-sm font-medium">
              Stream, customer id or name
            </label>
            <StreamFilterInput value={stream} onChange={setStream} />
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
              filter(reset);
            }}
          >
            Reset
          </Button>
        ) : null}
      </div>

      {page.isError ? <LoadError what="events" error={page.error} onRetry={() => void page.refetch()} /> : null}

      {!data ? (
        <ListSkeleton label="Loading events" rowClassName="h-14 w-full" />
      ) : data.events.length === 0 ? (
        <EmptyState
          filteredText={
            filtered
              ? `No events match ${[filters.type && `type ${filters.type}`, filters.stream && `stream “${filters.stream}”`, filters.actor && `changes by ${actorLabel}`].filter(Boolean).join(" and ")}.`
              : null
          }
          emptyText="The log is empty."
          onReset={() => filter(reset)}
        />
      ) : (
        <div className={page.isPlaceholderData ? "opacity-60" : undefined}>
          <EventList events={data.events} customers={data.customers} label="Events, newest first" />
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
