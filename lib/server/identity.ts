import "server-only";
import { headers } from "next/headers";
import { forbidden, redirect } from "next/navigation";
import { cache } from "react";
import { resolvePrincipal } from "@/lib/auth/principal";
import { roleAllows, type Principal, type Role } from "@/lib/auth/roles";
import { ACTION_RULES, type ActionName } from "@/lib/auth/rules";
import { LedgerError } from "@/lib/errors";
import { getApp } from "./app";

/** Who the current page request or server action acts as (once per request), or null. */
export const currentPrincipal = cache(async (): Promise<Principal | null> => {
  const { auth } = await getApp();
  return resolvePrincipal(auth, await headers());
});

/** For pages: the signed-in principal, or a redirect to /login that comes back here. */
export async function requirePagePrincipal(path: string, role: Role = "viewer"): Promise<Principal> {
  const who = await currentPrincipal();
  if (!who) redirect(`/login?next=${encodeURIComponent(path)}`);
  if (!roleAllows(who.role, role)) forbidden();
  return who;
}

/**
 * The first line of every server action: who calls, and whether ACTION_RULES lets them. Next
 * already refuses an action posted from another origin (its own check, with allowedOrigins from
 * APP_ORIGIN); this adds sign-in and the role. Throws: a signed-out caller is sent to /login, a
 * role that may not gets an error (the UI never offers it such a control).
 */
export async function authorizeAction(name: ActionName): Promise<Principal> {
  const who = await currentPrincipal();
  if (!who) redirect("/login");
  if (!roleAllows(who.role, ACTION_RULES[name])) throw new ForbiddenError(ACTION_RULES[name]);
  return who;
}

export class ForbiddenError extends LedgerError {
  static override readonly code = "forbidden";
  static override readonly errorName = "ForbiddenError";
  constructor(needed: Role) {
    super(`This needs the ${needed} role.`);
  }
}
