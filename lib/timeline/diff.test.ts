import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { address, addressUpdated, archived, registered, renamed } from "@/lib/domain/customer/builders";
import type { RecordedEvent } from "@/lib/eventstore";
import { at } from "@/lib/testing/clock";
import { diffStates, flattenState } from "./diff";
import { foldTracked } from "./provenance";
import { history } from "@/lib/testing/timeline-events";

/** The state after each version: states[v] (states[0] is unregistered). */
function statesOf(events: RecordedEvent[]) {
  const states = [foldTracked([]).state];
  for (let v = 1; v <= events.length; v++) states.push(foldTracked(events.slice(0, v)).state);
  return states;
}

const london = address({ street: "1 Analytical Row", city: "London", region: "Greater London" });
const oslo = address({ street: "Karl Johans gate 1", city: "Oslo", country: "NO" });

describe("diffStates", () => {
  it("shows every field as added at version 1", () => {
    const [s0, s1] = statesOf(history(registered({ name: "Ada Lovelace", address: london })));
    assert.deepEqual(diffStates(s0, s1), [
      { path: "id", before: null, after: "01900000-0000-7000-8000-0000000000d1", kind: "added" },
      { path: "name", before: null, after: "Ada Lovelace", kind: "added" },
      { path: "address.street", before: null, after: "1 Analytical Row", kind: "added" },
      { path: "address.city", before: null, after: "London", kind: "added" },
      { path: "address.region", before: null, after: "Greater London", kind: "added" },
      { path: "status", before: null, after: "active", kind: "added" },
      { path: "registeredAt", before: null, after: at(0), kind: "added" },
    ]);
  });

  it("shows a rename as the name alone, bookkeeping left out", () => {
    const [, s1, s2] = statesOf(history(registered({ name: "Ada Lovelace" }), renamed("Ada King")));
    assert.deepEqual(diffStates(s1, s2), [{ path: "name", before: "Ada Lovelace", after: "Ada King", kind: "changed" }]);
  });

  it("flattens an address change into the parts that changed, added and removed", () => {
    const [, s1, s2] = statesOf(history(registered({ address: london }), addressUpdated(oslo, london)));
    assert.deepEqual(diffStates(s1, s2), [
      { path: "address.street", before: "1 Analytical Row", after: "Karl Johans gate 1", kind: "changed" },
      { path: "address.city", before: "London", after: "Oslo", kind: "changed" },
      { path: "address.region", before: "Greater London", after: null, kind: "removed" },
      { path: "address.country", before: null, after: "NO", kind: "added" },
    ]);
  });

  it("shows an archive as the status change plus the archive fields", () => {
    const [, s1, s2] = statesOf(history(registered(), archived("Moved abroad")));
    assert.deepEqual(diffStates(s1, s2), [
      { path: "status", before: "active", after: "archived", kind: "changed" },
      { path: "archivedAt", before: null, after: at(1), kind: "added" },
      { path: "archiveReason", before: null, after: "Moved abroad", kind: "added" },
    ]);
  });

  it("is empty between equal states", () => {
    const [, s1] = statesOf(history(registered()));
    assert.deepEqual(diffStates(s1, structuredClone(s1)), []);
  });
});

describe("flattenState", () => {
  it("leaves absent optional fields out instead of keeping empty values", () => {
    const [, s1] = statesOf(history(registered({ address: address({ street: "1 Road", city: "Bergen" }) })));
    const flat = flattenState(s1);
    assert.equal(flat["address.city"], "Bergen");
    assert.equal("address.region" in flat, false);
    assert.equal("archivedAt" in flat, false);
    assert.equal(flat.version, 1);
  });
});

