import { z } from "zod";
import { liveHub } from "@/lib/http/live";
import { parseQuery } from "@/lib/http/query";
import { scrape } from "@/lib/observability/scrape";
import { getApp } from "@/lib/server/app";
import { guardRoute } from "@/lib/server/route";

export const dynamic = "force-dynamic";

/** This process's metrics in Prometheus text format (admins, or an API key with the admin role). */
export const GET = guardRoute("GET /api/metrics", async (request) => {
  parseQuery(request, z.object({}).strict());
  const { database, projections } = await getApp();
  const hub = liveHub(database.listen.bind(database));
  const { body, contentType } = await scrape({ database, projections, sseClients: () => hub.stats().subscribers });
  return new Response(body, { headers: { "content-type": contentType, "cache-control": "no-store" } });
});
