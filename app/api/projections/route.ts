import { z } from "zod";
import { handle } from "@/lib/http/command";
import { json } from "@/lib/http/errors";
import { parseQuery } from "@/lib/http/query";
import { projectionStatus } from "@/lib/queries/projections";
import { getApp } from "@/lib/server/app";

export const dynamic = "force-dynamic";

/** `[{ name, position, headPosition, lag, status, ... }]`, rebuild progress included. */
export const GET = handle(async (request) => {
  parseQuery(request, z.object({}).strict());
  return json(await projectionStatus(await getApp()));
});
