import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { after, afterEach, beforeEach, it } from "node:test";
import { query } from "@/db/client";
import { sql } from "drizzle-orm";
import { connectBroker, type Broker } from "@/lib/broker/connection";
import { registerCustomer, renameCustomer } from "@/lib/commands/customer";
import { eventRegistry, ledgerStore } from "@/lib/commands/event-registry";
import type { EventStore } from "@/lib/eventstore";
import { eventually, readStreamMessages, type StoredMessage } from "@/lib/testing/broker";
import { natsServerAvailable, startNatsServer, type TestNatsServer } from "@/lib/testing/nats-server";
import { quietLog } from "@/lib/testing/projections";
import { createPostgresTestDatabase, describePostgres, type TestDatabase } from "@/lib/testing/test-db";
import { startPublisher, type PublisherRuntime } from "./runtime";

// PostgreSQL and a nats-server of the test's own: the publisher in other processes, killed; the broker killed.

const skip = natsServerAvailable() ? false : "nats-server is not installed (apt-get install nats-server)";
const children = new Set<ChildProcess>();

/** `npm run worker` (projectors and publisher) as a child process. Resolves once it follows the log. */
async function startWorker(env: Record<string, string>): Promise<ChildProcess> {
  const child = spawn(process.execPath, ["--import", "tsx", "scripts/worker.ts"], {
    env: { ...process.env, PROJECTION_POLL_MS: "250", DATABASE_POOL_SIZE: "3", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.add(child);
  child.on("exit", () => children.delete(child));
  let output = "";
  child.stderr!.on("data", (d) => (output += d));
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on("data", (d) => {
      output += d;
      if (output.includes("following")) resolve();
    });
    child.once("exit", (code) => reject(new Error(`worker exited (${code}): ${output}`)));
  });
  return child;
}

async function kill(child: ChildProcess) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGKILL");
  await exited;
}

after(async () => {
  for (const child of [...children]) await kill(child);
});

/** 50 customers, then `writers` concurrent writers renaming them until `total` events are in the log. */
async function appendConcurrently(store: EventStore, total: number, writers = 8) {
  const ids: string[] = [];
  for (let i = 0; i < 50; i++) {
    const r = await registerCustomer({ name: `Customer ${i}`, address: { street: `${i} Main St`, city: "Boston" } }, { store, actor: "load" });
    ids.push(r.id);
  }
  let appended = ids.length;
  await Promise.all(
    Array.from({ length: writers }, async (_, w) => {
      for (let i = 0; appended < total; i++) {
        appended++;
        const result = await renameCustomer(ids[(w * 7 + i * 13) % ids.length], { name: `Name ${w}-${i}` }, { store, actor: `writer-${w}` });
        assert.ok(result.ok, JSON.stringify(result));
      }
    }),
  );
}

/** The stream holds every event of the log exactly once, in the log's (follower) order. */
async function assertExactlyOnceInOrder(t: TestDatabase, messages: StoredMessage[]) {
  const log = await query<{ id: string; stream_id: string; version: number }>(
    t.database.db,
    sql`select id, stream_id, version from events order by transaction_id, position`,
  );
  const ids = messages.map((m) => m.body.id);
  assert.equal(new Set(ids).size, ids.length, "an event id appears twice in the stream");
  assert.equal(ids.length, log.length);
  assert.deepEqual(ids, log.map((e) => e.id), "the stream's order is the log's order");
  assert.deepEqual(messages.map((m) => m.msgId), ids);
  const versions = new Map<string, number>();
  for (const m of messages) {
    assert.equal(m.body.version, (versions.get(m.body.streamId) ?? 0) + 1, `${m.body.streamId} out of order`);
    versions.set(m.body.streamId, m.body.version);
  }
}

const streamCount = async (broker: Broker) => (await broker.jsm.streams.info("LEDGER").catch(() => null))?.state.messages ?? 0;

describePostgres("the NATS publisher under faults", () => {
  let t: TestDatabase;
  let nats: TestNatsServer;
  let broker: Broker;
  let store: EventStore;
  let master: Buffer;
  let publisher: PublisherRuntime | undefined;
  beforeEach(async () => {
    if (skip) return;
    t = await createPostgresTestDatabase();
    nats = await startNatsServer();
    broker = await connectBroker(nats.url);
    master = randomBytes(32);
    store = ledgerStore(t.database.db, master);
  });
  afterEach(async () => {
    if (skip) return;
    await publisher?.stop();
    publisher = undefined;
    for (const child of [...children]) await kill(child);
    await broker.close();
    await nats.dispose();
    await t.drop();
  });

  it("5,000 events from concurrent writers reach the stream exactly once, in log order, through two publisher SIGKILLs and a broker restart", { skip, timeout: 300_000 }, async (ctx) => {
    const env = { DATABASE_URL: t.url!, NATS_URL: nats.url, LEDGER_MASTER_KEY: master.toString("base64") };
    let worker = await startWorker(env);
    const writes = appendConcurrently(store, 5000);
    const faults = (async () => {
      await eventually("800 published", async () => (await streamCount(broker)) >= 800, 120_000);
      await kill(worker);
      ctx.diagnostic(`publisher SIGKILLed at ${await streamCount(broker)} messages`);
      worker = await startWorker(env);
      await eventually("2,000 published", async () => (await streamCount(broker)) >= 2000, 120_000);
      ctx.diagnostic(`broker killed at ${await streamCount(broker)} messages`);
      await nats.kill();
      await new Promise((resolve) => setTimeout(resolve, 1000));
      await nats.restart();
      await eventually("3,200 published", async () => (await streamCount(broker)) >= 3200, 120_000);
      await kill(worker);
      ctx.diagnostic(`publisher SIGKILLed again at ${await streamCount(broker)} messages`);
      worker = await startWorker(env);
    })();
    await Promise.all([writes, faults]);
    const [{ count }] = await query<{ count: number }>(t.database.db, sql`select count(*)::int as count from events`);
    assert.ok(count >= 5000);
    await eventually("every event published", async () => (await streamCount(broker)) >= count, 180_000);
    await assertExactlyOnceInOrder(t, await readStreamMessages(broker, "LEDGER"));
  });

  it("a broker down for 10 s during appends: nothing lost, and the lag returns to 0 after it is back", { skip, timeout: 300_000 }, async (ctx) => {
    publisher = startPublisher(t.database, store, {
      url: nats.url,
      inProcess: true,
      eventTypes: Object.keys(eventRegistry),
      runner: { pollMs: 100, log: quietLog },
      log: quietLog,
    });
    let writing = true;
    const writes = (async () => {
      const r = await registerCustomer({ name: "Steady Writer", address: { street: "1 Loop", city: "Oslo" } }, { store, actor: "load" });
      for (let i = 0; writing; i++) {
        await renameCustomer(r.id, { name: `Steady ${i}` }, { store, actor: "load" });
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    })();
    await eventually("publishing", async () => (await streamCount(broker)) > 50);
    await nats.kill();
    await new Promise((resolve) => setTimeout(resolve, 10_000));
    const status = await publisher.status();
    assert.ok(status.lag > 0, "appends went on while the broker was down");
    await nats.restart();
    const back = Date.now();
    await new Promise((resolve) => setTimeout(resolve, 500));
    writing = false;
    await writes;
    await eventually("lag 0", async () => (await publisher!.status()).lag === 0, 60_000);
    ctx.diagnostic(`lag back to 0 ${Date.now() - back} ms after the broker returned`);
    await assertExactlyOnceInOrder(t, await readStreamMessages(broker, "LEDGER"));
  });
});
