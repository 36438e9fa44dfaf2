import type { Metadata } from "next";
import { notFound, redirect } from "next/navigation";
import { connection } from "next/server";
import { cache } from "react";
import { z } from "zod";
import { TimelineView } from "@/components/timeline/timeline-view";
import { customerStreamId } from "@/lib/domain/customer/events";
import { isoInstant } from "@/lib/queries/as-of";
import { firstValues } from "@/lib/queries/params";
import { versionAt } from "@/lib/queries/version-at";
import { roleAllows } from "@/lib/auth/roles";
import { getApp } from "@/lib/server/app";
import { currentPrincipal } from "@/lib/server/identity";
import { streamComparison, streamEvents, streamState } from "@/lib/http/timeline";
import { resolveView, timelineTitle, viewSearch, windowAround } from "@/lib/timeline/view";

type Props = {
  params: Promise<{ id: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
};

/** The customer's stream and its latest state, once per request (title and page share it). */
const loadCustomer = cache(async (rawId: string) => {
  await connection();
  if (!z.uuid().safeParse(rawId).success) return null;
  const id = rawId.toLowerCase();
  const streamId = customerStreamId(id);
  const { store } = await getApp();
  const currentVersion = await store.streamVersion(streamId);
  if (currentVersion === 0) return null;
  const latest = await streamState(store, streamId, { version: currentVersion });
  if (latest.state.status === "unregistered") return null;
  return { id, streamId, store, currentVersion, latest, name: latest.state.name, status: latest.state.status };
});

export async function generateMetadata({ params, searchParams }: Props): Promise<Metadata> {
  const customer = await loadCustomer((await params).id);
  if (!customer) return { title: "Customer not found" };
  const { view } = resolveView(firstValues(await searchParams), customer.currentVersion);
  return { title: timelineTitle(customer.name, view.v, customer.currentVersion) };
}

/**
 * The timeline scrubber. The server renders version N (from `?v=`, clamped) complete, with its
 * event window and comparison, so the first paint has content; the client then moves between
 * versions through the JSON API with TanStack Query.
 */
export default async function TimelinePage({ params, searchParams }: Props) {
  const customer = await loadCustomer((await params).id);
  if (!customer) notFound();
  const { id, streamId, store, currentVersion, latest } = customer;
  const query = firstValues(await searchParams);
  // `?at=<ISO>` ("go to date" as a link): the last version at or before it, as a plain ?v= URL.
  if (query.at !== undefined) {
    const at = isoInstant("at").safeParse(query.at);
    const version = at.success ? (await versionAt(store.db, streamId, at.data)).version : 0;
    redirect(`/customers/${id}/timeline?v=${version || 1}`);
  }
  const { view, notices } = resolveView(query, currentVersion);
  const win = windowAround(view.v, currentVersion);
  const [initialState, initialEvents, initialCompare] = await Promise.all([
    view.v === currentVersion ? latest : streamState(store, streamId, { version: view.v }),
    streamEvents(store, streamId, { fromVersion: win.from, toVersion: win.to }),
    view.a !== null && view.b !== null ? streamComparison(store, streamId, { from: view.a, to: view.b }) : null,
  ]);
  return (
    <TimelineView
      // A server render for another URL (a plain link, a refresh after stepping) starts afresh.
      key={`${streamId}?${viewSearch(view)}`}
      customerId={id}
      streamId={streamId}
      name={customer.name}
      status={customer.status}
      currentVersion={currentVersion}
      initialView={view}
      notices={notices}
      initialState={initialState}
      initialEvents={{ ...win, events: initialEvents.events }}
      initialCompare={initialCompare}
      canTryCommands={roleAllows((await currentPrincipal())?.role, "editor")}
    />
  );
}
