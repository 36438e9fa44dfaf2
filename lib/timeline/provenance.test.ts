import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { address, addressUpdated, archived, registered, renamed } from "@/lib/domain/customer/builders";
import { at } from "@/lib/testing/clock";
import { history } from "@/lib/testing/timeline-events";
import { foldTracked, historyOf } from "./provenance";

const london = address({ street: "1 Analytical Row", city: "London", region: "Greater London" });
const camden = address({ street: "1 Analytical Row", city: "Camden", region: "Greater London" });
const camdenNoRegion = address({ street: "1 Analytical Row", city: "Camden" });

describe("provenance", () => {
  const events = history(
    registered({ name: "Ada Lovelace", address: london }), // v1
    renamed("Ada King", "Ada Lovelace"), // v2
    addressUpdated(camden, london), // v3: only the city changes
    renamed("Ada Lovelace", "Ada King"), // v4: back to the first name
    addressUpdated(camdenNoRegion, camden), // v5: region removed
    archived("Moved abroad"), // v6
  );

  it("names the rename that set the current name, with its actor, time and command id", () => {
    const { provenance } = foldTracked(events.slice(0, 2));
    assert.deepEqual(provenance.name, {
      version: 2,
      type: "CustomerRenamed",
      timestamp: at(1),
      actor: "user-2",
      commandId: "cmd-2",
      eventId: events[1].id,
      kind: "changed",
    });
  });

  it("credits a name that returned to an earlier value to the event that brought it back", () => {
    const { provenance } = foldTracked(events.slice(0, 4));
    assert.equal(provenance.name?.version, 4);
  });

  it("credits each address part to the event that last changed it, not the last address event", () => {
    const { provenance } = foldTracked(events.slice(0, 3));
    assert.equal(provenance["address.city"]?.version, 3);
    assert.equal(provenance["address.city"]?.type, "CustomerAddressUpdated");
    assert.equal(provenance["address.street"]?.version, 1);
    assert.equal(provenance["address.street"]?.type, "CustomerRegistered");
    assert.equal(provenance["address.region"]?.version, 1);
  });

  it("records a removed field with the event that removed it", () => {
    const { provenance, state } = foldTracked(events.slice(0, 5));
    assert.equal(state.status === "active" && state.address.region, undefined);
    assert.deepEqual([provenance["address.region"]?.version, provenance["address.region"]?.kind], [5, "removed"]);
  });

  it("credits status, archivedAt and archiveReason to the archive, and id to the registration", () => {
    const { provenance } = foldTracked(events);
    for (const field of ["status", "archivedAt", "archiveReason"] as const) {
      assert.equal(provenance[field]?.version, 6, field);
      assert.equal(provenance[field]?.type, "CustomerArchived", field);
    }
    assert.equal(provenance.id?.version, 1);
    assert.equal(provenance.registeredAt?.version, 1);
    assert.equal(provenance.version?.version, 6);
  });

  it("has no entry for a field that never had a value", () => {
    const { provenance } = foldTracked(events.slice(0, 2));
    assert.equal(provenance["address.country"], undefined);
    assert.equal(provenance.archivedAt, undefined);
  });

  it("lists a field's full history, oldest first", () => {
    assert.deepEqual(
      historyOf("name", events).map((entry) => [entry.version, entry.kind, entry.before, entry.after]),
      [
        [1, "added", null, "Ada Lovelace"],
        [2, "changed", "Ada Lovelace", "Ada King"],
        [4, "changed", "Ada King", "Ada Lovelace"],
      ],
    );
    assert.deepEqual(
      historyOf("address.region", events).map((entry) => [entry.version, entry.kind]),
      [
        [1, "added"],
        [5, "removed"],
      ],
    );
    assert.deepEqual(
      historyOf("status", events).map((entry) => [entry.version, entry.after]),
      [
        [1, "active"],
        [6, "archived"],
      ],
    );
  });
});
