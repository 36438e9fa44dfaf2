import { createHash } from "node:crypto";
import type { Principal } from "./roles";

/**
 * API keys verified in the last few seconds, per Better Auth instance (so per database).
 *
 * Better Auth's API-key plugin verifies a key by reading its row and then writing it twice (its
 * last request time, its update time), each write a commit of its own, on every call; the app
 * resolves the caller twice per request (proxy, then page or route). That was about half of an
 * API request's time (bench list-page at c=1, A/B: a city page 32–42 → 19–21 ms at the median, a
 * search 22–27 → 10–11 ms). A key verified within the last KEY_TTL_MS is not verified again, so
 * its row is written at most once per TTL per process (a key's last use, as the admin API lists
 * it, is exact to within that TTL).
 *
 * What is remembered is the principal, frozen, under the SHA-256 of the key (the secret itself is
 * not kept), never a refusal: a key created a moment ago works at once, a wrong key always costs a
 * lookup. Revoking a key or disabling a user through this app forgets every remembered key of that
 * instance at once (users.ts), so those take effect on the next request. A change made elsewhere
 * (another app process, `npm run users` while the app runs, Better Auth's own key endpoints), or a
 * key's expiry, takes effect within KEY_TTL_MS.
 *
 * Shared through globalThis: route handlers and pages may load separate copies of this module
 * (STACK.md, Better Auth trap 8), and a revocation in one must reach the others.
 */
export const KEY_TTL_MS = 5_000;
/** At most this many keys remembered per instance; the oldest goes first. */
const MAX_KEYS = 1_000;

interface Remembered {
  until: number;
  principal: Promise<Principal | null>;
}

const shared = globalThis as unknown as { __ledgerVerifiedKeys?: WeakMap<object, Map<string, Remembered>> };
const caches = (shared.__ledgerVerifiedKeys ??= new WeakMap());

function cacheOf(owner: object): Map<string, Remembered> {
  let cache = caches.get(owner);
  if (!cache) caches.set(owner, (cache = new Map()));
  return cache;
}

/**
 * The principal of `key` as `verify` says, or as it said less than KEY_TTL_MS ago (concurrent
 * requests with one key share one verification). `owner`: the auth instance the key belongs to.
 */
export function verifiedKey(
  owner: object,
  key: string,
  verify: () => Promise<Principal | null>,
  now: () => number = Date.now,
): Promise<Principal | null> {
  const cache = cacheOf(owner);
  const id = createHash("sha256").update(key).digest("base64url");
  const hit = cache.get(id);
  if (hit && hit.until > now()) return hit.principal;
  if (hit) cache.delete(id);
  const entry: Remembered = {
    until: now() + KEY_TTL_MS,
    principal: verify().then(
      (principal) => {
        if (principal) return Object.freeze(principal);
        if (cache.get(id) === entry) cache.delete(id);
        return null;
      },
      (error: unknown) => {
        if (cache.get(id) === entry) cache.delete(id);
        throw error;
      },
    ),
  };
  cache.set(id, entry);
  if (cache.size > MAX_KEYS) cache.delete(cache.keys().next().value!);
  return entry.principal;
}

/** Forget every key remembered for `owner`: the next request with any key is verified again. */
export function forgetVerifiedKeys(owner: object): void {
  caches.get(owner)?.clear();
}
