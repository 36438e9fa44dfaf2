import { json } from "@/lib/http/errors";
import { parseQuery } from "@/lib/http/query";
import { getApp } from "@/lib/server/app";
import { eventsParams, streamEvents, parseStreamId } from "@/lib/http/timeline";
import { guardRoute } from "@/lib/server/route";

export const dynamic = "force-dynamic";

type Context = { params: Promise<{ streamId: string }> };

/** The stream's events in version order: `{ events, currentVersion, nextFromVersion }` (at most 1,000 per call). */
export const GET = guardRoute("GET /api/streams/[streamId]/events", async (request, { params }: Context) => {
  const streamId = parseStreamId((await params).streamId);
  const query = parseQuery(request, eventsParams);
  const { store } = await getApp();
  return json(await streamEvents(store, streamId, query));
});
