import { handle } from "@/lib/http/command";
import { errorResponse, json } from "@/lib/http/errors";
import { getCustomerRow } from "@/lib/queries/customers";
import { getApp } from "@/lib/server/app";

export const dynamic = "force-dynamic";

/** One customer from the read table, with its `version`. */
export const GET = handle(async (_request, { params }: { params: Promise<{ id: string }> }) => {
  const { id } = await params;
  const { database } = await getApp();
  const row = await getCustomerRow(database.db, id);
  return row ? json(row) : errorResponse("not_found", `No customer with id ${JSON.stringify(id)}`);
});
