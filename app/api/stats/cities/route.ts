import { json } from "@/lib/http/errors";
import { parseQuery } from "@/lib/http/query";
import { cityStats } from "@/lib/queries/stats";
import { getApp } from "@/lib/server/app";
import { asOfParams } from "@/lib/queries/as-of";
import { guardRoute } from "@/lib/server/route";

export const dynamic = "force-dynamic";

/** `{ cities: [{ city, active, archived }] }` from the per-city totals read table; `?asOf=` as they were then. */
export const GET = guardRoute("GET /api/stats/cities", async (request) => {
  const { asOf } = parseQuery(request, asOfParams);
  const { database } = await getApp();
  return json({ cities: await cityStats(database.db, asOf) });
});
