import { readJsonObject, parseWith } from "@/lib/http/body";
import { json } from "@/lib/http/errors";
import { checkDrift, driftParams } from "@/lib/queries/projections";
import { getApp } from "@/lib/server/app";
import { guardRoute } from "@/lib/server/route";

export const dynamic = "force-dynamic";

/** Recompute the projection's read tables from the log and compare: 200 `{ mismatchCount, mismatches: [{ table, key, streamId, position, stored, recomputed }], … }`; unknown: 404. Body: `{ sample? }` (only that many random streams). */
export const POST = guardRoute("POST /api/projections/[name]/verify", async (request, { params }: { params: Promise<{ name: string }> }) => {
  const { name } = await params;
  const { sample } = parseWith(driftParams, await readJsonObject(request, { allowEmpty: true }));
  return json(await checkDrift(await getApp(), name, { sample, repair: false }));
});
