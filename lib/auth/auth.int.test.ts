import assert from "node:assert/strict";
import { after, before, it } from "node:test";
import { sql } from "drizzle-orm";
import { query } from "@/db/client";
import { describeEachDatabase, type TestDatabase } from "@/lib/testing/test-db";
import { createAuth, type LedgerAuth } from "./auth";
import { resolvePrincipal } from "./principal";
import { userAdmin, UserExistsError, type UserAdmin } from "./users";

process.env.BETTER_AUTH_SECRET ??= "test-secret-test-secret-test-secret-0123";
process.env.APP_ORIGIN ??= "http://127.0.0.1:3999";

// Better Auth over both databases: users with roles, sessions that end on disable, API keys
// stored as hashes that act with their own role and stop at once when revoked.

await describeEachDatabase("identity", (_kind, create) => {
  let t: TestDatabase;
  let auth: LedgerAuth;
  let users: UserAdmin;

  before(async () => {
    t = await create();
    auth = createAuth(t.database.db);
    users = userAdmin(auth, t.database.db);
  });
  after(() => t.drop());

  const signIn = async (email: string, password: string) => {
    const response = await auth.api.signInEmail({ body: { email, password }, asResponse: true });
    assert.equal(response.status, 200, `sign-in as ${email}`);
    const cookie = response.headers.get("set-cookie")!.split(";")[0];
    return new Headers({ cookie });
  };

  it("signs a user in and resolves them with their role and actor", async () => {
    const ana = await users.create({ email: "Ana@Example.com", name: "Ana Lee", password: "correct horse 1", role: "editor" });
    assert.equal(ana.email, "ana@example.com");
    const who = await resolvePrincipal(auth, await signIn("ana@example.com", "correct horse 1"));
    assert.deepEqual(
      { kind: who?.kind, actor: who?.actor, role: who?.role, name: who?.name, viaCookie: who?.viaCookie },
      { kind: "user", actor: `user:${ana.id}`, role: "editor", name: "Ana Lee", viaCookie: true },
    );
    await assert.rejects(users.create({ email: "ana@example.com", name: "Again", password: "x".repeat(12), role: "viewer" }), UserExistsError);
  });

  it("refuses a wrong password and an unknown session", async () => {
    const response = await auth.api.signInEmail({ body: { email: "ana@example.com", password: "wrong password" }, asResponse: true });
    assert.equal(response.status, 401);
    assert.equal(await resolvePrincipal(auth, new Headers({ cookie: "better-auth.session_token=forged.value" })), null);
    assert.equal(await resolvePrincipal(auth, new Headers()), null);
  });

  it("ends a disabled user's sessions on their next request, and a role change applies at once", async () => {
    const bo = await users.create({ email: "bo@example.com", name: "Bo", password: "long enough 1", role: "viewer" });
    const headers = await signIn("bo@example.com", "long enough 1");
    await users.setRole(bo.id, "admin");
    assert.equal((await resolvePrincipal(auth, headers))?.role, "admin");
    const key = new Headers({ authorization: `Bearer ${(await users.createKey({ name: "bo's script", role: "editor" }, bo.id)).key}` });
    assert.equal((await resolvePrincipal(auth, key))?.role, "editor");
    await users.setDisabled(bo.id, true);
    assert.equal(await resolvePrincipal(auth, headers), null);
    assert.equal(await resolvePrincipal(auth, key), null, "the keys they created stop at once too, though just verified");
    const again = await auth.api.signInEmail({ body: { email: "bo@example.com", password: "long enough 1" }, asResponse: true });
    assert.notEqual(again.status, 200, "a disabled user cannot sign in again");
  });

  it("creates an API key once, stores only its hash, acts with its role, and revokes at once", async () => {
    const admin = await users.create({ email: "root@example.com", name: "Root", password: "long enough 2", role: "admin" });
    const created = await users.createKey({ name: "orders service", role: "viewer" }, admin.id);
    assert.match(created.key, /^ledger_/);
    const stored = await query<{ key: string; start: string | null }>(t.database.db, sql`select key, start from auth_api_keys where id = ${created.id}`);
    assert.equal(stored.length, 1);
    assert.notEqual(stored[0].key, created.key, "the secret is not stored in the clear");
    assert.ok(!JSON.stringify(await users.listKeys()).includes(created.key), "the list never shows the secret");
    const bearer = new Headers({ authorization: `Bearer ${created.key}` });
    const who = await resolvePrincipal(auth, bearer);
    assert.deepEqual({ kind: who?.kind, actor: who?.actor, role: who?.role }, { kind: "key", actor: `key:${created.id}`, role: "viewer" });
    assert.equal(await users.revokeKey(created.id), true);
    assert.equal(await resolvePrincipal(auth, bearer), null);
    assert.equal(await resolvePrincipal(auth, new Headers({ authorization: "Bearer ledger_not_a_key" })), null);
  });
});
