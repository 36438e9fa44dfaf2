import { json } from "@/lib/http/errors";
import { startRebuild } from "@/lib/queries/projections";
import { getApp } from "@/lib/server/app";
import { guardRoute } from "@/lib/server/route";

export const dynamic = "force-dynamic";

/** Start rebuilding one projection from the log: 202, progress in `GET /api/projections`; unknown: 404. */
export const POST = guardRoute("POST /api/projections/[name]/rebuild", async (_request, { params }: { params: Promise<{ name: string }> }) => {
  const { name } = await params;
  await startRebuild(await getApp(), name);
  return json({ name, status: "rebuilding" }, 202, { location: "/api/projections" });
});
