import { json } from "@/lib/http/errors";
import { parseQuery } from "@/lib/http/query";
import { getApp } from "@/lib/server/app";
import { compareParams, streamComparison, parseStreamId } from "@/lib/http/timeline";
import { guardRoute } from "@/lib/server/route";

export const dynamic = "force-dynamic";

type Context = { params: Promise<{ streamId: string }> };

/** The diff between versions `from` < `to` and the events between them, grouped by the fields they changed. */
export const GET = guardRoute("GET /api/streams/[streamId]/compare", async (request, { params }: Context) => {
  const streamId = parseStreamId((await params).streamId);
  const query = parseQuery(request, compareParams);
  const { store } = await getApp();
  return json(await streamComparison(store, streamId, query));
});
