import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { eventsPerSecond, formatDuration, rebuildRequested, trackRebuilds } from "./rebuild-clock";

const T0 = Date.parse("2025-01-01T14:03:00.000Z");

describe("rebuild sightings", () => {
  it("finishes a requested rebuild at the first poll that no longer shows it rebuilding, even one never seen running", () => {
    const asked = rebuildRequested({}, "customer_list", T0);
    const seen = trackRebuilds(asked, [{ name: "customer_list", status: "running" }], T0 + 400);
    assert.deepEqual(seen.customer_list, { startedAt: T0, finishedAt: T0 + 400 });
  });

  it("keeps the earliest start while polls show it rebuilding, and uses the recorded start for one started elsewhere", () => {
    const elsewhere = trackRebuilds({}, [{ name: "a", status: "rebuilding", rebuild: { startedAt: new Date(T0 - 2000).toISOString() } }], T0);
    assert.deepEqual(elsewhere.a, { startedAt: T0 - 2000 });
    const later = trackRebuilds(elsewhere, [{ name: "a", status: "rebuilding", rebuild: { startedAt: new Date(T0 - 500).toISOString() } }], T0 + 1000);
    assert.deepEqual(later.a, { startedAt: T0 - 2000 });
    const done = trackRebuilds(later, [{ name: "a", status: "running" }], T0 + 3000);
    assert.deepEqual(done.a, { startedAt: T0 - 2000, finishedAt: T0 + 3000 });
  });

  it("leaves projections it never saw rebuilding alone, and a finished sighting stays as it was", () => {
    const done = { a: { startedAt: T0, finishedAt: T0 + 10 } };
    const next = trackRebuilds(done, [{ name: "a", status: "running" }, { name: "b", status: "running" }], T0 + 5000);
    assert.deepEqual(next, done);
  });

  it("drops a sighting whose rebuild failed, so it never reads as rebuilt", () => {
    const asked = rebuildRequested({}, "a", T0);
    assert.deepEqual(trackRebuilds(asked, [{ name: "a", status: "failed" }], T0 + 100), {});
  });

  it("starts a new sighting when a finished projection rebuilds again", () => {
    const done = { a: { startedAt: T0, finishedAt: T0 + 10 } };
    const again = trackRebuilds(done, [{ name: "a", status: "rebuilding", rebuild: { startedAt: null } }], T0 + 9000);
    assert.deepEqual(again.a, { startedAt: T0 + 9000 });
  });
});

describe("rebuild figures", () => {
  it("formats durations with tenths below a minute", () => {
    assert.equal(formatDuration(1000), "1.0 s");
    assert.equal(formatDuration(420), "0.4 s");
    assert.equal(formatDuration(125_000), "2 min 5 s");
    assert.equal(formatDuration(-5), "0.0 s");
  });

  it("gives events per second once there is time to divide by", () => {
    assert.equal(eventsPerSecond(500, 2000), 250);
    assert.equal(eventsPerSecond(500, 50), null);
  });
});
