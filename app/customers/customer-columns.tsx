import Link from "next/link";
import { Td, Th } from "@/components/data-table/table";
import { StatusBadge } from "@/components/customers/status-badge";
import { LocalTime } from "@/components/local-time";
import type { CustomerListPage } from "@/lib/queries/customers";

type CustomerRow = CustomerListPage["items"][number];

/** A column header that sorts the list by it (the sort lives in the URL); again: the other way. */
function SortHeader({ field, label, sort, hrefWith, className }: { field: string; label: string; sort: string; hrefWith: HrefWith; className?: string }) {
  const active = sort === field || sort === `-${field}`;
  const descending = sort === `-${field}`;
  const next = active && !descending ? `-${field}` : field;
  return (
    <Th className={className} aria-sort={active ? (descending ? "descending" : "ascending") : "none"}>
      <Link href={hrefWith({ sort: next === "name" ? null : next, cursor: null })} scroll={false} prefetch={false} className="hover:underline">
        {label}
        {active ? <span aria-hidden="true">{descending ? " ↓" : " ↑"}</span> : null}
        <span className="sr-only">, sort {next.startsWith("-") ? "descending" : "ascending"}</span>
      </Link>
    </Th>
  );
}

type HrefWith = (updates: Record<string, string | null>) => string;

/** The list's columns: Name · City · Status · Version · Updated (the last three hide on narrow screens); all but Version sort. */
export function CustomerTableHead({ sort = "name", hrefWith }: { sort?: string; hrefWith: HrefWith }) {
  return (
    <thead>
      <tr>
        <SortHeader field="name" label="Name" sort={sort} hrefWith={hrefWith} />
        <SortHeader field="city" label="City" sort={sort} hrefWith={hrefWith} />
        <SortHeader field="status" label="Status" sort={sort} hrefWith={hrefWith} className="hidden sm:table-cell" />
        <Th className="hidden sm:table-cell">Version</Th>
        <SortHeader field="updated" label="Updated" sort={sort} hrefWith={hrefWith} className="hidden xl:table-cell" />
      </tr>
    </thead>
  );
}

/**
 * One customer. Row links do not prefetch: in view, each would cost the server a request (~40 per
 * page). `changed`: new or changed since the list last drew it; globals.css tints it briefly.
 */
export function CustomerTableRow({ item, past = false, changed = false }: { item: CustomerRow; past?: boolean; changed?: boolean }) {
  return (
    <tr className="hover:bg-zinc-50 dark:hover:bg-zinc-800/40" data-changed={changed ? "" : undefined}>
      <Td className="max-w-[14rem] font-medium wrap-anywhere">
        <Link href={`/customers/${item.id}`} prefetch={false} className="text-blue-700 hover:underline dark:text-blue-400">
          {item.name}
        </Link>
        {/* Narrow screens: status and version under the name instead of in their own columns. */}
        <span className="mt-1 flex items-center gap-2 sm:hidden">
          <StatusBadge status={item.status} />
          <TimelineLink item={item} past={past} />
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
        <TimelineLink item={item} past={past} />
      </Td>
      <Td className="hidden whitespace-nowrap text-zinc-500 xl:table-cell dark:text-zinc-400">
        <LocalTime iso={item.updatedAt} short />
      </Td>
    </tr>
  );
}

/** "v3": the customer's timeline at the row's version (in the past: the version current then). */
function TimelineLink({ item, past }: { item: { id: string; name: string; version: number }; past: boolean }) {
  return (
    <Link
      href={`/customers/${item.id}/timeline?v=${item.version}`}
      prefetch={false}
      className="font-mono text-sm font-normal text-blue-700 hover:underline dark:text-blue-400"
      title={`Timeline of ${item.name} at version ${item.version}${past ? ", the version current then" : ""}`}
    >
      v{item.version}
      <span className="sr-only"> timeline of {item.name}{past ? " at the version current then" : ""}</span>
    </Link>
  );
}
