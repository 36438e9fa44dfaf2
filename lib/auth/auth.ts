import { apiKey } from "@better-auth/api-key";
import { betterAuth } from "better-auth";
import { drizzleAdapter } from "better-auth/adapters/drizzle";
import { nextCookies } from "better-auth/next-js";
import { admin } from "better-auth/plugins";
import { createAccessControl } from "better-auth/plugins/access";
import { adminAc, defaultStatements } from "better-auth/plugins/admin/access";
import type { Db } from "@/db/client";
import { authAccounts, authApiKeys, authSessions, authUsers, authVerifications } from "@/db/schema";
import { appOrigin, hostAllowed } from "./origin";
import { authSecret } from "./secret";

const LOOPBACK_HOSTS = ["localhost:*", "127.0.0.1:*", "[::1]:*", "localhost", "127.0.0.1", "[::1]"];

const accessControl = createAccessControl(defaultStatements);
// Better Auth's own admin endpoints are for admins only; our routes check roles in lib/auth/guard.
const roles = {
  viewer: accessControl.newRole({ user: [], session: [] }),
  editor: accessControl.newRole({ user: [], session: [] }),
  admin: adminAc,
};

/**
 * Better Auth over the app's database: email and password, sessions in `auth_sessions`, roles
 * from the admin plugin, API keys (stored as hashes) from the API-key plugin.
 *
 * - Its HTTP rate limiter is off: it keys on X-Forwarded-For, which `next start` takes from the
 *   client (STACK.md), and it would throttle a whole office behind one address. Sign-in attempts
 *   are limited per account in lib/auth/sign-in-limit.ts instead.
 * - API keys have no per-day quota (the plugin's default is 10 requests a day).
 * - Without APP_ORIGIN the base URL follows the request, for loopback hosts only.
 */
function buildAuth(db: Db) {
  const origin = appOrigin();
  return betterAuth({
    secret: authSecret(),
    baseURL: origin
      ? origin.origin
      : { allowedHosts: LOOPBACK_HOSTS, protocol: "http", fallback: `http://localhost:${process.env.PORT ?? 3000}` },
    trustedOrigins: async (request) => {
      if (origin) return [origin.origin];
      const host = request?.headers.get("host") ?? null;
      return host && hostAllowed(host) ? [`http://${host}`] : [];
    },
    database: drizzleAdapter(db, {
      provider: "pg",
      schema: { user: authUsers, session: authSessions, account: authAccounts, verification: authVerifications, apikey: authApiKeys },
    }),
    emailAndPassword: { enabled: true, minPasswordLength: 10, maxPasswordLength: 128, disableSignUp: true },
    session: { expiresIn: 60 * 60 * 24 * 7, updateAge: 60 * 60 * 24 },
    rateLimit: { enabled: false },
    telemetry: { enabled: false },
    plugins: [
      admin({ ac: accessControl, roles, defaultRole: "viewer", adminRoles: ["admin"] }),
      apiKey({ rateLimit: { enabled: false }, enableMetadata: true, defaultPrefix: "ledger_" }),
      nextCookies(),
    ],
  });
}

export type LedgerAuth = ReturnType<typeof buildAuth>;

const globalForAuth = globalThis as unknown as { __ledgerAuth?: { db: Db; auth: LedgerAuth } };

/**
 * The process-wide Better Auth instance for this database. It lives on globalThis because route
 * handlers and pages may load separate copies of this module (STACK.md, Better Auth trap 8).
 */
export function authFor(db: Db): LedgerAuth {
  const cached = globalForAuth.__ledgerAuth;
  if (cached?.db === db) return cached.auth;
  const auth = buildAuth(db);
  globalForAuth.__ledgerAuth = { db, auth };
  return auth;
}

/** A Better Auth instance not shared through globalThis (tests with several databases). */
export const createAuth = buildAuth;
