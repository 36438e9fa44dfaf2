import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { afterEach, beforeEach, it } from "node:test";
import { v7 as uuidv7 } from "uuid";
import { eraseCustomer, registerCustomer, renameCustomer } from "@/lib/commands/customer";
import { eventRegistry, ledgerStore } from "@/lib/commands/event-registry";
import { ProjectionRunner } from "@/lib/projections/runner";
import { readStatuses } from "@/lib/projections/status";
import { quietLog } from "@/lib/testing/projections";
import { eventually, readStreamMessages } from "@/lib/testing/broker";
import { useFileNats } from "@/lib/testing/nats-server";
import { describeEachDatabase, type TestDatabase } from "@/lib/testing/test-db";
import type { EventStore } from "@/lib/eventstore";
import { publisherProjection, PUBLISHER_NAME, startPublisher, type PublisherRuntime } from "./runtime";
import { ensureStream } from "@/lib/broker/streams";

const nats = useFileNats();
const { skip } = nats;

describeEachDatabase("the NATS publisher", (kind, create) => {
  let t: TestDatabase;
  let store: EventStore;
  let publisher: PublisherRuntime | undefined;
  // Each test publishes to a stream of its own on the shared test broker.
  let stream: string;
  beforeEach(async () => {
    if (skip) return;
    t = await create();
    store = ledgerStore(t.database.db, randomBytes(32));
    stream = `LEDGER_${kind}_${uuidv7().replace(/-/g, "").slice(-10)}`.toUpperCase();
  });
  afterEach(async () => {
    await publisher?.stop();
    publisher = undefined;
    await t?.drop();
  });

  const start = () => {
    publisher = startPublisher(t.database, store, {
      url: nats.url,
      inProcess: true,
      eventTypes: Object.keys(eventRegistry),
      stream,
      prefix: stream.toLowerCase(),
      runner: { pollMs: 100, log: quietLog },
      log: quietLog,
    });
    return publisher;
  };
  const ctx = () => ({ store, actor: "test" });

  it("publishes each event once, in log order, as SPEC §8 says", { skip }, async () => {
    const alice = await registerCustomer({ name: "Alice Liddell", address: { street: "1 Rabbit Hole", city: "Oxford" } }, ctx());
    await renameCustomer(alice.id, { name: "Alice Pleasance" }, ctx());
    const runtime = start();
    const bob = await registerCustomer({ name: "Bob Builder", address: { street: "2 Site Rd", city: "Leeds" } }, ctx());
    await eventually("three messages", async () => (await readStreamMessages(nats.broker, stream).catch(() => [])).length === 3);
    const messages = await readStreamMessages(nats.broker, stream);
    const events = (await store.readAll({ limit: 100 })).events;
    assert.deepEqual(messages.map((m) => m.body.id), events.map((e) => e.id));
    assert.deepEqual(messages.map((m) => m.msgId), events.map((e) => e.id));
    const prefix = stream.toLowerCase();
    assert.deepEqual(messages.map((m) => m.subject), [
      `${prefix}.Customer.CustomerRegistered`,
      `${prefix}.Customer.CustomerRenamed`,
      `${prefix}.Customer.CustomerRegistered`,
    ]);
    const first = messages[0].body;
    assert.deepEqual(Object.keys(first).sort(), ["data", "id", "metadata", "position", "schemaVersion", "streamId", "timestamp", "type", "version"]);
    assert.equal((first.data as { name: string }).name, "Alice Liddell");
    // The whole metadata, as stored (the publisher says it reads metadata: Projection.readsMetadata).
    assert.deepEqual(first.metadata, events[0].metadata);
    assert.equal((first.metadata as { actor: string }).actor, "test");
    assert.equal(first.streamId, `Customer-${alice.id}`);
    assert.equal(messages[2].body.streamId, `Customer-${bob.id}`);
    await eventually("lag 0", async () => (await runtime.status()).lag === 0);
    const status = await runtime.status();
    assert.equal(status.kind, "publisher");
    assert.equal(status.position, events[2].position);
  });

  it("never publishes an erased customer's personal data in the clear", { skip }, async () => {
    const eve = await registerCustomer(
      { name: "Eve Secretname", address: { street: "9 Hidden Lane", city: "Bath", postalCode: "BA1 1AA" }, email: "eve@example.com" },
      ctx(),
    );
    await renameCustomer(eve.id, { name: "Eve Othername" }, ctx());
    // Erased before the publisher ever reads her events: the log is published as the store reads it.
    assert.ok((await eraseCustomer(eve.id, { reason: "request" }, ctx())).ok);
    start();
    await eventually("three messages", async () => (await readStreamMessages(nats.broker, stream).catch(() => [])).length === 3);
    const text = JSON.stringify(await readStreamMessages(nats.broker, stream));
    for (const secret of ["Secretname", "Othername", "Hidden Lane", "BA1 1AA", "eve@example.com"]) assert.ok(!text.includes(secret), secret);
    assert.ok(text.includes("[erased]"));
    assert.ok(text.includes("Bath"), "a city is not personal: it stays");
  });

  it("moves its checkpoint only after the broker's ack; a batch repeated after a lost commit is not stored twice", { skip }, async () => {
    await registerCustomer({ name: "Carol", address: { street: "3 Lane", city: "York" } }, ctx());
    await ensureStream(nats.broker.jsm, { name: stream, subjects: [`${stream.toLowerCase()}.>`], duplicateWindowMs: 1000 });
    const projection = publisherProjection(() => nats.broker, { name: PUBLISHER_NAME, stream, prefix: stream.toLowerCase(), eventTypes: Object.keys(eventRegistry) });
    // The first runner publishes, then its transaction fails before the commit: the checkpoint stays.
    const crashing = new ProjectionRunner(t.database, [projection], {
      log: quietLog,
      decode: (db, events) => store.codec.decode(db, events),
      retryInitialMs: 60_000,
      beforeCommit: async () => {
        throw new Error("crash before commit");
      },
    });
    await crashing.drain({ maxWaitMs: 200 });
    assert.equal((await readStreamMessages(nats.broker, stream)).length, 1);
    const [before] = await readStatuses(t.database.db, [projection], { localRunner: false });
    assert.equal(before.position, 0);
    // Past the duplicate window (1 s here): only the cursor check keeps the repeat out.
    await new Promise((resolve) => setTimeout(resolve, 1200));
    const runner = new ProjectionRunner(t.database, [projection], { log: quietLog, decode: (db, events) => store.codec.decode(db, events) });
    await runner.drain();
    assert.equal((await readStreamMessages(nats.broker, stream)).length, 1);
    const [moved] = await readStatuses(t.database.db, [projection], { localRunner: false });
    assert.equal(moved.lag, 0);
  });

  it("a fresh log publishing to a stream another database filled is not mistaken for that log's past", { skip }, async () => {
    // Another ledger (another database) published far ahead into the same stream.
    const other = await create();
    try {
      const otherStore = ledgerStore(other.database.db, randomBytes(32));
      for (let i = 0; i < 3; i++) await registerCustomer({ name: `Other ${i}`, address: { street: "1 Else St", city: "Rome" } }, { store: otherStore, actor: "test" });
      const first = startPublisher(other.database, otherStore, {
        url: nats.url, inProcess: true, eventTypes: Object.keys(eventRegistry), stream, prefix: stream.toLowerCase(), runner: { pollMs: 100, log: quietLog }, log: quietLog,
      });
      await eventually("the other log published", async () => (await readStreamMessages(nats.broker, stream).catch(() => [])).length === 3);
      await first.stop();
    } finally {
      await other.drop();
    }
    const mine = await registerCustomer({ name: "Mine", address: { street: "2 Own St", city: "Turin" } }, ctx());
    start();
    await eventually("this log's event published", async () => (await readStreamMessages(nats.broker, stream)).some((m) => m.body.streamId === `Customer-${mine.id}`), 20_000);
  });
});
