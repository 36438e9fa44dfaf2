import { z } from "zod";

/**
 * Who may do what (SPEC §7). Each role includes the ones below it:
 * - viewer: every page and every GET of the API;
 * - editor: also the customer commands;
 * - admin: also rebuilds, erasure, users and API keys.
 */
export const ROLES = ["viewer", "editor", "admin"] as const;
export type Role = (typeof ROLES)[number];
export const roleSchema = z.enum(ROLES, { message: "Role must be viewer, editor or admin" });

const RANK: Record<Role, number> = { viewer: 1, editor: 2, admin: 3 };

/** Whether `role` may do what `needed` may. An unknown role (a corrupted row) may do nothing. */
export function roleAllows(role: string | null | undefined, needed: Role): boolean {
  const rank = RANK[role as Role];
  return rank !== undefined && rank >= RANK[needed];
}

/** The signed-in user or API key a request acts as. `actor` is what events record. */
export interface Principal {
  kind: "user" | "key";
  id: string;
  actor: string;
  role: Role;
  name: string;
  email: string | null;
  /** Authenticated by a session cookie (so cross-site rules apply), not by a bearer key. */
  viaCookie: boolean;
}

export const userActor = (id: string) => `user:${id}`;
export const keyActor = (id: string) => `key:${id}`;
/** The actor of the demo data written on a fresh embedded database. */
export const SEED_ACTOR = "system:seed";
