/**
 * The built app on the embedded database (PGlite), as a user runs it: crash and restart, two
 * starts on one directory, a database that cannot be opened, a backup taken during writes, and the
 * export to PostgreSQL. Builds the app once (scripts/ensure-build.mjs), then runs
 * `next start` processes in their own process groups, so that a SIGKILL takes the whole group.
 */
import { after, before, beforeEach, describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { sql } from "drizzle-orm";
import { v7 as uuidv7 } from "uuid";
import { connectPglite, query, type Database } from "@/db/client";
import { freePort } from "@/lib/broker/local-server";
import { acquireEmbeddedLock } from "@/db/embedded-lock";
import { copyTables } from "@/db/table-copy";
import { migrateDatabase } from "@/db/migrate";
import { ledgerStore } from "@/lib/commands/event-registry";
import { loadMasterKey } from "@/lib/eventstore";
import { projections } from "@/lib/projections";
import { allReadTables, project } from "@/lib/testing/projections";
import { createPostgresTestDatabase, postgresAvailable } from "@/lib/testing/test-db";

const env = { ...process.env, NEXT_TELEMETRY_DISABLED: "1", SEED_DEMO: "0", NODE_ENV: "production" } as NodeJS.ProcessEnv;
/** The test environment with `extra` on top; an undefined value removes the variable. */
const envWith = (extra: Record<string, string | undefined>) =>
  Object.fromEntries(Object.entries({ ...env, ...extra }).filter(([, v]) => v !== undefined)) as NodeJS.ProcessEnv;
delete env.DATABASE_URL;
// Every server here starts with this first admin; requests sign in as it (the app answers no one else).
const ADMIN = { email: "crash-admin@example.com", password: "crash admin password" };
// One master key for the servers and for this process's replays (personal fields are encrypted).
const MASTER_KEY = Buffer.alloc(32, 7).toString("base64");
process.env.LEDGER_MASTER_KEY = MASTER_KEY;
Object.assign(env, { LEDGER_MASTER_KEY: MASTER_KEY, LEDGER_ADMIN_EMAIL: ADMIN.email, LEDGER_ADMIN_PASSWORD: ADMIN.password, BETTER_AUTH_SECRET: "embedded-test-secret-3f1e2d4c5b6a79880716253443" });
const cookies = new Map<string, string>();

/** fetch, signed in as ADMIN on that server (signing in again when a session is refused). */
async function api(url: string, init: RequestInit = {}): Promise<Response> {
  const origin = new URL(url).origin;
  for (let attempt = 0; ; attempt++) {
    if (!cookies.has(origin)) {
      const signIn = await fetch(`${origin}/api/auth/sign-in/email`, {
        method: "POST",
        headers: { "content-type": "application/json", origin },
        body: JSON.stringify(ADMIN),
        signal: init.signal,
      });
      if (signIn.status !== 200) return signIn;
      cookies.set(origin, signIn.headers.getSetCookie().map((c) => c.split(";")[0]).join("; "));
    }
    const response = await fetch(url, { ...init, headers: { ...(init.headers as Record<string, string> | undefined), cookie: cookies.get(origin)! } });
    if (response.status !== 401 || attempt > 0) return response;
    cookies.delete(origin);
  }
}
const servers: ChildProcess[] = [];
const root = fs.mkdtempSync(path.join(os.tmpdir(), "ledger-embedded-"));

before(() => {
  const build = spawnSync(process.execPath, ["scripts/ensure-build.mjs"], { stdio: ["ignore", "ignore", "inherit"], env, timeout: 300_000 });
  assert.equal(build.status, 0, "the build failed");
});
after(() => {
  for (const s of servers) if (s.exitCode === null && s.signalCode === null) killGroup(s, "SIGKILL");
  fs.rmSync(root, { recursive: true, force: true });
});


interface Server {
  child: ChildProcess;
  url: string;
  output: () => string;
  exited: Promise<number | null>;
}

async function startServer(extraEnv: Record<string, string | undefined>, port?: number): Promise<Server> {
  port ??= await freePort();
  const child = spawn(process.execPath, ["node_modules/next/dist/bin/next", "start", "-p", String(port), "-H", "127.0.0.1"], {
    env: envWith(extraEnv),
    stdio: ["ignore", "pipe", "pipe"],
    detached: true, // its own process group
  });
  servers.push(child);
  let out = "";
  child.stdout!.on("data", (d) => (out += d));
  child.stderr!.on("data", (d) => (out += d));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return { child, url: `http://127.0.0.1:${port}`, output: () => out, exited };
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals) {
  try {
    process.kill(-child.pid!, signal);
  } catch {
    /* gone */
  }
}

/** Wait until the server answers 200 on `/api/customers`; returns the ms it took. */
async function waitServing(server: Server, ms: number): Promise<number> {
  const started = Date.now();
  while (Date.now() - started < ms) {
    if (server.child.exitCode !== null) throw new Error(`server exited with ${server.child.exitCode}:\n${server.output()}`);
    try {
      const response = await api(`${server.url}/api/customers?limit=1`, { signal: AbortSignal.timeout(2000) });
      if (response.status === 200) return Date.now() - started;
    } catch {
      /* not up yet */
    }
    await sleep(100);
  }
  throw new Error(`server did not serve within ${ms} ms:\n${server.output()}`);
}

async function stop(server: Server) {
  if (server.child.exitCode !== null || server.child.signalCode !== null) return;
  killGroup(server.child, "SIGTERM");
  await Promise.race([server.exited, sleep(10_000).then(() => killGroup(server.child, "SIGKILL"))]);
  await server.exited;
}

/** Register customers one after another until `stopAt()`; returns the ids whose 201 came back. */
async function writeUntil(server: Server, stopAt: () => boolean): Promise<string[]> {
  const acked: string[] = [];
  let n = 0;
  while (!stopAt()) {
    const id = uuidv7();
    try {
      const response = await api(`${server.url}/api/customers`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ id, name: `Crash ${n++}`, address: { street: `${n} Main St`, city: ["Oslo", "Lima", "Pune"][n % 3] } }),
        signal: AbortSignal.timeout(5000),
      });
      if (response.status === 201) acked.push(id);
    } catch {
      if (stopAt()) break; // the server went away under the request: not acknowledged
      await sleep(20);
    }
  }
  return acked;
}

