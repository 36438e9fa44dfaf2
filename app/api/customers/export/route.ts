import { parseQuery } from "@/lib/http/query";
import { customerListParams } from "@/lib/queries/customers";
import { customersCsv } from "@/lib/queries/customers-csv";
import { getApp } from "@/lib/server/app";
import { guardRoute } from "@/lib/server/route";

export const dynamic = "force-dynamic";

/** The list view (`city`, `status`, `q`, `asOf`) as CSV, every matching row, streamed; bad parameters: 400. */
export const GET = guardRoute("GET /api/customers/export", async (request) => {
  const { cursor: _cursor, limit: _limit, ...params } = parseQuery(request, customerListParams);
  const { database } = await getApp();
  const stamp = (params.asOf ?? new Date().toISOString()).replace(/[:.]/g, "-");
  return new Response(customersCsv(database.db, params), {
    headers: {
      "content-type": "text/csv; charset=utf-8",
      "content-disposition": `attachment; filename="customers-${stamp}.csv"`,
      "cache-control": "no-store",
    },
  });
});
