"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import type { AdminFormState } from "@/components/admin/types";
import { newApiKeySchema, newUserSchema, UserExistsError, userPatchSchema } from "@/lib/auth/users";
import { getApp } from "@/lib/server/app";
import { authorizeAction } from "@/lib/server/identity";

const fieldErrorsOf = (error: z.ZodError) =>
  Object.fromEntries(error.issues.map((i) => [i.path.join(".") || "form", [i.message]]));

/** Create a user (admin). */
export async function createUserAction(_prev: AdminFormState, formData: FormData): Promise<AdminFormState> {
  await authorizeAction("createUserAction");
  const parsed = newUserSchema.safeParse(Object.fromEntries(["email", "name", "password", "role"].map((k) => [k, formData.get(k) ?? ""])));
  if (!parsed.success) return { status: "error", message: "Check the highlighted fields.", fieldErrors: fieldErrorsOf(parsed.error) };
  try {
    const user = await (await getApp()).users.create(parsed.data);
    revalidatePath("/admin/users");
    return { status: "done", message: `Created ${user.email} as ${user.role}.` };
  } catch (error) {
    if (error instanceof UserExistsError) return { status: "error", message: error.message, fieldErrors: { email: [error.message] } };
    throw error;
  }
}

/** Change a user's role, or disable / enable them (admin). An admin cannot lock themselves out. */
export async function updateUserAction(id: string, patch: { role?: string; disabled?: boolean }): Promise<AdminFormState> {
  const who = await authorizeAction("updateUserAction");
  const parsed = userPatchSchema.safeParse(patch);
  if (!parsed.success || !z.string().min(1).max(100).safeParse(id).success) return { status: "error", message: parsed.error?.issues[0]?.message ?? "Unknown user" };
  if (who.kind === "user" && who.id === id) return { status: "error", message: "You cannot change your own role or disable yourself; ask another admin." };
  const { users } = await getApp();
  const user = await users.get(id);
  if (!user) return { status: "error", message: "No such user." };
  if (parsed.data.role) await users.setRole(id, parsed.data.role);
  if (parsed.data.disabled !== undefined) await users.setDisabled(id, parsed.data.disabled);
  revalidatePath("/admin/users");
  return { status: "done", message: `Updated ${user.email}.` };
}

/** Create an API key (admin); the secret is returned this once. */
export async function createApiKeyAction(_prev: AdminFormState, formData: FormData): Promise<AdminFormState> {
  const who = await authorizeAction("createApiKeyAction");
  const parsed = newApiKeySchema.safeParse({ name: formData.get("name") ?? "", role: formData.get("role") ?? "" });
  if (!parsed.success) return { status: "error", message: "Check the highlighted fields.", fieldErrors: fieldErrorsOf(parsed.error) };
  if (who.kind !== "user") return { status: "error", message: "Only a signed-in admin can create keys here." };
  const created = await (await getApp()).users.createKey(parsed.data, who.id);
  revalidatePath("/admin/users");
  return { status: "done", message: `Created the key "${created.name}" (${created.role}). Copy it now: it is not shown again.`, key: created.key };
}

/** Revoke an API key (admin): its next request gets 401. */
export async function revokeApiKeyAction(id: string): Promise<AdminFormState> {
  await authorizeAction("revokeApiKeyAction");
  if (!z.string().min(1).max(100).safeParse(id).success) return { status: "error", message: "Unknown key" };
  const revoked = await (await getApp()).users.revokeKey(id);
  revalidatePath("/admin/users");
  return revoked ? { status: "done", message: "Key revoked." } : { status: "error", message: "No such key (already revoked?)." };
}
