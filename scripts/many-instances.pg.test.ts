/**
 * Many instances over one PostgreSQL (README "Running several app and worker processes"): 3 app
 * processes (`next start`, PROJECTIONS=off) and 2 workers (`npm run worker`) on one fresh
 * database. A command storm goes round-robin through the apps' HTTP API with an API key; in the
 * middle one app and one worker are killed (SIGKILL) and started again. Afterwards: every read
 * table equals a replay of the log, no event was applied twice (events_applied = events), and
 * every app's live feed (GET /api/live) announced the log's head and each projection's position.
 */
import assert from "node:assert/strict";
import crypto from "node:crypto";
import { spawnSync } from "node:child_process";
import { setTimeout as sleep } from "node:timers/promises";
import { after, before, it } from "node:test";
import { sql } from "drizzle-orm";
import { query } from "@/db/client";
import { headPosition } from "@/lib/eventstore";
import { projections } from "@/lib/projections";
import { requestRebuild } from "@/lib/projections/runner";
import { createLedger, type Ledger } from "@/lib/server/ledger";
import { allReadTables, project, quietLog } from "@/lib/testing/projections";
import { createPostgresTestDatabase, describePostgres, type TestDatabase } from "@/lib/testing/test-db";
import { freePort } from "@/lib/broker/local-server";
import { followLive, startApp, startWorker, stopProcess, waitServing, type Feed, type Proc } from "./many-instances-procs";

const STORM_MS = 15_000;
const WRITERS = 6;