/** Run every projection to the end of the log, opening personal fields with the servers' key. */
const projectDecrypted = (database: Database) => {
  const store = ledgerStore(database.db, loadMasterKey());
  return project(database, { decode: (db, events) => store.codec.decode(db, events) });
};

const replayTables = async (database: Database) => {
  const replay = await connectPglite({ dataDir: "memory://" });
  try {
    await migrateDatabase(replay);
    const readSide = new Set([...projections.flatMap((p) => p.tables), "projection_checkpoints"]);
    await copyTables(database.db, replay.db, { skip: (t) => readSide.has(t) });
    await projectDecrypted(replay);
    return await allReadTables(replay.db);
  } finally {
    await replay.close();
  }
};

/** Open a stopped app's directory: its event ids in log order, and whether its read tables equal a replay. */
async function inspect(dataDir: string) {
  const database = await connectPglite({ dataDir, lockWaitMs: 10_000 });
  try {
    const ids = (
      await query<{ id: string }>(
        database.db,
        sql`select stream_id as id from events where type = 'CustomerRegistered' order by transaction_id, position`,
      )
    ).map((r) => r.id.replace(/^customer-/i, ""));
    const eventIds = (await query<{ id: string }>(database.db, sql`select id::text as id from events order by transaction_id, position`)).map((r) => r.id);
    await projectDecrypted(database); // finish what the app had not projected yet
    const live = await allReadTables(database.db);
    const replay = await replayTables(database);
    return { ids, eventIds, live, replay };
  } finally {
    await database.close();
  }
}

