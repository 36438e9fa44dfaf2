import { Button } from "@/components/ui/button";
import { Input, Select } from "@/components/ui/input";
import type { CustomerFilters } from "./use-customer-filters";

/** Search, city and status filters; Reset while any is active. */
export function CustomerToolbar({
  q,
  onSearch,
  filters,
  cities,
  onFilter,
  filtered,
  onReset,
}: {
  q: string;
  onSearch(q: string): void;
  filters: CustomerFilters;
  cities: string[];
  onFilter(updates: Record<string, string | null>): void;
  filtered: boolean;
  onReset(): void;
}) {
  return (
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
          onChange={(e) => onSearch(e.target.value)}
          autoComplete="off"
        />
      </div>
      <div className="basis-36">
        <label htmlFor="customer-city" className="mb-1 block text-sm font-medium">
          City
        </label>
        <Select id="customer-city" value={filters.city} onChange={(e) => onFilter({ city: e.target.value || null })}>
          <option value="">All cities</option>
          {cities.map((city) => (
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
        <Select id="customer-status" value={filters.status} onChange={(e) => onFilter({ status: e.target.value === "all" ? null : e.target.value })}>
          <option value="all">All</option>
          <option value="active">Active</option>
          <option value="archived">Archived</option>
        </Select>
      </div>
      {filtered ? (
        <Button variant="ghost" onClick={onReset}>
          Reset
        </Button>
      ) : null}
    </div>
  );
}
