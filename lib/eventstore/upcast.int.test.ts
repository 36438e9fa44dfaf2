import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { v7 as uuidv7 } from "uuid";
import { rawQuery } from "@/db/client";
import { eventRegistry, ledgerStore } from "@/lib/commands/event-registry";
import { loadCustomer } from "@/lib/commands/customer";
import { customerEventSchemas, customerStreamId } from "@/lib/domain/customer/events";
import { browseEvents, readEventFeed } from "@/lib/queries/events";
import { getCustomerRow } from "@/lib/queries/customer";
import { project } from "@/lib/testing/projections";
import { describeEachDatabase, type TestDatabase } from "@/lib/testing/test-db";
import { stateAt } from "@/lib/timeline/state-at";
import { checkStoredVersions, checkUpcasters, MissingUpcasterError, type EventStore } from ".";

const V1 = { name: "Old Timer", address: { street: "1 Legacy Lane", city: "Oslo" } };

/** A customer written by the code before contact details: raw rows, schema version 1, in the clear. */
async function insertV1Customer(store: EventStore, id: string) {
  const streamId = customerStreamId(id);
  const meta = JSON.stringify({ commandId: uuidv7(), correlationId: uuidv7(), causationId: null, actor: "system" });
  await rawQuery(
    store.db,
    `insert into events (id, stream_id, version, type, schema_version, data, metadata)
     values ($1, $2, 1, 'CustomerRegistered', 1, $3::text::jsonb, $5::text::jsonb),
            ($4, $2, 2, 'CustomerRenamed', 1, '{"newName":"Older Timer","oldName":"Old Timer"}'::jsonb, $5::text::jsonb)`,
    [uuidv7(), streamId, JSON.stringify(V1), uuidv7(), meta],
  );
  return streamId;
}

await describeEachDatabase("upcasting: stored v1 CustomerRegistered reads as v2", (_kind, create) => {
  let t: TestDatabase;
  let store: EventStore;
  let id: string;
  let streamId: string;
  before(async () => {
    t = await create();
    store = ledgerStore(t.database.db, randomBytes(32));
    id = uuidv7();
    streamId = await insertV1Customer(store, id);
  });
  after(() => t.drop());

  const isV2 = (event: { schemaVersion: number; data: unknown; stored?: { schemaVersion: number; data: unknown } }) => {
    assert.equal(event.schemaVersion, 2);
    assert.deepEqual(event.data, { ...V1, email: null, phone: null });
    assert.deepEqual(event.stored, { schemaVersion: 1, data: V1 });
  };

  it("readStream", async () => isV2((await store.readStream(streamId))[0]));

  it("readAll (the global feed) and the API's feed and browser", async () => {
    isV2((await store.readAll()).events.find((e) => e.streamId === streamId)!);
    isV2((await readEventFeed(store, { limit: 100 })).events.find((e) => e.streamId === streamId)!);
    isV2((await browseEvents(store, store.db, { limit: 25 })).events.find((e) => e.version === 1)!);
  });

  it("projections: the list row has email and phone null", async () => {
    await project(t.database, { decode: (db, events) => store.codec.decode(db, events) });
    const row = await getCustomerRow(store.db, id);
    assert.equal(row?.name, "Older Timer");
    assert.equal(row?.email, null);
    assert.equal(row?.phone, null);
  });

  it("the command side's load, also from a snapshot of the older state shape", async () => {
    const fresh = await loadCustomer(store, id);
    assert.equal(fresh.state.status, "active");
    if (fresh.state.status !== "active") return;
    assert.equal(fresh.state.email, null);
    // A shape-1 snapshot (no email, phone, erased) is upcast, not ignored.
    const { email: _e, phone: _p, erased: _x, ...shape1 } = fresh.state;
    await rawQuery(store.db, "insert into snapshots (stream_id, version, shape_version, state) values ($1, 2, 1, $2::text::jsonb)", [
      streamId,
      JSON.stringify({ ...shape1, name: "From Snapshot" }),
    ]);
    const loaded = await loadCustomer(store, id);
    assert.equal(loaded.fromSnapshot, 2);
    assert.deepEqual(loaded.state.status === "active" && [loaded.state.name, loaded.state.email, loaded.state.phone, loaded.state.erased], [
      "From Snapshot",
      null,
      null,
      false,
    ]);
  });

  it("the timeline: state and event at v1", async () => {
    const at = await stateAt(store, streamId, 1);
    isV2(at.event);
    assert.equal(at.state.status === "active" && at.state.email, null);
  });

  it("the start-up check passes with the upcaster", async () => {
    await checkStoredVersions(store.db, eventRegistry);
  });

  it("the start-up check fails, naming type and version, without the upcaster", async () => {
    const { upcasters: _dropped, ...withoutUpcaster } = customerEventSchemas.CustomerRegistered;
    const broken = { ...eventRegistry, CustomerRegistered: withoutUpcaster };
    await assert.rejects(checkStoredVersions(store.db, broken), (error: unknown) => {
      assert.ok(error instanceof MissingUpcasterError);
      assert.match(error.message, /CustomerRegistered schema version 1/);
      return true;
    });
  });
});

describe("checkUpcasters", () => {
  it("refuses a version newer than the code and an unknown type", () => {
    assert.throws(() => checkUpcasters(eventRegistry, [{ type: "CustomerRenamed", schemaVersion: 2 }]), /CustomerRenamed schema version 2/);
    assert.throws(() => checkUpcasters(eventRegistry, [{ type: "Nope", schemaVersion: 1 }]), /Nope schema version 1/);
  });
});
