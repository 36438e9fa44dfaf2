import { handle } from "@/lib/http/command";
import { parseQuery } from "@/lib/http/query";
import { getApp } from "@/lib/server/app";
import { eventsParams, streamEvents, parseStreamId, timelineResponse } from "@/lib/timeline/api";

export const dynamic = "force-dynamic";

type Context = { params: Promise<{ streamId: string }> };

/** The stream's events in version order: `{ events, currentVersion, nextFromVersion }` (at most 1,000 per call). */
export const GET = handle(async (request, { params }: Context) => {
  const streamId = parseStreamId((await params).streamId);
  const query = parseQuery(request, eventsParams);
  const { store } = await getApp();
  return timelineResponse(() => streamEvents(store, streamId, query));
});
