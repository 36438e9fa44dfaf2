import { parseWith, readJsonObject } from "@/lib/http/body";
import { json } from "@/lib/http/errors";
import { parseStreamId } from "@/lib/http/timeline";
import { streamWhatIf, whatIfBody } from "@/lib/http/what-if";
import { getApp } from "@/lib/server/app";
import { guardRoute } from "@/lib/server/route";

export const dynamic = "force-dynamic";

type Context = { params: Promise<{ streamId: string }> };

/**
 * What-if: `{ version, command }` decided against the customer as it was at `version`, nothing
 * appended. 200 `{ outcome: { ok, events } | { ok: false, error }, actual: { events, more }, comparison }`;
 * 404 unknown stream; 400 bad body or version out of range.
 */
export const POST = guardRoute("POST /api/streams/[streamId]/what-if", async (request, { params }: Context) => {
  const streamId = parseStreamId((await params).streamId);
  const body = parseWith(whatIfBody, await readJsonObject(request));
  const { store } = await getApp();
  return json(await streamWhatIf(store, streamId, body));
});
