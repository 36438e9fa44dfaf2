import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { safeNextPath } from "@/lib/auth/next-path";
import { currentPrincipal } from "@/lib/server/identity";
import { LoginForm } from "@/components/auth/login-form";

export const metadata: Metadata = { title: "Sign in" };
export const dynamic = "force-dynamic";

/** Sign-in; comes back to `?next=` (a path on this site only). Public: the proxy lets it through. */
export default async function LoginPage({ searchParams }: { searchParams: Promise<{ next?: string | string[] }> }) {
  const next = safeNextPath((await searchParams).next);
  if (await currentPrincipal()) redirect(next);
  return (
    <div className="mx-auto mt-10 max-w-sm">
      <h1 className="mb-1 text-2xl font-semibold tracking-tight">Sign in to Ledger</h1>
      <p className="mb-6 text-sm text-zinc-600 dark:text-zinc-400">Every change you make is recorded under your name.</p>
      <LoginForm next={next} />
    </div>
  );
}
