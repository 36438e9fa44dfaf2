import Link from "next/link";
import { Card } from "@/components/ui/card";
import type { CityStat } from "@/lib/queries/stats";

/** Horizontal bars in plain CSS; each bar is a link to the list filtered by that city. */
export function CityChart({ cities, more }: { cities: CityStat[]; more: number }) {
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
