import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { and, asc, eq } from "drizzle-orm";
import { v7 as uuidv7 } from "uuid";
import { snapshots } from "@/db/schema";
import { archiveCustomer, changeCustomerAddress, editCustomer, registerCustomer, renameCustomer } from "@/lib/commands/customer";
import { address } from "@/lib/domain/customer/builders";
import { customerStreamId } from "@/lib/domain/customer/events";
import { CUSTOMER_STATE_SHAPE, type RegisteredCustomer } from "@/lib/domain/customer/state";
import { saveSnapshot, createEventStore, type EventStore, type RecordedEvent } from "@/lib/eventstore";
import { eventRegistry } from "@/lib/commands/event-registry";
import { describeEachDatabase, type TestDatabase } from "@/lib/testing/test-db";
import { clearCheckpoints } from "./checkpoints";
import { compareVersions, fieldHistory } from "./compare";
import { diffStates } from "./diff";
import { applyTracked, historyOf, initialTracked, type Tracked } from "./provenance";
import { StreamNotFoundError, VersionOutOfRangeError } from "./errors";
import { stateAt } from "./state-at";
import { prng } from "@/lib/testing/prng";
import { generateCustomerEvents, randomStep } from "@/lib/testing/timeline-events";

const EVENTS = 1000;
const SNAPSHOT_EVERY = 97;

/** Full replay from version 1, kept for every version: the reference stateAt must equal. */
function replayAll(events: RecordedEvent[]): { tracked: Tracked[]; changes: ReturnType<typeof diffStates>[] } {
  const tracked = [initialTracked()];
  const changes: ReturnType<typeof diffStates>[] = [[]];
  for (const event of events) {
    const previous = tracked[tracked.length - 1];
    const next = applyTracked(previous, event).next;
    tracked.push(next);
    changes.push(diffStates(previous.state, next.state));
  }
  return { tracked, changes };
}

