import { newApiKeySchema } from "@/lib/auth/users";
import { parseWith, readJsonObject } from "@/lib/http/body";
import { apiError, json } from "@/lib/http/errors";
import { getApp } from "@/lib/server/app";
import { guardRoute } from "@/lib/server/route";

export const dynamic = "force-dynamic";

/** Every key, never its secret: `{ keys: [{ id, name, start, role, enabled, createdAt, lastUsedAt, createdBy }] }`. */
export const GET = guardRoute("GET /api/admin/api-keys", async () => json({ keys: await (await getApp()).users.listKeys() }));

/** Create a key: 201 `{ id, name, role, key }`. The secret is in this answer only; the database keeps a hash. */
export const POST = guardRoute("POST /api/admin/api-keys", async (request, _context, who) => {
  const input = parseWith(newApiKeySchema, await readJsonObject(request));
  if (who.kind !== "user") return apiError("forbidden", "Keys are created by a signed-in admin, not by another key");
  const { id, name, role, key } = await (await getApp()).users.createKey(input, who.id);
  return json({ id, name, role, key }, 201);
});
