import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { setTimeout as sleep } from "node:timers/promises";
import { after, afterEach, beforeEach, it } from "node:test";
import { sql } from "drizzle-orm";
import postgres from "postgres";
import { query, type Database } from "@/db/client";
import { headPosition, type EventStore } from "@/lib/eventstore";
import { createPostgresTestDatabase, describePostgres, type TestDatabase } from "@/lib/testing/test-db";
import { foldedCustomers, replayFromScratch, writeLoad } from "@/lib/testing/projection-load";
import { startProjections, type ProjectionRuntime } from "./runtime";
import { quietLog, storeOf, tableRows } from "@/lib/testing/projections";

// PostgreSQL only: several connections, several processes.

const workers = new Set<ChildProcess>();

/** `npm run worker` as a child process (tsx), against `url`. Resolves once it follows the log. */
async function startWorker(url: string, env: Record<string, string> = {}): Promise<ChildProcess & { output: string[] }> {
  const child = spawn(process.execPath, ["--import", "tsx", "scripts/worker.ts"], {
    env: { ...process.env, DATABASE_URL: url, PROJECTION_POLL_MS: "250", DATABASE_POOL_SIZE: "3", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  }) as ChildProcess & { output: string[] };
  child.output = [];
  workers.add(child);
  child.on("exit", () => workers.delete(child));
  const onData = (chunk: Buffer) => child.output.push(chunk.toString());
  child.stdout!.on("data", onData);
  child.stderr!.on("data", onData);
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`worker did not start: ${child.output.join("")}`)), 20_000);
    const check = (chunk: Buffer) => {
      if (chunk.toString().includes("following")) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout!.on("data", check);
    child.on("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`worker exited (${code}): ${child.output.join("")}`));
    });
  }).catch((error) => {
    child.kill("SIGKILL");
    throw error;
  });
  return child;
}

async function stopWorker(child: ChildProcess, signal: NodeJS.Signals = "SIGTERM") {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill(signal);
  await exited;
}

after(async () => {
  for (const child of [...workers]) await stopWorker(child, "SIGKILL");
});

/** Wait until every projection has passed the current head (as seen from a non-running runtime). */
async function caughtUp(observer: ProjectionRuntime, store: EventStore, timeoutMs = 30_000) {
  const position = await headPosition(store.db);
  const reached = await observer.waitFor(position, timeoutMs);
  assert.equal(reached, true, `projections did not reach position ${position}: ${reached ? "" : JSON.stringify(await observer.status())}`);
}

/** Every read table equals a from-scratch replay; customer list and city totals equal the domain's fold. */
async function assertMatchesReplay(database: Database, store: EventStore) {
  const folded = await foldedCustomers(store);
  const list = await tableRows(database.db, "customer_list");
  assert.deepEqual(
    list.map((r) => ({ id: r.id, name: r.name, city: r.city, status: r.status, version: Number(r.version) })),
    folded.customers,
    "customer_list differs from the customers folded by the domain",
  );
  const totals = await tableRows(database.db, "city_totals");
  assert.deepEqual(
    totals.map((r) => ({ city_key: r.city_key, active: Number(r.active), archived: Number(r.archived) })),
    folded.cityTotals,
    "city_totals differ from the counts of the folded customers",
  );
  const { live, replayed } = await replayFromScratch(database);
  for (const table of Object.keys(live)) assert.deepEqual(live[table], replayed[table], `${table} differs from a replay`);
}

