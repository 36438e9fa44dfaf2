import { readJsonObject, parseWith } from "@/lib/http/body";
import { json } from "@/lib/http/errors";
import { checkDrift, driftParams } from "@/lib/queries/projections";
import { getApp } from "@/lib/server/app";
import { guardRoute } from "@/lib/server/route";

export const dynamic = "force-dynamic";

/** Verify, and rewrite exactly the rows that differ: 200 with the report (`repaired`); unknown: 404. Body: `{ sample? }` (only that many random streams). */
export const POST = guardRoute("POST /api/projections/[name]/repair", async (request, { params }: { params: Promise<{ name: string }> }) => {
  const { name } = await params;
  const { sample } = parseWith(driftParams, await readJsonObject(request, { allowEmpty: true }));
  return json(await checkDrift(await getApp(), name, { sample, repair: true }));
});
