import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { v7 as uuidv7, version as uuidVersion } from "uuid";
import { customerDecider, customerStream, registerCustomer, renameCustomer } from "@/lib/commands/customer";
import { loadState } from "@/lib/commands/handle-command";
import { customerStreamId } from "@/lib/domain/customer/events";
import { address } from "@/lib/domain/customer/builders";
import { CUSTOMER_STATE_SHAPE, fold, type CustomerState } from "@/lib/domain/customer/state";
import type { CustomerEventEnvelope } from "@/lib/domain/customer/events";
import { readBackwards } from "@/lib/queries/events";
import { describeEachDatabase, type TestDatabase } from "@/lib/testing/test-db";
import { saveSnapshot, loadSnapshot, createEventStore, EVENTS_CHANNEL, type EventStore, InvalidAppendError, VersionConflictError } from ".";
import { eventRegistry } from "@/lib/commands/event-registry";

const newStream = () => customerStreamId(uuidv7());
const registeredEvent = (name = "Ada") => ({ type: "CustomerRegistered", data: { name, address: address() } });
const renamedEvent = (newName: string, oldName: string) => ({ type: "CustomerRenamed", data: { newName, oldName } });

await describeEachDatabase("event store", (_kind, create) => {
  let t: TestDatabase;
  let store: EventStore;
  before(async () => {
    t = await create();
    store = createEventStore(t.database.db, eventRegistry);
  });
  after(() => t.drop());

  const countEvents = async (streamId: string) => (await store.readStream(streamId)).length;

  describe("append", () => {
    it("starts a stream at version 1 and continues with consecutive versions", async () => {
      const streamId = newStream();
      const first = await store.append(streamId, [registeredEvent()], { expectedVersion: "no_stream" });
      assert.equal(first.nextExpectedVersion, 1);
      const second = await store.append(streamId, [renamedEvent("B", "Ada"), renamedEvent("C", "B")], { expectedVersion: 1 });
      assert.equal(second.nextExpectedVersion, 3);
      assert.ok(second.firstPosition > first.lastPosition);
      assert.ok(second.lastPosition > second.firstPosition);
      const events = await store.readStream(streamId);
      assert.deepEqual(events.map((e) => e.version), [1, 2, 3]);
      assert.deepEqual(events.map((e) => e.position), [first.lastPosition, ...second.events.map((e) => e.position)]);
    });

    it("records uuid v7 ids, metadata, schema version, timestamp, and data as objects", async () => {
      const streamId = newStream();
      const result = await store.append(streamId, [registeredEvent()], {
        expectedVersion: "no_stream",
        commandId: `cmd-${uuidv7()}`,
        correlationId: "corr-1",
        causationId: "cause-1",
        actor: "tester",
      });
      const [event] = await store.readStream(streamId);
      assert.equal(uuidVersion(event.id), 7);
      assert.equal(event.id, result.events[0].id);
      assert.equal(event.type, "CustomerRegistered");
      assert.equal(event.schemaVersion, 2); // CustomerRegistered is at schema version 2 (contact details)
      assert.deepEqual(event.metadata, {
        commandId: result.events[0].metadata.commandId,
        correlationId: "corr-1",
        causationId: "cause-1",
        actor: "tester",
      });
      assert.equal(typeof event.data, "object");
      assert.deepEqual(event.data, { name: "Ada", address: address(), email: null, phone: null });
      assert.match(event.timestamp, /^\d{4}-\d\d-\d\dT/);
      assert.equal(event.timestamp, result.events[0].timestamp);
    });

    // On PostgreSQL, single events without a command id take the one-statement path; with one,
    // ledger_append (on PGlite both take ledger_append).
    for (const path of ["one statement", "ledger_append"]) {
      const via = <T extends object>(options: T) =>
        path === "ledger_append" ? { ...options, commandId: `c-${uuidv7()}` } : options;
      it(`throws a version conflict carrying expected and actual, and writes nothing (${path})`, async () => {
        const streamId = newStream();
        await store.append(streamId, [registeredEvent()], via({ expectedVersion: "no_stream" }));
        await assert.rejects(
          store.append(streamId, [renamedEvent("B", "Ada")], via({ expectedVersion: 5 })),
          (error: unknown) =>
            error instanceof VersionConflictError && error.expectedVersion === 5 && error.actualVersion === 1,
        );
        await assert.rejects(
          store.append(streamId, [registeredEvent()], via({ expectedVersion: "no_stream" })),
          (error: unknown) => error instanceof VersionConflictError && error.actualVersion === 1,
        );
        assert.equal(await countEvents(streamId), 1);
        assert.equal(await store.streamVersion(streamId), 1);
      });

      it(`stream_exists on an unknown stream is a conflict with actual 0 and writes nothing (${path})`, async () => {
        const streamId = newStream();
        await assert.rejects(
          store.append(streamId, [registeredEvent()], via({ expectedVersion: "stream_exists" })),
          (error: unknown) => error instanceof VersionConflictError && error.actualVersion === 0,
        );
        assert.equal(await countEvents(streamId), 0);
        assert.equal(await store.streamVersion(streamId), 0);
      });

      it(`'any' appends whatever the version, and stream_exists appends to an existing stream (${path})`, async () => {
        const streamId = newStream();
        await store.append(streamId, [registeredEvent()], via({ expectedVersion: "any" }));
        await store.append(streamId, [renamedEvent("B", "Ada")], via({ expectedVersion: "any" }));
        const third = await store.append(streamId, [renamedEvent("C", "B")], via({ expectedVersion: "stream_exists" }));
        assert.equal(third.nextExpectedVersion, 3);
      });
    }

    it("announces each append after it commits: NOTIFY ledger_events with the last position", async () => {
      const payloads: string[] = [];
      const unlisten = await t.database.listen(EVENTS_CHANNEL, (payload) => payloads.push(payload));
      try {
        const one = await store.append(newStream(), [registeredEvent()], { expectedVersion: "no_stream" });
        const batch = await store.append(newStream(), [registeredEvent(), renamedEvent("B", "Ada")], {
          expectedVersion: "no_stream",
        });
        // Wake-ups are coalesced: the last one names the highest position committed.
        const deadline = Date.now() + 5_000;
        while (!payloads.includes(String(batch.lastPosition)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
        assert.ok(payloads.includes(String(batch.lastPosition)), `payloads ${JSON.stringify(payloads)}`);
        // Nothing is announced past what has committed. (A wake-up of an earlier test's append may still
        // arrive late, below `one`: wake-ups are sent after commit and coalesced, so no lower bound.)
        assert.ok(one.lastPosition < batch.firstPosition);
        assert.ok(payloads.map(Number).every((p) => Number.isSafeInteger(p) && p <= batch.lastPosition), `payloads ${JSON.stringify(payloads)}`);
      } finally {
        await unlisten();
      }
    });

    for (const bad of [0, -1, 1.5, Number.NaN, "3", "latest", null]) {
      it(`rejects the invalid expected version ${JSON.stringify(bad)} and writes nothing`, async () => {
        const streamId = newStream();
        await assert.rejects(
          store.append(streamId, [registeredEvent()], { expectedVersion: bad as never }),
          (error: unknown) => error instanceof InvalidAppendError && /expected version/i.test(error.message),
        );
        assert.equal(await countEvents(streamId), 0);
      });
    }

    it("rejects event data that fails its schema, naming the field, and writes nothing of the batch", async () => {
      const streamId = newStream();
      await assert.rejects(
        store.append(
          streamId,
          [registeredEvent(), { type: "CustomerRenamed", data: { newName: "", oldName: "Ada" } }],
          { expectedVersion: "no_stream" },
        ),
        (error: unknown) =>
          error instanceof InvalidAppendError &&
          error.issues.some((issue) => issue.index === 1 && issue.path === "newName") &&
          /newName/.test(error.message),
      );
      assert.equal(await countEvents(streamId), 0);
      assert.equal(await store.streamVersion(streamId), 0);
    });

    it("rejects an unknown event type, an empty append and a malformed stream id", async () => {
      const streamId = newStream();
      await assert.rejects(store.append(streamId, [{ type: "CustomerDeleted", data: {} }], { expectedVersion: "any" }), /Unknown event type/);
      await assert.rejects(store.append(streamId, [], { expectedVersion: "any" }), /at least one event/);
      await assert.rejects(store.append("no dash here", [registeredEvent()], { expectedVersion: "any" }), /Invalid stream id/);
      assert.equal(await countEvents(streamId), 0);
    });
  });

  describe("readStream", () => {
    it("reads a version range", async () => {
      const streamId = newStream();
      await store.append(streamId, [registeredEvent(), renamedEvent("B", "Ada"), renamedEvent("C", "B"), renamedEvent("D", "C")], {
        expectedVersion: "no_stream",
      });
      assert.deepEqual((await store.readStream(streamId, { fromVersion: 2, toVersion: 3 })).map((e) => e.version), [2, 3]);
      assert.deepEqual((await store.readStream(streamId, { fromVersion: 4 })).map((e) => e.version), [4]);
      assert.deepEqual(await store.readStream(newStream()), []);
    });
  });

  describe("readAll", () => {
    it("pages through every event once, in order, by cursor", async () => {
      const streamId = newStream();
      await store.append(streamId, [registeredEvent(), renamedEvent("B", "Ada"), renamedEvent("C", "B")], { expectedVersion: "no_stream" });
      const seen: number[] = [];
      let cursor: string | undefined;
      for (;;) {
        const page = await store.readAll({ after: cursor, limit: 2 });
        if (page.events.length === 0) break;
        seen.push(...page.events.map((e) => e.position));
        cursor = page.cursor;
      }
      const all = await readBackwards(store, store.db, { limit: 1000 });
      assert.deepEqual([...seen].sort((a, b) => a - b), all.map((e) => e.position).sort((a, b) => a - b));
      assert.equal(new Set(seen).size, seen.length);
      const again = await store.readAll({ after: cursor });
      assert.deepEqual(again.events, []);
      assert.equal(again.cursor, cursor);
    });

    it("filters by type and rejects a forged cursor", async () => {
      const page = await store.readAll({ types: ["CustomerRenamed"], limit: 1000 });
      assert.ok(page.events.length > 0);
      assert.ok(page.events.every((e) => e.type === "CustomerRenamed"));
      await assert.rejects(store.readAll({ after: "1;drop table events" }), /Invalid cursor/);
    });
  });

  describe("idempotent commands", () => {
    it("the same command id twice appends once and returns the first result", async () => {
      const { id } = await registerCustomer({ name: "Ada", address: address() }, { store });
      const commandId = `rename-${uuidv7()}`;
      const first = await renameCustomer(id, { name: "Grace" }, { store, commandId });
      const second = await renameCustomer(id, { name: "Grace" }, { store, commandId });
      const third = await renameCustomer(id, { name: "Someone else" }, { store, commandId });
      assert.equal(first.ok && second.ok && third.ok, true);
      if (!first.ok || !second.ok || !third.ok) return;
      assert.equal(second.version, first.version);
      assert.equal(second.position, first.position);
      assert.equal(second.duplicate, true);
      assert.equal(third.position, first.position);
      const events = await store.readStream(customerStreamId(id));
      assert.deepEqual(events.map((e) => e.type), ["CustomerRegistered", "CustomerRenamed"]);
    });

    it("the store alone returns the first outcome for a replayed command id", async () => {
      const streamId = newStream();
      const commandId = `store-${uuidv7()}`;
      const first = await store.append(streamId, [registeredEvent()], { expectedVersion: "no_stream", commandId });
      const again = await store.append(streamId, [registeredEvent()], { expectedVersion: "no_stream", commandId });
      assert.equal(again.duplicate, true);
      assert.equal(again.lastPosition, first.lastPosition);
      assert.equal(await countEvents(streamId), 1);
    });

    it("a command that changed nothing is reported unchanged and appends nothing", async () => {
      const { id } = await registerCustomer({ name: "Ada", address: address() }, { store });
      const result = await renameCustomer(id, { name: "Ada" }, { store, commandId: `same-${uuidv7()}` });
      assert.equal(result.ok && result.unchanged, true);
      assert.equal(await countEvents(customerStreamId(id)), 1);
    });
  });

  describe("snapshots", () => {
    it("a 1,000-event stream loads from snapshot + tail, equal to the full replay", async () => {
      const streamId = newStream();
      const batch: { type: string; data: unknown }[] = [registeredEvent("n0")];
      for (let i = 1; i < 1000; i++) batch.push(renamedEvent(`n${i}`, `n${i - 1}`));
      await store.append(streamId, batch, { expectedVersion: "no_stream" });
      const all = await store.readStream(streamId);
      const full = fold(all as unknown as CustomerEventEnvelope[]);
      const at900 = fold(all.slice(0, 900) as unknown as CustomerEventEnvelope[]);
      await saveSnapshot(store.db, { streamId, version: 900, shapeVersion: CUSTOMER_STATE_SHAPE, state: at900 });
      const loaded = await loadState(store, customerDecider, customerStream, streamId);
      assert.equal(loaded.fromSnapshot, 900);
      assert.deepEqual(loaded.state, full);
      assert.equal(loaded.version, 1000);
    });

    it("ignores a snapshot of an older shape version that no state upcaster reaches", async () => {
      const streamId = newStream();
      await store.append(streamId, [registeredEvent("real"), renamedEvent("later", "real")], { expectedVersion: "no_stream" });
      const bogus = { legacy: true, fullName: "WRONG" } as unknown as CustomerState;
      // Shape 1 is upcast (customerStateUpcasters; see upcast.int.test.ts); shape 0 has no upcaster.
      await saveSnapshot(store.db, { streamId, version: 2, shapeVersion: CUSTOMER_STATE_SHAPE - 2, state: bogus });
      const loaded = await loadState(store, customerDecider, customerStream, streamId);
      assert.equal(loaded.fromSnapshot, null);
      assert.equal(loaded.state.status === "active" && loaded.state.name, "later");
    });

    it("the command handler snapshots every SNAPSHOT_EVERY events and later loads use it", async () => {
      const { id } = await registerCustomer({ name: "v1", address: address() }, { store, snapshotEvery: 5 });
      for (let i = 2; i <= 12; i++) await renameCustomer(id, { name: `v${i}` }, { store, snapshotEvery: 5 });
      const streamId = customerStreamId(id);
      const snapshot = await loadSnapshot<CustomerState>(store.db, streamId, CUSTOMER_STATE_SHAPE);
      assert.equal(snapshot?.version, 10);
      const loaded = await loadState(store, customerDecider, customerStream, streamId);
      assert.equal(loaded.fromSnapshot, 10);
      assert.equal(loaded.state.status === "active" && loaded.state.name, "v12");
      assert.deepEqual(loaded.state, fold((await store.readStream(streamId)) as unknown as CustomerEventEnvelope[]));
    });
  });
});
