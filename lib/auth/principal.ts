import type { LedgerAuth } from "./auth";
import { keyActor, roleSchema, userActor, type Principal } from "./roles";
import { verifiedKey } from "./verified-keys";

/** The bearer key of a request (`Authorization: Bearer <key>`), if it sent one. */
export function bearerKey(headers: Headers): string | null {
  const value = headers.get("authorization");
  const match = value ? /^Bearer\s+(\S+)\s*$/i.exec(value) : null;
  return match ? match[1] : null;
}

/** The role an API key acts with, kept in its metadata when it was created. */
function keyRole(metadata: unknown): Principal["role"] | null {
  let value = metadata;
  if (typeof value === "string") {
    try {
      value = JSON.parse(value);
    } catch {
      return null;
    }
  }
  const role = roleSchema.safeParse((value as { role?: unknown } | null)?.role);
  return role.success ? role.data : null;
}

/** The principal of an API key, as Better Auth verifies it (a read and two writes of its row). */
async function verifyKey(auth: LedgerAuth, key: string): Promise<Principal | null> {
  const result = await auth.api.verifyApiKey({ body: { key } }).catch(() => null);
  if (!result?.valid || !result.key) return null;
  const role = keyRole(result.key.metadata);
  if (!role) return null;
  return { kind: "key", id: result.key.id, actor: keyActor(result.key.id), role, name: result.key.name ?? "API key", email: null, viaCookie: false };
}

/**
 * Who a request acts as: the API key in `Authorization: Bearer`, else the session cookie's user.
 * Null when neither is valid: a bad, revoked or disabled key, an expired session, a banned user
 * (banning deletes the user's sessions, so it takes effect on their next request). A verified key
 * is remembered for a few seconds (verified-keys.ts).
 */
export async function resolvePrincipal(auth: LedgerAuth, headers: Headers): Promise<Principal | null> {
  const key = bearerKey(headers);
  if (key) return verifiedKey(auth, key, () => verifyKey(auth, key));
  const session = await auth.api.getSession({ headers }).catch(() => null);
  if (!session?.user) return null;
  const user = session.user as typeof session.user & { role?: string | null; banned?: boolean | null };
  if (user.banned) return null;
  const role = roleSchema.safeParse(user.role);
  if (!role.success) return null;
  return { kind: "user", id: user.id, actor: userActor(user.id), role: role.data, name: user.name, email: user.email, viaCookie: true };
}