await describeEachDatabase("timeline: state at a version", (_kind, create) => {
  let t: TestDatabase;
  let store: EventStore;
  before(async () => {
    t = await create();
    store = createEventStore(t.database.db, eventRegistry);
  });
  after(() => t.drop());

  describe(`a generated stream of ${EVENTS} events with snapshots`, () => {
    const id = uuidv7();
    const streamId = customerStreamId(id);
    let events: RecordedEvent[];
    let reference: ReturnType<typeof replayAll>;
    let snapshotVersions: number[];
    const STALE_AT = 500;

    before(async () => {
      // Given: a history written through the command handlers, snapshotting every 97 events
      // (two-event edits make some snapshots land one past a multiple), ending with an archive.
      const random = prng(42);
      const ctx = { store, actor: "generator", snapshotEvery: SNAPSHOT_EVERY };
      let current = { name: "Ada Lovelace", address: address({ region: "Greater London" }) };
      const registered = await registerCustomer({ id, ...current }, ctx);
      assert.ok(registered.ok);
      let version = 1;
      while (version < EVENTS - 1) {
        const step = randomStep(random, current, version <= EVENTS - 3);
        const actorCtx = { ...ctx, actor: `user-${version % 5}` };
        const result =
          step.kind === "rename"
            ? await renameCustomer(id, { name: step.name }, actorCtx)
            : step.kind === "move"
              ? await changeCustomerAddress(id, { address: step.address }, actorCtx)
              : await editCustomer(id, { name: step.name, address: step.address }, actorCtx);
        assert.ok(result.ok);
        version = result.version;
        if (step.kind !== "move") current = { ...current, name: step.name };
        if (step.kind !== "rename") current = { ...current, address: step.address };
      }
      const archived = await archiveCustomer(id, { reason: "Moved abroad" }, ctx);
      assert.ok(archived.ok && archived.version === EVENTS);

      // And: a snapshot of an older state shape, with a state that would show if it were used.
      await saveSnapshot(store.db, {
        streamId,
        version: STALE_AT,
        shapeVersion: CUSTOMER_STATE_SHAPE - 1,
        state: { status: "active", id, name: "STALE SHAPE", address: { street: "x", city: "Staleville" }, version: STALE_AT },
      });
      const rows = await t.database.db
        .select({ version: snapshots.version })
        .from(snapshots)
        .where(and(eq(snapshots.streamId, streamId), eq(snapshots.shapeVersion, CUSTOMER_STATE_SHAPE)))
        .orderBy(asc(snapshots.version));
      snapshotVersions = rows.map((r) => Number(r.version));
      assert.ok(snapshotVersions.length >= 9, `expected ≥ 9 snapshots, got ${snapshotVersions.join(",")}`);
      assert.ok(!snapshotVersions.includes(STALE_AT), "the stale snapshot must sit where no current one is");

      events = await store.readStream(streamId);
      assert.equal(events.length, EVENTS);
      reference = replayAll(events);
    });

    const bases = { snapshot: 0, checkpoint: 0, start: 0 };
    const check = async (n: number, options: { snapshotsOnly?: boolean } = {}) => {
      const result = await stateAt(store, streamId, n, options);
      const expected = reference.tracked[n];
      assert.deepEqual(result.state, expected.state, `state at v${n}`);
      assert.equal(result.event.id, events[n - 1].id, `event at v${n}`);
      assert.deepEqual(result.changes, reference.changes[n], `changes at v${n}`);
      assert.deepEqual(result.provenance, expected.provenance, `provenance at v${n}`);
      assert.equal(result.currentVersion, EVENTS);
      const usable = snapshotVersions.filter((v) => v <= n - 1);
      const latestSnapshot = usable.length ? usable[usable.length - 1] : 0;
      if (result.base.source === "checkpoint") assert.ok(result.base.version > latestSnapshot, `checkpoint at v${n} must beat the snapshot`);
      else assert.deepEqual(result.base, { source: latestSnapshot ? "snapshot" : "start", version: latestSnapshot }, `snapshot used at v${n}`);
      assert.ok(result.base.version <= n - 1 || n === 1, `base past N at v${n}`);
      assert.equal(result.replayed, n - result.base.version);
      bases[result.base.source]++;
      return result;
    };

    it("equals a full replay for every version, each built on the latest usable snapshot", async () => {
      // Every answer comes from a stored snapshot (or the start); provenance from a cold cache.
      clearCheckpoints(store);
      for (let n = EVENTS; n >= 1; n--) {
        const result = await check(n, { snapshotsOnly: true });
        assert.notEqual(result.base.source, "checkpoint");
      }
      assert.ok(bases.snapshot > 900, `most versions build on a snapshot (${JSON.stringify(bases)})`);
    });

    it("equals a full replay for every version in random order, with checkpoints kept", async () => {
      clearCheckpoints(store);
      const order = Array.from({ length: EVENTS }, (_, i) => i + 1);
      const random = prng(7);
      for (let i = order.length - 1; i > 0; i--) {
        const j = Math.floor(random() * (i + 1));
        [order[i], order[j]] = [order[j], order[i]];
      }
      for (const n of order) await check(n);
      assert.ok(bases.checkpoint > 0, "checkpoints were used");
    });

    it("compares v1 with the last version: the diff and the events grouped by field", async () => {
      const comparison = await compareVersions(store, streamId, 1, EVENTS);
      assert.deepEqual(comparison.changes, diffStates(reference.tracked[1].state, reference.tracked[EVENTS].state));
      assert.equal(comparison.eventCount, EVENTS - 1);
      assert.ok(comparison.groups.some((g) => g.path === "name"));
      for (const group of comparison.groups) {
        const expected = historyOf(group.path, events.slice(1), reference.tracked[1]);
        assert.equal(group.touchCount, expected.length, group.path);
        assert.deepEqual(group.touches, expected.slice(-group.touches.length), group.path);
      }
      const status = comparison.groups.find((g) => g.path === "status");
      assert.deepEqual(status?.touches.map((t) => [t.version, t.after]), [[EVENTS, "archived"]]);
    });

    it("lists a field's whole history on demand", async () => {
      const history = await fieldHistory(store, streamId, "address.city", 600);
      assert.deepEqual(history.entries, historyOf("address.city", events.slice(0, 600)).slice(-500));
    });

    it("history pages back beyond its limit, and compare refuses a span wider than its bound", async () => {
      const all = historyOf("name", events);
      const pages: typeof all = [];
      let toVersion: number | null = EVENTS;
      while (toVersion !== null) {
        const page = await fieldHistory(store, streamId, "name", toVersion);
        assert.ok(page.entries.length <= 500);
        pages.unshift(...page.entries);
        toVersion = page.previousToVersion;
      }
      assert.deepEqual(pages, all, "the pages together are the whole history, each entry once");
      process.env.TIMELINE_COMPARE_MAX_SPAN = "10";
      try {
        await assert.rejects(compareVersions(store, streamId, 1, 12), VersionOutOfRangeError);
        assert.equal((await compareVersions(store, streamId, 1, 11)).eventCount, 10);
      } finally {
        delete process.env.TIMELINE_COMPARE_MAX_SPAN;
      }
    });
  });

  describe("snapshots", () => {
    it("builds on a snapshot at or below N − 1 and never on one past N or of another shape", async () => {
      // Given: a customer renamed six times, with a doctored snapshot at v4 (the current shape,
      // a city no event ever set) and a stale-shaped one at v2.
      const id = uuidv7();
      const streamId = customerStreamId(id);
      const ctx = { store, actor: "t", snapshotEvery: 1000 };
      await registerCustomer({ id, name: "N0", address: address({ city: "London" }) }, ctx);
      for (let i = 1; i <= 6; i++) await renameCustomer(id, { name: `N${i}` }, ctx);
      const real = (await stateAt(store, streamId, 4)).state as RegisteredCustomer;
      await saveSnapshot(store.db, { streamId, version: 4, shapeVersion: CUSTOMER_STATE_SHAPE, state: { ...real, address: { street: "s", city: "Snapshotville" } } });
      await saveSnapshot(store.db, { streamId, version: 2, shapeVersion: CUSTOMER_STATE_SHAPE + 1, state: { ...real, address: { street: "s", city: "Staleville" } } });
      clearCheckpoints(store);

      const city = async (n: number) => {
        const s = (await stateAt(store, streamId, n)).state;
        return s.status === "unregistered" ? null : s.address.city;
      };
      // Then: versions after the snapshot show it; versions at or before it never do.
      assert.equal(await city(5), "Snapshotville");
      assert.equal(await city(7), "Snapshotville");
      assert.equal(await city(4), "London");
      assert.equal(await city(3), "London");
      assert.equal(await city(2), "London");
    });
  });

  describe("a stream without snapshots", () => {
    it("replays it once, then starts from in-memory checkpoints, with the same answers", async () => {
      const streamId = customerStreamId(uuidv7());
      await store.append(streamId, generateCustomerEvents(250, 3), { expectedVersion: "no_stream", actor: "bulk" });
      clearCheckpoints(store);
      const events = await store.readStream(streamId);
      const reference = replayAll(events);

      const first = await stateAt(store, streamId, 250);
      assert.deepEqual([first.base, first.replayed], [{ source: "start", version: 0 }, 250]);
      const again = await stateAt(store, streamId, 240);
      assert.deepEqual([again.base, again.replayed], [{ source: "checkpoint", version: 200 }, 40]);
      for (const n of [240, 250, 201, 200, 199, 1]) {
        const result = await stateAt(store, streamId, n);
        assert.deepEqual(result.state, reference.tracked[n].state, `state at v${n}`);
        assert.deepEqual(result.provenance, reference.tracked[n].provenance, `provenance at v${n}`);
        assert.deepEqual(result.changes, reference.changes[n], `changes at v${n}`);
      }
    });
  });

  describe("errors", () => {
    it("rejects an unknown stream and versions out of range", async () => {
      const id = uuidv7();
      await assert.rejects(stateAt(store, customerStreamId(id), 1), StreamNotFoundError);
      await registerCustomer({ id, name: "Ada", address: address() }, { store });
      await renameCustomer(id, { name: "Ada King" }, { store });
      for (const bad of [0, 3, -1, 1.5, Number.NaN]) {
        await assert.rejects(stateAt(store, customerStreamId(id), bad), VersionOutOfRangeError, String(bad));
      }
      await assert.rejects(stateAt(store, "Other-1", 1), StreamNotFoundError);
      const ok = await stateAt(store, customerStreamId(id), 2);
      assert.deepEqual(ok.changes, [{ path: "name", before: "Ada", after: "Ada King", kind: "changed" }]);
    });
  });
});
