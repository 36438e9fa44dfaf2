"use client";

import { useQuery } from "@tanstack/react-query";
import { useDebouncedSearch } from "@/components/data-table/use-debounced-search";
import { useUrlParams, type ParamUpdates } from "@/components/data-table/use-url-params";
import { fetchJson, queryKeys } from "@/components/query-keys";
import type { CityStat } from "@/lib/queries/stats";

export interface CustomerFilters {
  city: string;
  status: "active" | "archived" | "all";
  q: string;
}

/**
 * The list's filters, kept in the URL. A new filter starts again at the first page; the search
 * box writes the URL ~300 ms after the last keystroke.
 */
export function useCustomerFilters(filters: CustomerFilters) {
  const url = useUrlParams();
  const setFilter = (updates: ParamUpdates) => url.replace({ ...updates, cursor: null });
  const search = useDebouncedSearch(filters.q, (q) => setFilter({ q }));

  const active: string[] = [];
  if (filters.q) active.push(`search “${filters.q}”`);
  if (filters.city) active.push(`city “${filters.city}”`);
  if (filters.status !== "all") active.push(`status ${filters.status}`);
  const reset = () => {
    search.clear();
    url.replace({ q: null, city: null, status: null, cursor: null });
  };
  return { hrefWith: url.hrefWith, setFilter, search, active, reset };
}

/**
 * City choices come from the per-city totals read table, fetched once per tab after the page
 * loads (the server does not render them: they would be most of every list page's bytes). The
 * city filtered on is always a choice. With `asOf`, the cities of the register at that moment.
 */
export function useCityOptions(current: string, asOf: string | null = null): string[] {
  const cityList = useQuery({
    queryKey: queryKeys.citiesAsOf(asOf),
    queryFn: () => fetchJson<{ cities: CityStat[] }>(`/api/stats/cities${asOf ? `?asOf=${encodeURIComponent(asOf)}` : ""}`),
    select: (data) => data.cities.map((c) => c.city),
  });
  const options = [...new Set(cityList.data ?? [])].sort((a, b) => a.localeCompare(b));
  if (current && !options.some((c) => c.toLowerCase() === current.toLowerCase())) options.unshift(current);
  return options;
}
