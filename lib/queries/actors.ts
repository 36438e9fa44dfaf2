import { asc, inArray } from "drizzle-orm";
import type { Db } from "@/db/client";
import { authApiKeys, authUsers } from "@/db/schema";

/** How a recorded actor reads on a page: "Ana Lee" with "ana@example.com", or an API key's name. */
export interface ActorView {
  actor: string;
  name: string;
  email: string | null;
  kind: "user" | "key" | "system" | "unknown";
}

const SYSTEM_NAMES: Record<string, string> = { "system:seed": "Demo seed" };

/**
 * Names for the actors recorded in events' metadata (`user:<id>`, `key:<id>`, `system:…`), in
 * two queries at most. An actor whose user or key is gone, or one recorded before sign-in
 * existed ("web", "api"), reads as itself.
 */
export async function describeActors(db: Db, actors: Iterable<string>): Promise<Map<string, ActorView>> {
  const unique = [...new Set(actors)];
  const userIds = unique.filter((a) => a.startsWith("user:")).map((a) => a.slice(5));
  const keyIds = unique.filter((a) => a.startsWith("key:")).map((a) => a.slice(4));
  const [users, keys] = await Promise.all([
    userIds.length ? db.select({ id: authUsers.id, name: authUsers.name, email: authUsers.email }).from(authUsers).where(inArray(authUsers.id, userIds)) : [],
    keyIds.length ? db.select({ id: authApiKeys.id, name: authApiKeys.name }).from(authApiKeys).where(inArray(authApiKeys.id, keyIds)) : [],
  ]);
  const views = new Map<string, ActorView>();
  for (const u of users) views.set(`user:${u.id}`, { actor: `user:${u.id}`, name: u.name, email: u.email, kind: "user" });
  for (const k of keys) views.set(`key:${k.id}`, { actor: `key:${k.id}`, name: keyName(k.name), email: null, kind: "key" });
  for (const actor of unique) {
    if (views.has(actor)) continue;
    const system = SYSTEM_NAMES[actor];
    views.set(actor, { actor, name: system ?? actor, email: null, kind: system ? "system" : "unknown" });
  }
  return views;
}

/** Every actor a page may meet, by its recorded string: what `ActorName` looks names up in. */
export type ActorDirectory = Record<string, Omit<ActorView, "actor">>;

/**
 * All users and API keys (a team's worth, so one small read per signed-in page load), plus the
 * system actors. Deleted keys and pre-sign-in actors ("web", "api") are absent: they read as
 * themselves.
 */
export async function actorDirectory(db: Db): Promise<ActorDirectory> {
  const [users, keys] = await Promise.all([
    db.select({ id: authUsers.id, name: authUsers.name, email: authUsers.email }).from(authUsers).orderBy(asc(authUsers.name)),
    db.select({ id: authApiKeys.id, name: authApiKeys.name }).from(authApiKeys),
  ]);
  const directory: ActorDirectory = {};
  for (const u of users) directory[`user:${u.id}`] = { name: u.name, email: u.email, kind: "user" };
  for (const k of keys) directory[`key:${k.id}`] = { name: keyName(k.name), email: null, kind: "key" };
  for (const [actor, name] of Object.entries(SYSTEM_NAMES)) directory[actor] = { name, email: null, kind: "system" };
  return directory;
}

const keyName = (name: string | null) => `${name ?? "API key"} (API key)`;

/** The user ids whose name or email contains `text` (for "events by this person"), as actors. */
export async function actorsMatching(db: Db, text: string): Promise<string[]> {
  const needle = text.trim().toLowerCase();
  if (!needle) return [];
  const rows = await db.select({ id: authUsers.id, name: authUsers.name, email: authUsers.email }).from(authUsers);
  return rows.filter((r) => r.name.toLowerCase().includes(needle) || r.email.includes(needle)).map((r) => `user:${r.id}`);
}
