import { json } from "@/lib/http/errors";
import { parseQuery } from "@/lib/http/query";
import { getApp } from "@/lib/server/app";
import { historyParams, streamFieldHistory, parseStreamId } from "@/lib/http/timeline";
import { guardRoute } from "@/lib/server/route";

export const dynamic = "force-dynamic";

type Context = { params: Promise<{ streamId: string }> };

/** Every change of one field (`field=address.city`) up to `toVersion`, oldest first. */
export const GET = guardRoute("GET /api/streams/[streamId]/history", async (request, { params }: Context) => {
  const streamId = parseStreamId((await params).streamId);
  const query = parseQuery(request, historyParams);
  const { store } = await getApp();
  return json(await streamFieldHistory(store, streamId, query));
});
