"use client";

import { Card } from "@/components/ui/card";
import { timelineTitle, type TimelineView as View, type ViewNotice } from "@/lib/timeline/view";
import type { CompareResponse, StateResponse } from "./api";
import { ComparePanel } from "./compare-panel";
import { CopyAsTest } from "./copy-as-test";
import { EventList } from "./event-list";
import { GoToDate } from "./go-to-date";
import { useCompare } from "./hooks/use-compare";
import { useDocumentTitle } from "./hooks/use-document-title";
import { useEventWindow, type InitialEvents } from "./hooks/use-event-window";
import { useLiveHead } from "./hooks/use-live-head";
import { useNavigation } from "./hooks/use-navigation";
import { usePinnedField } from "./hooks/use-pinned-field";
import { usePlayback } from "./hooks/use-playback";
import type { NavigationMode } from "./hooks/use-timeline-url";
import { useVersionState } from "./hooks/use-version-state";
import { Scrubber } from "./scrubber";
import { TimelineHeader } from "./timeline-header";
import { NewerVersions, UrlNotices } from "./timeline-notices";
import { VersionDetails } from "./version-details";
import { WhatIfPanel } from "./what-if-panel";

const EVENTS_ANCHOR = "timeline-events";

/** Small screens put the event list below the details: a link at the top reaches it (focus moves there too). */
function JumpToEvents() {
  return (
    <a
      href={`#${EVENTS_ANCHOR}`}
      className="inline-block text-sm font-medium text-violet-700 underline-offset-2 hover:underline lg:hidden dark:text-violet-300"
      onClick={(event) => {
        const target = document.getElementById(EVENTS_ANCHOR);
        if (!target) return;
        event.preventDefault();
        target.scrollIntoView({ block: "start" });
        target.focus({ preventScroll: true });
      }}
    >
      Jump to events <span aria-hidden="true">↓</span>
    </a>
  );
}

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
  initialEvents: Omit<InitialEvents, "currentVersion">;
  initialCompare: CompareResponse | null;
  /** Editors may preview commands at a version ("Try a command here"). */
  canTryCommands?: boolean;
}

/** The timeline scrubber (STYLE §9): each hook holds one kind of state; this wires them to the views. */
export function TimelineView(props: TimelineViewProps) {
  const { customerId, streamId, name } = props;
  const live = useLiveHead(streamId, props.currentVersion);
  const { total } = live;
  const { view, notices, go } = useNavigation(props.initialView, props.notices, total);
  const shown = useVersionState(streamId, view.v, total, props.initialState);
  const playback = usePlayback(view.v, total, go);
  const list = useEventWindow(streamId, view.v, total, { ...props.initialEvents, currentVersion: props.currentVersion });
  const compare = useCompare(streamId, view, total, go, props.initialCompare);
  const pinned = usePinnedField(streamId, view.field, total);

  useDocumentTitle(`${timelineTitle(name, view.v, total)} · Ledger`);

  /** A user's own navigation: stops playback and lets go of the thumb. */
  const moveTo = (version: number, mode: NavigationMode) => {
    playback.stop();
    shown.setDrag(null);
    go({ v: version }, mode);
  };
  const commit = (version: number, mode: NavigationMode) => moveTo(Math.min(Math.max(Math.round(version), 1), total), mode);
  const jump = (version: number) => commit(version, "push");
  const typeAt = (version: number) => list.typeAt(version) ?? (shown.data?.version === version ? shown.data.event.type : undefined);

  return (
    <div className="space-y-5">
      <TimelineHeader {...props} total={total} comparing={compare.pair !== undefined} onToggleCompare={compare.toggle} />
      <JumpToEvents />
      <UrlNotices notices={notices} total={total} customerId={customerId} onJump={jump} />
      <NewerVersions newer={live.newer} latest={live.latest} onGoToLatest={() => moveTo(live.catchUp(), "push")} />

      <Card className="p-4">
        <Scrubber
          value={shown.thumb}
          currentVersion={total}
          marks={list.marks}
          valueType={typeAt(shown.thumb)}
          playing={playback.playing}
          pinned={pinned?.versions}
          onDrag={(value) => {
            playback.stop();
            shown.setDrag(value);
          }}
          onCommit={commit}
          onTogglePlay={() => (playback.playing ? playback.stop() : (shown.setDrag(null), playback.start()))}
        />
        <div className="mt-3 border-t border-zinc-200 pt-3 dark:border-zinc-800">
          <GoToDate
            streamId={streamId}
            registeredAt={props.initialState.state.status === "unregistered" ? null : props.initialState.state.registeredAt}
            onJump={jump}
          />
        </div>
      </Card>

      {compare.pair ? (
        <ComparePanel
          streamId={streamId}
          typeAt={typeAt}
          a={compare.pair.a}
          b={compare.pair.b}
          currentVersion={total}
          customerId={customerId}
          data={compare.data}
          loading={compare.loading}
          error={compare.error}
          onCompare={compare.select}
          onExit={compare.exit}
          onJump={jump}
        />
      ) : null}

      <div className="grid grid-cols-1 gap-6 lg:grid-cols-[minmax(0,22rem)_minmax(0,1fr)]">
        <div id={EVENTS_ANCHOR} tabIndex={-1} className="order-2 min-w-0 scroll-mt-4 outline-none lg:order-1">
          <EventList
            customerId={customerId}
            events={list.events}
            from={list.from}
            to={list.to}
            currentVersion={total}
            version={view.v}
            pinned={pinned}
            compare={compare.pair}
            loading={list.loading}
            onJump={jump}
            onUnpin={() => go({ field: null }, "replace")}
            onShowPrevious={list.showPrevious}
            onShowNext={list.showNext}
          />
        </div>
        <VersionDetails
          customerId={customerId}
          streamId={streamId}
          version={view.v}
          total={total}
          shown={shown}
          tab={view.tab}
          onTab={(tab) => go({ tab }, "replace")}
          pinned={view.field}
          onPin={(field) => go({ field }, "replace")}
          onJump={jump}
        />
      </div>
      {props.canTryCommands ? <WhatIfPanel streamId={streamId} version={view.v} /> : null}
      <CopyAsTest
        streamId={streamId}
        version={view.v}
        total={total}
        range={compare.pair ? { a: compare.pair.a, b: compare.pair.b } : null}
      />
    </div>
  );
}
