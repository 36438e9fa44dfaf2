import type { Metadata } from "next";
import { ApiKeysCard } from "@/components/admin/api-keys-card";
import { NewUserForm } from "@/components/admin/new-user-form";
import { UsersTable } from "@/components/admin/users-table";
import { getApp } from "@/lib/server/app";
import { requirePagePrincipal } from "@/lib/server/identity";
import { createApiKeyAction, createUserAction, revokeApiKeyAction, updateUserAction } from "./actions";

export const metadata: Metadata = { title: "Users and API keys" };
export const dynamic = "force-dynamic";

/** Admin only: users (create, role, disable) and API keys (create, shown once; revoke). */
export default async function UsersPage() {
  const who = await requirePagePrincipal("/admin/users", "admin");
  const { users } = await getApp();
  const [list, keys] = await Promise.all([users.list(), users.listKeys()]);
  const names = new Map(list.map((u) => [u.id, u.name]));
  return (
    <div className="space-y-8">
      <h1 className="text-2xl font-semibold tracking-tight">Users and API keys</h1>
      <section aria-labelledby="users-heading" className="space-y-4">
        <h2 id="users-heading" className="text-lg font-semibold">
          Users
        </h2>
        <UsersTable users={list} selfId={who.kind === "user" ? who.id : null} update={updateUserAction} />
        <NewUserForm action={createUserAction} />
      </section>
      <ApiKeysCard keys={keys.map((k) => ({ ...k, createdByName: names.get(k.createdBy) ?? "unknown" }))} create={createApiKeyAction} revoke={revokeApiKeyAction} />
    </div>
  );
}
