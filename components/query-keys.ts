/*
 * TanStack Query keys and fetchers shared by server pages (which prefill the cache) and client
 * components (which refetch on live updates). A page and its client must build the same key.
 */

export interface ListSearch {
  city?: string;
  status?: "active" | "archived" | "all";
  q?: string;
  limit?: number;
  cursor?: string;
  asOf?: string;
  sort?: string;
}

/** Canonical query string: defaults left out, fixed key order. */
export function listSearchString(params: ListSearch, defaults: { limit: number }): string {
  const out = new URLSearchParams();
  if (params.city) out.set("city", params.city);
  if (params.status && params.status !== "all") out.set("status", params.status);
  if (params.q) out.set("q", params.q);
  if (params.limit && params.limit !== defaults.limit) out.set("limit", String(params.limit));
  if (params.cursor) out.set("cursor", params.cursor);
  if (params.asOf) out.set("asOf", params.asOf);
  if (params.sort && params.sort !== "name") out.set("sort", params.sort);
  return out.toString();
}

/** The dashboard's feed: the newest ten events. */
export const RECENT_SEARCH = "limit=10";

export interface EventSearch {
  before?: number;
  after?: number;
  limit?: number;
  type?: string[];
  stream?: string;
  actor?: string;
}

/** Canonical query string of an event-log page: defaults left out, fixed key order. */
export function eventSearchString(params: EventSearch, defaults: { limit: number }): string {
  const out = new URLSearchParams();
  if (params.type?.length) out.set("type", params.type.join(","));
  if (params.stream) out.set("stream", params.stream);
  if (params.actor) out.set("actor", params.actor);
  if (params.before !== undefined) out.set("before", String(params.before));
  else if (params.after !== undefined) out.set("after", String(params.after));
  if (params.limit && params.limit !== defaults.limit) out.set("limit", String(params.limit));
  return out.toString();
}

export const queryKeys = {
  customers: ["customers"] as const,
  customerList: (search: string) => ["customers", "list", search] as const,
  customerNames: (q: string) => ["customers", "names", q] as const,
  cities: ["stats", "cities"] as const,
  citiesAsOf: (asOf: string | null) => (asOf ? (["stats", "cities", asOf] as const) : (["stats", "cities"] as const)),
  events: ["events"] as const,
  eventBrowse: (search: string) => ["events", "browse", search] as const,
  projections: ["projections"] as const,
  parked: ["projections", "parked"] as const,
  parkedResolved: ["projections", "parked", "resolved"] as const,
};

/** GET JSON; a non-2xx answer throws with the API's error message and the status in it. */
export async function fetchJson<T>(url: string, init?: RequestInit): Promise<T> {
  const response = await fetch(url, { ...init, headers: { accept: "application/json", ...init?.headers } });
  const body = (await response.json().catch(() => null)) as { error?: { message?: string } } | null;
  if (!response.ok) throw new Error(`${response.status}: ${body?.error?.message ?? response.statusText}`);
  return body as T;
}
