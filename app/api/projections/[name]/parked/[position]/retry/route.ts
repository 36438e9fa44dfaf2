import { json } from "@/lib/http/errors";
import { parseParkedEventPath } from "@/lib/http/parked";
import { getApp } from "@/lib/server/app";
import { guardRoute } from "@/lib/server/route";

export const dynamic = "force-dynamic";

type Context = { params: Promise<{ name: string; position: string }> };

/** Retry a parked event after a fix: it and the events of its stream waiting behind it are applied in order. 200 `{ applied, stillParked? }`; 404 when nothing is parked there. */
export const POST = guardRoute("POST /api/projections/[name]/parked/[position]/retry", async (_request, { params }: Context, who) => {
  const { name, position } = parseParkedEventPath(await params);
  return json(await (await getApp()).projections.resolveParked("retry", name, position, who.actor));
});
