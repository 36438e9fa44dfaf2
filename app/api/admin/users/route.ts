import { newUserSchema } from "@/lib/auth/users";
import { parseWith, readJsonObject } from "@/lib/http/body";
import { json } from "@/lib/http/errors";
import { getApp } from "@/lib/server/app";
import { guardRoute } from "@/lib/server/route";

export const dynamic = "force-dynamic";

/** Every user: `{ users: [{ id, email, name, role, disabled, createdAt }] }`. */
export const GET = guardRoute("GET /api/admin/users", async () => json({ users: await (await getApp()).users.list() }));

/** Create a user: 201 `{ id, email, name, role }`; 409 already_exists when the email is taken. */
export const POST = guardRoute("POST /api/admin/users", async (request) => {
  const input = parseWith(newUserSchema, await readJsonObject(request));
  const user = await (await getApp()).users.create(input); // UserExistsError answers 409 already_exists
  return json({ id: user.id, email: user.email, name: user.name, role: user.role }, 201);
});
