"use client";

import { keepPreviousData, useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useEffect, useRef, useState } from "react";
import { Pager } from "@/components/data-table/pager";
import { Table, Td, Th } from "@/components/data-table/table";
import { LiveToggle, useLiveInvalidation, useLivePaused } from "@/components/live/live";
import { LocalTime } from "@/components/local-time";
import { fetchJson, queryKeys } from "@/components/query-keys";
import { StatusBadge } from "@/components/customers/status-badge";
import { Button } from "@/components/ui/button";
import { Notice, Skeleton } from "@/components/ui/card";
import { Input, Select } from "@/components/ui/input";
import type { CustomerListPage } from "@/lib/queries/customers";
import type { CityStat } from "@/lib/queries/stats";

type CitiesResponse = { cities: CityStat[] };

interface Filters {
  city: string;
  status: "active" | "archived" | "all";
  q: string;
}

const SEARCH_DEBOUNCE_MS = 300;

/**
 * The customer list: filters and search in the URL (the URL is the state), rows from the read
 * table through `/api/customers`, refreshed live when events are appended.
 */
export function CustomerTable({ search, filters }: { search: string; filters: Filters }) {
  const router = useRouter();
  const pathname = usePathname();
  const params = useSearchParams();
  const [paused, setPaused] = useLivePaused();
  const live = useLiveInvalidation([queryKeys.customers, queryKeys.cities], paused);

  const list = useQuery({
    queryKey: queryKeys.customerList(search),
    queryFn: () => fetchJson<CustomerListPage>(`/api/customers${search ? `?${search}` : ""}`),
    placeholderData: keepPreviousData,
  });
  // City choices come from the per-city totals read table, fetched once per tab after the page
  // loads (the server does not render them: they would be most of every list page's bytes).
  const cityList = useQuery({
    queryKey: queryKeys.cities,
    queryFn: () => fetchJson<CitiesResponse>("/api/stats/cities"),
    select: (data) => data.cities.map((c) => c.city),
  });
  const cityOptions = [...new Set(cityList.data ?? [])].sort((a, b) => a.localeCompare(b));
  if (filters.city && !cityOptions.some((c) => c.toLowerCase() === filters.city.toLowerCase())) cityOptions.unshift(filters.city);

  /** Replace filter values in the URL; a new filter starts again at the first page. */
  const hrefWith = (updates: Record<string, string | null>) => {
    const next = new URLSearchParams(params.toString());
    for (const [key, value] of Object.entries(updates)) {
      if (value === null || value === "") next.delete(key);
      else next.set(key, value);
    }
    const query = next.toString();
    return query ? `${pathname}?${query}` : pathname;
  };
  const setFilter = (updates: Record<string, string | null>) =>
    router.replace(hrefWith({ ...updates, cursor: null }), { scroll: false });

  // Search box: typed text is local; the URL follows ~300 ms after the last keystroke.
  const [q, setQ] = useState(filters.q);
  const sentQ = useRef(filters.q);
  useEffect(() => {
    if (filters.q !== sentQ.current) {
      sentQ.current = filters.q;
      setQ(filters.q);
    }
  }, [filters.q]);
  useEffect(() => {
    if (q.trim() === sentQ.current.trim()) return;
    const timer = setTimeout(() => {
      sentQ.current = q.trim();
      setFilter({ q: q.trim() });
    }, SEARCH_DEBOUNCE_MS);
    return () => clearTimeout(timer);
    // setFilter is rebuilt every render; the debounce depends on the typed text only.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [q]);

  const active: string[] = [];
  if (filters.q) active.push(`search “${filters.q}”`);
  if (filters.city) active.push(`city “${filters.city}”`);
  if (filters.status !== "all") active.push(`status ${filters.status}`);
  const reset = () => {
    sentQ.current = "";
    setQ("");
    router.replace(hrefWith({ q: null, city: null, status: null, cursor: null }), { scroll: false });
  };

  const page = list.data;
  return (
    <div className="space-y-3">
      <div className="flex flex-wrap items-end gap-3" role="search" aria-label="Filter customers">
        <div className="min-w-0 flex-1 basis-48">
          <label htmlFor="customer-search" className="mb-1 block text-sm font-medium">
            Search
          </label>
          <Input
            id="customer-search"
            type="search"
            placeholder="Name, street, city…"
            value={q}
            onChange={(e) => setQ(e.target.value)}
            autoComplete="off"
          />
        </div>
        <div className="basis-36">
          <label htmlFor="customer-city" className="mb-1 block text-sm font-medium">
            City
          </label>
          <Select id="customer-city" value={filters.city} onChange={(e) => setFilter({ city: e.target.value || null })}>
            <option value="">All cities</option>
            {cityOptions.map((city) => (
              <option key={city} value={city}>
                {city}
              </option>
            ))}
          </Select>
        </div>
        <div className="basis-32">
          <label htmlFor="customer-status" className="mb-1 block text-sm font-medium">
            Status
          </label>
          <Select
            id="customer-status"
            value={filters.status}
            onChange={(e) => setFilter({ status: e.target.value === "all" ? null : e.target.value })}
          >
            <option value="all">All</option>
            <option value="active">Active</option>
            <option value="archived">Archived</option>
          </Select>
        </div>
        {active.length ? (
          <Button variant="ghost" onClick={reset}>
            Reset
          </Button>
        ) : null}
      </div>

      <div className="flex flex-wrap items-center justify-between gap-2">
        <LiveToggle state={live} paused={paused} onChange={setPaused} />
        <p aria-live="polite" className="text-xs text-zinc-500 dark:text-zinc-400">
          {list.isFetching && page ? "Updating…" : ""}
        </p>
      </div>

      {list.isError ? (
        <Notice tone="error" role="alert" className="flex flex-wrap items-center justify-between gap-2">
          <span>Could not load customers: {list.error.message}</span>
          <Button variant="secondary" size="sm" onClick={() => void list.refetch()}>
            Retry
          </Button>
        </Notice>
      ) : null}

      {!page ? (
        <ListSkeleton />
      ) : page.items.length === 0 ? (
        <div className="rounded-lg border border-dashed border-zinc-300 p-8 text-center dark:border-zinc-700">
          {active.length ? (
            <>
              <p className="font-medium">No customers match {active.join(", ")}.</p>
              <Button variant="secondary" className="mt-3" onClick={reset}>
                Reset filters
              </Button>
            </>
          ) : (
            <p className="font-medium">No customers yet. Register the first one with the form.</p>
          )}
        </div>
      ) : (
        <div className={list.isPlaceholderData ? "opacity-60 transition-opacity" : "transition-opacity"}>
          <Table caption="Customers, sorted by name">
            <thead>
              <tr>
                <Th>Name</Th>
                <Th>City</Th>
                <Th className="hidden sm:table-cell">Status</Th>
                <Th className="hidden sm:table-cell">Version</Th>
                <Th className="hidden xl:table-cell">Updated</Th>
              </tr>
            </thead>
            <tbody>
              {/* Row links do not prefetch: in view, each would cost the server a request (~40 per page). */}
              {page.items.map((item) => (
                <tr key={item.id} className="hover:bg-zinc-50 dark:hover:bg-zinc-800/40">
                  <Td className="max-w-[14rem] font-medium wrap-anywhere">
                    <Link href={`/customers/${item.id}`} prefetch={false} className="text-blue-700 hover:underline dark:text-blue-400">
                      {item.name}
                    </Link>
                    {/* Narrow screens: status and version under the name instead of in their own columns. */}
                    <span className="mt-1 flex items-center gap-2 sm:hidden">
                      <StatusBadge status={item.status} />
                      <TimelineLink item={item} />
                    </span>
                  </Td>
                  <Td className="max-w-[12rem] wrap-anywhere">
                    {item.city}
                    <span className="block text-xs text-zinc-500 dark:text-zinc-400">{item.address.street}</span>
                  </Td>
                  <Td className="hidden sm:table-cell">
                    <StatusBadge status={item.status} />
                  </Td>
                  <Td className="hidden sm:table-cell">
                    <TimelineLink item={item} />
                  </Td>
                  <Td className="hidden whitespace-nowrap text-zinc-500 xl:table-cell dark:text-zinc-400">
                    <LocalTime iso={item.updatedAt} short />
                  </Td>
                </tr>
              ))}
            </tbody>
          </Table>
        </div>
      )}

      <Pager
        label="Customer pages"
        prevHref={page?.prevCursor ? hrefWith({ cursor: page.prevCursor }) : null}
        nextHref={page?.nextCursor ? hrefWith({ cursor: page.nextCursor }) : null}
      />
    </div>
  );
}

/** "v3": the customer's timeline at the row's version. */
function TimelineLink({ item }: { item: { id: string; name: string; version: number } }) {
  return (
    <Link
      href={`/customers/${item.id}/timeline?v=${item.version}`}
      prefetch={false}
      className="font-mono text-sm font-normal text-blue-700 hover:underline dark:text-blue-400"
      title={`Timeline of ${item.name} at version ${item.version}`}
    >
      v{item.version}
      <span className="sr-only"> timeline of {item.name}</span>
    </Link>
  );
}

function ListSkeleton() {
  return (
    <div className="space-y-2" aria-busy="true" aria-label="Loading customers">
      {Array.from({ length: 6 }, (_, i) => (
        <Skeleton key={i} className="h-9 w-full" />
      ))}
    </div>
  );
}
