import crypto from "node:crypto";
import type { UserAdmin } from "./users";

/**
 * SPEC §7 names `admin@localhost`; Better Auth validates every email with zod's `z.email()`, which
 * wants a dot in the domain, so the default admin is `admin@ledger.localhost` (`.localhost` is
 * reserved for exactly this, RFC 6761).
 */
export const DEFAULT_ADMIN_EMAIL = "admin@ledger.localhost";

/**
 * On a database with no user, create the first admin: LEDGER_ADMIN_EMAIL / LEDGER_ADMIN_PASSWORD
 * when set, else `admin@ledger.localhost` with a random password printed once with the sign-in
 * URL. Several processes may start at once on one database: only the one whose insert wins prints.
 */
export async function ensureFirstAdmin(
  users: UserAdmin,
  env: NodeJS.ProcessEnv = process.env,
  print: (line: string) => void = console.log,
): Promise<{ email: string; password?: string } | null> {
  if ((await users.count()) > 0) return null;
  const email = env.LEDGER_ADMIN_EMAIL?.trim() || DEFAULT_ADMIN_EMAIL;
  const given = env.LEDGER_ADMIN_PASSWORD;
  const password = given || crypto.randomBytes(12).toString("base64url");
  try {
    await users.create({ email, name: "Administrator", password, role: "admin" });
  } catch (error) {
    if ((await users.count()) > 0) return null; // another process made the first user
    throw error;
  }
  const url = `${env.APP_ORIGIN?.replace(/\/$/, "") || `http://localhost:${env.PORT ?? 3000}`}/login`;
  print("");
  print(`[ledger] first start: created the admin ${email}`);
  print(`[ledger] sign in at ${url}`);
  print(given ? "[ledger] with the password from LEDGER_ADMIN_PASSWORD" : `[ledger] one-time password: ${password}   (shown only now; change it with npm run users -- reset-password ${email})`);
  print("");
  return given ? { email } : { email, password };
}
