import { liveHub, liveOverCapacity, liveResponse } from "@/lib/http/live";
import { getApp } from "@/lib/server/app";
import { guardRoute } from "@/lib/server/route";

export const dynamic = "force-dynamic";

/**
 * Server-sent events: `event: events` with `{ position }` whenever events were appended.
 * Clients invalidate their queries on it; the payload is only a hint.
 */
export const GET = guardRoute("GET /api/live", async (request) => {
  const { database } = await getApp();
  const hub = liveHub(database.listen.bind(database));
  return liveOverCapacity(hub) ?? liveResponse(hub, request.signal);
});
