import { json } from "@/lib/http/errors";
import { parseQuery } from "@/lib/http/query";
import { eventFeedParams, readEventFeed } from "@/lib/queries/events";
import { getApp } from "@/lib/server/app";
import { guardRoute } from "@/lib/server/route";

export const dynamic = "force-dynamic";

/** The global log in the follower-safe order: `{ events, cursor }`; pass `cursor` back as `after`. */
export const GET = guardRoute("GET /api/events", async (request) => {
  const params = parseQuery(request, eventFeedParams);
  const { store } = await getApp();
  return json(await readEventFeed(store, params));
});
