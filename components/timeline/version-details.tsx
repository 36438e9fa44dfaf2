"use client";

import * as Tabs from "@radix-ui/react-tabs";
import { Card, Notice } from "@/components/ui/card";
import type { FieldPath } from "@/lib/timeline/diff";
import type { Tab } from "@/lib/timeline/view";
import type { StateResponse } from "./api";
import type { ShownVersion } from "./hooks/use-version-state";
import { EventDetails } from "./event-details";
import { ProvenancePanel } from "./provenance-panel";
import { StateCard } from "./state-card";
import { StateDiff } from "./state-diff";

const TAB_LABELS: Record<Tab, string> = { state: "State", event: "Event", changes: "Changes", why: "Why" };

const TRIGGER_CLASS =
  "-mb-px border-b-2 border-transparent px-3 py-2 text-sm font-medium text-zinc-600 hover:text-zinc-900 focus-visible:outline-2 focus-visible:outline-blue-500 data-[state=active]:border-blue-600 data-[state=active]:text-zinc-900 dark:text-zinc-400 dark:hover:text-zinc-100 dark:data-[state=active]:border-blue-400 dark:data-[state=active]:text-zinc-100";

export interface VersionDetailsProps {
  customerId: string;
  streamId: string;
  /** The version asked for (in the URL); `shown` has the one whose data is on screen. */
  version: number;
  total: number;
  shown: ShownVersion;
  tab: Tab;
  onTab(tab: Tab): void;
  pinned: FieldPath | null;
  onPin(field: FieldPath | null): void;
  onJump(version: number): void;
}

/** Version N in tabs: State · Event · Changes · Why. */
export function VersionDetails(props: VersionDetailsProps) {
  const { version, total } = props;
  const { data, state, showing, loadingVersion } = props.shown;
  return (
    <section aria-labelledby="details-heading" className="order-1 min-w-0 lg:order-2">
      <Card className="p-4">
        <div className="mb-3 flex flex-wrap items-baseline justify-between gap-2">
          <h2 id="details-heading" className="text-base font-semibold">
            Version {showing} of {total}
            {data ? <span className="font-normal text-zinc-600 dark:text-zinc-400"> · {data.event.type}</span> : null}
          </h2>
          <span aria-live="polite" className="text-xs text-zinc-500">
            {loadingVersion ? `Loading v${version}…` : ""}
          </span>
        </div>
        {data ? (
          <DetailTabs {...props} data={data} />
        ) : state.isError ? (
          <Notice tone="error" role="alert">
            Could not load version {version}: {state.error.message}{" "}
            <button type="button" className="font-medium underline" onClick={() => void state.refetch()}>
              Retry
            </button>
          </Notice>
        ) : (
          <p className="text-sm text-zinc-500">Loading…</p>
        )}
      </Card>
    </section>
  );
}

function DetailTabs({ data, shown, customerId, streamId, tab, onTab, pinned, onPin, onJump }: VersionDetailsProps & { data: StateResponse }) {
  return (
    <Tabs.Root value={tab} onValueChange={(value) => onTab(value as Tab)} className={shown.loadingVersion ? "opacity-80" : ""}>
      <Tabs.List aria-label="Version details" className="mb-4 flex gap-1 overflow-x-auto border-b border-zinc-200 dark:border-zinc-800">
        {(Object.keys(TAB_LABELS) as Tab[]).map((value) => (
          <Tabs.Trigger key={value} value={value} className={TRIGGER_CLASS}>
            {TAB_LABELS[value]}
            {value === "changes" && data.changes.length ? (
              <span className="ml-1.5 rounded-full bg-amber-100 px-1.5 text-xs text-amber-900 dark:bg-amber-900/60 dark:text-amber-100">
                {data.changes.length}
              </span>
            ) : null}
          </Tabs.Trigger>
        ))}
      </Tabs.List>
      <Tabs.Content value="state" className="focus-visible:outline-none">
        <StateCard data={data} customerId={customerId} onJump={onJump} />
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
        <ProvenancePanel data={data} streamId={streamId} customerId={customerId} pinned={pinned} onPin={onPin} onJump={onJump} />
      </Tabs.Content>
    </Tabs.Root>
  );
}
