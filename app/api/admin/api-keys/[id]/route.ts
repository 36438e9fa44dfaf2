import { apiError } from "@/lib/http/errors";
import { getApp } from "@/lib/server/app";
import { guardRoute } from "@/lib/server/route";

export const dynamic = "force-dynamic";

/** Revoke a key: 204; its next request gets 401. */
export const DELETE = guardRoute("DELETE /api/admin/api-keys/[id]", async (_request, { params }: { params: Promise<{ id: string }> }) => {
  const { id } = await params;
  if (!(await (await getApp()).users.revokeKey(id))) return apiError("not_found", "No such API key");
  return new Response(null, { status: 204 });
});