await describePostgres("projections under concurrency", () => {
  // Each test on its own fresh database, so that none pays for another's log.
  let t: TestDatabase;
  let store: EventStore;
  let observer: ProjectionRuntime;
  beforeEach(async () => {
    // A modest pool: the server (max_connections 100) is shared with other suites and e2e runs.
    t = await createPostgresTestDatabase({ max: 12 });
    store = storeOf(t.database);
    // Runs nothing: reads checkpoints, waits for positions.
    observer = await startProjections(t.database, store, { inProcess: false });
  });
  afterEach(async () => {
    for (const child of [...workers]) await stopWorker(child, "SIGKILL");
    await observer?.stop();
    await t?.drop();
  });

  it("after a concurrent write load, with two in-process runners, every read table equals a replay", async () => {
    const runner = (batchSize: number) =>
      startProjections(t.database, store, { inProcess: true, runner: { batchSize, pollMs: 200, log: quietLog } });
    const [a, b] = [await runner(7), await runner(50)];
    try {
      const { appended } = await writeLoad(store, { writers: 12, opsPerWriter: 40, seed: 1 });
      assert.ok(appended > 300, `only ${appended} commands appended`);
      await caughtUp(observer, store);
    } finally {
      await a.stop();
      await b.stop();
    }
    await assertMatchesReplay(t.database, store);
  });

  it("a worker killed with SIGKILL in the middle of a batch, then restarted, leaves city totals exactly right", async () => {
    const url = t.url!;
    let stop = false;
    const load = writeLoad(store, { writers: 4, opsPerWriter: 300, seed: 2, stop: () => stop });
    let kills = 0;
    try {
      for (let round = 0; round < 2; round++) {
        const worker = await startWorker(url, { LEDGER_TEST_BATCH_PAUSE_MS: "150", PROJECTION_BATCH_SIZE: "25" });
        // Mid-batch: its transaction has written read rows and sleeps before moving the checkpoint.
        let midBatch = false;
        for (let i = 0; i < 500 && !midBatch; i++) {
          const rows = await query(
            t.database.db,
            sql`select 1 from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()
                and state = 'active' and query like '%ledger-test-batch-pause%' and query not like '%pg_stat_activity%'`,
          );
          midBatch = rows.length > 0;
          if (!midBatch) await sleep(10);
        }
        assert.ok(midBatch, "the worker never was mid-batch");
        await stopWorker(worker, "SIGKILL");
        kills++;
      }
    } finally {
      stop = true;
      await load;
    }
    assert.equal(kills, 2);
    const worker = await startWorker(url);
    // Up to 60 s, not 30: a restart right after a SIGKILL mid-batch was once seen to wait about 30 s
    // (the idle-in-transaction timeout) before its first batch; see the issue 13 note.
    await caughtUp(observer, store, 60_000);
    await stopWorker(worker);
    await assertMatchesReplay(t.database, store);
  });

  it("two, then three worker processes end with the same tables as one; killing the active one hands over", async () => {
    const url = t.url!;
    const env = { PROJECTION_BATCH_SIZE: "10" };
    const pool = await Promise.all([startWorker(url, env), startWorker(url, env)]);
    await writeLoad(store, { writers: 6, opsPerWriter: 25, seed: 3 });
    await caughtUp(observer, store);
    pool.push(await startWorker(url, env));
    await writeLoad(store, { writers: 6, opsPerWriter: 25, seed: 4 });
    await caughtUp(observer, store);

    // Kill whichever worker committed customer_list's last batch; another must take over.
    const activeWorker = async () =>
      (await query<{ worker: string }>(t.database.db, sql`select worker from projection_checkpoints where name = 'customer_list'`))[0]
        .worker;
    const active = await activeWorker();
    const victim = pool.find((w) => active.endsWith(`:${w.pid}`));
    assert.ok(victim, `active worker ${active} is not one of ours`);
    await stopWorker(victim, "SIGKILL");
    await writeLoad(store, { writers: 4, opsPerWriter: 15, seed: 5 });
    await caughtUp(observer, store, 15_000);
    assert.notEqual(await activeWorker(), active);
    for (const w of pool) await stopWorker(w);
    await assertMatchesReplay(t.database, store);
  });

  it("status says stopped as soon as the last worker exits or dies, and running while one follows", async () => {
    const url = t.url!;
    await writeLoad(store, { writers: 2, opsPerWriter: 10, seed: 8 });
    const states = async () => Object.fromEntries((await observer.status()).map((s) => [s.name, `${s.status}/${s.runners}`]));
    const all = (state: string) => Object.fromEntries(observer.names.map((name) => [name, state]));
    // Nobody runs them; a rebuild asked for meanwhile waits, stopped, with its progress shown.
    assert.deepEqual(await states(), all("stopped/0"));
    await observer.rebuild("city_totals");
    const waiting = (await observer.status()).find((s) => s.name === "city_totals")!;
    assert.equal(waiting.status, "stopped");
    assert.equal(waiting.rebuild?.processed, 0);

    // A worker announces itself before it says "following"; two are counted as two.
    const first = await startWorker(url);
    await caughtUp(observer, store);
    const second = await startWorker(url);
    assert.deepEqual(await states(), all("running/2"));
    // A clean exit withdraws at once.
    await stopWorker(second);
    assert.deepEqual(await states(), all("running/1"));
    await stopWorker(first);
    assert.deepEqual(await states(), all("stopped/0"));

    // A killed worker's locks go with its connections, as soon as PostgreSQL sees them close.
    const victim = await startWorker(url);
    assert.deepEqual(await states(), all("running/1"));
    await stopWorker(victim, "SIGKILL");
    let after = await states();
    for (let i = 0; i < 100 && JSON.stringify(after) !== JSON.stringify(all("stopped/0")); i++) {
      await sleep(50);
      after = await states();
    }
    assert.deepEqual(after, all("stopped/0"));
    // The rebuild was done by the workers; nothing is left half-built.
    assert.ok((await observer.status()).every((s) => !s.rebuild));

    // In a process that goes on (its pool stays open), stopping the runner withdraws it too.
    const local = await startProjections(t.database, store, { inProcess: true, runner: { log: quietLog } });
    assert.deepEqual(await states(), all("running/1"));
    await local.stop();
    assert.deepEqual(await states(), all("stopped/0"));
  });

  it("a rebuild during writes ends equal to a replay, and readers never see fewer customers than before", async () => {
    const runtime = await startProjections(t.database, store, {
      inProcess: true,
      runner: { batchSize: 40, rebuildBatchSize: 100, pollMs: 200, log: quietLog },
    });
    // A separate client, as a page would read, with prepared statements (postgres.js default).
    const reader = postgres(t.url!, { max: 2, onnotice: () => {} });
    let stopReading = false;
    let stopWriting = false;
    try {
      await writeLoad(store, { writers: 4, opsPerWriter: 60, seed: 6 });
      await caughtUp(observer, store);
      const [{ n: before }] = await reader<{ n: number }[]>`select count(*)::int as n from customer_list`;
      let reads = 0;
      let minimum = Number.POSITIVE_INFINITY;
      const readErrors: string[] = [];
      const reading = (async () => {
        while (!stopReading) {
          try {
            const [{ n }] = await reader<{ n: number }[]>`select count(*)::int as n from customer_list where status in ('active', 'archived')`;
            await reader`select id from customer_search where document @@ to_tsquery('simple', 'load:*') limit 5`;
            await reader`select city_key, active, archived from city_totals order by city_key`;
            minimum = Math.min(minimum, n);
            reads++;
          } catch (error) {
            readErrors.push(String(error));
          }
        }
      })();
      const writing = writeLoad(store, { writers: 2, opsPerWriter: 10_000, seed: 7, stop: () => stopWriting });
      await sleep(100);
      for (const name of runtime.names) await runtime.rebuild(name);
      let sawProgress = false;
      for (let i = 0; i < 600; i++) {
        const statuses = await runtime.status();
        if (statuses.some((s) => s.status === "rebuilding" && (s.rebuild?.processed ?? 0) > 0)) sawProgress = true;
        if (statuses.every((s) => !s.rebuild)) break;
        await sleep(50);
      }
      assert.ok((await runtime.status()).every((s) => !s.rebuild), "rebuild did not finish");
      stopWriting = true;
      await writing;
      await sleep(100);
      stopReading = true;
      await reading;
      assert.deepEqual(readErrors, []);
      assert.ok(sawProgress, "rebuild progress was never visible");
      assert.ok(reads > 20, `only ${reads} reads`);
      assert.ok(minimum >= before, `a reader saw ${minimum} customers, fewer than the ${before} before the rebuild`);
      await caughtUp(observer, store);
    } finally {
      stopWriting = true;
      stopReading = true;
      await runtime.stop();
      await reader.end({ timeout: 2 });
    }
    await assertMatchesReplay(t.database, store);
  });
});
