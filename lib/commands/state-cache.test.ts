import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { StateCache } from "./state-cache";

describe("StateCache", () => {
  it("evicts the least recently used stream beyond its capacity", () => {
    const cache = new StateCache<string>(2);
    cache.set("a", 1, "a1");
    cache.set("b", 1, "b1");
    assert.equal(cache.get("a")?.state, "a1"); // a is now the most recent
    cache.set("c", 1, "c1");
    assert.equal(cache.get("b"), undefined);
    assert.deepEqual([cache.get("a")?.state, cache.get("c")?.state], ["a1", "c1"]);
    assert.equal(cache.size, 2);
  });

  it("never goes back to an earlier version of a stream", () => {
    const cache = new StateCache<string>(10);
    cache.set("s", 5, "v5");
    cache.set("s", 3, "v3");
    assert.deepEqual(cache.get("s"), { version: 5, state: "v5" });
    cache.set("s", 6, "v6");
    assert.deepEqual(cache.get("s"), { version: 6, state: "v6" });
  });

  it("holds nothing when its capacity is 0, and never the empty stream", () => {
    const off = new StateCache<string>(0);
    off.set("s", 1, "v1");
    assert.equal(off.get("s"), undefined);
    const on = new StateCache<string>(1);
    on.set("s", 0, "unregistered");
    assert.equal(on.get("s"), undefined);
  });
});
