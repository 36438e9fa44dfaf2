import { dehydrate, HydrationBoundary, QueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { connection } from "next/server";
import { z } from "zod";
import { eventSearchString, queryKeys } from "@/components/query-keys";
import { buttonClass } from "@/components/ui/button";
import { Notice } from "@/components/ui/card";
import { browseEvents, EVENT_PAGE_SIZE, eventBrowseParams, knownEventTypes } from "@/lib/queries/events";
import { firstValues } from "@/lib/queries/params";
import { pageFilterProblems } from "@/lib/http/page-filters";
import { getApp } from "@/lib/server/app";
import { EventLog } from "./event-log";

export const metadata = { title: "Events" };

/** The API's parameters; anything else in the URL (e.g. `live`) is the client's business. */
const pageParams = z.object(eventBrowseParams.shape);

export default async function EventsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  await connection();
  const parsed = pageParams.safeParse(firstValues(await searchParams));
  if (!parsed.success) {
    return (
      <div className="space-y-4">
        <h1 className="text-2xl font-semibold tracking-tight">Events</h1>
        <Notice tone="error" role="alert">
          <p className="font-medium">This link has filters the event log does not understand.</p>
          <p className="mt-1">{(pageFilterProblems("/events", new URLSearchParams(firstValues(await searchParams))) ?? []).join(" ")}</p>
        </Notice>
        <Link href="/events" className={buttonClass("secondary")}>
          Reset filters
        </Link>
      </div>
    );
  }
  const params = parsed.data;
  const app = await getApp();
  const page = await browseEvents(app.store, app.database.db, params);
  const search = eventSearchString(params, { limit: EVENT_PAGE_SIZE });
  const queryClient = new QueryClient();
  queryClient.setQueryData(queryKeys.eventBrowse(search), page);
  return (
    <HydrationBoundary state={dehydrate(queryClient)}>
      <EventLog search={search} filters={{ type: params.type?.[0] ?? "", stream: params.stream ?? "", actor: params.actor ?? "" }} types={knownEventTypes} />
    </HydrationBoundary>
  );
}
