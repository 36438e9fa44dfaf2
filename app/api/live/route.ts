import { liveHub, liveResponse } from "@/lib/http/live";
import { getApp } from "@/lib/server/app";

export const dynamic = "force-dynamic";

/**
 * Server-sent events: `event: events` with `{ position }` whenever events were appended.
 * Clients invalidate their queries on it; the payload is only a hint.
 */
export async function GET(request: Request) {
  const { database } = await getApp();
  return liveResponse(liveHub(database.listen.bind(database)), request.signal);
}
