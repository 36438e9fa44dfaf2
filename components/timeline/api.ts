import { fetchJson } from "@/components/query-keys";
import type { CompareResponse, EventsResponse, HistoryResponse, StateResponse } from "@/lib/http/timeline";
import type { FieldPath } from "@/lib/timeline/diff";

/** Query keys of the timeline. Everything under ["timeline", streamId] belongs to one stream. */
export const timelineKeys = {
  all: (streamId: string) => ["timeline", streamId] as const,
  state: (streamId: string, version: number) => ["timeline", streamId, "state", version] as const,
  events: (streamId: string, from: number, to: number) => ["timeline", streamId, "events", from, to] as const,
  head: (streamId: string) => ["timeline", streamId, "head"] as const,
  compare: (streamId: string, a: number, b: number) => ["timeline", streamId, "compare", a, b] as const,
  history: (streamId: string, field: FieldPath, toVersion: number) => ["timeline", streamId, "history", field, toVersion] as const,
};

const base = (streamId: string) => `/api/streams/${encodeURIComponent(streamId)}`;

export const fetchState = (streamId: string, version: number) =>
  fetchJson<StateResponse>(`${base(streamId)}/state?version=${version}`);

export const fetchEvents = (streamId: string, from: number, to: number) =>
  fetchJson<EventsResponse>(`${base(streamId)}/events?fromVersion=${from}&toVersion=${to}`);

/** Events after `known`: how many versions appeared since the page loaded. */
export const fetchHead = (streamId: string, known: number) =>
  fetchJson<EventsResponse>(`${base(streamId)}/events?fromVersion=${known + 1}&toVersion=${known + 1}`);

export const fetchCompare = (streamId: string, a: number, b: number) =>
  fetchJson<CompareResponse>(`${base(streamId)}/compare?from=${a}&to=${b}`);

export const fetchHistory = (streamId: string, field: FieldPath, toVersion: number) =>
  fetchJson<HistoryResponse>(`${base(streamId)}/history?field=${encodeURIComponent(field)}&toVersion=${toVersion}`);

export type { CompareResponse, EventsResponse, HistoryResponse, StateResponse };
export type ApiEvent = StateResponse["event"];

/** "Go to date": the state at the last version at or before `at` (an ISO instant). */
export const fetchStateAt = (streamId: string, at: string) =>
  fetchJson<StateResponse>(`${base(streamId)}/state?at=${encodeURIComponent(at)}`);
