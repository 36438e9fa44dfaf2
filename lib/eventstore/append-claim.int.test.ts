import { after, before, it } from "node:test";
import assert from "node:assert/strict";
import { v7 as uuidv7 } from "uuid";
import { rawQuery } from "@/db/client";
import { eventRegistry } from "@/lib/commands/event-registry";
import { address } from "@/lib/domain/customer/builders";
import { customerStreamId } from "@/lib/domain/customer/events";
import { describeEachDatabase, type TestDatabase } from "@/lib/testing/test-db";
import { createEventStore, type EventStore, VersionConflictError } from ".";

// The unique (stream_id, version) index is the compare-and-set (migration 0014): an append claims
// the version after the one it expects. These are the cases where a claim alone would be wrong.

const newStream = () => customerStreamId(uuidv7());
const registered = () => ({ type: "CustomerRegistered", data: { name: "Ada", address: address() } });
const renamed = (i: number) => ({ type: "CustomerRenamed", data: { newName: `n${i}`, oldName: `n${i - 1}` } });
const renames = (from: number, count: number) => Array.from({ length: count }, (_, i) => renamed(from + i));

await describeEachDatabase("append: the version index as compare-and-set", (_kind, create) => {
  let t: TestDatabase;
  let store: EventStore;
  before(async () => {
    t = await create();
    store = createEventStore(t.database.db, eventRegistry);
  });
  after(() => t.drop());

  const versions = async (streamId: string) => (await store.readStream(streamId)).map((e) => e.version);
  const conflict = (expected: unknown, actual: number) => (error: unknown) =>
    error instanceof VersionConflictError && error.expectedVersion === expected && error.actualVersion === actual;

  for (const path of ["one statement", "ledger_append"]) {
    const via = <T extends object>(options: T) => (path === "ledger_append" ? { ...options, commandId: `c-${uuidv7()}` } : options);

    it(`an expected version the stream has not reached is a conflict, not a gap (${path})`, async () => {
      const streamId = newStream();
      await store.append(streamId, [registered(), renamed(1)], { expectedVersion: "no_stream" });
      // Version 4 is free, but the stream is at 2: appending "after 3" would leave a hole at 3.
      await assert.rejects(store.append(streamId, [renamed(3)], via({ expectedVersion: 3 })), conflict(3, 2));
      assert.deepEqual(await versions(streamId), [1, 2]);
      assert.equal(await store.streamVersion(streamId), 2);
    });

    it(`a stale expected version is a conflict reporting the stream's version (${path})`, async () => {
      const streamId = newStream();
      await store.append(streamId, [registered(), ...renames(1, 3)], { expectedVersion: "no_stream" });
      await assert.rejects(store.append(streamId, [renamed(9)], via({ expectedVersion: 2 })), conflict(2, 4));
      assert.deepEqual(await versions(streamId), [1, 2, 3, 4]);
    });
  }

  it("a stale batch writes none of its events, even those whose versions are free", async () => {
    const streamId = newStream();
    await store.append(streamId, [registered(), renamed(1)], { expectedVersion: "no_stream" });
    // Expected 1: versions 2..4 claimed; 2 is taken, 3 and 4 are free.
    await assert.rejects(store.append(streamId, renames(2, 3), { expectedVersion: 1 }), conflict(1, 2));
    await assert.rejects(store.append(streamId, [registered(), ...renames(1, 3)], { expectedVersion: "no_stream" }), conflict("no_stream", 2));
    assert.deepEqual(await versions(streamId), [1, 2]);
    const [{ n }] = await rawQuery<{ n: number | string }>(store.db, "select count(*) as n from events where stream_id = $1", [streamId]);
    assert.equal(Number(n), 2);
  });

  it("a batch continues from the expected version, with positions in version order", async () => {
    const streamId = newStream();
    await store.append(streamId, [registered()], { expectedVersion: "no_stream" });
    const batch = await store.append(streamId, renames(1, 4), { expectedVersion: 1, commandId: `c-${uuidv7()}` });
    assert.equal(batch.nextExpectedVersion, 5);
    const read = await store.readStream(streamId);
    assert.deepEqual(read.map((e) => e.version), [1, 2, 3, 4, 5]);
    assert.deepEqual(read.slice(1).map((e) => e.position), batch.events.map((e) => e.position));
    assert.deepEqual([...batch.events.map((e) => e.position)].sort((a, b) => a - b), batch.events.map((e) => e.position));
    const again = await store.append(streamId, renames(5, 2), { expectedVersion: "stream_exists" });
    assert.equal(again.nextExpectedVersion, 7);
    assert.deepEqual(await versions(streamId), [1, 2, 3, 4, 5, 6, 7]);
  });
});