describe("the app on its embedded database", { concurrency: false }, () => {
  // A test that failed half-way must not leave a server holding a directory the next one uses.
  beforeEach(async () => {
    for (const s of servers) {
      if (s.exitCode !== null || s.signalCode !== null) continue;
      killGroup(s, "SIGKILL");
      await new Promise((resolve) => s.once("exit", resolve));
    }
  });
  const crashDir = path.join(root, "crash", "db");
  const allAcked: string[] = [];

  it("on a fresh directory, prints the first admin's sign-in line; that password signs in to the demo data, by the seed actor", async () => {
    const dir = path.join(root, "fresh", "db");
    const server = await startServer({ PGLITE_DIR: dir, SEED_DEMO: "1", LEDGER_ADMIN_EMAIL: undefined, LEDGER_ADMIN_PASSWORD: undefined });
    const deadline = Date.now() + 60_000;
    let match: RegExpExecArray | null = null;
    while (!match && Date.now() < deadline) {
      match = /created the admin (\S+)[\s\S]*sign in at (\S+)[\s\S]*one-time password: (\S+)/.exec(server.output());
      await sleep(200);
    }
    assert.ok(match, `no sign-in line in:\n${server.output()}`);
    const [, email, url, password] = match;
    assert.equal(email, "admin@ledger.localhost");
    assert.match(url, /\/login$/);
    assert.equal((await fetch(`${server.url}/api/customers`)).status, 401, "nothing answers before sign-in");
    const signIn = await fetch(`${server.url}/api/auth/sign-in/email`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: server.url },
      body: JSON.stringify({ email, password }),
    });
    assert.equal(signIn.status, 200);
    const cookie = signIn.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
    const dashboard = await fetch(`${server.url}/`, { headers: { cookie }, redirect: "manual" });
    assert.equal(dashboard.status, 200);
    const feed = (await (await fetch(`${server.url}/api/events/browse?limit=50`, { headers: { cookie } })).json()) as { events: { metadata: { actor: string } }[] };
    assert.ok(feed.events.length >= 5, "the demo data is there");
    assert.deepEqual([...new Set(feed.events.map((e) => e.metadata.actor))], ["system:seed"]);
    await stop(server);
  });

  it("survives SIGKILL and an immediate restart, 5 times in a row, with every acknowledged write", async () => {
    let server = await startServer({ PGLITE_DIR: crashDir });
    await waitServing(server, 60_000);
    for (let round = 1; round <= 5; round++) {
      const writesEnd = Date.now() + 1500;
      let killed = false;
      const writing = writeUntil(server, () => killed || Date.now() > writesEnd + 10_000);
      await sleep(1500);
      killGroup(server.child, "SIGKILL");
      killed = true;
      const killedAt = Date.now();
      const old = server;
      // Restart at once: the dead server is not even reaped yet.
      server = await startServer({ PGLITE_DIR: crashDir });
      const restartDelay = Date.now() - killedAt;
      assert.ok(restartDelay < 200, `restarted after ${restartDelay} ms`);
      const acked = await writing;
      assert.ok(acked.length > 0, `round ${round}: no write was acknowledged`);
      allAcked.push(...acked);
      const servedAfter = await waitServing(server, 10_000);
      await old.exited;
      console.log(`round ${round}: ${acked.length} writes acknowledged, serving again ${servedAfter} ms after the restart`);
    }
    await stop(server);
    const { ids, live, replay } = await inspect(crashDir);
    const present = new Set(ids);
    const lost = allAcked.filter((id) => !present.has(id));
    assert.equal(lost.length, 0, `${lost.length} of ${allAcked.length} acknowledged writes lost, e.g. ${lost.slice(0, 3).join(", ")}`);
    assert.deepEqual(live, replay, "read tables differ from a replay of the log");
    assert.ok(live.customer_list.length >= allAcked.length);
  });

  it("of two apps started on one directory at the same moment, exactly one serves and the other exits non-zero saying why", async () => {
    const [a, b] = await Promise.all([startServer({ PGLITE_DIR: crashDir }), startServer({ PGLITE_DIR: crashDir })]);
    const outcome = (s: Server) =>
      Promise.race([
        s.exited.then((code) => ({ exited: code })),
        waitServing(s, 30_000).then(() => ({ serving: true })),
      ]);
    const [ra, rb] = await Promise.all([outcome(a), outcome(b)]);
    const results = [ra, rb];
    const serving = results.filter((r) => "serving" in r).length;
    assert.equal(serving, 1, JSON.stringify(results) + a.output() + b.output());
    const [winner, loser] = "serving" in ra ? [a, b] : [b, a];
    const code = await loser.exited;
    assert.notEqual(code, 0);
    assert.match(loser.output(), /is in use by pid \d+ on host .* since /);
    // The winner still serves, and writes.
    const more = await writeUntil(winner, (() => {
      const end = Date.now() + 500;
      return () => Date.now() > end;
    })());
    allAcked.push(...more);
    await stop(winner);
    const { ids } = await inspect(crashDir);
    const present = new Set(ids);
    assert.deepEqual(allAcked.filter((id) => !present.has(id)), []);
  });

  it("exits non-zero within 15 s when it cannot open its database, instead of staying up answering nothing", async () => {
    const dir = path.join(root, "held", "db");
    const lock = await acquireEmbeddedLock(dir, { waitMs: 0 });
    try {
      const started = Date.now();
      const server = await startServer({ PGLITE_DIR: dir });
      const code = await Promise.race([server.exited, sleep(15_000).then(() => "still running")]);
      assert.notEqual(code, "still running", `still running after 15 s:\n${server.output()}`);
      assert.notEqual(code, 0);
      assert.match(server.output(), new RegExp(`in use by pid ${process.pid}`));
      console.log(`held directory: exited ${code} after ${Date.now() - started} ms`);
    } finally {
      await lock.release();
    }
    // A PostgreSQL that does not answer: the same.
    const started = Date.now();
    const server = await startServer({ DATABASE_URL: `postgres://postgres@127.0.0.1:${await freePort()}/none` });
    const code = await Promise.race([server.exited, sleep(15_000).then(() => "still running")]);
    assert.notEqual(code, "still running", `still running after 15 s:\n${server.output()}`);
    assert.notEqual(code, 0);
    console.log(`unreachable PostgreSQL: exited ${code} after ${Date.now() - started} ms`);
  });

  it("backs up during writes; the restore opens, its log is a prefix of the original's, its read tables equal a replay", async () => {
    const dir = path.join(root, "backup", "db");
    const server = await startServer({ PGLITE_DIR: dir });
    await waitServing(server, 60_000);
    let done = false;
    const writing = writeUntil(server, () => done);
    await sleep(700);
    const file = path.join(root, "backup", "copy.tar.gz");
    const backup = spawnSync(process.execPath, ["--import", "tsx", "scripts/db-backup.ts", file], { env: envWith({ PGLITE_DIR: dir }), encoding: "utf8" });
    assert.equal(backup.status, 0, backup.stderr);
    assert.match(backup.stdout, /asked the running process/);
    await sleep(500);
    done = true;
    const acked = await writing;
    await stop(server);

    const restoredDir = path.join(root, "backup", "restored");
    const restore = spawnSync(process.execPath, ["--import", "tsx", "scripts/db-restore.ts", file], { env: envWith({ PGLITE_DIR: restoredDir }), encoding: "utf8" });
    assert.equal(restore.status, 0, restore.stderr);
    // Restoring over a non-empty directory is refused.
    const again = spawnSync(process.execPath, ["--import", "tsx", "scripts/db-restore.ts", file], { env: envWith({ PGLITE_DIR: restoredDir }), encoding: "utf8" });
    assert.notEqual(again.status, 0);
    assert.match(again.stderr, /not empty/);

    const original = await inspect(dir);
    const restored = await inspect(restoredDir);
    assert.ok(restored.eventIds.length > 0, "the backup is empty");
    assert.ok(restored.eventIds.length < original.eventIds.length, "the backup was not taken during the writes");
    assert.deepEqual(restored.eventIds, original.eventIds.slice(0, restored.eventIds.length), "the restored log is not a prefix");
    assert.deepEqual(restored.live, restored.replay);
    const present = new Set(original.ids);
    assert.deepEqual(acked.filter((id) => !present.has(id)), []);
  });

  it("exports to PostgreSQL: every event arrives, and the app there shows the same customers and timelines", async (t) => {
    if (!(await postgresAvailable())) return t.skip("no PostgreSQL");
    const pg = await createPostgresTestDatabase({ max: 2 });
    await pg.database.close();
    try {
      const exported = spawnSync(process.execPath, ["--import", "tsx", "scripts/db-export-to-postgres.ts", pg.url!], {
        env: envWith({ PGLITE_DIR: crashDir }),
        encoding: "utf8",
      });
      assert.equal(exported.status, 0, exported.stdout + exported.stderr);
      assert.match(exported.stdout, /every table equal/);

      const embedded = await startServer({ PGLITE_DIR: crashDir });
      const onPostgres = await startServer({ DATABASE_URL: pg.url });
      await Promise.all([waitServing(embedded, 60_000), waitServing(onPostgres, 60_000)]);
      const all = async (server: Server) => {
        const items: { id: string; streamId: string }[] = [];
        let cursor: string | undefined;
        do {
          const page = (await (await api(`${server.url}/api/customers?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`)).json()) as {
            items: { id: string; streamId: string }[];
            nextCursor?: string | null;
          };
          items.push(...page.items);
          cursor = page.nextCursor ?? undefined;
        } while (cursor);
        return items;
      };
      // Users (with their ids, so not re-created by the first start) and API keys arrive too.
      const users = (s: Server) => api(`${s.url}/api/admin/users`).then((r) => r.json() as Promise<{ users: { id: string; email: string }[] }>);
      const [usersHere, usersThere] = await Promise.all([users(embedded), users(onPostgres)]);
      assert.ok(usersHere.users.some((u) => u.email === ADMIN.email));
      assert.deepEqual(usersThere, usersHere);
      const [a, b] = await Promise.all([all(embedded), all(onPostgres)]);
      assert.ok(a.length >= allAcked.length);
      assert.deepEqual(b, a);
      for (const customer of [a[0], a[Math.floor(a.length / 2)], a[a.length - 1]]) {
        const history = (s: Server) => api(`${s.url}/api/streams/${customer.streamId}/events`).then((r) => r.json() as Promise<{ events: unknown[] }>);
        const [there, here] = [await history(onPostgres), await history(embedded)];
        assert.ok(here.events.length > 0);
        assert.deepEqual(there, here);
      }
      await Promise.all([stop(embedded), stop(onPostgres)]);
      // Every event, with its id, stream, version, type and data.
      const source = await connectPglite({ dataDir: crashDir });
      const target = await import("@/db/client").then((m) => m.connectPostgres({ url: pg.url!, max: 1 }));
      try {
        const events = (db: Database) =>
          query(db.db, sql`select id::text, stream_id, version::int, type, data::text from events order by position`).then((rows) =>
            JSON.stringify(rows),
          );
        assert.ok((await events(target)) === (await events(source)), "the events on PostgreSQL differ from the embedded log");
      } finally {
        await source.close();
        await target.close();
      }
    } finally {
      await pg.drop();
    }
  });
});
