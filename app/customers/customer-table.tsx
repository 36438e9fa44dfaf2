"use client";

import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { Pager } from "@/components/data-table/pager";
import { EmptyState, ListSkeleton, LoadError } from "@/components/data-table/states";
import { Table } from "@/components/data-table/table";
import { FreshnessLabel } from "@/components/live/freshness";
import { LiveToggle, useLiveInvalidation, useLivePaused } from "@/components/live/live";
import { fetchJson, queryKeys } from "@/components/query-keys";
import type { CustomerListPage } from "@/lib/queries/customers";
import { CustomerTableHead, CustomerTableRow } from "./customer-columns";
import { AsOfControl } from "./as-of-control";
import { CustomerToolbar } from "./customer-toolbar";
import { useChangedRows } from "./use-changed-rows";
import { useCityOptions, useCustomerFilters, type CustomerFilters } from "./use-customer-filters";

/**
 * The customer list: filters and search in the URL (the URL is the state), rows from the read
 * table through `/api/customers`, refreshed live when events are appended.
 */
export function CustomerTable({ search, filters, asOf = null, sort = "name" }: { search: string; filters: CustomerFilters; asOf?: string | null; sort?: string }) {
  const [paused, setPaused] = useLivePaused();
  const live = useLiveInvalidation(
    [
      { key: queryKeys.customers, projection: "customer_list" },
      { key: queryKeys.cities, projection: "city_totals" },
    ],
    paused,
  );
  const list = useQuery({
    queryKey: queryKeys.customerList(search),
    queryFn: () => fetchJson<CustomerListPage>(`/api/customers${search ? `?${search}` : ""}`),
    placeholderData: keepPreviousData,
  });
  const cities = useCityOptions(filters.city, asOf);
  const { hrefWith, setFilter, search: box, active, reset } = useCustomerFilters(filters);

  const page = list.data;
  // A placeholder (the previous query's rows, shown while the new one loads) is not compared.
  const changed = useChangedRows(search, list.isPlaceholderData ? undefined : page?.items);
  return (
    <div className="space-y-3">
      <AsOfControl asOf={asOf} />
      <CustomerToolbar
        q={box.q}
        onSearch={box.setQ}
        filters={filters}
        cities={cities}
        onFilter={setFilter}
        filtered={active.length > 0}
        onReset={reset}
      />

      <div className="flex flex-wrap items-center justify-between gap-2">
        <div className="flex flex-wrap items-center gap-x-3 gap-y-1">
          <p aria-live="polite" className="text-sm font-medium">
            {page ? resultCount(page.total, page.totalCapped, filters) : ""}
          </p>
          <FreshnessLabel projection="customer_list" what="Customers" />
        </div>
        <div className="flex flex-wrap items-center gap-3">
          <p aria-live="polite" className="text-xs text-zinc-600 dark:text-zinc-400">
            {list.isFetching && page ? "Updating…" : ""}
          </p>
          <LiveToggle state={live} paused={paused} onChange={setPaused} />
        </div>
      </div>

      {list.isError ? <LoadError what="customers" error={list.error} onRetry={() => void list.refetch()} /> : null}

      {!page ? (
        <ListSkeleton label="Loading customers" rowClassName="h-9 w-full" />
      ) : page.items.length === 0 ? (
        <EmptyState
          filteredText={active.length ? `No customers match ${active.join(", ")}.` : null}
          emptyText={asOf ? "No customers had been registered at that moment." : "No customers yet. Register the first one with the form."}
          onReset={reset}
        />
      ) : (
        <div className={list.isPlaceholderData ? "opacity-60 transition-opacity" : "transition-opacity"}>
          <Table caption={`Customers${asOf ? " as they were then" : ""}, sorted by ${sort.replace(/^-/, "")}${sort.startsWith("-") ? ", descending" : ""}`}>
            <CustomerTableHead sort={sort} hrefWith={hrefWith} />
            <tbody>
              {page.items.map((item) => (
                <CustomerTableRow key={item.id} item={item} past={asOf !== null} changed={changed.has(item.id)} />
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

/** "2 customers · Cambridge · Active": how many match, and the filters they match. */
export function resultCount(total: number, capped: boolean, filters: CustomerFilters): string {
  const count = `${total.toLocaleString("en")}${capped ? "+" : ""} ${total === 1 && !capped ? "customer" : "customers"}`;
  const status = filters.status === "all" ? null : filters.status === "active" ? "Active" : "Archived";
  return [count, filters.q ? `“${filters.q}”` : null, filters.city || null, status].filter(Boolean).join(" · ");
}
