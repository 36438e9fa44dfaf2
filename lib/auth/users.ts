import { desc, eq } from "drizzle-orm";
import { z } from "zod";
import type { Db } from "@/db/client";
import { LedgerError } from "@/lib/errors";
import { authApiKeys, authUsers } from "@/db/schema";
import type { LedgerAuth } from "./auth";
import { roleSchema, type Role } from "./roles";
import { forgetVerifiedKeys } from "./verified-keys";

/** Input of "create a user" (admin page, admin API, `npm run users -- add`). */
export const newUserSchema = z.object({
  email: z.string().trim().toLowerCase().pipe(z.email({ message: "Enter a valid email address" })),
  name: z.string().trim().min(1, "Name is required").max(200, "Name is at most 200 characters"),
  password: z.string().min(10, "Password must be at least 10 characters").max(128, "Password is at most 128 characters"),
  role: roleSchema,
});
export type NewUser = z.infer<typeof newUserSchema>;

export const userPatchSchema = z
  .object({ role: roleSchema.optional(), disabled: z.boolean().optional() })
  .strict()
  .refine((p) => p.role !== undefined || p.disabled !== undefined, { message: "Give role or disabled" });

export const newApiKeySchema = z.object({
  name: z.string().trim().min(1, "Name is required").max(100, "Name is at most 100 characters"),
  role: roleSchema,
});

export interface UserView {
  id: string;
  email: string;
  name: string;
  role: Role;
  disabled: boolean;
  createdAt: string;
}

const toView = (row: typeof authUsers.$inferSelect): UserView => ({
  id: row.id,
  email: row.email,
  name: row.name,
  role: roleSchema.catch("viewer").parse(row.role),
  disabled: row.banned === true,
  createdAt: row.createdAt.toISOString(),
});

/**
 * User and API-key management over Better Auth. Users are created through its admin plugin; a
 * role change, a disable and a password reset go through its internal adapter, because the
 * plugin's endpoints want an admin *session* and an admin may be calling with an API key.
 */
export function userAdmin(auth: LedgerAuth, db: Db) {
  const context = () => auth.$context;
  return {
    async list(): Promise<UserView[]> {
      return (await db.select().from(authUsers).orderBy(authUsers.createdAt)).map(toView);
    },
    async get(id: string): Promise<UserView | null> {
      const [row] = await db.select().from(authUsers).where(eq(authUsers.id, id));
      return row ? toView(row) : null;
    },
    async findByEmail(email: string): Promise<UserView | null> {
      const [row] = await db.select().from(authUsers).where(eq(authUsers.email, email.trim().toLowerCase()));
      return row ? toView(row) : null;
    },
    async count(): Promise<number> {
      return (await context()).internalAdapter.countTotalUsers();
    },
    /** Throws `UserExistsError` when the email is taken. */
    async create(input: NewUser): Promise<UserView> {
      if (await this.findByEmail(input.email)) throw new UserExistsError(input.email);
      const { user } = await auth.api.createUser({
        body: { email: input.email, name: input.name, password: input.password, role: input.role as "admin" },
      });
      return (await this.get(user.id))!;
    },
    async setRole(id: string, role: Role): Promise<void> {
      await (await context()).internalAdapter.updateUser(id, { role });
    },
    /**
     * Disabling ends the user's sessions at once (their next request is refused) and disables the
     * API keys they created, which the plugin would otherwise keep honouring.
     */
    async setDisabled(id: string, disabled: boolean): Promise<void> {
      const ctx = await context();
      await ctx.internalAdapter.updateUser(id, { banned: disabled, banReason: disabled ? "disabled by an admin" : null });
      if (disabled) {
        await ctx.internalAdapter.deleteUserSessions(id);
        await db.update(authApiKeys).set({ enabled: false }).where(eq(authApiKeys.referenceId, id));
        forgetVerifiedKeys(auth);
      }
    },
    async resetPassword(id: string, password: string): Promise<void> {
      const ctx = await context();
      await ctx.internalAdapter.updatePassword(id, await ctx.password.hash(password));
      await ctx.internalAdapter.deleteUserSessions(id);
    },
    /** The secret is in the result this once; only its hash is stored. */
    async createKey(input: z.infer<typeof newApiKeySchema>, createdBy: string) {
      const created = await auth.api.createApiKey({ body: { name: input.name, userId: createdBy, metadata: { role: input.role } } });
      return { id: created.id, name: input.name, role: input.role, key: created.key, start: created.start };
    },
    async listKeys() {
      const rows = await db
        .select({ id: authApiKeys.id, name: authApiKeys.name, start: authApiKeys.start, metadata: authApiKeys.metadata, enabled: authApiKeys.enabled, createdAt: authApiKeys.createdAt, lastRequest: authApiKeys.lastRequest, createdBy: authApiKeys.referenceId })
        .from(authApiKeys)
        .orderBy(desc(authApiKeys.createdAt));
      return rows.map(({ metadata, createdAt, lastRequest, ...row }) => ({
        ...row,
        role: roleSchema.catch("viewer").parse(parseRole(metadata)),
        createdAt: createdAt.toISOString(),
        lastUsedAt: lastRequest?.toISOString() ?? null,
      }));
    },
    /** False when there was no such key. */
    async revokeKey(id: string): Promise<boolean> {
      const deleted = await db.delete(authApiKeys).where(eq(authApiKeys.id, id)).returning({ id: authApiKeys.id });
      forgetVerifiedKeys(auth);
      return deleted.length > 0;
    },
  };
}

export type UserAdmin = ReturnType<typeof userAdmin>;

function parseRole(metadata: string | null): unknown {
  try {
    return metadata ? (JSON.parse(metadata) as { role?: unknown }).role : undefined;
  } catch {
    return undefined;
  }
}

export class UserExistsError extends LedgerError {
  static override readonly code = "already_exists";
  static override readonly errorName = "UserExistsError";
  constructor(email: string) {
    super(`A user with the email ${email} already exists`);
  }
}
