"use client";

import * as Tabs from "@radix-ui/react-tabs";
import { keepPreviousData, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useCallback, useEffect, useMemo, useState } from "react";
import { StatusBadge } from "@/components/customers/status-badge";
import { useLiveInvalidation } from "@/components/live/live";
import { Button, buttonClass } from "@/components/ui/button";
import { Card, Notice } from "@/components/ui/card";
import type { FieldPath } from "@/lib/timeline/diff";
import { timelineTitle, WINDOW_RADIUS, windowAround, type Tab, type TimelineView as View, type ViewNotice } from "@/lib/timeline/view";
import {
  fetchCompare,
  fetchEvents,
  fetchHead,
  fetchHistory,
  fetchState,
  timelineKeys,
  type ApiEvent,
  type CompareResponse,
  type StateResponse,
} from "./api";
import { CopyButton, VersionLink } from "./bits";
import { ComparePanel } from "./compare-panel";
import { EventDetails } from "./event-details";
import { EventList } from "./event-list";
import { pluralize } from "./format";
import { ProvenancePanel } from "./provenance-panel";
import { Scrubber, type Mark } from "./scrubber";
import { StateCard } from "./state-card";
import { StateDiff } from "./state-diff";
import { useTimelineUrl, type NavigationMode } from "./use-timeline-url";

const PLAY_STEP_MS = 1000;

export interface TimelineViewProps {
  customerId: string;
  streamId: string;
  /** The customer's current name and status (the page is about this customer, at any version). */
  name: string;
  status: "active" | "archived";
  currentVersion: number;
  initialView: View;
  notices: ViewNotice[];
  initialState: StateResponse;
  initialEvents: { from: number; to: number; events: ApiEvent[] };
  initialCompare: CompareResponse | null;
}

const TAB_LABELS: Record<Tab, string> = { state: "State", event: "Event", changes: "Changes", why: "Why" };

