import assert from "node:assert/strict";
import { after, before, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { address, registered } from "@/lib/domain/customer/builders";
import { EVENTS_CHANNEL, type EventStore } from "@/lib/eventstore";
import { startProjections } from "@/lib/projections/runtime";
import { quietLog } from "@/lib/testing/projections";
import { givenCustomer, storeOf } from "@/lib/testing/projections";
import { describeEachDatabase, type TestDatabase } from "@/lib/testing/test-db";
import { LiveHub, liveOverCapacity, liveResponse, type Listen, type LiveMessage } from "./live";

// The SSE fan-out over the store's real notifications: one LISTEN per process, nothing left
// behind when clients go away.

await describeEachDatabase("live updates", (_kind, create) => {
  let t: TestDatabase;
  let store: EventStore;
  let listens = 0;
  let unlistens = 0;
  let listen: Listen;

  before(async () => {
    t = await create();
    store = storeOf(t.database);
    // Counts the appends channel's listeners (the hub listens once per channel).
    listen = async (channel, onPayload) => {
      if (channel === EVENTS_CHANNEL) listens++;
      const unlisten = await t.database.listen(channel, onPayload);
      return async () => {
        if (channel === EVENTS_CHANNEL) unlistens++;
        await unlisten();
      };
    };
  });
  after(() => t.drop());

  const until = async (check: () => boolean, ms = 3000) => {
    const deadline = Date.now() + ms;
    while (!check()) {
      if (Date.now() > deadline) assert.fail("condition not met in time");
      await sleep(20);
    }
  };

  it("fans one database listener out to every subscriber, coalescing a burst", async () => {
    listens = unlistens = 0;
    const hub = new LiveHub(listen, { coalesceMs: 50, idleStopMs: 50 });
    const a: LiveMessage[] = [];
    const b: LiveMessage[] = [];
    const offA = hub.subscribe((m) => a.push(m));
    const offB = hub.subscribe((m) => b.push(m));
    await sleep(100); // LISTEN is asynchronous on PostgreSQL
    assert.equal(listens, 1);

    const first = await givenCustomer(store, [registered({ name: "Live One", address: address() })]);
    const second = await givenCustomer(store, [registered({ name: "Live Two", address: address() })]);
    await until(() => a.length > 0 && b.length > 0 && a[a.length - 1].position === second.events[0].position);
    assert.deepEqual(a, b);
    assert.ok(a.length <= 2, `a burst of two appends gave ${a.length} messages`);
    assert.ok(first.events[0].position < second.events[0].position);

    offA();
    offB();
    offB(); // idempotent
    assert.deepEqual(hub.stats().subscribers, 0);
    await until(() => unlistens === 1);
    assert.equal(hub.stats().listening, false);
  });

  it("a new subscriber after the idle stop listens again", async () => {
    listens = unlistens = 0;
    const hub = new LiveHub(listen, { coalesceMs: 10, idleStopMs: 10 });
    hub.subscribe(() => {})();
    await until(() => unlistens === 1);
    const got: LiveMessage[] = [];
    const off = hub.subscribe((m) => got.push(m));
    await sleep(100);
    await givenCustomer(store, [registered({ name: "Live Three", address: address() })]);
    await until(() => got.length === 1);
    assert.equal(listens, 2);
    off();
    await hub.stop();
  });

  it("an SSE response unsubscribes when the client aborts", async () => {
    const hub = new LiveHub(listen, { coalesceMs: 10, idleStopMs: 10_000 });
    const controller = new AbortController();
    const response = liveResponse(hub, controller.signal, 60_000);
    assert.equal(response.headers.get("content-type"), "text/event-stream; charset=utf-8");
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    let text = "";
    while (!text.includes("event: ready")) text += decoder.decode((await reader.read()).value);
    assert.equal(hub.stats().subscribers, 1);
    await sleep(100);
    const { events } = await givenCustomer(store, [registered({ name: "Live Four", address: address() })]);
    while (!text.includes("event: events")) text += decoder.decode((await reader.read()).value);
    assert.match(text, new RegExp(`data: \\{"position":${events[0].position}\\}`));

    controller.abort();
    assert.equal(hub.stats().subscribers, 0);
    assert.equal((await reader.read()).done, true);
    await hub.stop();
  });
  it("caps the clients a process serves: past the cap, 503 with Retry-After", async () => {
    const hub = new LiveHub(listen, { coalesceMs: 5, idleStopMs: 10 });
    const unsubscribes = [hub.subscribe(() => {}), hub.subscribe(() => {})];
    assert.equal(liveOverCapacity(hub, 3), null);
    unsubscribes.push(hub.subscribe(() => {}));
    const refused = liveOverCapacity(hub, 3);
    assert.equal(refused?.status, 503);
    assert.ok(Number(refused?.headers.get("retry-after")) > 0);
    unsubscribes.pop()!();
    assert.equal(liveOverCapacity(hub, 3), null);
    for (const unsubscribe of unsubscribes) unsubscribe();
    await hub.stop();
  });
  it("says which projection has applied which position, after its read table has it", async () => {
    const hub = new LiveHub(listen, { coalesceMs: 20, idleStopMs: 50 });
    const seen: LiveMessage[] = [];
    const off = hub.subscribe((m) => seen.push(m));
    await sleep(100);
    const runtime = await startProjections(t.database, store, { inProcess: true, runner: { log: quietLog } });
    try {
      const customer = await givenCustomer(store, [registered({ name: "Live Projected", address: address() })]);
      const position = customer.events[0].position;
      const reached = (name: string) => seen.some((m) => "projection" in m && m.projection === name && m.position >= position);
      const announced = ["customer_list", "customer_search", "city_totals"];
      await until(() => announced.every(reached), 8000);
      // Those three only: customer_history may not have it yet under load (the likely cause of one failure seen).
      assert.equal(await runtime.waitFor(position, 0, { projections: announced }), true, "announced before the read tables had it");
      assert.ok(seen.some((m) => !("projection" in m) && m.position >= position), "the append itself is announced too");
    } finally {
      off();
      await runtime.stop();
      await hub.stop();
    }
  });
});
