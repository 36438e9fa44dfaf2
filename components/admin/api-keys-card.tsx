"use client";

import { useActionState, useState, useTransition } from "react";
import { Button } from "@/components/ui/button";
import { Card, Notice } from "@/components/ui/card";
import { TextField } from "@/components/ui/field";
import { RoleSelect } from "./role-select";
import type { AdminFormState, AdminKey } from "./types";

/** API keys for other services: create (the secret is shown once, here) and revoke. */
export function ApiKeysCard({
  keys,
  create,
  revoke,
}: {
  keys: AdminKey[];
  create: (prev: AdminFormState, data: FormData) => Promise<AdminFormState>;
  revoke: (id: string) => Promise<AdminFormState>;
}) {
  const [state, formAction, pending] = useActionState(create, { status: "idle" } as AdminFormState);
  const [revoked, setRevoked] = useState<AdminFormState>({ status: "idle" });
  const [revoking, startRevoke] = useTransition();
  const errors = state.status === "error" ? (state.fieldErrors ?? {}) : {};
  return (
    <section aria-labelledby="keys-heading" className="space-y-4">
      <h2 id="keys-heading" className="text-lg font-semibold">API keys</h2>
      <p className="text-sm text-zinc-600 dark:text-zinc-400">Services send a key as <code>Authorization: Bearer &lt;key&gt;</code> and act with its role. Events they cause name the key.</p>
      <Card className="p-4">
        <form action={formAction} className="grid gap-3 sm:grid-cols-[1fr_1fr_auto] sm:items-end">
          <TextField id="new-key-name" name="name" label="Key name" placeholder="orders service" required errors={errors.name} />
          <div className="space-y-1">
            <label htmlFor="new-key-role" className="block text-sm font-medium text-zinc-700 dark:text-zinc-300">Key role</label>
            <RoleSelect id="new-key-role" name="role" defaultValue="viewer" />
          </div>
          <Button type="submit" disabled={pending}>{pending ? "Creating…" : "Create key"}</Button>
        </form>
        <div aria-live="polite" className="mt-3 space-y-2">
          {state.status !== "idle" ? <Notice tone={state.status === "error" ? "error" : "success"}>{state.message}</Notice> : null}
          {state.status === "done" && state.key ? (
            <div className="flex items-center gap-2">
              <label htmlFor="new-key-secret" className="text-sm font-medium">New key</label>
              <input id="new-key-secret" readOnly value={state.key} className="flex-1 rounded border border-zinc-300 bg-zinc-50 px-2 py-1 font-mono text-sm dark:border-zinc-700 dark:bg-zinc-950" onFocus={(e) => e.currentTarget.select()} />
              <Button size="sm" variant="secondary" onClick={() => void navigator.clipboard?.writeText(state.key!)}>Copy</Button>
            </div>
          ) : null}
        </div>
      </Card>
      <Card className="overflow-x-auto">
        <div aria-live="polite" className="px-4 pt-3 empty:hidden">
          {revoked.status !== "idle" ? <Notice tone={revoked.status === "error" ? "error" : "success"}>{revoked.message}</Notice> : null}
        </div>
        {keys.length === 0 ? (
          <p className="p-4 text-sm text-zinc-600 dark:text-zinc-400">No API keys yet.</p>
        ) : (
          <table className="w-full text-left text-sm">
            <thead className="border-b border-zinc-200 text-zinc-600 dark:border-zinc-800 dark:text-zinc-400">
              <tr>
                <th scope="col" className="px-4 py-2 font-medium">Name</th>
                <th scope="col" className="px-4 py-2 font-medium">Starts with</th>
                <th scope="col" className="px-4 py-2 font-medium">Role</th>
                <th scope="col" className="px-4 py-2 font-medium">Created by</th>
                <th scope="col" className="px-4 py-2 font-medium"><span className="sr-only">Actions</span></th>
              </tr>
            </thead>
            <tbody>
              {keys.map((key) => (
                <tr key={key.id} className="border-b border-zinc-100 last:border-0 dark:border-zinc-800">
                  <td className="px-4 py-2">{key.name}{key.enabled === false ? " (disabled)" : ""}</td>
                  <td className="px-4 py-2 font-mono">{key.start ? `${key.start}…` : "—"}</td>
                  <td className="px-4 py-2">{key.role}</td>
                  <td className="px-4 py-2">{key.createdByName}</td>
                  <td className="px-4 py-2 text-right">
                    <Button size="sm" variant="danger" disabled={revoking} onClick={() => startRevoke(async () => setRevoked(await revoke(key.id)))}>
                      Revoke {key.name}
                    </Button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Card>
    </section>
  );
}