export function TimelineView(props: TimelineViewProps) {
  const { customerId, streamId, name, initialState, initialEvents, initialCompare } = props;
  const queryClient = useQueryClient();
  const [total, setTotal] = useState(props.currentVersion);
  const [view, navigate] = useTimelineUrl(props.initialView, total);
  const [notices, setNotices] = useState(props.notices);
  const [drag, setDrag] = useState<number | null>(null);
  const [playing, setPlaying] = useState(false);
  const thumb = drag ?? view.v;

  const go = useCallback(
    (patch: Partial<View>, mode: NavigationMode) => {
      setNotices([]);
      navigate(patch, mode);
    },
    [navigate],
  );
  const clampVersion = (n: number) => Math.min(Math.max(Math.round(n), 1), total);
  /** A user's own navigation: stops playback. */
  const commit = (version: number, mode: NavigationMode) => {
    setPlaying(false);
    setDrag(null);
    go({ v: clampVersion(version) }, mode);
  };
  const jump = (version: number) => commit(version, "push");

  // --- the version shown -------------------------------------------------------------------
  const stateOptions = (version: number) => ({
    queryKey: timelineKeys.state(streamId, version),
    queryFn: () => fetchState(streamId, version),
    staleTime: Infinity, // a version's state never changes
  });
  const state = useQuery({
    ...stateOptions(view.v),
    placeholderData: keepPreviousData,
    initialData: view.v === initialState.version ? initialState : undefined,
  });
  const data = state.data;

  // Neighbours first, so a step (or play) lands on cached data: no spinner, no flash.
  useEffect(() => {
    for (const n of [view.v + 1, view.v - 1]) {
      if (n >= 1 && n <= total) void queryClient.prefetchQuery(stateOptions(n));
    }
  }, [view.v, total, streamId, queryClient]);
  // While dragging, fetch only where the thumb rests for a moment (commit does the rest).
  useEffect(() => {
    if (drag === null) return;
    const timer = setTimeout(() => void queryClient.prefetchQuery(stateOptions(drag)), 200);
    return () => clearTimeout(timer);
  }, [drag, streamId, queryClient]);

  // --- the event list window -----------------------------------------------------------------
  const [win, setWin] = useState({ from: initialEvents.from, to: initialEvents.to });
  let activeWin = win;
  if (view.v < win.from || view.v > win.to) {
    activeWin = windowAround(view.v, total);
    setWin(activeWin);
  }
  const events = useQuery({
    queryKey: timelineKeys.events(streamId, activeWin.from, activeWin.to),
    queryFn: () => fetchEvents(streamId, activeWin.from, activeWin.to),
    placeholderData: keepPreviousData,
    initialData:
      activeWin.from === initialEvents.from && activeWin.to === initialEvents.to
        ? { events: initialEvents.events, currentVersion: props.currentVersion, nextFromVersion: null }
        : undefined,
    staleTime: Infinity,
  });
  const loadedEvents = useMemo(() => events.data?.events ?? [], [events.data]);
  const marks: Mark[] = useMemo(() => loadedEvents.map((e) => ({ version: e.version, type: e.type })), [loadedEvents]);
  const typeAt = (version: number) =>
    loadedEvents.find((e) => e.version === version)?.type ?? (data?.version === version ? data.event.type : undefined);

  // --- live: newer versions are announced, never applied to the thumb ------------------------
  useLiveInvalidation([timelineKeys.head(streamId)], false);
  const head = useQuery({
    queryKey: [...timelineKeys.head(streamId), total],
    queryFn: () => fetchHead(streamId, total),
    refetchInterval: 60_000,
  });
  const latest = Math.max(head.data?.currentVersion ?? total, total);
  const newer = latest - total;
  const goToLatest = () => {
    setTotal(latest);
    setPlaying(false);
    setDrag(null);
    go({ v: latest }, "push");
  };

  // --- play ------------------------------------------------------------------------------------
  useEffect(() => {
    if (!playing) return;
    if (view.v >= total) {
      setPlaying(false);
      return;
    }
    const timer = setTimeout(() => go({ v: view.v + 1 }, "replace"), PLAY_STEP_MS);
    return () => clearTimeout(timer);
  }, [playing, view.v, total, go]);
  const togglePlay = () => {
    if (playing) return setPlaying(false);
    setDrag(null);
    if (view.v >= total) go({ v: 1 }, "replace");
    setPlaying(true);
  };

  // --- compare, pinned field -------------------------------------------------------------------
  const comparing = view.a !== null && view.b !== null;
  const compare = useQuery({
    queryKey: timelineKeys.compare(streamId, view.a ?? 0, view.b ?? 0),
    queryFn: () => fetchCompare(streamId, view.a!, view.b!),
    enabled: comparing,
    placeholderData: keepPreviousData,
    initialData:
      initialCompare && initialCompare.from === view.a && initialCompare.to === view.b ? initialCompare : undefined,
    staleTime: Infinity,
  });
  const pinnedHistory = useQuery({
    queryKey: timelineKeys.history(streamId, view.field ?? "name", total),
    queryFn: () => fetchHistory(streamId, view.field!, total),
    enabled: view.field !== null,
    staleTime: Infinity,
  });
  const pinned = useMemo(
    () =>
      view.field && pinnedHistory.data
        ? { field: view.field, versions: new Set(pinnedHistory.data.entries.map((e) => e.version)) }
        : undefined,
    [view.field, pinnedHistory.data],
  );

  useEffect(() => {
    // The layout's title template is not applied to titles set from the client.
    document.title = `${timelineTitle(name, view.v, total)} · Ledger`;
  }, [name, view.v, total]);

  const showing = data?.version ?? view.v;
  const loadingVersion = state.isFetching && state.isPlaceholderData;

  return (
    <div className="space-y-5">
      <nav aria-label="Breadcrumb" className="text-sm text-zinc-600 dark:text-zinc-400">
        <Link href="/customers" className="hover:underline">
          Customers
        </Link>{" "}
        /{" "}
        <Link href={`/customers/${customerId}`} className="hover:underline">
          {name}
        </Link>{" "}
        / <span aria-current="page">Timeline</span>
      </nav>

      <header className="flex flex-wrap items-start justify-between gap-3">
        <div className="min-w-0 space-y-1">
          <div className="flex flex-wrap items-center gap-3">
            <h1 className="break-words text-2xl font-semibold tracking-tight">{name}: timeline</h1>
            <StatusBadge status={props.status} />
          </div>
          <p className="text-sm text-zinc-600 dark:text-zinc-400">
            {pluralize(total, "version")} · <span className="font-mono text-xs">{streamId}</span>
          </p>
        </div>
        <div className="flex flex-wrap gap-2">
          <CopyButton text={() => window.location.href} label="Copy link" />
          <Button
            variant="secondary"
            size="sm"
            disabled={total < 2}
            aria-pressed={comparing}
            onClick={() => (comparing ? go({ a: null, b: null }, "push") : go({ a: 1, b: view.v === 1 ? total : view.v }, "push"))}
          >
            Compare versions
          </Button>
          <Link href={`/customers/${customerId}`} className={buttonClass("secondary", "sm")}>
            Customer
          </Link>
        </div>
      </header>

      {notices.length ? (
        <Notice tone="warning" role="status">
          <ul className="space-y-1">
            {notices.map((notice, i) => (
              <li key={i}>{describeNotice(notice, total)}</li>
            ))}
          </ul>
          <VersionLink customerId={customerId} version={total} onJump={jump} className="mt-1 inline-block underline">
            Go to the latest version (v{total})
          </VersionLink>
        </Notice>
      ) : null}

      {newer > 0 ? (
        <Notice tone="info" role="status" className="flex flex-wrap items-center justify-between gap-2">
          <span>{pluralize(newer, "newer version")} since this page loaded.</span>
          <button type="button" onClick={goToLatest} className="font-medium underline underline-offset-2">
            Go to latest (v{latest})
          </button>
        </Notice>
      ) : null}

      <Card className="p-4">
        <Scrubber
          value={thumb}
          currentVersion={total}
          marks={marks}
          valueType={typeAt(thumb)}
          playing={playing}
          pinned={pinned?.versions}
          onDrag={(value) => {
            setPlaying(false);
            setDrag(value);
          }}
          onCommit={commit}
          onTogglePlay={togglePlay}
        />
      </Card>

      {comparing ? (
        <ComparePanel
          a={view.a!}
          b={view.b!}
          currentVersion={total}
          customerId={customerId}
          data={compare.data}
          loading={compare.isFetching}
          error={compare.isError ? compare.error : null}
          onCompare={(a, b) => go({ a, b }, "push")}
          onExit={() => go({ a: null, b: null }, "push")}
          onJump={jump}
        />
      ) : null}

      <div className="grid grid-cols-1 gap-6 lg:grid-cols-[minmax(0,22rem)_minmax(0,1fr)]">
        <div className="order-2 min-w-0 lg:order-1">
          <EventList
            customerId={customerId}
            events={loadedEvents}
            from={activeWin.from}
            to={activeWin.to}
            currentVersion={total}
            version={view.v}
            pinned={pinned}
            compare={comparing ? { a: view.a!, b: view.b! } : undefined}
            loading={events.isFetching}
            onJump={jump}
            onUnpin={() => go({ field: null }, "replace")}
            onShowPrevious={() => setWin({ from: Math.max(1, activeWin.from - WINDOW_RADIUS), to: activeWin.to })}
            onShowNext={() => setWin({ from: activeWin.from, to: Math.min(total, activeWin.to + WINDOW_RADIUS) })}
          />
        </div>

        <section aria-labelledby="details-heading" className="order-1 min-w-0 lg:order-2">
          <Card className="p-4">
            <div className="mb-3 flex flex-wrap items-baseline justify-between gap-2">
              <h2 id="details-heading" className="text-base font-semibold">
                Version {showing} of {total}
                {data ? <span className="font-normal text-zinc-600 dark:text-zinc-400"> · {data.event.type}</span> : null}
              </h2>
              <span aria-live="polite" className="text-xs text-zinc-500">
                {loadingVersion ? `Loading v${view.v}…` : ""}
              </span>
            </div>
            {!data ? (
              state.isError ? (
                <Notice tone="error" role="alert">
                  Could not load version {view.v}: {state.error.message}{" "}
                  <button type="button" className="font-medium underline" onClick={() => void state.refetch()}>
                    Retry
                  </button>
                </Notice>
              ) : (
                <p className="text-sm text-zinc-500">Loading…</p>
              )
            ) : (
              <Tabs.Root value={view.tab} onValueChange={(tab) => go({ tab: tab as Tab }, "replace")} className={loadingVersion ? "opacity-80" : ""}>
                <Tabs.List aria-label="Version details" className="mb-4 flex gap-1 overflow-x-auto border-b border-zinc-200 dark:border-zinc-800">
                  {(Object.keys(TAB_LABELS) as Tab[]).map((tab) => (
                    <Tabs.Trigger
                      key={tab}
                      value={tab}
                      className="-mb-px border-b-2 border-transparent px-3 py-2 text-sm font-medium text-zinc-600 hover:text-zinc-900 focus-visible:outline-2 focus-visible:outline-blue-500 data-[state=active]:border-blue-600 data-[state=active]:text-zinc-900 dark:text-zinc-400 dark:hover:text-zinc-100 dark:data-[state=active]:border-blue-400 dark:data-[state=active]:text-zinc-100"
                    >
                      {TAB_LABELS[tab]}
                      {tab === "changes" && data.changes.length ? (
                        <span className="ml-1.5 rounded-full bg-amber-100 px-1.5 text-xs text-amber-900 dark:bg-amber-900/60 dark:text-amber-100">
                          {data.changes.length}
                        </span>
                      ) : null}
                    </Tabs.Trigger>
                  ))}
                </Tabs.List>
                <Tabs.Content value="state" className="focus-visible:outline-none">
                  <StateCard data={data} customerId={customerId} onJump={jump} />
                </Tabs.Content>
                <Tabs.Content value="event" className="focus-visible:outline-none">
                  <EventDetails event={data.event} />
                </Tabs.Content>
                <Tabs.Content value="changes" className="focus-visible:outline-none">
                  <p className="mb-2 text-sm text-zinc-600 dark:text-zinc-400">
                    {data.version === 1 ? "Version 1 creates the customer: every field is added." : `Against version ${data.version - 1}.`}
                  </p>
                  <StateDiff changes={data.changes} after={data.state} emptyText="This event changed no field." />
                </Tabs.Content>
                <Tabs.Content value="why" className="focus-visible:outline-none">
                  <ProvenancePanel
                    data={data}
                    streamId={streamId}
                    customerId={customerId}
                    pinned={view.field}
                    onPin={(field: FieldPath | null) => go({ field }, "replace")}
                    onJump={jump}
                  />
                </Tabs.Content>
              </Tabs.Root>
            )}
          </Card>
        </section>
      </div>
    </div>
  );
}

function describeNotice(notice: ViewNotice, total: number): string {
  switch (notice.kind) {
    case "clamped":
      return notice.param === "v"
        ? `Version ${notice.requested} does not exist: this customer has versions 1 to ${total}. Showing version ${notice.shown}.`
        : `Compare version ${notice.requested} (${notice.param}) does not exist; using v${notice.shown}.`;
    case "invalid":
      return `Ignored ${notice.param}=${JSON.stringify(notice.value)}: showing ${notice.fallback}.`;
    case "compare-dropped":
      return `${notice.reason}; compare mode is off.`;
    default: {
      const _exhaustive: never = notice;
      return _exhaustive;
    }
  }
}
