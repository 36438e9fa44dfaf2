"use client";

import { useActionState } from "react";
import { Button } from "@/components/ui/button";
import { Card, Notice } from "@/components/ui/card";
import { TextField } from "@/components/ui/field";
import { RoleSelect } from "./role-select";
import type { AdminFormState } from "./types";

export function NewUserForm({ action }: { action: (prev: AdminFormState, data: FormData) => Promise<AdminFormState> }) {
  const [state, formAction, pending] = useActionState(action, { status: "idle" } as AdminFormState);
  const errors = state.status === "error" ? (state.fieldErrors ?? {}) : {};
  return (
    <Card className="p-4">
      <h3 className="mb-3 font-medium">Add a user</h3>
      <form action={formAction} className="grid gap-3 sm:grid-cols-2">
        <TextField id="new-user-name" name="name" label="Name" required errors={errors.name} />
        <TextField id="new-user-email" name="email" type="email" label="Email" required errors={errors.email} />
        <TextField id="new-user-password" name="password" type="password" label="Initial password" autoComplete="new-password" required minLength={10} hint="At least 10 characters. Tell it to them in person." errors={errors.password} />
        <div className="space-y-1">
          <label htmlFor="new-user-role" className="block text-sm font-medium text-zinc-700 dark:text-zinc-300">Role</label>
          <RoleSelect id="new-user-role" name="role" defaultValue="viewer" />
        </div>
        <div className="sm:col-span-2 flex items-center gap-3">
          <Button type="submit" disabled={pending}>{pending ? "Adding…" : "Add user"}</Button>
          <div aria-live="polite" className="flex-1">
            {state.status !== "idle" ? <Notice tone={state.status === "error" ? "error" : "success"}>{state.message}</Notice> : null}
          </div>
        </div>
      </form>
    </Card>
  );
}