await describePostgres("3 apps and 2 workers over one database, with kills and restarts", () => {
  let t: TestDatabase;
  let ledger: Ledger;
  let env: Record<string, string>;
  const procs: Proc[] = [];

  before(async () => {
    const build = spawnSync(process.execPath, ["scripts/ensure-build.mjs"], { stdio: ["ignore", "ignore", "inherit"], timeout: 600_000 });
    assert.equal(build.status, 0, "the build failed");
    t = await createPostgresTestDatabase({ max: 4 });
    const masterKey = crypto.randomBytes(32);
    env = {
      DATABASE_URL: t.url!,
      LEDGER_MASTER_KEY: masterKey.toString("base64"),
      BETTER_AUTH_SECRET: crypto.randomBytes(24).toString("hex"),
      SEED_DEMO: "0",
      DATABASE_POOL_SIZE: "4",
    };
    // The first admin and an editor's API key, as `npm run users -- key storm editor` makes it.
    ledger = await createLedger(t.database, { url: t.url, masterKey, projections: { inProcess: false } });
  });
  after(async () => {
    await Promise.all(procs.map((p) => stopProcess(p, "SIGKILL")));
    await ledger?.projections?.stop();
    await t?.drop();
  });

  it("every read table equals a replay, nothing is applied twice, every live feed saw every position", { timeout: 240_000 }, async () => {
    const admin = (await ledger.users!.list()).find((u) => u.role === "admin")!;
    const { key } = await ledger.users!.createKey({ name: "storm", role: "editor" }, admin.id);
    const ports = await Promise.all([freePort(), freePort(), freePort()]);
    const apps = ports.map((port) => startApp(port, env));
    const workers = [0, 1].map(() => startWorker(env));
    procs.push(...apps, ...workers);
    await Promise.all(apps.map((app) => waitServing(app, key, 90_000)));
    const feeds: Feed[] = apps.map((app) => followLive(app.url, key));

    // The storm: WRITERS loops, each command to the next app in turn; a refused connection (the
    // killed app) or a 503 is retried elsewhere, anything else must be a success.
    const accepted: { id: string; position: number }[] = [];
    const unexpected: string[] = [];
    let turn = 0;
    let refused = 0;
    const stopAt = Date.now() + STORM_MS;
    const send = async (path: string, body: unknown) => {
      const app = apps[turn++ % apps.length];
      try {
        const response = await fetch(`${app.url}${path}`, {
          method: "POST",
          headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
          body: JSON.stringify(body),
          signal: AbortSignal.timeout(15_000),
        });
        const json = (await response.json().catch(() => ({}))) as { id?: string; position?: number };
        if (response.status === 200 || response.status === 201) return json;
        if (response.status === 503) refused++;
        else unexpected.push(`${response.status} ${JSON.stringify(json).slice(0, 200)}`);
      } catch {
        refused++; // the app was killed under this request, or is not up again yet
        await sleep(50);
      }
      return null;
    };
    const writer = async (w: number) => {
      const mine: string[] = [];
      for (let i = 0; Date.now() < stopAt; i++) {
        const id = mine.length && i % 2 ? mine[i % mine.length] : null;
        const city = `Stormville ${(w + i) % 5}`;
        const result = id
          ? await send(`/api/customers/${id}/address`, { address: { street: `${i} Storm Rd`, city } })
          : await send("/api/customers", { name: `Storm ${w}-${i}`, address: { street: `${i} Storm Rd`, city } });
        if (result?.position) accepted.push({ id: id ?? result.id!, position: result.position });
        if (!id && result?.id) mine.push(result.id);
      }
    };
    const chaos = (async () => {
      await sleep(STORM_MS / 3);
      await Promise.all([stopProcess(apps[1], "SIGKILL"), stopProcess(workers[0], "SIGKILL")]);
      await sleep(2000);
      apps[1] = startApp(ports[1], env);
      workers[0] = startWorker(env);
      procs.push(apps[1], workers[0]);
      await waitServing(apps[1], key, 60_000);
    })();
    await Promise.all([...Array.from({ length: WRITERS }, (_, w) => writer(w)), chaos]);
    // One last command once every feed follows again, so that the end of the log is announced
    // to the restarted app too, however late it came back.
    for (let i = 0; i < 100 && feeds[1].connections < 2; i++) await sleep(100);
    let last: { position?: number } | null = null;
    for (let i = 0; i < 10 && !last?.position; i++) {
      last = await send("/api/customers", { name: "Storm closing", address: { street: "0 Storm Rd", city: "Stormville 0" } });
    }
    assert.ok(last?.position, "the closing command was accepted");

    assert.deepEqual(unexpected, [], "only successes, 503s and refused connections");
    assert.ok(accepted.length > 50, `only ${accepted.length} commands accepted`);
    const db = ledger.database.db;
    const head = await headPosition(db);
    assert.equal(await ledger.projections!.waitFor(head, 60_000), true, "the workers caught up");

    // Accepted commands are in the log.
    const positions = new Set((await query<{ position: number | string }>(db, sql`select position from events`)).map((r) => Number(r.position)));
    for (const { position } of accepted) assert.ok(positions.has(position), `accepted position ${position} is not in the log`);

    // Every app's live feed announced the head and each projection's final position.
    const checkpoints = await query<{ name: string; position: number | string; events_applied: number | string }>(
      db,
      sql`select name, position, events_applied from projection_checkpoints`,
    );
    const until = Date.now() + 10_000;
    const missing = () =>
      feeds.flatMap((feed, i) => [
        ...(feed.head >= head ? [] : [`app ${i} feed head ${feed.head} < ${head}`]),
        ...checkpoints
          .filter((c) => (feed.projections.get(c.name) ?? 0) < Number(c.position))
          .map((c) => `app ${i} feed ${c.name} ${feed.projections.get(c.name) ?? 0} < ${c.position}`),
      ]);
    while (missing().length && Date.now() < until) await sleep(100);
    assert.deepEqual(missing(), []);
    assert.ok(feeds[1].connections >= 2, "the restarted app's feed was followed again");

    // Stop everything, then: no event applied twice, and the read tables equal a replay.
    await Promise.all([...apps, ...workers].map((p) => stopProcess(p, "SIGTERM")));
    for (const feed of feeds) feed.stop();
    await ledger.projections!.stop();
    const [{ n }] = await query<{ n: number }>(db, sql`select count(*)::int as n from events`);
    for (const c of checkpoints) assert.equal(Number(c.events_applied), n, `${c.name} read ${c.events_applied} of ${n} events`);
    const live = await allReadTables(db);
    for (const projection of projections) await requestRebuild(db, projection);
    await project(ledger.database, { batchSize: 1000, log: quietLog, decode: (tx, events) => ledger.store.codec.decode(tx, events) });
    assert.deepEqual(await allReadTables(db), live);
    console.log(`  ${accepted.length} accepted, ${refused} refused or cut; ${n} events; feeds: ${feeds.map((f) => f.messages).join(", ")} messages`);
  });
});
