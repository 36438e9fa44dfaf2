"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { Button } from "@/components/ui/button";

export interface MenuUser {
  name: string;
  email: string | null;
  role: string;
}

/** Who is signed in, their role, and sign-out. Admins also get the users page. */
export function UserMenu({ user }: { user: MenuUser }) {
  const router = useRouter();
  const [pending, setPending] = useState(false);
  async function signOut() {
    setPending(true);
    await fetch("/api/auth/sign-out", { method: "POST", headers: { "content-type": "application/json" }, body: "{}" }).catch(() => {});
    router.replace("/login");
    router.refresh();
  }
  return (
    <div className="ml-auto flex items-center gap-3 text-sm">
      {user.role === "admin" ? (
        <Link href="/admin/users" className="text-zinc-600 hover:text-zinc-900 dark:text-zinc-400 dark:hover:text-zinc-100">
          Users
        </Link>
      ) : null}
      <span className="text-right leading-tight" data-testid="user-menu">
        <span className="block font-medium">{user.name}</span>
        <span className="block text-xs text-zinc-600 dark:text-zinc-400">
          {user.email ? `${user.email} · ` : ""}
          {user.role}
        </span>
      </span>
      <Button variant="secondary" size="sm" onClick={signOut} disabled={pending}>
        Sign out
      </Button>
    </div>
  );
}
