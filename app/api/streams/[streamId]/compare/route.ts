import { handle } from "@/lib/http/command";
import { parseQuery } from "@/lib/http/query";
import { getApp } from "@/lib/server/app";
import { compareParams, streamComparison, parseStreamId, timelineResponse } from "@/lib/timeline/api";

export const dynamic = "force-dynamic";

type Context = { params: Promise<{ streamId: string }> };

/** The diff between versions `from` < `to` and the events between them, grouped by the fields they changed. */
export const GET = handle(async (request, { params }: Context) => {
  const streamId = parseStreamId((await params).streamId);
  const query = parseQuery(request, compareParams);
  const { store } = await getApp();
  return timelineResponse(() => streamComparison(store, streamId, query));
});
