"use client";

import { useQuery } from "@tanstack/react-query";
import { useDeferredValue } from "react";
import { fetchJson, queryKeys } from "@/components/query-keys";
import { Input } from "@/components/ui/input";

interface NameSuggestion {
  id: string;
  streamId: string;
  name: string;
}

/** Suggest names once this many characters are typed (the API's minimum). */
const MIN_TYPED = 2;

/**
 * The stream filter's text box: a stream id, a customer id or a customer's name, with the names
 * of matching (not erased) customers offered as a datalist. The server resolves a name to its stream.
 */
export function StreamFilterInput({ value, onChange }: { value: string; onChange: (value: string) => void }) {
  const typed = useDeferredValue(value.trim());
  const wanted = typed.length >= MIN_TYPED && !typed.startsWith("Customer-");
  const suggestions = useQuery({
    queryKey: queryKeys.customerNames(typed),
    queryFn: () => fetchJson<{ items: NameSuggestion[] }>(`/api/customers/names?q=${encodeURIComponent(typed)}`),
    enabled: wanted,
    staleTime: 10_000,
  });
  const items = wanted ? (suggestions.data?.items ?? []) : [];
  return (
    <>
      <Input
        id="event-stream"
        value={value}
        onChange={(e) => onChange(e.target.value)}
        placeholder="Customer-… or a name"
        autoComplete="off"
        list="event-stream-names"
      />
      <datalist id="event-stream-names" data-testid="event-stream-names">
        {[...new Set(items.map((item) => item.name))].map((name) => (
          <option key={name} value={name} />
        ))}
      </datalist>
    </>
  );
}
