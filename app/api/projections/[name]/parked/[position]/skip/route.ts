import { json } from "@/lib/http/errors";
import { parseParkedEventPath } from "@/lib/http/parked";
import { getApp } from "@/lib/server/app";
import { guardRoute } from "@/lib/server/route";

export const dynamic = "force-dynamic";

type Context = { params: Promise<{ name: string; position: string }> };

/** Skip a parked event (never applied; recorded with who did it); the events waiting behind it are applied. 200 `{ applied, stillParked? }`; 404 when nothing is parked there. */
export const POST = guardRoute("POST /api/projections/[name]/parked/[position]/skip", async (_request, { params }: Context, who) => {
  const { name, position } = parseParkedEventPath(await params);
  return json(await (await getApp()).projections.resolveParked("skip", name, position, who.actor));
});
