import { handle } from "@/lib/http/command";
import { json } from "@/lib/http/errors";
import { parseQuery } from "@/lib/http/query";
import { cityStats } from "@/lib/queries/stats";
import { getApp } from "@/lib/server/app";
import { z } from "zod";

export const dynamic = "force-dynamic";

/** `{ cities: [{ city, active, archived }] }` from the per-city totals read table. */
export const GET = handle(async (request) => {
  parseQuery(request, z.object({}).strict());
  const { database } = await getApp();
  return json({ cities: await cityStats(database.db) });
});
