"use client";

import { keepPreviousData, useQuery } from "@tanstack/react-query";
import type { TimelineView } from "@/lib/timeline/view";
import { fetchCompare, timelineKeys, type CompareResponse } from "../api";
import type { Go } from "./use-navigation";

/** Compare mode: versions A and B from the URL (`?a=&b=`), and their comparison. */
export function useCompare(streamId: string, view: TimelineView, total: number, go: Go, initial: CompareResponse | null) {
  const pair = view.a !== null && view.b !== null ? { a: view.a, b: view.b } : undefined;
  const query = useQuery({
    queryKey: timelineKeys.compare(streamId, view.a ?? 0, view.b ?? 0),
    queryFn: () => fetchCompare(streamId, view.a!, view.b!),
    enabled: pair !== undefined,
    placeholderData: keepPreviousData,
    initialData: initial && initial.from === view.a && initial.to === view.b ? initial : undefined,
    staleTime: Infinity,
  });
  const exit = () => go({ a: null, b: null }, "push");
  return {
    pair,
    data: query.data,
    loading: query.isFetching,
    error: query.isError ? query.error : null,
    select: (a: number, b: number) => go({ a, b }, "push"),
    exit,
    /** On: the version shown against the latest (version 1 against the latest when the latest is shown). */
    toggle: () => (pair ? exit() : go({ a: view.v < total ? view.v : 1, b: total }, "push")),
  };
}
