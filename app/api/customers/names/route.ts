import { json } from "@/lib/http/errors";
import { parseQuery } from "@/lib/http/query";
import { nameSuggestionParams, suggestCustomerNames } from "@/lib/queries/customer-names";
import { getApp } from "@/lib/server/app";
import { guardRoute } from "@/lib/server/route";

export const dynamic = "force-dynamic";

/** Name suggestions for the /events stream filter: `{ items: [{ id, streamId, name }] }`, erased customers left out. */
export const GET = guardRoute("GET /api/customers/names", async (request) => {
  const { q } = parseQuery(request, nameSuggestionParams);
  const { database } = await getApp();
  return json({ items: await suggestCustomerNames(database.db, q) });
});
