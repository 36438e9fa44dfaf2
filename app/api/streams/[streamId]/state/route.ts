import { json } from "@/lib/http/errors";
import { parseQuery } from "@/lib/http/query";
import { getApp } from "@/lib/server/app";
import { stateParams, streamState, parseStreamId } from "@/lib/http/timeline";
import { guardRoute } from "@/lib/server/route";

export const dynamic = "force-dynamic";

type Context = { params: Promise<{ streamId: string }> };

/** The customer at one version: `{ version, state, event, changes, provenance }` (latest when `version` is absent). */
export const GET = guardRoute("GET /api/streams/[streamId]/state", async (request, { params }: Context) => {
  const streamId = parseStreamId((await params).streamId);
  const query = parseQuery(request, stateParams);
  const { store } = await getApp();
  return json(await streamState(store, streamId, query));
});
