import { handle } from "@/lib/http/command";
import { errorResponse, json } from "@/lib/http/errors";
import { startRebuild } from "@/lib/queries/projections";
import { getApp } from "@/lib/server/app";

export const dynamic = "force-dynamic";

/** Start rebuilding one projection from the log: 202, progress in `GET /api/projections`. */
export const POST = handle(async (_request, { params }: { params: Promise<{ name: string }> }) => {
  const { name } = await params;
  const started = await startRebuild(await getApp(), name);
  if (!started) return errorResponse("not_found", `No projection named ${JSON.stringify(name)}`);
  return json({ name, status: "rebuilding" }, 202, { location: "/api/projections" });
});
