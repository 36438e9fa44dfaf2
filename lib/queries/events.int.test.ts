import assert from "node:assert/strict";
import { after, before, it } from "node:test";
import { v7 as uuidv7 } from "uuid";
import { authApiKeys, authUsers } from "@/db/schema";
import { customerStreamId } from "@/lib/domain/customer/events";
import { address, registered, renamed } from "@/lib/domain/customer/builders";
import type { EventStore } from "@/lib/eventstore";
import { storeOf } from "@/lib/testing/projections";
import { describeEachDatabase, type TestDatabase } from "@/lib/testing/test-db";
import { actorDirectory } from "./actors";
import { browseEvents, eventBrowseParams } from "./events";

// "What did this person change?": the event log filtered by the recorded actor, and the
// directory that names actors on the pages.

await describeEachDatabase("event log by actor", (_kind, create) => {
  let t: TestDatabase;
  let store: EventStore;
  const ana = "user:ana-id";
  const bob = "user:bob-id";

  before(async () => {
    t = await create();
    store = storeOf(t.database);
    // Ana registers three customers and renames one; Bob renames two; the seed registers one.
    const ids = [uuidv7(), uuidv7(), uuidv7(), uuidv7()];
    for (const id of ids.slice(0, 3)) {
      await store.append(customerStreamId(id), [registered({ name: `C ${id}`, address: address() })], { expectedVersion: "no_stream", actor: ana });
    }
    await store.append(customerStreamId(ids[0]), [renamed("By Ana")], { expectedVersion: 1, actor: ana });
    await store.append(customerStreamId(ids[1]), [renamed("By Bob")], { expectedVersion: 1, actor: bob });
    await store.append(customerStreamId(ids[2]), [renamed("By Bob too")], { expectedVersion: 1, actor: bob });
    await store.append(customerStreamId(ids[3]), [registered({ name: "Seeded", address: address() })], { expectedVersion: "no_stream", actor: "system:seed" });
  });
  after(() => t.drop());

  const browse = (query: Record<string, string>) => browseEvents(store, t.database.db, eventBrowseParams.parse(query));
  const actorsOf = (page: { events: { metadata: { actor: string } }[] }) => [...new Set(page.events.map((e) => e.metadata.actor))];

  it("keeps only the events the actor caused, newest first", async () => {
    const page = await browse({ actor: ana });
    assert.equal(page.events.length, 4);
    assert.deepEqual(actorsOf(page), [ana]);
    assert.equal(page.events[0].type, "CustomerRenamed");
    assert.equal((await browse({ actor: bob })).events.length, 2);
    assert.equal((await browse({ actor: "user:nobody" })).events.length, 0);
  });

  it("combines with the type filter and pages within the actor's events both ways", async () => {
    assert.equal((await browse({ actor: ana, type: "CustomerRegistered" })).events.length, 3);
    const first = await browse({ actor: ana, limit: "3" });
    assert.deepEqual(actorsOf(first), [ana]);
    assert.notEqual(first.olderBefore, null);
    const older = await browse({ actor: ana, limit: "3", before: String(first.olderBefore) });
    assert.equal(older.events.length, 1);
    assert.deepEqual(actorsOf(older), [ana]);
    assert.equal(older.olderBefore, null);
    assert.notEqual(older.newerAfter, null);
    const newer = await browse({ actor: ana, limit: "3", after: String(older.newerAfter) });
    assert.deepEqual(newer.events.map((e) => e.id), first.events.map((e) => e.id));
  });

  it("refuses an actor that is not an actor string", () => {
    const bad = eventBrowseParams.safeParse({ actor: "user:1' or '1'='1" });
    assert.equal(bad.success, false);
    assert.match(bad.error!.issues[0].message, /actor must look like/);
    assert.equal(eventBrowseParams.safeParse({ actor: "x".repeat(201) }).success, false);
  });

  it("names users, API keys and the seed in the actor directory", async () => {
    const now = new Date();
    await t.database.db.insert(authUsers).values({ id: "ana-id", name: "Ana Lee", email: "ana.lee@example.com", createdAt: now, updatedAt: now });
    await t.database.db.insert(authApiKeys).values({ id: "key-1", name: "billing", referenceId: "ana-id", key: "hash", createdAt: now, updatedAt: now });
    const directory = await actorDirectory(t.database.db);
    assert.deepEqual(directory[ana], { name: "Ana Lee", email: "ana.lee@example.com", kind: "user" });
    assert.deepEqual(directory["key:key-1"], { name: "billing (API key)", email: null, kind: "key" });
    assert.equal(directory["system:seed"].name, "Demo seed");
    assert.equal(directory[bob], undefined);
  });
});
