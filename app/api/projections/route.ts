import { z } from "zod";
import { json } from "@/lib/http/errors";
import { parseQuery } from "@/lib/http/query";
import { projectionStatus } from "@/lib/queries/projections";
import { getApp } from "@/lib/server/app";
import { guardRoute } from "@/lib/server/route";

export const dynamic = "force-dynamic";

/** `[{ name, position, headPosition, lag, status, ... }]`, rebuild progress included. */
export const GET = guardRoute("GET /api/projections", async (request) => {
  parseQuery(request, z.object({}).strict());
  return json(await projectionStatus(await getApp()));
});
