import { handle } from "@/lib/http/command";
import { parseQuery } from "@/lib/http/query";
import { getApp } from "@/lib/server/app";
import { stateParams, streamState, parseStreamId, timelineResponse } from "@/lib/timeline/api";

export const dynamic = "force-dynamic";

type Context = { params: Promise<{ streamId: string }> };

/** The customer at one version: `{ version, state, event, changes, provenance }` (latest when `version` is absent). */
export const GET = handle(async (request, { params }: Context) => {
  const streamId = parseStreamId((await params).streamId);
  const query = parseQuery(request, stateParams);
  const { store } = await getApp();
  return timelineResponse(() => streamState(store, streamId, query));
});
