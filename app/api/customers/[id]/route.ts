import { apiError, json } from "@/lib/http/errors";
import { getCustomerRow } from "@/lib/queries/customer";
import { getApp } from "@/lib/server/app";
import { guardRoute } from "@/lib/server/route";

export const dynamic = "force-dynamic";

/** One customer from the read table, with its `version`. */
export const GET = guardRoute("GET /api/customers/[id]", async (_request, { params }: { params: Promise<{ id: string }> }) => {
  const { id } = await params;
  const { database } = await getApp();
  const row = await getCustomerRow(database.db, id);
  return row ? json(row) : apiError("not_found", `No customer with id ${JSON.stringify(id)}`);
});
