"use client";

import { useState, useTransition } from "react";
import { Button } from "@/components/ui/button";
import { Card, Notice } from "@/components/ui/card";
import { RoleSelect } from "./role-select";
import type { AdminFormState, AdminUser } from "./types";

/** Users with their role (changeable) and a disable / enable switch. Your own row is read-only. */
export function UsersTable({
  users,
  selfId,
  update,
}: {
  users: AdminUser[];
  selfId: string | null;
  update: (id: string, patch: { role?: string; disabled?: boolean }) => Promise<AdminFormState>;
}) {
  const [outcome, setOutcome] = useState<AdminFormState>({ status: "idle" });
  const [pending, startTransition] = useTransition();
  const run = (id: string, patch: { role?: string; disabled?: boolean }) => startTransition(async () => setOutcome(await update(id, patch)));
  return (
    <Card className="overflow-x-auto">
      <div aria-live="polite" className="px-4 pt-3 empty:hidden">
        {outcome.status !== "idle" ? <Notice tone={outcome.status === "error" ? "error" : "success"}>{outcome.message}</Notice> : null}
      </div>
      <table className="w-full text-left text-sm">
        <thead className="border-b border-zinc-200 text-zinc-600 dark:border-zinc-800 dark:text-zinc-400">
          <tr>
            <th scope="col" className="px-4 py-2 font-medium">Name</th>
            <th scope="col" className="px-4 py-2 font-medium">Email</th>
            <th scope="col" className="px-4 py-2 font-medium">Role</th>
            <th scope="col" className="px-4 py-2 font-medium">Status</th>
          </tr>
        </thead>
        <tbody>
          {users.map((user) => {
            const self = user.id === selfId;
            return (
              <tr key={user.id} className="border-b border-zinc-100 last:border-0 dark:border-zinc-800">
                <td className="px-4 py-2">{user.name}{self ? " (you)" : ""}</td>
                <td className="px-4 py-2">{user.email}</td>
                <td className="px-4 py-2">
                  <RoleSelect
                    aria-label={`Role of ${user.email}`}
                    defaultValue={user.role}
                    disabled={self || pending}
                    onChange={(e) => run(user.id, { role: e.currentTarget.value })}
                    className="min-w-56"
                  />
                </td>
                <td className="px-4 py-2">
                  <span className="mr-3">{user.disabled ? "Disabled" : "Active"}</span>
                  {self ? null : (
                    <Button size="sm" variant={user.disabled ? "secondary" : "danger"} disabled={pending} onClick={() => run(user.id, { disabled: !user.disabled })}>
                      {user.disabled ? `Enable ${user.email}` : `Disable ${user.email}`}
                    </Button>
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </Card>
  );
}
