import { after, before, it } from "node:test";
import assert from "node:assert/strict";
import { v7 as uuidv7 } from "uuid";
import { customerStreamId } from "@/lib/domain/customer/events";
import { address } from "@/lib/domain/customer/builders";
import { createEventStore, type EventStore } from "@/lib/eventstore";
import { eventRegistry } from "@/lib/commands/event-registry";
import { createPostgresTestDatabase, describePostgres, type TestDatabase } from "@/lib/testing/test-db";
import { registerCustomer, renameCustomer } from "./customer";
import { stateCacheOf } from "./state-cache";

await describePostgres("command handling under concurrency", () => {
  let t: TestDatabase;
  let store: EventStore;
  before(async () => {
    t = await createPostgresTestDatabase({ max: 30 });
    store = createEventStore(t.database.db, eventRegistry);
  });
  after(() => t.drop());

  it("concurrent renames without an expected version are retried until each lands once", async () => {
    const { id } = await registerCustomer({ name: "start", address: address() }, { store });
    const results = await Promise.all(
      Array.from({ length: 5 }, (_, i) => renameCustomer(id, { name: `name ${i}` }, { store })),
    );
    assert.ok(results.every((r) => r.ok && !r.unchanged), JSON.stringify(results.filter((r) => !r.ok)));
    const events = await store.readStream(customerStreamId(id));
    assert.deepEqual(events.map((e) => e.version), [1, 2, 3, 4, 5, 6]);
    // Each rename's oldName is the name the previous event set: every retry re-decided on fresh state.
    for (let v = 2; v < events.length; v++) {
      const previous = events[v - 1].data as { newName?: string; name?: string };
      const current = events[v].data as { oldName: string };
      assert.equal(current.oldName, previous.newName ?? previous.name);
    }
  });

  it("concurrent renames with the same expected version: one saves, the rest get version_conflict", async () => {
    const { id } = await registerCustomer({ name: "start", address: address() }, { store });
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) => renameCustomer(id, { name: `n${i}` }, { store, expectedVersion: 1 })),
    );
    assert.equal(results.filter((r) => r.ok).length, 1);
    for (const r of results.filter((r) => !r.ok)) {
      assert.ok(!r.ok && r.error.code === "version_conflict");
      if (!r.ok && r.error.code === "version_conflict") {
        assert.equal(r.error.expectedVersion, 1);
        assert.equal(r.error.actualVersion, 2);
        assert.equal(r.error.eventsSince.length, 1);
      }
    }
  });

  it("concurrent registrations of one id: one is created, the others say already_exists", async () => {
    const id = uuidv7();
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => registerCustomer({ id, name: `r${i}`, address: address() }, { store })),
    );
    assert.equal(results.filter((r) => r.ok).length, 1);
    assert.ok(results.every((r) => r.ok || r.error.code === "already_exists"));
    assert.equal((await store.readStream(customerStreamId(id))).length, 1);
  });

  it("the same command id sent ten times at once appends once and every caller gets that outcome", async () => {
    const { id } = await registerCustomer({ name: "start", address: address() }, { store });
    const commandId = `dup-${uuidv7()}`;
    const results = await Promise.all(
      Array.from({ length: 10 }, () => renameCustomer(id, { name: "renamed once" }, { store, commandId })),
    );
    assert.ok(results.every((r) => r.ok));
    const positions = new Set(results.map((r) => (r.ok ? r.position : -1)));
    assert.equal(positions.size, 1);
    assert.equal((await store.readStream(customerStreamId(id))).length, 2);
  });

  it("writers with their own state caches never decide on a stale state: each rename follows the one before", async () => {
    const { id } = await registerCustomer({ name: "start", address: address() }, { store });
    // Four stores on one database: four state caches, as four app processes would have.
    const writers = Array.from({ length: 4 }, () => createEventStore(t.database.db, eventRegistry));
    // Warm every cache at version 1, then let the others move the stream on behind its back.
    for (const w of writers) assert.ok((await renameCustomer(id, { name: "start" }, { store: w })).ok); // unchanged: v1
    // Round robin: every writer's cached state is three renames behind when its turn comes.
    for (let n = 0; n < 10; n++) {
      for (const [i, w] of writers.entries()) {
        const result = await renameCustomer(id, { name: `w${i}-${n}` }, { store: w, expectedVersion: 1 + 4 * n + i });
        assert.ok(result.ok && !result.unchanged, JSON.stringify(result));
      }
    }
    assert.ok(writers.every((w) => stateCacheOf(w).size > 0), "every writer used its cache");
    const events = await store.readStream(customerStreamId(id));
    assert.deepEqual(events.map((e) => e.version), Array.from({ length: 41 }, (_, i) => i + 1));
    for (let v = 2; v < events.length; v++) {
      const previous = events[v - 1].data as { newName?: string; name?: string };
      assert.equal((events[v].data as { oldName: string }).oldName, previous.newName ?? previous.name, `event v${v + 1}`);
    }
  });
});
