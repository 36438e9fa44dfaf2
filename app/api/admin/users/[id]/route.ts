import { userPatchSchema } from "@/lib/auth/users";
import { parseWith, readJsonObject } from "@/lib/http/body";
import { apiError, json } from "@/lib/http/errors";
import { getApp } from "@/lib/server/app";
import { guardRoute } from "@/lib/server/route";

export const dynamic = "force-dynamic";

/** `{ role?, disabled? }`: disabling ends the user's sessions at once. 200 with the user. */
export const PATCH = guardRoute("PATCH /api/admin/users/[id]", async (request, { params }: { params: Promise<{ id: string }> }, who) => {
  const { id } = await params;
  const patch = parseWith(userPatchSchema, await readJsonObject(request));
  const { users } = await getApp();
  const user = await users.get(id);
  if (!user) return apiError("not_found", "No such user");
  if (who.kind === "user" && who.id === id) return apiError("forbidden", "You cannot change your own role or disable yourself");
  if (patch.role) await users.setRole(id, patch.role);
  if (patch.disabled !== undefined) await users.setDisabled(id, patch.disabled);
  return json(await users.get(id));
});
