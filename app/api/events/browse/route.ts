import { json } from "@/lib/http/errors";
import { parseQuery } from "@/lib/http/query";
import { browseEvents, eventBrowseParams } from "@/lib/queries/events";
import { getApp } from "@/lib/server/app";
import { guardRoute } from "@/lib/server/route";

export const dynamic = "force-dynamic";

/**
 * The log newest first, for the UI's live feeds (`/`, `/events`): `{ events, olderBefore,
 * newerAfter }`. Not a follower feed: positions are not commit order; followers use /api/events.
 */
export const GET = guardRoute("GET /api/events/browse", async (request) => {
  const params = parseQuery(request, eventBrowseParams);
  const { store, database } = await getApp();
  return json(await browseEvents(store, database.db, params));
});
