import { z } from "zod";
import { json } from "@/lib/http/errors";
import { parseQuery } from "@/lib/http/query";
import { parkedEvents, resolvedParkedEvents } from "@/lib/queries/projections";
import { getApp } from "@/lib/server/app";
import { guardRoute } from "@/lib/server/route";

export const dynamic = "force-dynamic";

/**
 * The unresolved dead letters: parked events (and those waiting behind them), oldest first. With
 * `?resolved=true`: the 20 most recently retried or skipped, newest first, each with its
 * `resolution`, `resolvedBy` (the actor) and `resolvedAt`.
 */
export const GET = guardRoute("GET /api/projections/parked", async (request) => {
  const { resolved } = parseQuery(request, z.object({ resolved: z.enum(["true", "false"], { error: "resolved must be true or false" }).optional() }).strict());
  const app = await getApp();
  return json(resolved === "true" ? await resolvedParkedEvents(app) : await parkedEvents(app));
});
