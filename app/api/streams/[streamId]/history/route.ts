import { handle } from "@/lib/http/command";
import { parseQuery } from "@/lib/http/query";
import { getApp } from "@/lib/server/app";
import { historyParams, streamFieldHistory, parseStreamId, timelineResponse } from "@/lib/timeline/api";

export const dynamic = "force-dynamic";

type Context = { params: Promise<{ streamId: string }> };

/** Every change of one field (`field=address.city`) up to `toVersion`, oldest first. */
export const GET = handle(async (request, { params }: Context) => {
  const streamId = parseStreamId((await params).streamId);
  const query = parseQuery(request, historyParams);
  const { store } = await getApp();
  return timelineResponse(() => streamFieldHistory(store, streamId, query));
});
