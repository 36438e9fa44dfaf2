import type { Metadata } from "next";
import Link from "next/link";
import type { ReactNode } from "react";
import { ActorDirectoryProvider } from "@/components/actors/actor-name";
import { UserMenu } from "@/components/auth/user-menu";
import { NavLinks } from "@/components/nav-links";
import { Providers } from "@/components/providers";
import { actorDirectory, type ActorDirectory } from "@/lib/queries/actors";
import { getApp } from "@/lib/server/app";
import { currentPrincipal } from "@/lib/server/identity";
import "./globals.css";

export const metadata: Metadata = {
  title: { default: "Ledger", template: "%s · Ledger" },
  description: "Event-sourced customer register",
};

const nav = [
  { href: "/", label: "Dashboard" },
  { href: "/customers", label: "Customers" },
  { href: "/events", label: "Events" },
  { href: "/projections", label: "Projections" },
];

export default async function RootLayout({ children }: { children: ReactNode }) {
  const who = await currentPrincipal();
  // Names for the actors in events; a signed-out visitor (/login) gets none.
  const directory: ActorDirectory = who ? await actorDirectory((await getApp()).database.db) : {};
  return (
    <html lang="en">
      <body className="min-h-screen bg-zinc-50 text-zinc-900 antialiased dark:bg-zinc-950 dark:text-zinc-100">
        <a href="#main" className="sr-only focus:not-sr-only focus:absolute focus:left-2 focus:top-2 focus:z-50 focus:rounded focus:bg-white focus:px-3 focus:py-2 dark:focus:bg-zinc-900">
          Skip to content
        </a>
        <header className="border-b border-zinc-200 bg-white dark:border-zinc-800 dark:bg-zinc-900">
          <nav aria-label="Main" className="mx-auto flex max-w-6xl flex-wrap items-center gap-x-6 gap-y-2 px-4 py-3">
            <Link href="/" className="font-semibold tracking-tight">
              Ledger
            </Link>
            {who ? <NavLinks items={nav} /> : null}
            {who ? <UserMenu user={{ name: who.name, email: who.email, role: who.role }} /> : null}
          </nav>
        </header>
        <main id="main" className="mx-auto max-w-6xl px-4 py-6">
          <Providers>
            <ActorDirectoryProvider directory={directory}>{children}</ActorDirectoryProvider>
          </Providers>
        </main>
      </body>
    </html>
  );
}
